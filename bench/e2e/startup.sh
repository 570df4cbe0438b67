#!/usr/bin/env bash
# Start-up time (exec → /readyz 200, broker up) and idle memory of every Klaxon process, 5 runs
# each, medians. Details: bench/e2e/startup.py.
#   bench/e2e/startup.sh [--runs 5] [--settle 3]
# Starts RabbitMQ and Redis if they are not up (never stops or restarts them), builds release.
# Raw outputs: var/bench-e2e/startup.json and startup-*.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=var/bench-e2e
mkdir -p "$out"
command -v redis-cli >/dev/null || { echo "startup: redis-cli is missing: bash scripts/install-deps.sh" >&2; exit 1; }
bash scripts/services.sh start >/dev/null
echo "startup: building release (log: $out/build.log)"
: >"$out/build.log"
for product in klaxon-gateway klaxon-dedup klaxon-router klaxon-email klaxon-chat klaxon-escalator klaxon-shift klaxon-voice klaxonctl; do
  swift build -c release --product "$product" >>"$out/build.log" 2>&1 || { grep -v 'prohibited flag' "$out/build.log" >&2; exit 1; }
done
bin=$(swift build -c release --show-bin-path)
# The driver stops its children itself (on exit, SIGTERM, SIGINT, SIGHUP). The trap passes a
# signal on to it, and kills whatever it left if it was killed outright (its pids are in $out/pids).
cleanup() {
  if [ -n "${py:-}" ] && kill -0 "$py" 2>/dev/null; then kill -TERM "$py" 2>/dev/null || true; wait "$py" 2>/dev/null || true; fi
  [ -f "$out/pids" ] || return 0
  while read -r pid; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true; done <"$out/pids"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
python3 bench/e2e/startup.py --bin "$bin" --out "$out" "$@" &
py=$!
wait "$py"
