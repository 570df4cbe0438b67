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
source bench/lib.sh
out=var/bench-slow-smtp
mkdir -p "$out"

bash scripts/services.sh start >/dev/null
build_release slow-smtp "$out" klaxon-email bench-publisher

run_driver "$out" python3 bench/slow-smtp/run.py --bin "$bin" --out "$out" "$@"
