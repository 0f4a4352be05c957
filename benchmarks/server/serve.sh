# Sourced by the server benchmarks (benchmarks/api/run.sh, benchmarks/server/{pages,journeys,keying}.sh):
# makes a fresh demo store in $work and serves it on 127.0.0.1:$port in the background.
#
#   need wrk|bench            stops with what to do when the load client is missing
#   make_store HOUSEHOLDS     compile the census form, a frame of HOUSEHOLDS, letters, 8 shards
#   start_server              census serve (release build), waits for /healthz; $server is its pid
#   stop_server               SIGTERM, waits (also run on exit)
#
# Needs $root (the package root), $work, $port; `swift build -c release` first. CENSUS names
# another build of `census` (an earlier commit's, for a side-by-side comparison); CENSUS_BENCH
# another census-bench.
census="${CENSUS:-$root/.build/release/census}"
bench="${CENSUS_BENCH:-$root/.build/release/census-bench}"
[ -x "$census" ] || { echo "build first: swift build -c release" >&2; exit 1; }

need() {
  case "$1" in
    wrk) command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; } ;;
    bench) [ -x "$bench" ] || { echo "build first: swift build -c release" >&2; exit 1; } ;;
  esac
}

make_store() {
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" &&
    "$census" compile "$root/questionnaires/census-household.census" -o census.json >/dev/null &&
    "$census" frame generate --households "$1" --seed 2021 --out st >/dev/null &&
    "$census" frame codes issue --dir st --letters st/letters.csv --dev-secret >/dev/null 2>&1 &&
    "$census" store init --dir st --shards 8 >/dev/null &&
    head -c 48 /dev/urandom | base64 > session.key)
}

start_server() {
  (cd "$work" && exec env CENSUS_SESSION_KEY_FILE=session.key "$census" serve --dir st --schema census.json --dev-secret \
    --host 127.0.0.1 --port "$port" --log-level warning) > "$work/serve.log" 2>&1 &
  server=$!
  trap stop_server EXIT
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1
}

stop_server() {
  [ -n "${server:-}" ] || return 0
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}
