#!/usr/bin/env bash
# Who is on call, and routing with it: builds bench-oncall in release and runs it.
#   bench/oncall/run.sh [--calls N] [--alerts N]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product bench-oncall >/dev/null
exec .build/release/bench-oncall "$@"
