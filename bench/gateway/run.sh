#!/usr/bin/env bash
# Gateway benchmark: wrk posts single-alert Alertmanager webhooks to a live klaxon-gateway
# (release build) with a live RabbitMQ on this machine; in the same run, bench-publisher
# measures the broker's ceiling with the same persistence, confirm mode, window and queue type.
#   bench/gateway/run.sh [--connections 64] [--duration 20] [--threads 2] [--messages 100000]
# Also measures the ceiling for N clients (bare publisher with N outstanding: each client has
# one request, so at most N messages, in flight) and samples the CPU of the gateway, RabbitMQ and
# wrk from /proc during the measured window.
# Prints the results and the ratios; the raw outputs stay in var/bench-gateway/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
connections=64 duration=20 wrk_threads=2 messages=100000 gw_threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --threads) wrk_threads=$2; shift 2 ;;
    --gateway-threads) gw_threads=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    *) echo "usage: $0 [--connections N] [--duration S] [--threads N] [--gateway-threads N] [--messages N]" >&2; exit 2 ;;
  esac
done
[ "$duration" -ge 5 ] || { echo "bench: --duration must be at least 5 (seconds): the CPU sample skips the first and last second" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: wrk is missing: bash scripts/install-deps.sh" >&2; exit 1; }
out="$root/var/bench-gateway"
mkdir -p "$out"

bash scripts/services.sh start >/dev/null
echo "bench: building release (log: var/bench-gateway/build.log)"
swift build -c release --product klaxon-gateway >"$out/build.log" 2>&1 && swift build -c release --product bench-publisher >>"$out/build.log" 2>&1 ||
  { grep -v 'prohibited flag' "$out/build.log" >&2; exit 1; }
bin=$(swift build -c release --show-bin-path)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
health=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token="bench-token-0123456789abcdef"
export BENCH_TOKEN=$token   # the config names it; bench-publisher reads the same file
ns_gw="bench-gw-$$" ns_bare="bench-bare-$$"
cat >"$out/klaxon.yaml" <<YAML
broker:
  url: amqp://guest:guest@127.0.0.1:${KLAXON_AMQP_PORT:-5672}/
  namespace: $ns_gw
  queue_type: quorum
  confirm_window: 512
  heartbeat_seconds: 0
gateway:
  listen: 127.0.0.1:$port
  threads: $gw_threads
  max_connections: 1024
integrations:
  - {name: bench-am, kind: alertmanager, token_env: BENCH_TOKEN}
YAML

cleanup() {
  [ -n "${gw:-}" ] && kill -0 "$gw" 2>/dev/null && { kill -TERM "$gw"; wait "$gw" 2>/dev/null || true; }
  for ns in "$ns_gw" "$ns_bare"; do "$bin/bench-publisher" --config "$out/klaxon.yaml" --delete-namespace "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT

# Two ceilings: the broker's best (512 outstanding), and the best for N clients (each client
# has one request, so at most N messages, in flight). A ceiling is the best a bare publisher
# does, so each is measured twice, alternating, and the higher rate kept: a run slowed by
# something else on the machine is not the ceiling.
bare() {  # bare OUTSTANDING ROUND
  echo "bench: bare publisher, $messages messages, $1 outstanding (round $2)"
  "$bin/bench-publisher" --config "$out/klaxon.yaml" --namespace "$ns_bare" --count "$messages" --outstanding "$1" | tee "$out/bare-$1-$2.json"
  "$bin/bench-publisher" --config "$out/klaxon.yaml" --delete-namespace "$ns_bare"
}
for round in 1 2; do bare 512 "$round"; bare "$connections" "$round"; done

BENCH_TOKEN=$token KLAXON_LOG_LEVEL=warning "$bin/klaxon-gateway" --config "$out/klaxon.yaml" --health-listen "127.0.0.1:$health" >"$out/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
metric() { curl -fsS "http://127.0.0.1:$port/metrics" | awk -v k="$1" 'index($0, k) == 1 { print $NF }'; }
accepted_key='klaxon_gateway_alerts_accepted_total{integration="bench-am",source="alertmanager"}'

echo "bench: gateway: wrk -t$wrk_threads -c$connections -d${duration}s (gateway threads: $gw_threads)"
# Warm-up (connections, JIT-free but caches and the queue's first segment).
KLAXON_BENCH_PATH="/integrations/alertmanager/$token" wrk -t"$wrk_threads" -c"$connections" -d3s -s bench/gateway/post-alert.lua "http://127.0.0.1:$port" >/dev/null
before=$(metric "$accepted_key")
# Broker confirms slower than 25 ms (the p99 goal), from the gateway's confirm-latency histogram.
slow_key='klaxon_publish_confirm_seconds_bucket{le="0.025"}' confirms_key='klaxon_publish_confirm_seconds_count'
confirms0="$(metric "$slow_key") $(metric "$confirms_key")"
KLAXON_BENCH_PATH="/integrations/alertmanager/$token" wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency -s bench/gateway/post-alert.lua "http://127.0.0.1:$port" | tee "$out/wrk.txt" &
wrk_job=$!
# CPU of each process over the measured window (utime + stime from /proc, in clock ticks).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
sleep 1
# The broker is the process listening on the AMQP port; wrk is the newest wrk (started above).
beam=$(ss -Hltnp "sport = :${KLAXON_AMQP_PORT:-5672}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2) load=$(pgrep -n -x wrk)
cpu0="$(ticks "$gw") $(ticks "$beam") $(ticks "$load") $(date +%s.%N)"
sleep $((duration - 2))
cpu1="$(ticks "$gw") $(ticks "$beam") $(ticks "$load") $(date +%s.%N)"
wait "$wrk_job"
after=$(metric "$accepted_key")
confirms1="$(metric "$slow_key") $(metric "$confirms_key")"
echo "$cpu0 $cpu1 $(getconf CLK_TCK)" >"$out/cpu.txt"
kill -0 "$gw" || { echo "bench: the gateway died" >&2; exit 1; }

python3 - "$out" "$before" "$after" "$connections" "$confirms0" "$confirms1" <<'PY'
import json, sys, re
out, before, after, clients = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
(fast0, all0), (fast1, all1) = ([float(x) for x in a.split()] for a in sys.argv[5:7])
confirms_over_25ms = ((all1 - all0) - (fast1 - fast0)) / max(1, all1 - all0)
best = lambda n: max((json.load(open(f"{out}/bare-{n}-{r}.json")) for r in (1, 2)), key=lambda b: b["rate"])
bare, inflight = best(512), best(clients)
wrk = json.loads(re.search(r"WRK_JSON (.*)", open(f"{out}/wrk.txt").read()).group(1))
rate = (after - before) / wrk["seconds"]
ratio = rate / bare["rate"]
# Share of one core and CPU microseconds per accepted alert, per process, over the window.
c = [float(x) for x in open(f"{out}/cpu.txt").read().split()]
hz, seconds = c[8], c[7] - c[3]
cpu = {name: {"core_pct": round(100 * (c[4 + i] - c[i]) / hz / seconds), "us_per_alert": round(1e6 * (c[4 + i] - c[i]) / hz / seconds / rate, 1)}
       for i, name in enumerate(["gateway", "rabbitmq", "wrk"])}
result = {"gateway_alerts_per_s": round(rate), "p50_ms": wrk["p50_ms"], "p99_ms": wrk["p99_ms"], "max_ms": wrk["max_ms"],
          "statuses": wrk["statuses"], "socket_errors": wrk["errors"], "bare_publisher_msgs_per_s": bare["rate"],
          "bare_publisher_same_inflight_msgs_per_s": inflight["rate"],
          "bare_runs": {n: [json.load(open(f"{out}/bare-{n}-{r}.json"))["rate"] for r in (1, 2)] for n in ("512", clients)},
          "ratio": round(ratio, 3), "ratio_to_same_inflight": round(rate / inflight["rate"], 3),
          "same_inflight_ceiling_ratio": round(inflight["rate"] / bare["rate"], 3), "cpu": cpu,
          "broker_confirms_over_25ms_pct": round(100 * confirms_over_25ms, 3),
          "goal_ratio_met": ratio >= 0.70, "goal_p99_met": wrk["p99_ms"] < 25}
json.dump(result, open(f"{out}/result.json", "w"))
print("bench: RESULT " + json.dumps(result))
PY
