#!/usr/bin/env bash
# Escalator timers: builds klaxon-escalator and bench-escalator in release and runs the bench,
# which starts the escalator as a child process on a fresh namespace, opens N incidents and
# measures how late their second step fires, with the escalator's memory and CPU.
#   bench/escalator/run.sh [--incidents 10000] [--wait 30] [--rate 1000]
# Needs RabbitMQ and Redis on 127.0.0.1 (started if not). Raw outputs: var/bench-escalator/.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=var/bench-escalator
mkdir -p "$out"
bash scripts/services.sh start >/dev/null
echo "bench: building release (log: $out/build.log)"
swift build -c release --product klaxon-escalator >"$out/build.log" 2>&1 && swift build -c release --product bench-escalator >>"$out/build.log" 2>&1 ||
  { grep -v 'prohibited flag' "$out/build.log" >&2; exit 1; }
bin=$(swift build -c release --show-bin-path)
exec "$bin/bench-escalator" --escalator "$bin/klaxon-escalator" --out "$out" "$@"
