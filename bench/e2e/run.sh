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
echo "e2e: building release (log: $out/build.log)"
: >"$out/build.log"
for product in klaxon-gateway klaxon-dedup klaxon-router klaxon-email klaxonctl; do
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
python3 bench/e2e/race.py --bin "$bin" --out "$out" "$@" &
py=$!
wait "$py"
