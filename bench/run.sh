#!/usr/bin/env bash
# The benchmark in one command: installs what it needs, builds Vial and the targets, checks every
# target's answers, then measures (bench/harness/run.ts).
#   bench/run.sh [throughput|latency|startup|typecheck|soak|soak-demo|all|profile|own]  (default: throughput)
# Settings, all optional (see each harness file for more):
#   ROUNDS=3 DURATION=10s WARMUP=5s CONNECTIONS=64 TARGETS=vial,fastify WORKLOADS=json,body
#   LATENCY_ROUNDS=10 ROUTES=1000 STARTUP_RUNS=7 TYPECHECK_ROUTES=0,200,1000 SOAK_DURATION=300 SOAK_TARGETS=vial
#   SKIP_INSTALL=1 (reuse what is installed)
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$bench")"
cd "$bench"

if [ "${SKIP_INSTALL:-}" != 1 ]; then
  # wrk and Debian's packaged (older) FastAPI and Flask, run with /usr/bin/python3.
  debs="wrk python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-flask gunicorn"
  missing=$(for p in $debs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  fi
  # The current FastAPI and Flask, from the configured package index, in bench/.venv.
  if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
  .venv/bin/pip install -q --retries 0 --timeout 10 fastapi 'uvicorn[standard]' flask gunicorn
  if [ ! -d "$root/node_modules" ]; then (cd "$root" && npm ci --no-audit --no-fund); fi
  npm ci --no-audit --no-fund
fi

(cd "$root" && npm run -s build)  # Vial's dist/, which bench/node_modules/vial links to
rm -rf dist && npx tsc -p tsconfig.json

# Servers stop themselves when the harness ends; this trap covers a harness that dies hard.
pids="$bench/results/servers.pid"
stop_servers() {
  if [ -f "$pids" ]; then
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null || true; done <"$pids"
  fi
}
trap stop_servers EXIT INT TERM

# The harness runs beside wrk on core 1; each server is pinned to core 0 by the harness.
harness() { NODE_ENV=production taskset -c "${WRK_CPU:-1}" node "dist/harness/$1.js"; }
case "${1:-throughput}" in
  throughput) harness run ;;
  latency) harness latency ;;
  startup) harness startup ;;
  typecheck) harness typecheck ;;
  soak) harness soak ;;
  soak-demo) harness soak-demo ;;
  profile) harness profile ;;
  own) harness own ;;
  all) harness run && harness latency && harness startup && harness typecheck && harness soak ;;
  *) echo "usage: bench/run.sh [throughput|latency|startup|typecheck|soak|soak-demo|all|profile|own]" >&2; exit 2 ;;
esac
