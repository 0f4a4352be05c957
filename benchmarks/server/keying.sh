#!/usr/bin/env bash
# Keyers keying paper returns on the staff pages, all at once, by census-bench's load client,
# server and client side by side on 127.0.0.1; then the audit log's overhead on a save, with
# and without, alternating rounds in one process. See BENCHMARKS.md, "Keying".
#
#   swift build -c release
#   benchmarks/server/keying.sh [keyers] [forms] [seconds] [people]
#
# A fresh store of [forms] households (8 shards, synchronous=FULL), [keyers] field staff
# accounts (census staff add, bcrypt cost 12), double keying off. Bounded by count and time.
#
# KEYING_STAGE=prepare makes the store and the accounts only (50 bcrypt hashes: a minute of CPU,
# not for a quiet window); KEYING_STAGE=run then serves and measures that store, without the
# keying-audit tail (run it on its own). Same arguments and WORK for both.
#
# KEYING_THINK=S: each keyer types for 0.5-1.5 S between the keying page and the save (census-bench
# keying --think); unset or 0, the keyers ask for the next page at once (a closed loop: capacity).
set -euo pipefail
keyers="${1:-50}" forms="${2:-3000}" seconds="${3:-60}" people="${4:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${WORK:-/tmp/census-keying-bench}"
port="${PORT:-18082}"
source "$root/benchmarks/server/serve.sh"
need bench
stage="${KEYING_STAGE:-all}"
case "$stage" in all|prepare|run) ;; *) echo "KEYING_STAGE is all, prepare or run, not $stage" >&2; exit 1 ;; esac

if [ "$stage" != run ]; then
  make_store "$forms"
  : > "$work/staff.csv"
  for k in $(seq -w 1 "$keyers"); do
    password="keyer$k-$(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
    echo "$password" | "$census" staff add --dir "$work/st" --name "keyer$k" --role field --password-stdin >/dev/null
    echo "keyer$k,$password" >> "$work/staff.csv"
  done
fi
if [ "$stage" = prepare ]; then echo "prepared $work: $forms households, $keyers field keyers"; exit 0; fi
[ -s "$work/staff.csv" ] || { echo "nothing prepared in $work: run with KEYING_STAGE=prepare first" >&2; exit 1; }
start_server
echo "load before: $(uptime)"
# The server's CPU over the whole client run (sign-ins included: 50 bcrypt checks, ~0.3 s each).
c0=$(server_cpu_ticks)
"$bench" keying --url "http://127.0.0.1:$port" --staff "$work/staff.csv" --letters "$work/st/letters.csv" \
  --keyers "$keyers" --forms "$forms" --seconds "$seconds" --people "$people" ${KEYING_THINK:+--think "$KEYING_THINK"}
c1=$(server_cpu_ticks)
echo "server CPU during the run: $(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f s", t / hz }')"
echo "load after: $(uptime)"
stop_server
[ "$stage" = run ] && exit 0
echo "load before keying-audit: $(uptime)"
(cd "$root" && "$bench" keying-audit --keyers "$keyers")
echo "load after: $(uptime)"
