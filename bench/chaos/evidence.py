"""What arrived, what was dead-lettered, and what the fleet logged: read from the sinks, the
dead-letter queues and the per-incarnation logs after the run. No judgement here (account.py).
"""

import glob
import json
import os
import re
import subprocess

# Message-ID: <klaxon.<fingerprint>.<incident>.<status>.<notification id>@domain> (MailThreading);
# the run's fingerprints are the alerts' chaos ids.
MESSAGE_ID = re.compile(rb"^Message-ID:\s*<klaxon\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[a-z]+\.([A-Za-z0-9_-]+)@", re.M | re.I)
# The run's robot template writes "chaos <chaos id> <notification id>" per notification.
CHAT_LINE = re.compile(r"chaos (\S+) (\S+)")


class Copy:
    """One message as it arrived: which alert, which notification, when, where."""

    __slots__ = ("aid", "nid", "t", "kind")

    def __init__(self, aid, nid, t, kind):
        self.aid, self.nid, self.t, self.kind = aid, nid, t, kind


def mail_copies(maildir, kind_of_rcpt):
    """E-mails stored by scripts/sinks/mail_sink.py: one Copy per mail (its .json's time), and
    the mails it could not trace."""
    copies, strays = [], []
    for meta_path in glob.glob(os.path.join(maildir, "*.json")):
        with open(meta_path) as f:
            meta = json.load(f)
        with open(meta_path[:-5] + ".eml", "rb") as f:
            head = f.read(8192).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        m = MESSAGE_ID.search(head)
        kind = kind_of_rcpt(meta.get("rcpt_tos") or [])
        if not m or kind is None:
            strays.append(os.path.basename(meta_path))
            continue
        copies.append(Copy(m.group(1).decode(), m.group(2).decode(), os.path.getmtime(meta_path), kind))
    return copies, strays


def chat_copies(requests):
    """Robot messages the fake robots accepted (scripts/sinks/chat_sink.py `/_requests`): one
    Copy per notification in each (a digest holds several); refused requests are returned apart."""
    copies, refused = [], []
    for r in requests:
        if r.get("verdict") != "ok":
            refused.append(r.get("verdict"))
            continue
        body = r.get("body") or {}
        text = (body.get("markdown") or {}).get("text") or (body.get("text") or {}).get("content") or ""
        for aid, nid in CHAT_LINE.findall(text):
            copies.append(Copy(aid, nid, r["time"], r.get("platform", "chat")))
    return copies, refused


def dead_letters(klaxonctl, config, queues, env):
    """Every message of every dead-letter queue (`klaxonctl dlq peek --json`, which leaves them
    in place): [{queue, aid, nid, recipients, reason}]."""
    out = []
    for q in sorted(queues):
        r = subprocess.run([klaxonctl, "dlq", "peek", q, "--json", "--limit", "10000000", "--config", config],
                           capture_output=True, text=True, env=env, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(f"klaxonctl dlq peek {q} failed ({r.returncode}): {r.stderr.strip()}")
        for line in r.stdout.splitlines():
            rec = json.loads(line)
            recipients = []
            try:
                body = json.loads(rec.get("body") or "{}")
                recipients = body.get("recipients") or []
            except ValueError:
                pass
            out.append({"queue": q, "aid": (rec.get("labels") or {}).get("chaos_id"), "nid": rec.get("notification_id"),
                        "recipients": recipients, "reason": rec.get("reason") or rec.get("last_error") or "(none)"})
    return out


class Logs:
    """What each incarnation of each process logged that the accounting needs."""

    def __init__(self, logdir):
        self.delivered = {}        # notification id -> [(process, incarnation, ts text)]
        self.unrecorded = set()    # ids delivered but not recorded in Redis (Redis unreachable)
        self.skipped = {}          # process -> redeliveries skipped as already delivered
        self.reopened = set()      # fingerprints the escalator reopened from a watch
        self.errors = {}           # (process, msg) -> count, error-level lines
        self.tails = {}            # (process, incarnation) -> last lines
        for path in glob.glob(os.path.join(logdir, "*.log")):
            name = os.path.basename(path)[:-4]
            process, _, inc = name.rpartition(".")
            if not inc.isdigit():
                continue
            inc = int(inc)
            lines = []
            with open(path, errors="replace") as f:
                for line in f:
                    lines.append(line)
                    if len(lines) > 8:
                        lines.pop(0)
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    msg = e.get("msg", "")
                    if msg == "delivered" and "notification" in e:
                        self.delivered.setdefault(e["notification"], []).append((process, inc, e.get("ts")))
                    elif msg.startswith("delivered, but cannot record it in Redis"):
                        self.unrecorded.update((e.get("notifications") or "").split(","))
                    elif msg.startswith("already delivered"):
                        self.skipped[process] = self.skipped.get(process, 0) + 1
                    elif msg.startswith("incident missing from Redis"):
                        self.reopened.add(e.get("fingerprint"))
                    if e.get("level") in ("error", "critical"):
                        key = (process, msg)
                        self.errors[key] = self.errors.get(key, 0) + 1
            self.tails[(process, inc)] = "".join(lines)
