#!/usr/bin/env bash
# The aggregation benchmark (BENCHMARKS.md, section Aggregation), side by side in one run:
#   1. a store of N generated households in 8 shards, filled through the collection path
#      (`census store fill`), all but the last K planned versions;
#   2. the naive pipeline, both readings: every shard dumped with the sqlite3 shell's `.dump`
#      (the issue's words), and the stronger reading, only the stored bodies
#      (`SELECT body FROM response_version`), each piped through one gzip -6;
#   3. `census aggregate`, full run (peak RSS from /usr/bin/time);
#   4. the last K versions sent, then `census aggregate` again: the incremental run;
#   5. the export's NDJSON, decompressed and compressed again with gzip -6 (the size to beat).
# Every step prints its wall time, its CPU time (user + system, all threads and child
# processes) and the share of a core it got: on a shared machine the wall time depends on
# the load (printed before each step), the CPU time much less.
# Usage: benchmarks/aggregate.sh [N=1000000] [K=10000]   (release build in .build-bench)
#   FILLED=DIR: a store already filled by an earlier run's step 1 (`census store fill --dir DIR
#   --households N --seed 7`, all but K versions sent): used in place of step 1 (the filling
#   takes most of the time; step 4 sends the K versions into DIR, so it serves once).
#   FILL_CENSUS=BIN: the `census` that sends those K versions (default: CENSUS): the build that
#   filled DIR, when the generator or the form has changed since. AGGREGATE_ARGS: more options
#   of both `census aggregate` runs (e.g. `--tables FILE` for a store of an earlier form).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
K=${2:-10000}
WORK=${WORK:-/tmp/census-bench-aggregate}
CENSUS=${CENSUS:-.build-bench/release/census}
FILL_CENSUS=${FILL_CENSUS:-$CENSUS}
read -r -a AGGREGATE_ARGS <<< "${AGGREGATE_ARGS:-}"
[ -x "$CENSUS" ] || swift build -c release --scratch-path .build-bench --product census
rm -rf "$WORK"; mkdir -p "$WORK"
STORE=${FILLED:-$WORK/store} OUT=$WORK/out
load() { cut -d' ' -f1-3 /proc/loadavg; }
TIME_FORMAT="%e s wall, %U s user + %S s sys, %P of a core, %M KB peak RSS"

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GB  load: $(load)"
if [ -z "${FILLED:-}" ]; then
  "$CENSUS" store fill --dir "$STORE" --households "$N" --seed 7 --returns 0 --quiet > "$WORK/plan.txt"
  TOTAL=$(grep -o 'of [0-9,]* planned' "$WORK/plan.txt" | awk '{print $2}' | tr -d ,)
  echo "fill: $N households, $TOTAL planned versions; sending $((TOTAL - K)) now, $K later"
  /usr/bin/time -f "fill: $TIME_FORMAT" "$CENSUS" store fill --dir "$STORE" --returns $((TOTAL - K)) --quiet
else
  echo "fill: using $STORE, filled earlier ($(tr -d '\n' < "$STORE/fill.json"))"
fi
du -sh "$STORE/shards" | awk '{print "shards: " $1}'

echo "load before the naive pipeline (.dump): $(load)"
TIMEFORMAT="naive (sqlite3 shell .dump | gzip -6): %R s wall, %U s user + %S s sys"
time (for f in "$STORE"/shards/shard-*.sqlite; do sqlite3 "$f" .dump; done | gzip -6 > "$WORK/naive-dump.sql.gz")
echo "naive output (.dump): $(stat -c %s "$WORK/naive-dump.sql.gz") bytes"
echo "load before the naive pipeline (bodies only): $(load)"
TIMEFORMAT="naive (sqlite3 shell bodies | gzip -6): %R s wall, %U s user + %S s sys"
time (for f in "$STORE"/shards/shard-*.sqlite; do sqlite3 "$f" "SELECT body FROM response_version"; done | gzip -6 > "$WORK/naive.ndjson.gz")
echo "naive output (bodies only): $(stat -c %s "$WORK/naive.ndjson.gz") bytes"

echo "load before the full run: $(load)"
/usr/bin/time -f "full: $TIME_FORMAT" "$CENSUS" aggregate --dir "$STORE" --out "$OUT" ${AGGREGATE_ARGS[@]+"${AGGREGATE_ARGS[@]}"}

"$FILL_CENSUS" store fill --dir "$STORE" --returns "$K" --quiet
echo "load before the incremental run: $(load)"
/usr/bin/time -f "incremental after $K versions: $TIME_FORMAT" "$CENSUS" aggregate --dir "$STORE" --out "$OUT" ${AGGREGATE_ARGS[@]+"${AGGREGATE_ARGS[@]}"}

ours=$(cat "$OUT"/export/*/*.ndjson.gz | wc -c)
# One decompression: its bytes counted on the way into gzip -6.
regz=$(for f in "$OUT"/export/*/*.ndjson.gz; do zcat "$f"; done | tee >(wc -c > "$WORK/raw-bytes") | gzip -6 | wc -c)
for _ in $(seq 1 100); do [ -s "$WORK/raw-bytes" ] && break; sleep 0.1; done   # the counter may finish last
raw=$(cat "$WORK/raw-bytes")
csv=$(cat "$OUT"/export/*/*.csv.gz | wc -c)
echo "export NDJSON: $raw bytes raw, $ours compressed (ours), $regz with gzip -6 of the same NDJSON; CSV compressed $csv"
# Issue 12's size rule, said outright (also checked at test size by CompressedSizeTests).
if [ "$ours" -le "$regz" ]; then echo "size rule met: ours is $(( (regz - ours) * 1000 / regz ))/1000 smaller than gzip -6"
else echo "size rule MISSED: ours is $(( (ours - regz) * 1000 / regz ))/1000 larger than gzip -6"; fi
"$CENSUS" verify-export "$OUT"
echo "end: $(date -u +%H:%M:%SZ), load $(load)"
