#!/usr/bin/env bash
# Regenerates every plot, CSV and JSON summary behind docs/results.md with spectra-bench.
#
#   docs/regenerate-results.sh            # everything; the three CNN runs alone took 43-53 min each here
#   docs/regenerate-results.sh spd train-mlp-t10   # only the named runs
#   docs/regenerate-results.sh tuning              # the validation sweep of docs/tuning.md (~25 min)
#
# Each run writes into docs/results/<run>/ and saves the JSON line (the last stdout line) as
# docs/results/<run>/summary.json. Runs are sequential: timings are only comparable on a machine
# that is otherwise idle, with one OpenMP thread (the default here).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
JAVA_OPTS="${JAVA_OPTS:--Xmx8g}"

# JAR=/path/to/spectra-bench.jar uses a copy (with its lib/ beside it) and skips the build, so a
# rebuild of the tree cannot swap classes under a long run.
if [ -z "${JAR:-}" ]; then
  if [ ! -f optimizer-core/target/spectra-bench.jar ] || [ "${REBUILD:-1}" = 1 ]; then
    ./mvnw -B -q -pl optimizer-core -am package -DskipTests
  fi
  JAR=optimizer-core/target/spectra-bench.jar
fi

declare -A RUNS=(
  [fixed-point-full]="fixed-point-full --steps 1000"
  [fixed-point-kron]="fixed-point-kron --steps 5000"
  [spd]="spd --n 30 --steps 2000"
  [gradient-free]="gradient-free --dims 10 --iterations 1500"
  [step-cost]="step-cost --sizes 128,256,512,1024 --interval 10 --repeats 5"
  [train-mlp-t10]="train --models mlp --epochs 1 --train-size 12800 --test-size 2000 --state-dtypes float32 --interval 10 --schedule constant --interleave"
  [train-mlp-t2]="train --models mlp --epochs 1 --train-size 12800 --test-size 2000 --state-dtypes float32 --interval 2 --schedule constant --interleave"
  [train-mlp]="train --models mlp --epochs 3 --train-size 60000 --test-size 10000 --state-dtypes float32,bfloat16 --optimizers adamw,muon,kron-spectral"
  # The CNN runs are split per optimizer (43-53 min each on one core, measured at load 3-5) so they can
  # run side by side or on separate machines; the plots then have one line each, the table in results.md joins them.
  [train-cnn-kron-spectral]="train --models cnn --epochs 3 --train-size 60000 --test-size 10000 --state-dtypes float32 --optimizers kron-spectral"
  [train-cnn-muon]="train --models cnn --epochs 3 --train-size 60000 --test-size 10000 --state-dtypes float32 --optimizers muon"
  [train-cnn-adamw]="train --models cnn --epochs 3 --train-size 60000 --test-size 10000 --state-dtypes float32 --optimizers adamw"
)
ORDER=(step-cost train-mlp-t10 train-mlp-t2 fixed-point-full fixed-point-kron spd gradient-free train-mlp
  train-cnn-kron-spectral train-cnn-muon train-cnn-adamw)

# The validation sweep behind docs/tuning.md (run with the argument "tuning", or name single runs):
# kron-spectral's lr x beta2 on the MLP, scored on 10,000 examples held out of the training set (the
# test set is never read), the best settings over 3 epochs, and AdamW at two learning rates.
TUNE="train --models mlp --train-size 60000 --validation 10000 --state-dtypes float32 --schedule cosine"
TUNING=()
tune() { TUNING+=("tuning/$1"); RUNS[tuning/$1]="$TUNE $2"; }
for lr in 0.003 0.01 0.03; do
  for beta2 in 0.01 0.03 0.1 0.3; do
    tune "kron-lr$lr-beta2-$beta2" "--epochs 1 --optimizers kron-spectral --hp kron-spectral.lr=$lr --hp kron-spectral.beta2=$beta2"
  done
done
for beta2 in 0.03 0.1 0.3; do
  tune "kron-lr0.01-beta2-$beta2-3ep" "--epochs 3 --optimizers kron-spectral --hp kron-spectral.lr=0.01 --hp kron-spectral.beta2=$beta2"
done
for lr in 0.001 0.003; do
  tune "adamw-lr$lr" "--epochs 1 --optimizers adamw --hp adamw.lr=$lr"
done

selected=()
for arg in "$@"; do
  if [ "$arg" = tuning ]; then selected+=("${TUNING[@]}"); else selected+=("$arg"); fi
done
[ ${#selected[@]} -eq 0 ] && selected=("${ORDER[@]}")
for run in "${selected[@]}"; do
  args="${RUNS[$run]:-}"
  if [ -z "$args" ]; then
    echo "unknown run '$run' (known: ${ORDER[*]} tuning ${TUNING[*]})" >&2
    exit 2
  fi
  out="docs/results/$run"
  mkdir -p "$out"
  echo "[results] $run: spectra-bench $args --out $out" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" $args --out "$out" | tail -1 > "$out/summary.json"
done
