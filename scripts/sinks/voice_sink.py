#!/usr/bin/env python3
"""A fake phone system for the local fleet: the other side of Klaxon's `webhook` voice provider
(docs/voice.md, "Webhook provider"), on loopback. It checks what Klaxon's own telephony
receiver must check, and plays the callee.

  POST /call   JSON {type: call|sms, notification_id, incident_id, to, message, language,
               callback_url}; X-Klaxon-Timestamp within 300 s of now and
               X-Klaxon-Signature = "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
               400 for a body of another shape or a number that is not E.164, 401 for a bad
               signature; 200 {"id": "call-N"} otherwise.
  Then, for a call with a callback_url, the callee answers after --answer-after seconds and
  presses the key --press gives for its number (NUMBER=DIGIT, repeatable; "*=DIGIT" for any
  number), or no key: the outcome is POSTed to callback_url as Klaxon documents it, signed the
  same way ({notification_id, incident_id, to, outcome: "answered", digits}).
  GET /_requests lists every request ({time, body, verdict, callback}) as JSON.

Prints "voice_sink: listening on 127.0.0.1:PORT" once ready. Standard library only.
"""

import argparse
import hashlib
import hmac
import json
import re
import signal
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
REQUESTS = []
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
FIELDS = ("type", "notification_id", "incident_id", "to", "message", "language", "callback_url")


def sign(secret, ts, body):
    return "sha256=" + hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()


def problem(headers, body, secret):
    ts = headers.get("X-Klaxon-Timestamp", "")
    sig = headers.get("X-Klaxon-Signature", "")
    if not ts.isdigit():
        return 401, "missing or malformed X-Klaxon-Timestamp"
    if abs(time.time() - int(ts)) > 300:
        return 401, "X-Klaxon-Timestamp is too far from now"
    if not hmac.compare_digest(sign(secret, ts, body), sig):
        return 401, "signature does not match"
    try:
        obj = json.loads(body)
    except ValueError:
        return 400, "body is not JSON"
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        return 400, f"missing fields: {', '.join(missing)}"
    if obj["type"] not in ("call", "sms"):
        return 400, f"type must be call or sms, got {obj['type']!r}"
    if not E164.match(obj["to"] or ""):
        return 400, f"to is not an E.164 number: {obj['to']!r}"
    if not obj["message"]:
        return 400, "message is empty"
    return None


def answer_later(args, obj, entry):
    time.sleep(args.answer_after)
    digit = args.press.get(obj["to"], args.press.get("*"))
    outcome = {"notification_id": obj["notification_id"], "incident_id": obj["incident_id"], "to": obj["to"],
               "outcome": "answered"}
    if digit:
        outcome["digits"] = digit
    body = json.dumps(outcome, sort_keys=True).encode()
    ts = str(int(time.time()))
    req = urllib.request.Request(obj["callback_url"], data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Klaxon-Timestamp": ts, "X-Klaxon-Signature": sign(args.secret, ts, body)})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            result = f"{r.status} {r.read().decode(errors='replace')}"
    except Exception as e:  # the gateway's answer, whatever it is, is what the demo shows
        result = f"failed: {e}"
    with LOCK:
        entry["callback"] = {"sent": outcome, "answer": result}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8027)
    ap.add_argument("--secret", required=True, help="the provider's secret (secret_env in voice.providers)")
    ap.add_argument("--press", action="append", default=[], help="NUMBER=DIGIT the callee presses (*=DIGIT: any number)")
    ap.add_argument("--answer-after", type=float, default=1.0)
    args = ap.parse_args()
    args.press = dict(p.split("=", 1) for p in args.press)

    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, obj):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/_requests":
                with LOCK:
                    return self.reply(200, REQUESTS)
            self.reply(404, {"error": "not found"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != "/call":
                return self.reply(404, {"error": "not found"})
            p = problem(self.headers, body, args.secret)
            entry = {"time": time.time(), "body": None, "verdict": "ok" if p is None else p[1]}
            try:
                entry["body"] = json.loads(body)
            except ValueError:
                entry["body"] = body.decode(errors="replace")
            with LOCK:
                REQUESTS.append(entry)
                n = len(REQUESTS)
            if p is not None:
                return self.reply(p[0], {"error": p[1]})
            obj = entry["body"]
            if obj["type"] == "call" and obj["callback_url"]:
                threading.Thread(target=answer_later, args=(args, obj, entry), daemon=True).start()
            self.reply(200, {"id": f"call-{n}"})

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"voice_sink: listening on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
