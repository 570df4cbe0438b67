#!/usr/bin/env bash
# A slow channel (issue 16, "Overload"): klaxon-email (release build, default prefetch 200 and
# e-mail concurrency 4) behind an SMTP server that answers each message 2 s after its end of
# DATA, with 20,000 notifications waiting; its memory and the queue sampled every second for
# 60 s, then SIGTERM; then the same against a server that answers at once. Details:
# bench/slow-smtp/run.py.
#   bench/slow-smtp/run.sh [--count 20000] [--seconds 60] [--delay 2] [--only slow|fast]
# Starts RabbitMQ and Redis if they are not up (never restarts them), builds release, deletes
# its namespaces and Redis keys at the end. Raw outputs: var/bench-slow-smtp/. About 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=var/bench-slow-smtp
mkdir -p "$out"

bash scripts/services.sh start >/dev/null
echo "slow-smtp: building release (log: $out/build.log)"
: >"$out/build.log"
for product in klaxon-email bench-publisher; do
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
python3 bench/slow-smtp/run.py --bin "$bin" --out "$out" "$@" &
py=$!
wait "$py"
