#!/usr/bin/env bash
# Start-up time (exec → /readyz 200, broker up) and idle memory of every Klaxon process, 5 runs
# each, medians. Details: bench/e2e/startup.py.
#   bench/e2e/startup.sh [--runs 5] [--settle 3]
# Starts RabbitMQ and Redis if they are not up (never stops or restarts them), builds release.
# Raw outputs: var/bench-e2e/startup.json and startup-*.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
out=var/bench-e2e
mkdir -p "$out"
command -v redis-cli >/dev/null || { echo "startup: redis-cli is missing: bash scripts/install-deps.sh" >&2; exit 1; }
bash scripts/services.sh start >/dev/null
build_release startup "$out" klaxon-gateway klaxon-dedup klaxon-router klaxon-email klaxon-chat klaxon-escalator klaxon-shift klaxon-voice klaxonctl
run_driver "$out" python3 bench/e2e/startup.py --bin "$bin" --out "$out" "$@"
