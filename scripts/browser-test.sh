#!/usr/bin/env bash
# The incident page in a real browser: builds klaxon-gateway, klaxonctl and the test-only
# incident-testkit, starts RabbitMQ and Redis (scripts/services.sh), and runs Tests/browser with
# Debian's python3 (python3-selenium, python3-pytest): each test starts the gateway on loopback,
# seeds an incident, opens its signed link in headless Chromium (chromium-driver; --no-sandbox,
# since Chromium's sandbox refuses root), presses a button and checks the command on the
# escalation queue. Extra arguments go to pytest, e.g. scripts/browser-test.sh -k team
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
bash scripts/services.sh start >/dev/null

echo "browser-test: building (log: var/browser-build.log)"
if ! { swift build --product klaxon-gateway && swift build --product klaxonctl && swift build --product incident-testkit; } >var/browser-build.log 2>&1; then
  grep -vE 'prohibited flag' var/browser-build.log >&2
  echo "browser-test: build failed" >&2
  exit 1
fi
export KLAXON_BIN_DIR
KLAXON_BIN_DIR="$(swift build --show-bin-path)"
# Debian's python: another python3 may come first on PATH without Debian's Selenium.
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider Tests/browser "$@"
