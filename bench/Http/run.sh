#!/usr/bin/env bash
# HTTP plaintext benchmark: wrk against /plaintext of each named server, pinned the same way for every server
# (server on CPU 0, wrk with one thread on CPU 1), plain and pipelined-16, reporting req/s, p50/p99 latency and
# server CPU per request (user+system time of the server process over the run, divided by requests served).
#
#   bench/Http/run.sh [--seconds S] [--runs N] [--connections C] [--depth D] SERVER...
#
# SERVER is `kestrel` (bench/Http/KestrelPlaintext, minimal API, defaults), `ingress` (samples/Ingress, one shard,
# /plaintext from a handler isolate), `c-epoll` (bench/Http/c/epoll_plaintext.c: one thread, epoll, a fixed response per
# "\r\n\r\n", the floor) or `cmd:PORT:COMMAND` for any other server listening on PORT. wrk comes from
# the Debian package; the script installs it when it is missing. Results go to stdout as a Markdown table; paste the
# run into bench/RESULTS.md with the date and machine. bench/Http/haproxy.sh runs two ingresses behind HAProxy.
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_RUN=10
RUNS=3
CONNECTIONS=64
DEPTH=16
SERVERS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --depth) DEPTH="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) SERVERS+=("$1"); shift ;;
  esac
done
[[ ${#SERVERS[@]} -gt 0 ]] || SERVERS=(kestrel)

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_server() { # name -> sets SERVER_PID, PORT
  local name="$1"
  case "$name" in
    kestrel)
      dotnet build -c Release -v q bench/Http/KestrelPlaintext >/dev/null
      PORT=5080
      taskset -c 0 dotnet bench/Http/KestrelPlaintext/bin/Release/net10.0/KestrelPlaintext.dll --urls "http://127.0.0.1:$PORT" >/dev/null 2>&1 &
      SERVER_PID=$! ;;
    ingress)
      dotnet build -c Release -v q samples/Ingress >/dev/null
      PORT=5090
      taskset -c 0 dotnet samples/Ingress/bin/Release/net10.0/Ingress.dll --urls "http://127.0.0.1:$PORT" --Tina:ShardCount=1 >/dev/null 2>&1 &
      SERVER_PID=$! ;;
    c-epoll)
      local bin="${TMPDIR:-/tmp}/tina-epoll-plaintext"
      cc -O2 -Wall -o "$bin" bench/Http/c/epoll_plaintext.c
      PORT=5070
      taskset -c 0 "$bin" "$PORT" >/dev/null 2>&1 &
      SERVER_PID=$! ;;
    cmd:*)
      local rest="${name#cmd:}"
      PORT="${rest%%:*}"
      taskset -c 0 bash -c "exec ${rest#*:}" >/dev/null 2>&1 &
      SERVER_PID=$! ;;
    *) echo "unknown server '$name'" >&2; exit 2 ;;
  esac
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$PORT/plaintext" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "server '$name' did not answer on port $PORT" >&2; kill "$SERVER_PID" 2>/dev/null || true; exit 1
}

# wrk's latency lines read like "50%  1.23ms"; normalise to microseconds.
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'; }

run_one() { # mode(plain|pipelined) -> prints "req/s p50 p99 cpu_us_per_req"
  local mode="$1" out before after
  local args=(-t1 "-c$CONNECTIONS" "-d${SECONDS_PER_RUN}s" --latency)
  [[ "$mode" == pipelined ]] && args+=(-s bench/Http/pipeline.lua)
  before=$(cpu_ticks "$SERVER_PID")
  if [[ "$mode" == pipelined ]]; then
    out=$(taskset -c 1 wrk "${args[@]}" "http://127.0.0.1:$PORT/plaintext" -- /plaintext "$DEPTH")
  else
    out=$(taskset -c 1 wrk "${args[@]}" "http://127.0.0.1:$PORT/plaintext")
  fi
  after=$(cpu_ticks "$SERVER_PID")
  local rps reqs p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  # wrk counts a pipelined batch's responses one by one, so reqs is responses in both modes.
  local cpu_us
  cpu_us=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
  echo "$rps $p50 $p99 $cpu_us ${errors:-}"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') · $(nproc) CPUs · load $(cut -d' ' -f1-3 /proc/loadavg) · wrk -t1 -c$CONNECTIONS ${SECONDS_PER_RUN}s x $RUNS, pipelined depth $DEPTH"
echo
echo "| server | mode | run | req/s | p50 µs | p99 µs | server CPU µs/req | errors |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
for s in "${SERVERS[@]}"; do
  start_server "$s"
  taskset -c 1 wrk -t1 "-c$CONNECTIONS" -d2s "http://127.0.0.1:$PORT/plaintext" >/dev/null # warm-up (JIT, tiering)
  for mode in plain pipelined; do
    for r in $(seq 1 "$RUNS"); do
      read -r rps p50 p99 cpu errs <<<"$(run_one "$mode")"
      echo "| $s | $mode | $r | $rps | $p50 | $p99 | $cpu | ${errs:-} |"
    done
  done
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
done
