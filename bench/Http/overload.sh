#!/usr/bin/env bash
# HTTP overload benchmark: the ingress's /work route (a fixed CPU cost per request, samples/Ingress/WorkHandler.cs)
# on one shard pinned to CPU 0, load from bench/Http/Overload (open loop, on CPU 1):
#   1. capacity: wrk closed loop on /work (-c32, S seconds) — the served rate with nothing shed;
#   2. unloaded: 0.8 x capacity for S seconds — the accepted p99 the overload is judged against;
#   3. overload: 10 x capacity for L seconds — goodput, accepted p50/p99, shed rate, the server's RSS over the run.
#
#   bench/Http/overload.sh [--cost MICROSECONDS] [--seconds S] [--long L] [--connections C] [--in-flight N]
#                          [--quantum Q] [--connection-weight W] [--handler-queue N]
#
# Defaults: 384 connections with one request in flight each (more than the handler queue's Normal share, 192, so
# the handler queue and the queueing delay can fill and shed), Tina:DispatchQuantum 8 and the connections' budget
# weight 32: a shard flushes its responses once per tick, so at the default quantum (256) one tick would run the
# 200 µs handler 256 times (51 ms) before any response left; at 8 a tick holds 1.6 ms of handler work while the
# connections keep 256 invocations per tick. --handler-queue sets Ingress:MaxHandlerQueue (default 256), which bounds
# the wait in the handler's queue (queue x cost).
#
# The load generator holds its connections for the whole run, as a load balancer's pool does, so the ingress runs
# with MaxRequestsPerConnection raised (at the default 1000 it closes each connection after 1000 answers, and a
# connection the generator lost would stop offering load).
#
# Targets (issue): goodput >= 0.9 x capacity and accepted p99 <= 2 x the unloaded p99, with flat memory.
set -euo pipefail
cd "$(dirname "$0")/../.."

COST=200
SECONDS_SHORT=20
SECONDS_LONG=60
CONNECTIONS=384
IN_FLIGHT=1
QUANTUM=8
WEIGHT=32
QUEUE=256
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cost) COST="$2"; shift 2 ;;
    --seconds) SECONDS_SHORT="$2"; shift 2 ;;
    --long) SECONDS_LONG="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --in-flight) IN_FLIGHT="$2"; shift 2 ;;
    --quantum) QUANTUM="$2"; shift 2 ;;
    --connection-weight) WEIGHT="$2"; shift 2 ;;
    --handler-queue) QUEUE="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option '$1'" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi

dotnet build -c Release -v q samples/Ingress >/dev/null
dotnet build -c Release -v q bench/Http/Overload >/dev/null
PORT=5091
taskset -c 0 dotnet samples/Ingress/bin/Release/net10.0/Ingress.dll --urls "http://127.0.0.1:$PORT" --Tina:ShardCount=1 \
  --Ingress:WorkMicroseconds="$COST" --Ingress:MaxRequestsPerConnection=100000000 \
  --Tina:DispatchQuantum="$QUANTUM" --Ingress:ConnectionBudgetWeight="$WEIGHT" \
  --Ingress:MaxConnectionsPerShard=8192 --Ingress:MaxConnectionsPerClient=8192 --Ingress:MaxHandlerQueue="$QUEUE" >/dev/null 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/plaintext" >/dev/null 2>&1 && break
  sleep 0.1
done

CAPACITY=$(taskset -c 1 wrk -t1 -c32 "-d${SECONDS_SHORT}s" "http://127.0.0.1:$PORT/work" | awk '/Requests\/sec/ { printf "%d", $2 }')
LOAD=(taskset -c 1 dotnet bench/Http/Overload/bin/Release/net10.0/Overload.dll --port "$PORT" --path /work
      --connections "$CONNECTIONS" --in-flight "$IN_FLIGHT" --pid "$SERVER_PID" --warmup 2)

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') · $(nproc) CPUs · load $(cut -d' ' -f1-3 /proc/loadavg) · /work costs ${COST} µs · capacity (wrk -t1 -c32 ${SECONDS_SHORT}s, closed loop) ${CAPACITY} req/s"
echo
echo "| run | target req/s | offered/s | goodput (200)/s | shed (503)/s | not sent (client window full)/s | other | accepted p50 ms | p99 ms | p99.9 ms | server RSS MiB, first → last 10 s | max RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
"${LOAD[@]}" --rate $((CAPACITY * 8 / 10)) --seconds "$SECONDS_SHORT" --label "0.8 x capacity"
"${LOAD[@]}" --rate $((CAPACITY * 10)) --seconds "$SECONDS_LONG" --label "10 x capacity"
echo
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E "^http.server.(Shed|Requests|HandlerCalls)" | grep -v " 0$" | sed 's/^/    /'
