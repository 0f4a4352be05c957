#!/usr/bin/env bash
# The aggregation benchmark (BENCHMARKS.md, section Aggregation), side by side in one run:
#   1. a store of N generated households in 8 shards, filled through the collection path
#      (`census store fill`), all but the last K planned versions;
#   2. the naive pipeline: every shard dumped with the sqlite3 shell, piped through gzip -6;
#   3. `census aggregate`, full run (peak RSS from /usr/bin/time -v);
#   4. the last K versions sent, then `census aggregate` again: the incremental run;
#   5. the export's NDJSON, decompressed and compressed again with gzip -6 (the size to beat).
# Usage: benchmarks/aggregate.sh [N=1000000] [K=10000]   (release build in .build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
K=${2:-10000}
WORK=${WORK:-/tmp/census-bench-aggregate}
CENSUS=${CENSUS:-.build-bench/release/census}
[ -x "$CENSUS" ] || swift build -c release --scratch-path .build-bench --product census
rm -rf "$WORK"; mkdir -p "$WORK"
STORE=$WORK/store OUT=$WORK/out

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GB  load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$CENSUS" store fill --dir "$STORE" --households "$N" --seed 7 --returns 0 --quiet > "$WORK/plan.txt"
TOTAL=$(grep -o 'of [0-9]* planned' "$WORK/plan.txt" | awk '{print $2}')
echo "fill: $N households, $TOTAL planned versions; sending $((TOTAL - K)) now, $K later"
/usr/bin/time -f "fill: %e s wall, %M KB peak RSS" "$CENSUS" store fill --dir "$STORE" --returns $((TOTAL - K)) --quiet
du -sh "$STORE/shards" | awk '{print "shards: " $1}'

echo "load before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
for f in "$STORE"/shards/shard-*.sqlite; do sqlite3 "$f" "SELECT body FROM response_version"; done | gzip -6 > "$WORK/naive.ndjson.gz"
end=$(date +%s.%N)
echo "naive (sqlite3 shell | gzip -6): $(echo "$end - $start" | bc) s, $(stat -c %s "$WORK/naive.ndjson.gz") bytes"

/usr/bin/time -f "full: %e s wall, %U s user, %M KB peak RSS" "$CENSUS" aggregate --dir "$STORE" --out "$OUT" --quiet

"$CENSUS" store fill --dir "$STORE" --returns "$K" --quiet
/usr/bin/time -f "incremental after $K versions: %e s wall, %U s user, %M KB peak RSS" "$CENSUS" aggregate --dir "$STORE" --out "$OUT"

ours=$(cat "$OUT"/export/*/*.ndjson.gz | wc -c)
regz=$(for f in "$OUT"/export/*/*.ndjson.gz; do zcat "$f"; done | gzip -6 | wc -c)
raw=$(for f in "$OUT"/export/*/*.ndjson.gz; do zcat "$f"; done | wc -c)
csv=$(cat "$OUT"/export/*/*.csv.gz | wc -c)
echo "export NDJSON: $raw bytes raw, $ours compressed (ours), $regz with gzip -6 of the same NDJSON; CSV compressed $csv"
"$CENSUS" verify-export "$OUT"
