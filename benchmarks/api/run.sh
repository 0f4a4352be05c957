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
census="$root/.build/release/census"
work="${WORK:-/tmp/census-api-bench}"
port="${PORT:-18080}"
[ -x "$census" ] || { echo "build first: swift build -c release" >&2; exit 1; }
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cd "$work"
"$census" compile "$root/questionnaires/census-household.census" -o census.json >/dev/null
"$census" frame generate --households "$households" --seed 2021 --out st >/dev/null
"$census" frame codes issue --dir st --letters st/letters.csv --dev-secret >/dev/null 2>&1
"$census" store init --dir st --shards 8 >/dev/null
"$census" generate --schema census.json --households "$households" --seed 7 > households.ndjson
"$census" token create --dir st --name bench --role ingest > ingest.token 2>/dev/null
head -c 48 /dev/urandom | base64 > session.key

CENSUS_SESSION_KEY_FILE=session.key "$census" serve --dir st --schema census.json --dev-secret \
  --port "$port" --log-level warning > serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

python3 "$root/benchmarks/api/prepare.py" --dir st --households households.ndjson --mode "$mode" \
  --url "http://127.0.0.1:$port" --token "$(cat ingest.token)" > requests.tsv
python3 - <<'PY'
import statistics
sizes = [len(l.split("\t", 1)[1]) for l in open("requests.tsv")]
print(f"bodies: {len(sizes)}, mean {statistics.mean(sizes):.0f} B, min {min(sizes)}, max {max(sizes)}, 3-6 KB: {sum(3000 <= s <= 6144 for s in sizes) / len(sizes):.0%}")
PY
echo "load before: $(uptime)"
REQUESTS=requests.tsv THREADS=1 RUN="$(date +%s)" wrk -t1 -c"$connections" -d"${seconds}s" --latency \
  -s "$root/benchmarks/api/submit.lua" "http://127.0.0.1:$port"
echo "load after: $(uptime)"
echo "server RSS: $(ps -o rss= -p $server) KB"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^census_(responses_stored_total|shard_commit_batch_size_(sum|count))' | head -20
