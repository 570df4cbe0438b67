#!/usr/bin/env bash
# Installs, from Debian's packages, everything Klaxon needs to build, run and test:
# the C libraries it links, the servers it talks to on loopback, and the test tools.
# Idempotent: a second run installs nothing new. Needs root (or sudo).
set -euo pipefail

packages=(
  # C libraries reached through SwiftPM system library targets
  pkg-config librabbitmq-dev libhiredis-dev libcurl4-openssl-dev libmicrohttpd-dev
  libssl-dev libyaml-dev libical-dev
  # servers for the local fleet and the integration tests
  rabbitmq-server redis-server redis-tools python3-aiosmtpd
  # tools the scripts and tests use
  curl netcat-openbsd procps psmisc python3-venv iproute2
  # self-signed certificates for the SMTP TLS tests
  openssl
  # gateway benchmark load generator (bench/gateway/run.sh)
  wrk
  # the incident page in a real browser (scripts/browser-test.sh): headless Chromium driven by
  # Selenium through chromedriver, with Debian's pytest
  chromium chromium-driver python3-selenium python3-pytest
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  # policy-rc.d may forbid starting services inside containers; we start them ourselves.
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for pc in librabbitmq hiredis libcurl libmicrohttpd libcrypto yaml-0.1 libical; do
  pkg-config --exists "$pc" || { echo "install-deps: pkg-config cannot find $pc" >&2; exit 1; }
done
echo "install-deps: ok"
