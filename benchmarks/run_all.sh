#!/usr/bin/env bash
# Run every benchmark once, each printing one JSON object, into OUT_DIR (default
# .bench/<commit>); starts a throwaway redis-server and a 3-master Redis Cluster on loopback
# for the ones that need Redis, and stops them afterwards.  Figures recorded in
# docs/benchmarks.md come from this script.
#
#   pip install -e '.[dev]' && benchmarks/run_all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
out=${1:-.bench/$commit}
mkdir -p "$out"
tmp=$(mktemp -d)
redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  scripts/redis-cluster stop "$tmp/cluster" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" \
  --daemonize no --loglevel warning >"$tmp/redis.log" 2>&1 &
redis_pid=$!
sleep 0.5
redis_url="redis://127.0.0.1:${port}/0"
cluster_url=$(scripts/redis-cluster start "$tmp/cluster")

run() {
  local name=$1
  shift
  echo "benchmarks: $name" >&2
  "$@" >"$out/$name.json"
}
run executor python benchmarks/executor.py --json
run cache python benchmarks/cache.py --json --redis-url "$redis_url"
run cache_multiprocess python benchmarks/cache_multiprocess.py --json --redis-url "$redis_url" \
  --cluster-url "$cluster_url"
run distributed python benchmarks/distributed.py --json --redis-url "$redis_url"
run ingest python benchmarks/ingest.py --json
run props python benchmarks/props.py --json
run online python benchmarks/online.py --json
run props_math python benchmarks/props_math.py --json
run fake_upstream_capacity python benchmarks/fake_upstream_capacity.py --json
run faults python benchmarks/faults.py --json
run frames python benchmarks/frames.py --json
run lookup python benchmarks/lookup.py --json
run simulate python benchmarks/simulate.py --json
run demo savantsdk demo --json
echo "benchmarks: results in $out (commit $commit)" >&2
