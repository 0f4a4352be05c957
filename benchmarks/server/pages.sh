#!/usr/bin/env bash
# Page requests with autosave, by wrk: a signed-in household answers a page (POST, a durable
# page save, 303) and gets the next one (GET, 200), server and wrk side by side on 127.0.0.1.
# See BENCHMARKS.md, "Collection server". The load client is wrk (C, one thread), so nearly
# all the CPU left is the server's; journeys.sh measures whole journeys with a browser-like client.
#
#   apt-get install wrk            # Debian's wrk 4.1.0
#   swift build -c release
#   benchmarks/server/pages.sh [households] [seconds] [connections]
#
# A fresh store (8 shards, synchronous=FULL) of [households] households, each signed in first
# (prepare_pages.py); then wrk for [seconds] with [connections] connections. Bounded.
set -euo pipefail
households="${1:-2000}" seconds="${2:-20}" connections="${3:-32}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${WORK:-/tmp/census-pages-bench}"
port="${PORT:-18082}"
source "$root/benchmarks/server/serve.sh"
need wrk

make_store "$households"
start_server
python3 "$root/benchmarks/server/prepare_pages.py" --letters "$work/st/letters.csv" --url "http://127.0.0.1:$port" \
  --households "$households" > "$work/sessions.tsv"
echo "load before: $(uptime)"
run_load "$work/wrk.out" env SESSIONS="$work/sessions.tsv" THREADS=1 wrk -t1 -c"$connections" -d"${seconds}s" --latency \
  -s "$root/benchmarks/server/pages.lua" "http://127.0.0.1:$port"
echo "load after: $(uptime)"
echo "server RSS: $(ps -o rss= -p $server) KB (peak $(sed -n "s/^VmHWM:[[:space:]]*//p" /proc/$server/status))"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^census_(page_saves_total|shard_commit_batch_size_(sum|count))' | head -20
