#!/usr/bin/env bash
# Keyers and households at once on one server: 50 field keyers keying paper returns at a pace
# (census-bench keying --think) while wrk sends page requests with autosave (pages.lua) as fast
# as the server answers. On the event loops a keying page (~390 KB of HTML) is rendered on the
# loop that read its request, so it delays that loop's other connections: this measures how
# much, on both executors (CENSUS_EXECUTOR), against pages.sh and keying.sh run alone.
# See BENCHMARKS.md, "Collection server".
#
#   swift build -c release --product census; swift build -c release --product census-bench
#   WORK=DIR KEYING_STAGE=prepare benchmarks/server/keying.sh 50 12000 60 3   # once, outside a quiet window
#   WORK=DIR benchmarks/server/mixed.sh [keyers] [households] [seconds] [connections] [think]
#
# Serves the store keying.sh prepared in WORK (copy it first: the run writes to it). The keyers
# key the letters' first households; the page requests sign in [households] from the end of the
# letters file, so the two never touch one household. The keyers sign in (bcrypt, not timed),
# start, and after [think] s wrk runs for [seconds] s; the keyers stop [think] s after wrk.
# Bounded by count and time.
set -euo pipefail
keyers="${1:-50}" households="${2:-1000}" seconds="${3:-30}" connections="${4:-32}" think="${5:-5}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${WORK:?WORK names the store keying.sh prepared (KEYING_STAGE=prepare)}"
port="${PORT:-18082}"
source "$root/benchmarks/server/serve.sh"
need wrk
need bench
[ -s "$work/staff.csv" ] || { echo "nothing prepared in $work: run keying.sh with KEYING_STAGE=prepare first" >&2; exit 1; }

start_server
{ head -n 1 "$work/st/letters.csv"; tail -n "$households" "$work/st/letters.csv"; } > "$work/letters-pages.csv"
python3 "$root/benchmarks/server/prepare_pages.py" --letters "$work/letters-pages.csv" --url "http://127.0.0.1:$port" \
  --households "$households" > "$work/sessions.tsv"
echo "load before: $(uptime)"
keying_seconds=$(awk -v s="$seconds" -v t="$think" 'BEGIN { print s + 2 * t }')
"$bench" keying --url "http://127.0.0.1:$port" --staff "$work/staff.csv" --letters "$work/st/letters.csv" \
  --keyers "$keyers" --forms 100000 --seconds "$keying_seconds" --people 3 --think "$think" > "$work/keying.out" 2>&1 &
keying=$!
# The keyers' clock starts once all have signed in; wrk starts one pause later.
for _ in $(seq 1 600); do grep -q '^signed in:' "$work/keying.out" 2>/dev/null && break; kill -0 "$keying" 2>/dev/null || break; sleep 0.1; done
echo "keyers signed in: $(date -u +%T)"
sleep "$think"
echo "wrk starts: $(date -u +%T)"
run_load "$work/wrk.out" env SESSIONS="$work/sessions.tsv" THREADS=1 wrk -t1 -c"$connections" -d"${seconds}s" --latency \
  -s "$root/benchmarks/server/pages.lua" "http://127.0.0.1:$port"
wait "$keying" || { cat "$work/keying.out"; exit 1; }
echo "--- keyers (the same minutes):"
cat "$work/keying.out"
echo "load after, server side: $(uptime)"
