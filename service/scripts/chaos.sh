#!/usr/bin/env bash
# Fault drill for Spectra: an API+worker process and a second worker process against the local
# PostgreSQL (127.0.0.1:5432, a fresh database of their own), a batch of small jobs, and during the
# run: SIGKILL and restart of each process, and a PostgreSQL restart (pg_ctlcluster, root only).
# Afterwards every job must be SUCCEEDED with a complete loss history (each step 1..total exactly
# once, read through the REST API). Prints "N passed, M failed"; exit status 1 when M > 0.
#
#   service/scripts/chaos.sh [--jobs N] [--build] [--no-pg-restart] [--keep]
#
# Environment: SPECTRA_CHAOS_PG_USER (postgres), SPECTRA_CHAOS_PORT (18080), JAVA (java),
# SPECTRA_BOOTSTRAP_TOKEN (generated; sent as a bearer token and given to the processes).
set -euo pipefail

JOBS=10
BUILD=0
PG_RESTART=1
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) JOBS="$2"; shift 2 ;;
    --build) BUILD=1; shift ;;
    --no-pg-restart) PG_RESTART=0; shift ;;
    --keep) KEEP=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/service/target/spectra-service.jar"
JAVA="${JAVA:-java}"
PG_USER="${SPECTRA_CHAOS_PG_USER:-postgres}"
PORT="${SPECTRA_CHAOS_PORT:-18080}"
DB="spectra_chaos_$(date +%s)_$$"
WORK="$(mktemp -d /tmp/spectra-chaos.XXXXXX)"
export SPECTRA_BOOTSTRAP_TOKEN="${SPECTRA_BOOTSTRAP_TOKEN:-chaos-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
API="http://127.0.0.1:$PORT/api/v1"
START=$(date +%s)

log() { printf '[chaos %4ds] %s\n' "$(( $(date +%s) - START ))" "$*"; }
psql_admin() { psql -h 127.0.0.1 -U "$PG_USER" -d postgres -qAt -v ON_ERROR_STOP=1 -c "$1"; }
api() { curl -sS --max-time 10 -H "Authorization: Bearer $SPECTRA_BOOTSTRAP_TOKEN" "$@"; }

if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
  log "building $JAR"
  (cd "$ROOT" && ./mvnw -q -o -pl service -am package -DskipTests)
fi
psql_admin "CREATE DATABASE $DB" >/dev/null
log "database $DB, logs in $WORK"

declare -A PIDS
# Common settings: short heartbeats and leases so the drill takes minutes, a reaper every second,
# and a 5 s grace after an outage before leases are expired.
COMMON=(--spectra.db.url="jdbc:postgresql://127.0.0.1:5432/$DB" --spectra.db.user="$PG_USER"
        --spectra.db.connection-timeout=2s --spectra.worker.heartbeat-interval=1s
        --spectra.worker.lease-duration=4s --spectra.worker.retry-backoff=1s --spectra.worker.poll-interval=500ms
        --spectra.worker.shutdown-grace=10s --spectra.reaper.interval=1s --spectra.reaper.outage-grace=5s
        --spring.main.banner-mode=off)

start() { # name
  local name="$1" extra=()
  if [ "$name" = api ]; then
    extra=(--server.port="$PORT" --spectra.worker.name=chaos-api-worker)
  else
    extra=(--server.port=0 --spectra.api.enabled=false --spectra.worker.name=chaos-worker)
  fi
  "$JAVA" -Xmx768m -jar "$JAR" "${COMMON[@]}" "${extra[@]}" >>"$WORK/$name.log" 2>&1 &
  PIDS[$name]=$!
  log "started $name (pid ${PIDS[$name]})"
}

kill9() { # name
  local pid="${PIDS[$1]:-}"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    log "SIGKILLed $1 (pid $pid)"
  fi
  PIDS[$1]=""
}

cleanup() {
  for name in "${!PIDS[@]}"; do
    pid="${PIDS[$name]}"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ "$KEEP" = 0 ]; then
    psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 240); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q 200; then
      return 0
    fi
    sleep 0.5
  done
  log "API not ready after 120 s; see $WORK/api.log"
  return 1
}

start api
start worker
wait_ready
log "API ready"

# Small jobs with checkpoints: 400 examples / batch 10 = 40 steps an epoch.
IDS=()
for i in $(seq 1 "$JOBS"); do
  opt=adamw; [ $((i % 2)) = 0 ] && opt=kron-spectral
  epochs=$(( 10 + (i % 4) * 5 ))
  body=$(printf '{"name":"chaos-%d","model":{"type":"mlp","hiddenSizes":[16]},"dataset":{"name":"synthetic-blobs","trainSamples":400,"testSamples":100},"optimizer":{"type":"%s"},"training":{"epochs":%d,"batchSize":10,"seed":%d,"checkpointEverySteps":50},"maxRetries":10}' "$i" "$opt" "$epochs" "$i")
  id=$(api -X POST "$API/jobs" -H 'Content-Type: application/json' -H "Idempotency-Key: chaos-$i" -d "$body" | jq -r .id)
  IDS+=("$id")
done
log "submitted ${#IDS[@]} jobs"

states() { for id in "${IDS[@]}"; do api "$API/jobs/$id" 2>/dev/null | jq -r '.state // "UNKNOWN"'; done | sort | uniq -c | tr '\n' ' '; }
all_done() {
  for id in "${IDS[@]}"; do
    s=$(api "$API/jobs/$id" 2>/dev/null | jq -r '.state // "UNKNOWN"')
    case "$s" in SUCCEEDED|FAILED|CANCELLED) ;; *) return 1 ;; esac
  done
}

# The faults, spaced so each lands while jobs are running.
sleep 6;  log "states: $(states)"
kill9 worker; sleep 3; start worker
sleep 6;  log "states: $(states)"
if [ "$PG_RESTART" = 1 ] && [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
  cluster=$(pg_lsclusters -h | awk '$3 == 5432 {print $1, $2; exit}')
  log "restarting PostgreSQL ($cluster)"
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster restart
  log "PostgreSQL is back"
else
  log "skipping the PostgreSQL restart (needs root, pg_ctlcluster and a cluster on 5432, or --no-pg-restart was given)"
fi
sleep 6;  log "states: $(states)"
kill9 api; sleep 3; start api; wait_ready
log "states: $(states)"
sleep 5
kill9 worker; kill9 api; sleep 2; start api; start worker; wait_ready
log "states: $(states)"

deadline=$(( $(date +%s) + 600 ))
until all_done; do
  if [ "$(date +%s)" -gt "$deadline" ]; then log "jobs still not finished after 10 minutes"; break; fi
  sleep 2
done
log "final states: $(states)"

passed=0
failed=0
for id in "${IDS[@]}"; do
  job=$(api "$API/jobs/$id")
  state=$(jq -r .state <<<"$job")
  total=$(jq -r '.progress.totalSteps // 0' <<<"$job")
  # the whole loss history through the API, page by page
  steps="$WORK/$id.steps"
  : >"$steps"
  cursor=""
  while :; do
    page=$(api "$API/jobs/$id/metrics/loss?limit=1000${cursor:+&cursor=$cursor}")
    jq -r '.points[].step' <<<"$page" >>"$steps"
    cursor=$(jq -r '.nextCursor // empty' <<<"$page")
    [ -n "$cursor" ] || break
  done
  count=$(wc -l <"$steps")
  distinct=$(sort -n "$steps" | uniq | wc -l)
  expected=$(seq 1 "$total" | cmp -s - <(sort -n "$steps") && echo yes || echo no)
  attempts=$(jq -r .attempts <<<"$job")
  reasons=$(api "$API/jobs/$id/events?limit=100" | jq -r "[.items[].reason] | join(\",\")" 2>/dev/null || echo "?")
  if [ "$state" = SUCCEEDED ] && [ "$total" -gt 0 ] && [ "$count" = "$total" ] && [ "$distinct" = "$total" ] && [ "$expected" = yes ]; then
    passed=$((passed + 1))
    verdict=ok
  else
    failed=$((failed + 1))
    verdict=FAILED
  fi
  printf '%-6s %s %-9s steps %s/%s (distinct %s) attempts %s: %s\n' "$verdict" "$id" "$state" "$count" "$total" "$distinct" "$attempts" "$reasons"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
