#!/usr/bin/env bash
# Household journeys through the HTML pages, by census-bench's browser-like load client, server
# and client side by side on 127.0.0.1. See BENCHMARKS.md, "Collection server".
#
#   swift build -c release
#   benchmarks/server/journeys.sh [journeys] [seconds] [concurrency] [residents]
#
# A fresh store of as many households as journeys (8 shards, synchronous=FULL); each journey
# signs in with one household's letter code, answers every page for a household of
# [residents] people (default 3), checks answers and submits. Bounded by count and time.
set -euo pipefail
journeys="${1:-2000}" seconds="${2:-30}" concurrency="${3:-32}" residents="${4:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${WORK:-/tmp/census-journey-bench}"
port="${PORT:-18081}"
source "$root/benchmarks/server/serve.sh"
need bench

make_store "$journeys"
start_server
echo "load before: $(uptime)"
"$bench" journeys --url "http://127.0.0.1:$port" --schema "$work/census.json" --letters "$work/st/letters.csv" \
  --journeys "$journeys" --seconds "$seconds" --concurrency "$concurrency" --connections "$concurrency" \
  --residents "$residents" --server-pid "$server"
echo "load after: $(uptime)"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^census_(responses_stored_total|page_saves_total|shard_commit_batch_size_(sum|count))' | head -20
