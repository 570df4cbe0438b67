#!/usr/bin/env bash
# Chaos run (issue 16): the whole fleet on private RabbitMQ and Redis servers, alerts posted
# while workers are SIGKILLed, RabbitMQ and Redis restarted and every process restarted in turn;
# then every alert that got a 202 is accounted for (bench/chaos/chaos.py says how).
#   bench/chaos/run.sh [--release] [--short | --long] [chaos.py options: --alerts N --seconds S
#                      --kill-every S --page-every N --seed N --drain-timeout S --keep-mail]
#   --short: 3,000 alerts over 60 s (scripts/test.sh runs this); --long: 100,000 over 900 s.
# Exit 0: nothing lost, no duplicate from a clean shutdown or without explanation, drained.
# Needs Debian's rabbitmq-server and redis-server (scripts/install-deps.sh); never touches the
# shared servers of scripts/services.sh. Outputs: var/chaos/<run>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
config=debug preset=()
args=()
for a in "$@"; do
  case "$a" in
    --release) config=release ;;
    --short) preset=(--alerts 3000 --seconds 60) ;;
    --long) preset=(--alerts 100000 --seconds 900 --drain-timeout 1800) ;;
    *) args+=("$a") ;;
  esac
done
mkdir -p var/chaos
# Keep the logs of the five runs before this one.
ls -dt var/chaos/c*/ 2>/dev/null | tail -n +6 | xargs -r rm -rf
# The accounting's own tests first (made-up evidence, a second): a run is only as good as them.
/usr/bin/python3 -m unittest discover -s bench/chaos -p 'test_*.py' >var/chaos/unittest.log 2>&1 ||
  { cat var/chaos/unittest.log >&2; exit 2; }
echo "chaos: building ($config; log: var/chaos/build.log)"
products=(klaxon-gateway klaxon-dedup klaxon-router klaxon-email klaxon-chat klaxon-escalator klaxonctl)
: >var/chaos/build.log
for p in "${products[@]}"; do
  swift build -c "$config" --product "$p" >>var/chaos/build.log 2>&1 || { grep -v 'prohibited flag' var/chaos/build.log >&2; exit 2; }
done
bin=$(swift build -c "$config" --show-bin-path)
exec /usr/bin/python3 bench/chaos/chaos.py --bin "$bin" "${preset[@]}" "${args[@]}"
