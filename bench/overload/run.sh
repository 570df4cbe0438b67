#!/usr/bin/env bash
# Overload run (issue 16): one klaxon-gateway (release build) on the README's RabbitMQ, driven
# past its capacity by bench/overload/load.py (capacity closed loop, then 2x open loop, then
# 0.5x): what it answers, its memory over time, and whether every 202 is in the queue.
#   bench/overload/run.sh [load.py options: --batch 10 --factor 2 --seconds 45 --clients 64
#                          --max-connections 1500 --recovery 0.5 --recovery-seconds 20]
#   KLAXON_OVERLOAD_GATEWAY="max_pending_alerts: 10000" adds lines under gateway: (e.g. to
#   compare with the limit set very high).
# Takes about 2 minutes. Raw outputs: var/bench-overload/ (result.json, samples.csv, gateway.log).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
root=$(pwd)
out="$root/var/bench-overload"
mkdir -p "$out"

bash scripts/services.sh start >/dev/null
build_release overload "$out" klaxon-gateway bench-publisher

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
token="overload-token-0123456789abcdef"
ns="bench-overload-$$"
cat >"$out/klaxon.yaml" <<YAML
broker:
  url: amqp://guest:guest@127.0.0.1:${KLAXON_AMQP_PORT:-5672}/
  namespace: $ns
  queue_type: quorum
  heartbeat_seconds: 0
gateway:
  listen: 127.0.0.1:$port
  ${KLAXON_OVERLOAD_GATEWAY:-}
integrations:
  - {name: overload-am, kind: alertmanager, token_env: OVERLOAD_TOKEN}
YAML

cleanup() {
  if [ -n "${gw:-}" ] && kill -0 "$gw" 2>/dev/null; then kill -TERM "$gw"; wait "$gw" 2>/dev/null || true; fi
  OVERLOAD_TOKEN=$token "$bin/bench-publisher" --config "$out/klaxon.yaml" --delete-namespace "$ns" >/dev/null || echo "overload: could not delete the namespace $ns (scripts/services.sh clean does)" >&2
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

hport=$(free_port)
OVERLOAD_TOKEN=$token KLAXON_LOG_LEVEL=warning "$bin/klaxon-gateway" --config "$out/klaxon.yaml" --health-listen "127.0.0.1:$hport" \
  >"$out/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "overload: the gateway did not become ready" >&2; cat "$out/gateway.log" >&2; exit 1; }
echo "overload: gateway pid $gw on :$port; ingest queue $ns.alerts.ingest"
set +e
python3 bench/overload/load.py --port "$port" --metrics-port "$hport" --gateway-pid "$gw" --token "$token" \
  --queue "$ns.alerts.ingest" --out "$out" "$@" &
py=$!
wait "$py"
rc=$?
set -e
grep -c '"level":"warning"' "$out/gateway.log" | xargs -I{} echo "overload: gateway log: {} warning lines (var/bench-overload/gateway.log)"
exit "$rc"
