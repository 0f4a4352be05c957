#!/usr/bin/env bash
# The API submission benchmark: complete households POSTed to /api/v1/responses by wrk,
# server and load generator side by side on 127.0.0.1. See BENCHMARKS.md, "JSON API".
#
#   apt-get install wrk            # Debian's wrk 4.1.0
#   swift build -c release
#   benchmarks/api/run.sh [online|paper] [households] [seconds] [connections]
#
# online: each household signs in with its letter's code (POST /api/v1/auth) and submits its
# own online return (the evaluator must find it valid: 201, durable when acknowledged).
# paper: one ingest token submits paper returns for every household.
# The store (8 shards, synchronous=FULL) is made fresh in $WORK (default /tmp/census-api-bench).
set -euo pipefail
mode="${1:-online}" households="${2:-80000}" seconds="${3:-20}" connections="${4:-64}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${WORK:-/tmp/census-api-bench}"
port="${PORT:-18080}"
source "$root/benchmarks/server/serve.sh"
need wrk

make_store "$households"
cd "$work"
"$census" generate --schema census.json --households "$households" --seed 7 > households.ndjson
"$census" token create --dir st --name bench --role ingest > ingest.token 2>/dev/null
start_server

python3 "$root/benchmarks/api/prepare.py" --dir st --households households.ndjson --mode "$mode" \
  --url "http://127.0.0.1:$port" --token "$(cat ingest.token)" > requests.tsv
python3 - <<'PY'
import statistics
sizes = [len(l.split("\t", 1)[1]) for l in open("requests.tsv")]
print(f"bodies: {len(sizes)}, mean {statistics.mean(sizes):.0f} B, min {min(sizes)}, max {max(sizes)}, 3-6 KB: {sum(3000 <= s <= 6144 for s in sizes) / len(sizes):.0%}")
PY
echo "load before: $(uptime)"
run_load "$work/wrk.out" env REQUESTS=requests.tsv THREADS=1 RUN="$(date +%s)" wrk -t1 -c"$connections" -d"${seconds}s" --latency \
  -s "$root/benchmarks/api/submit.lua" "http://127.0.0.1:$port"
echo "load after: $(uptime)"
echo "server RSS: $(ps -o rss= -p $server) KB (peak $(sed -n "s/^VmHWM:[[:space:]]*//p" /proc/$server/status))"
curl -s "http://127.0.0.1:$port/metrics" > "$work/metrics.txt"
grep -E '^census_(responses_stored_total|shard_commit_batch_size_(sum|count))' "$work/metrics.txt" | head -20
python3 "$root/benchmarks/server/tails.py" /api/v1/responses < "$work/metrics.txt"
grep -h "event loop late" "$work/serve.log" | head -20 || true
