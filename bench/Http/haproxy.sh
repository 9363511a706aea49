#!/usr/bin/env bash
# Two ingress processes behind HAProxy on one machine: the shape of a deployment behind an L7 load balancer
# (design/scale-out.md), measured with wrk through the balancer. Prints req/s and p50/p99 latency, then which ingress
# processes answered.
#
#   bench/Http/haproxy.sh [--seconds S] [--connections C] [--shards N]
#
# HAProxy comes from the Debian package (installed when missing). Its configuration is generated into a temporary
# directory: round robin over 127.0.0.1:5091 and :5092, health-checked on GET /healthz (so a draining ingress leaves
# the rotation), HTTP keep-alive to the backends. Every process is stopped at the end (the ingresses by SIGTERM, so
# they drain). Not pinned: on a small machine the balancer, both ingresses and wrk share the cores, so the numbers
# show the path works and what it costs, not the ingress's ceiling (bench/Http/run.sh measures that).
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_RUN=10
CONNECTIONS=64
SHARDS=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --shards) SHARDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument '$1'" >&2; exit 2 ;;
  esac
done

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
for tool in haproxy wrk; do
  if ! command -v "$tool" >/dev/null; then
    echo "installing $tool (Debian package)" >&2
    as_root apt-get install -y -qq "$tool" >/dev/null
  fi
done

FRONT=5100
BACKENDS=(5091 5092)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -v q samples/Ingress >/dev/null
for port in "${BACKENDS[@]}"; do
  dotnet samples/Ingress/bin/Release/net10.0/Ingress.dll --urls "http://127.0.0.1:$port" "--Tina:ShardCount=$SHARDS" \
    --Tina:PinThreads=false >"$WORK/ingress-$port.log" 2>&1 &
  PIDS+=($!)
done

cat >"$WORK/haproxy.cfg" <<CFG
global
  maxconn 8192
  nbthread 1

defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive

frontend ingress_front
  bind 127.0.0.1:$FRONT
  default_backend ingress

backend ingress
  balance roundrobin
  option httpchk
  http-check send meth GET uri /healthz
  http-check expect status 200
  default-server check inter 1s fall 2 rise 1
  server ingress_a 127.0.0.1:${BACKENDS[0]}
  server ingress_b 127.0.0.1:${BACKENDS[1]}
CFG

for port in "${BACKENDS[@]}"; do
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "ingress on port $port did not come up:" >&2; cat "$WORK/ingress-$port.log" >&2; exit 1; }
done

haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$FRONT/plaintext" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -fs "http://127.0.0.1:$FRONT/plaintext" >/dev/null || { echo "haproxy did not answer:" >&2; cat "$WORK/haproxy.log" >&2; exit 1; }

to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'; }

wrk -t1 "-c$CONNECTIONS" -d2s "http://127.0.0.1:$FRONT/plaintext" >/dev/null # warm-up (JIT, tiering)
out=$(wrk -t1 "-c$CONNECTIONS" "-d${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$FRONT/plaintext")
rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
p50=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') · $(nproc) CPUs · load $(cut -d' ' -f1-3 /proc/loadavg) · haproxy $(haproxy -v | awk 'NR==1 {print $3}') → 2 ingress x $SHARDS shard · wrk -t1 -c$CONNECTIONS ${SECONDS_PER_RUN}s"
echo
echo "| path | req/s | p50 µs | p99 µs | errors |"
echo "|---|---:|---:|---:|---|"
echo "| haproxy → 2 ingress | $rps | $p50 | $p99 | ${errors:-} |"
echo
# Fresh connections through the balancer: round robin sends them to both processes.
answered=$(for _ in $(seq 1 10); do curl -fs -H 'Connection: close' "http://127.0.0.1:$FRONT/whoami"; done | sort -u | tr '\n' ' ')
echo "ingress processes that answered /whoami through haproxy: $answered(started: ${PIDS[0]} ${PIDS[1]})"
