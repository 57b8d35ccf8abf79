#!/usr/bin/env bash
# Regenerates every plot, CSV and JSON summary behind docs/results.md with spectra-bench.
#
#   docs/regenerate-results.sh            # everything (about an hour on 2 quiet cores)
#   docs/regenerate-results.sh spd train-mlp-t10   # only the named runs
#
# Each run writes into docs/results/<run>/ and saves the JSON line (the last stdout line) as
# docs/results/<run>/summary.json. Runs are sequential: timings are only comparable on a machine
# that is otherwise idle, with one OpenMP thread (the default here).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
JAVA_OPTS="${JAVA_OPTS:--Xmx8g}"

if [ ! -f optimizer-core/target/spectra-bench.jar ] || [ "${REBUILD:-1}" = 1 ]; then
  ./mvnw -B -q -pl optimizer-core -am package -DskipTests
fi
JAR=optimizer-core/target/spectra-bench.jar

declare -A RUNS=(
  [fixed-point-full]="fixed-point-full --steps 1000"
  [fixed-point-kron]="fixed-point-kron --steps 5000"
  [spd]="spd --n 30 --steps 2000"
  [gradient-free]="gradient-free --dims 10 --iterations 1500"
  [step-cost]="step-cost --sizes 128,256,512,1024 --interval 10 --repeats 5"
  [train-mlp-t10]="train --models mlp --epochs 1 --train-size 12800 --test-size 2000 --state-dtypes float32 --interval 10 --schedule constant --interleave"
  [train-mlp-t2]="train --models mlp --epochs 1 --train-size 12800 --test-size 2000 --state-dtypes float32 --interval 2 --schedule constant --interleave"
  [train-mlp]="train --models mlp --epochs 1 --train-size 60000 --test-size 10000 --state-dtypes float32,bfloat16 --optimizers adamw,muon,kron-spectral"
  [train-cnn]="train --models cnn --epochs 1 --train-size 6000 --test-size 2000 --state-dtypes float32 --optimizers adamw,muon,kron-spectral"
  [train-mlp-lr]="train --models mlp --epochs 1 --train-size 12800 --test-size 2000 --state-dtypes float32 --optimizers adamw,kron-spectral --interval 10 --schedule constant --hp adamw.lr=0.003 --hp kron-spectral.lr=0.003"
)
ORDER=(step-cost train-mlp-t10 train-mlp-t2 fixed-point-full fixed-point-kron spd gradient-free train-mlp-lr train-mlp train-cnn)

selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${ORDER[@]}")
for run in "${selected[@]}"; do
  args="${RUNS[$run]:-}"
  if [ -z "$args" ]; then
    echo "unknown run '$run' (known: ${ORDER[*]})" >&2
    exit 2
  fi
  out="docs/results/$run"
  mkdir -p "$out"
  echo "[results] $run: spectra-bench $args --out $out" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" $args --out "$out" | tail -1 > "$out/summary.json"
done
