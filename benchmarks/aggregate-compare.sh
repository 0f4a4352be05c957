#!/usr/bin/env bash
# Compares two `census aggregate` outputs (OUT_A OUT_B): every file of current/ but manifest.json and
# .state.json (they hold times); gzip files that differ are compared again decompressed.
# Usage: benchmarks/aggregate-compare.sh OUT_A OUT_B   (exit 1 when they differ)
a=$1/current; b=$2/current
fail=0; n=0
for f in $(cd -P "$a" && find . -type f ! -name manifest.json ! -name .state.json | sort); do
  n=$((n+1))
  if ! cmp -s "$a/$f" "$b/$f"; then
    case "$f" in
      *.gz) if [ "$(zcat "$a/$f" | sha256sum)" = "$(zcat "$b/$f" | sha256sum)" ]; then echo "same rows, other bytes: $f"; else echo "DIFFERENT rows: $f"; fail=1; fi ;;
      *) echo "DIFFERENT: $f"; fail=1 ;;
    esac
  fi
done
[ "$(cd -P "$a" && find . -type f | wc -l)" = "$(cd -P "$b" && find . -type f | wc -l)" ] || { echo "file counts differ"; fail=1; }
echo "compared $n files: $([ $fail = 0 ] && echo same || echo DIFFER)"
exit $fail
