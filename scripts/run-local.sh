#!/usr/bin/env bash
# Runs the whole fleet on this machine, on its embedded defaults (deploy/local/klaxon.yaml):
#   installs what it needs from Debian's packages, starts RabbitMQ, Redis, a local SMTP sink and
#   fake DingTalk/WeCom robots on 127.0.0.1, builds, starts klaxon-gateway, -dedup, -router,
#   -email, -escalator, -shift, klaxon-chat (dingtalk, wecom) and klaxon-voice (voice, sms) with a
#   fake phone system, posts a sample Alertmanager webhook and shows the e-mail, the robot messages
#   and the phone call (answered, 1 pressed: acknowledged) that followed. Then it keeps the fleet running until Ctrl-C,
#   and stops everything it started.
# Logs: var/run/<process>.log (JSON lines). Mail: var/run/mail/<n>.eml. Robots: var/run/robots.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run="$root/var/run"
mkdir -p "$run"
rm -rf "$run/mail"; mkdir -p "$run/mail"

export KLAXON_CONFIG="$root/deploy/local/klaxon.yaml"
set -a
. deploy/local/demo.env   # the demo token and the fake robots' webhooks and secret
set +a
robots=http://127.0.0.1:8026
gateway=http://127.0.0.1:8080
pids=()
services_were_up=$(bash scripts/services.sh status | grep -c ': up' || true)

cleanup() {
  echo
  echo "run-local: stopping the fleet"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$services_were_up" -eq 0 ]; then bash scripts/services.sh stop; fi
}
trap cleanup EXIT
trap 'exit 0' INT TERM

bash scripts/install-deps.sh
bash scripts/services.sh start

echo "run-local: building"
swift build 2>&1 | grep -E 'error|warning: unre|Compiling|Build' | grep -v 'prohibited flag' || true
swift build >/dev/null 2>&1 || { echo "run-local: build failed" >&2; exit 1; }
bin=$(swift build --show-bin-path)

/usr/bin/python3 scripts/sinks/mail_sink.py --listen 127.0.0.1:8025 --dir "$run/mail" >"$run/mail-sink.log" 2>&1 &
pids+=($!)
python3 scripts/sinks/chat_sink.py --port 8026 --dingtalk-token demo-dingtalk-token \
  --dingtalk-secret "$KLAXON_DEMO_DINGTALK_SECRET" --wecom-key demo-wecom-key >"$run/chat-sink.log" 2>&1 &
pids+=($!)

/usr/bin/python3 scripts/sinks/voice_sink.py --port 8027 --secret "$KLAXON_DEMO_VOICE_SECRET" --press '*=1' >"$run/voice-sink.log" 2>&1 &
pids+=($!)

# The sinks first: a worker that starts before them would have to retry its first delivery.
for port in 8025 8026 8027; do
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

start() { # log-name health-port executable [args…]
  local log=$1 port=$2 exe=$3
  shift 3
  "$bin/$exe" --health-listen "127.0.0.1:$port" "$@" >"$run/$log.log" 2>&1 &
  pids+=($!)
}
"$bin/klaxon-gateway" >"$run/klaxon-gateway.log" 2>&1 &
pids+=($!)
start klaxon-dedup 9091 klaxon-dedup
start klaxon-router 9092 klaxon-router
start klaxon-email 9093 klaxon-email
start klaxon-chat-dingtalk 9094 klaxon-chat --channel dingtalk
start klaxon-chat-wecom 9095 klaxon-chat --channel wecom
start klaxon-escalator 9096 klaxon-escalator
start klaxon-shift 9097 klaxon-shift
start klaxon-voice 9098 klaxon-voice --channel voice
start klaxon-sms 9099 klaxon-voice --channel sms

wait_ready() { # url name
  for _ in $(seq 1 150); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "run-local: $2 is not ready ($1); its log:" >&2
  tail -n 20 "$run/$2.log" >&2 || true
  exit 1
}
wait_ready "$gateway/readyz" klaxon-gateway
wait_ready http://127.0.0.1:9091/readyz klaxon-dedup
wait_ready http://127.0.0.1:9092/readyz klaxon-router
wait_ready http://127.0.0.1:9093/readyz klaxon-email
wait_ready http://127.0.0.1:9096/readyz klaxon-escalator
wait_ready http://127.0.0.1:9097/readyz klaxon-shift
wait_ready http://127.0.0.1:9098/readyz klaxon-voice
wait_ready http://127.0.0.1:9099/readyz klaxon-sms
wait_ready http://127.0.0.1:9094/readyz klaxon-chat-dingtalk
wait_ready http://127.0.0.1:9095/readyz klaxon-chat-wecom
echo "run-local: fleet ready: gateway $gateway, health on 9091-9099, SMTP sink 127.0.0.1:8025, robots $robots, phone 127.0.0.1:8027"

# A previous run's overrides would hide this run's hand-over: remove them.
for id in $("$bin/klaxonctl" oncall override list db-oncall --json | /usr/bin/python3 -c '
import json, sys
print(" ".join(o["id"] for o in map(json.loads, filter(str.strip, sys.stdin)) if o.get("createdBy") == "run-local"))'); do
  "$bin/klaxonctl" oncall override remove "$id" >/dev/null
done
# Incidents a previous run left open (Redis keeps them) would swallow the demo alert as a
# repeat: resolve them first, then forget what the sinks received meanwhile.
leftover=$("$bin/klaxonctl" incident list --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in sys.stdin if l.strip()))')
if [ -n "$leftover" ]; then
  echo "run-local: resolving incidents a previous run left open: $leftover"
  for id in $leftover; do "$bin/klaxonctl" incident resolve "$id" --wait >/dev/null || true; done
  sleep 2
  curl -fs -X POST "$robots/_reset" >/dev/null || true
  rm -f "$run"/mail/*
fi

# A fingerprint of this run's own: the same alert posted minutes ago (a previous run) is a
# repeat that dedup rightly swallows.
/usr/bin/python3 - deploy/local/demo-alert.json "$run/demo-alert.json" <<'PY'
import json, secrets, sys
doc = json.load(open(sys.argv[1]))
for a in doc["alerts"]:
    a["fingerprint"] = secrets.token_hex(8)
json.dump(doc, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
echo "run-local: POST $gateway/integrations/alertmanager/<token>  (deploy/local/demo-alert.json, a fresh fingerprint)"
curl -sS -X POST -H 'Content-Type: application/json' --data-binary @"$run/demo-alert.json" \
  "$gateway/integrations/alertmanager/$KLAXON_DEMO_TOKEN"
echo

for _ in $(seq 1 100); do
  ls "$run"/mail/*.eml >/dev/null 2>&1 && break
  sleep 0.2
done
mail=$(ls "$run"/mail/*.eml 2>/dev/null | head -n 1 || true)
if [ -z "$mail" ]; then
  echo "run-local: no e-mail arrived; see $run/*.log" >&2
  exit 1
fi
echo "run-local: the alert travelled gateway → dedup → router → email → SMTP; the sink received $mail:"
echo "----------------------------------------------------------------------"
/usr/bin/python3 - "$mail" <<'PY'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
for h in ("From", "To", "Subject", "Date", "Message-ID"):
    print(f"{h}: {m[h]}")
print()
print(m.get_body(preferencelist=("plain",)).get_content())
PY
echo "----------------------------------------------------------------------"
for _ in $(seq 1 100); do
  [ "$(curl -fs "$robots/_requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0)" -ge 2 ] && break
  sleep 0.2
done
curl -fs "$robots/_requests" >"$run/robots.json" || true
echo "run-local: and the robots received (fake DingTalk and WeCom, signatures checked):"
python3 - "$run/robots.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    body = r.get("body") or {}
    kind = body.get("msgtype", "?")
    part = body.get(kind) or {}
    text = part.get("text") or part.get("content") or ""
    print(f"--- {r.get('platform')} robot {r.get('robot')} ({kind}, {r.get('verdict')}):")
    print(text.strip())
    if body.get("at"): print(f"    at: {json.dumps(body['at'], ensure_ascii=False)}")
PY
echo "----------------------------------------------------------------------"
# The database route names escalation policy db: klaxon-escalator opened an incident and paged
# whoever is on call (step 1) with a signed link; unacknowledged, step 2 follows in 2 minutes.
link=""
for _ in $(seq 1 100); do
  link=$(/usr/bin/python3 - "$run"/mail/*.eml <<'PY' 2>/dev/null || true
import email, re, sys
from email import policy
for path in sys.argv[1:]:
    body = email.message_from_binary_file(open(path, "rb"), policy=policy.default).get_body(preferencelist=("plain",)).get_content()
    m = re.search(r"http://127\.0\.0\.1:8080/incidents/\S+", body)
    if m:
        print(m.group(0))
        break
PY
)
  [ -n "$link" ] && break
  sleep 0.2
done
if [ -z "$link" ]; then
  echo "run-local: the escalator sent no page with a link; see $run/klaxon-escalator.log" >&2
  exit 1
fi
echo "run-local: klaxon-escalator opened an incident and paged the on-call person; open incidents:"
"$bin/klaxonctl" incident list
echo "run-local: the page's link (open it in a browser: Acknowledge stops the escalation):"
echo "  $link"
echo "----------------------------------------------------------------------"
# The page also rang the on-call person's phone (klaxon-voice → the webhook provider → the fake
# phone system), who answered and pressed 1: the gateway took the key as an acknowledgement.
incident=$(echo "$link" | sed -E 's|.*/incidents/([^?]+).*|\1|')
acked=""
for _ in $(seq 1 100); do
  acked=$("$bin/klaxonctl" incident show "$incident" --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
i = json.load(sys.stdin)
if i.get("status") == "acknowledged": print(i.get("acknowledged_by") or (i.get("ack") or {}).get("by") or "someone")
' 2>/dev/null || true)
  [ -n "$acked" ] && break
  sleep 0.2
done
curl -fs http://127.0.0.1:8027/_requests >"$run/phone.json" || true
echo "run-local: the fake phone system received the call (signature checked) and played the callee:"
/usr/bin/python3 - "$run/phone.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    b = r.get("body") or {}
    print(f"--- {b.get('type')} to {b.get('to')} ({r.get('verdict')}): {b.get('message', '')[:160]}")
    cb = r.get("callback")
    if cb: print(f"    callee: {cb['sent'].get('outcome')}, pressed {cb['sent'].get('digits', '-')}; gateway answered {cb['answer']}")
PY
if [ -z "$acked" ]; then
  echo "run-local: the incident was not acknowledged by phone; see $run/klaxon-voice.log and $run/klaxon-gateway.log" >&2
  exit 1
fi
echo "run-local: incident $incident acknowledged by $acked, by phone; its timeline:"
"$bin/klaxonctl" incident show "$incident"
echo "----------------------------------------------------------------------"
# A hand-over within a minute: a run-time override puts whoever is not on call now on call from
# 30 s from now for 10 minutes; klaxon-shift tells them (e-mail), and the team's robot.
on_now=$("$bin/klaxonctl" oncall now db-oncall --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(p["person"] for p in json.load(sys.stdin)["on_call"]))')
incoming=bob
case " $on_now " in *" bob "*) incoming=alice ;; esac
from=$(date -u -d '+30 seconds' +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d '+10 minutes' +%Y-%m-%dT%H:%M:%SZ)
"$bin/klaxonctl" oncall override add db-oncall --person "$incoming" --from "$from" --to "$to" --by run-local >/dev/null
echo "run-local: db-oncall: on call now: ${on_now:-nobody}; an override puts $incoming on call at $from (klaxonctl oncall override list)"
echo "run-local: waiting for klaxon-shift to announce the hand-over (about 30 s)…"
handover=""
for _ in $(seq 1 300); do
  handover=$(curl -fs "$robots/_requests" | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin):
    text = ((r.get("body") or {}).get("markdown") or {}).get("text") or ""
    if "Now on call for db-oncall" in text and "(Late:" not in text:
        print(text.strip()); break
' 2>/dev/null || true)
  [ -n "$handover" ] && break
  sleep 0.2
done
if [ -z "$handover" ]; then
  echo "run-local: no hand-over announcement arrived; see $run/klaxon-shift.log" >&2
  exit 1
fi
echo "run-local: the team's DingTalk robot received the hand-over:"
echo "$handover"
echo "----------------------------------------------------------------------"
echo "run-local: the fleet keeps running. Try:"
echo "  curl -s $gateway/metrics | grep klaxon_"
echo "  curl -s -X POST --data-binary @deploy/local/demo-alert.json $gateway/integrations/alertmanager/$KLAXON_DEMO_TOKEN"
echo "  $bin/klaxonctl incident show <ID>    # the timeline; ack <ID> stops the paging"
echo "  $bin/klaxonctl shift preview db-oncall --days 2    # what klaxon-shift will announce"
echo "  tail -f var/run/*.log"
echo "Ctrl-C stops everything this script started."
while true; do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "run-local: a process exited (pid $pid); see $run/*.log" >&2; exit 1; fi
  done
  sleep 2
done
