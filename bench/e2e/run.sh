#!/usr/bin/env bash
# The race against Alertmanager (issue 16): the same N distinct alerts through Klaxon (gateway →
# dedup → router → e-mail, release build) and Alertmanager 0.25 from Debian (grouping off), both
# to one SMTP sink on loopback, alternating, 3 rounds each. Details: bench/e2e/race.py.
#   bench/e2e/run.sh [--alerts 10000] [--rounds 3] [--batch 64] [--senders 4]
#                    [--only klaxon|alertmanager] [--perf [PROCESS]] [--chat [BUDGET]]
# Installs prometheus-alertmanager (and linux-perf with --perf) from Debian if missing, starts
# RabbitMQ and Redis if they are not up (never stops or restarts them), builds release.
# Raw outputs: var/bench-e2e/ (result.json, rounds/, logs). Takes about 3-5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
out=var/bench-e2e
mkdir -p "$out"

need=(prometheus-alertmanager redis-tools)
case " $* " in *" --perf"*) need+=(linux-perf) ;; esac
missing=()
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  # policy-rc.d may forbid starting services (containers); Debian's alertmanager service is not used.
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/services.sh start >/dev/null
build_release e2e "$out" klaxon-gateway klaxon-dedup klaxon-router klaxon-email klaxonctl

run_driver "$out" python3 bench/e2e/race.py --bin "$bin" --out "$out" "$@"
