# Sourced by the server benchmarks (benchmarks/api/run.sh, benchmarks/server/{pages,journeys,keying}.sh):
# makes a fresh demo store in $work and serves it on 127.0.0.1:$port in the background.
#
#   need wrk|bench            stops with what to do when the load client is missing
#   make_store HOUSEHOLDS     compile the census form, a frame of HOUSEHOLDS, letters, 8 shards
#   start_server              census serve (release build), waits for /healthz; $server is its pid
#   stop_server               SIGTERM, waits (also run on exit)
#   run_load OUT CMD...       runs a load client, then prints the server's CPU per request
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

# The server's CPU time so far, in clock ticks (user + system, /proc/PID/stat fields 14 and 15).
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }

# run_load OUT CMD...: runs the load client CMD (its output to the terminal and to OUT), then
# says what the server's CPU did during it: CPU seconds, cores busy, and requests per server
# CPU-second (wrk's "N requests in" line), the figure load on a shared machine moves least;
# and the load client's own CPU (from /usr/bin/time when present). PERF_OUT=FILE also
# records a perf profile of the server during the load.
run_load() {
  local out="$1"; shift
  local t0 c0 t1 c1 timer=()
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "load client CPU: %U s user, %S s system" -a -o "$out.time")
  rm -f "$out.time"
  # PERF_OUT=FILE: also profile the server during the load (perf record -g, 499 Hz).
  local perf=""
  if [ -n "${PERF_OUT:-}" ]; then perf record -F 499 -g -p "$server" -o "$PERF_OUT" >/dev/null 2>&1 & perf=$!; sleep 0.5; fi
  t0=$(date +%s.%N) c0=$(server_cpu_ticks)
  "${timer[@]}" "$@" | tee "$out"
  t1=$(date +%s.%N) c1=$(server_cpu_ticks)
  if [ -n "$perf" ]; then kill -INT "$perf"; wait "$perf" || true; fi
  [ -f "$out.time" ] && cat "$out.time"
  local ticks; ticks=$(getconf CLK_TCK)
  awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$ticks" '
    / requests in / { n = $1 }
    END {
      cpu = (c1 - c0) / hz; wall = t1 - t0
      printf "server CPU: %.2f s in %.2f s (%.2f cores)", cpu, wall, cpu / wall
      if (n > 0 && cpu > 0) printf "; %d requests, %.0f per server CPU-second, %.0f us of server CPU each", n, n / cpu, cpu / n * 1e6
      printf "\n"
    }' "$out"
}

stop_server() {
  [ -n "${server:-}" ] || return 0
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}
