#!/usr/bin/env bash
# The whole test suite, from a clean clone on a fresh Debian 12 machine (as root):
#   installs what it needs from Debian's packages, starts RabbitMQ and Redis on 127.0.0.1,
#   checks the formatting (swift format lint), builds every executable, runs the Swift tests
#   (unit and integration against the real servers), a short chaos run of the whole fleet
#   (bench/chaos/run.sh --short, on RabbitMQ and Redis servers of its own), the incident page in a real browser
#   (headless Chromium via Selenium), schemathesis against a live gateway, and the deployment
#   checks (Helm chart, Compose file).
# Tests that need a server fail, never skip, when it is not reachable.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/samples ]; then
  echo "test: ../shared (samples, specs, schemas) must sit beside this repository" >&2
  exit 1
fi

bash scripts/install-deps.sh
bash scripts/services.sh start

mkdir -p var
# The toolchain's formatter, with the repository's .swift-format: a finding fails the run
# (fix it with: swift format -i -r Sources Tests).
echo "test: swift format lint"
if ! swift format lint --strict -r Sources Tests; then
  echo "test: swift format lint found problems (swift format -i -r Sources Tests fixes most)" >&2
  exit 1
fi

echo "test: building"
if ! swift build >var/swift-build.log 2>&1; then
  grep -vE 'prohibited flag' var/swift-build.log >&2
  echo "test: build failed" >&2
  exit 1
fi

echo "test: swift test (full log: var/swift-test.log)"
set +e
swift test 2>&1 | tee var/swift-test.log | grep --line-buffered -vE 'prohibited flag|^\[[0-9]+/[0-9]+\]|^Test Case .*(started|passed)'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "test: swift test failed (exit $status)" >&2
  exit "$status"
fi

echo "test: chaos (bench/chaos --short: 3,000 alerts for 60 s while workers are killed, RabbitMQ and Redis restarted and every process restarted in turn; on private servers; fails on a lost alert)"
bash bench/chaos/run.sh --short

echo "test: the incident page in a real browser (headless Chromium, Selenium)"
bash scripts/browser-test.sh

echo "test: schemathesis against a live gateway (docs/openapi.json)"
bash scripts/schemathesis.sh

echo "test: deployment checks"
bash scripts/check-deploy.sh
echo "test: all passed"
