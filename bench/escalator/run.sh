#!/usr/bin/env bash
# Escalator timers: builds klaxon-escalator and bench-escalator in release and runs the bench,
# which starts the escalator as a child process on a fresh namespace, opens N incidents and
# measures how late their second step fires, with the escalator's memory and CPU (and the CPU
# of Redis and RabbitMQ over the same window).
#   bench/escalator/run.sh [--incidents 10000] [--wait 30] [--rate 1000]
# Needs RabbitMQ and Redis on 127.0.0.1 (started if not). Raw outputs: var/bench-escalator/
# (result.json, samples.csv: RSS, private memory and CPU every second, escalator.log).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=var/bench-escalator
mkdir -p "$out"
bash scripts/services.sh start >/dev/null
echo "bench: building release (log: $out/build.log)"
swift build -c release --product klaxon-escalator >"$out/build.log" 2>&1 && swift build -c release --product bench-escalator >>"$out/build.log" 2>&1 ||
  { grep -v 'prohibited flag' "$out/build.log" >&2; exit 1; }
bin=$(swift build -c release --show-bin-path)
# RabbitMQ is the process listening on the AMQP port (its CPU is reported beside the escalator's).
beam=$(ss -Hltnp "sport = :${KLAXON_AMQP_PORT:-5672}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
exec "$bin/bench-escalator" --escalator "$bin/klaxon-escalator" --out "$out" ${beam:+--broker-pid "$beam"} "$@"
