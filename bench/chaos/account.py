"""Accounts for every alert the gateway accepted (202): per channel, delivered, dead-lettered
(with the reason) or lost; and every duplicate, with the most likely reason it happened, read
from the run's timeline (events), the fleet's logs and the client's record.

Channels: `email` (the route's e-mail), `dingtalk` (the route's robot) and, for alerts sent to
the escalation policy, `page` (the incident's step-1 e-mail, counted apart).

Duplicate causes (a copy beyond the first):
- same notification id sent again (a redelivery the delivery record did not stop):
  `redis-restart`  the record was lost with the Redis restart (between the two copies);
  `redis-down`     the record could not be written, or the claim not checked, while Redis was down;
  `killed`         the first copy's sender was SIGKILLed between its send and its record
                   (it logs "delivered" between the two, so whether or not it logged it: the
                   incarnation that logged it, or the process's next exit, ended within 5 s);
  `crashed`        ... exited on its own (not signalled) there;
  `clean-shutdown` ... was SIGTERMed and exited there: a bug, fails the run;
  `unexplained`    none of the above (e.g. the sender lived on after logging): fails the run.
- another notification id for the same alert and channel (the alert entered the fleet twice):
  `client-resend+redis-restart` / `client-resend+redis-down`  the client resent an alert whose
                   first attempt got no 202 but was published, and dedup's window was lost with
                   the Redis restart (or dedup failed open while Redis was down);
  `incident-reopened`  (pages) the escalator reopened an incident Redis lost, and paged again;
  `unexplained`    otherwise: fails the run.
"""

from datetime import datetime, timezone

CAUSES_THAT_FAIL = ("clean-shutdown", "unexplained")
SENDER = {"email": "email", "page": "email", "dingtalk": "chat-dingtalk"}


class Timeline:
    def __init__(self, events):
        self.events = events
        self.redis_stops = [e["t"] for e in events if e["kind"] == "redis-stop"]
        starts = [e["t"] for e in events if e["kind"] == "redis-started"]
        # Redis unreachable from its stop until a few seconds after it answered again
        # (clients reconnect lazily).
        self.redis_down = [(s, next((t for t in starts if t >= s), s + 3600) + 5) for s in self.redis_stops]

    def redis_restart_between(self, a, b):
        return any(a < s < b for s in self.redis_stops)

    def redis_down_at(self, t):
        return any(lo <= t <= hi for lo, hi in self.redis_down)

    def exit_of(self, process, incarnation):
        return next((e for e in self.events if e["kind"] == "exit" and e["process"] == process
                     and e.get("incarnation") == incarnation), None)

    def sender_end(self, process, t):
        """The first exit of `process` in [t - 2 s, t + 15 s]: the sender that may have sent a
        copy at t and died before recording it."""
        exits = [e for e in self.events if e["kind"] == "exit" and e["process"] == process and t - 2 <= e["t"] <= t + 15]
        return min(exits, key=lambda e: e["t"]) if exits else None


def log_time(ts):
    """A log line's `ts` (RFC 3339 UTC, milliseconds) in Unix seconds; None if unreadable."""
    try:
        return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        return None


def same_id_cause(channel, first, copy, timeline, logs):
    """Why `copy` was sent although `first` (same notification id) had gone out: the delivery
    record was lost or never written. A sender logs "delivered" right after the send, then
    writes the record; so the first copy's sender either logged it (find its incarnation) or
    died before (find the process's next exit)."""
    if timeline.redis_restart_between(first.t, copy.t):
        return "redis-restart"
    if first.nid in logs.unrecorded or timeline.redis_down_at(first.t) or timeline.redis_down_at(copy.t):
        return "redis-down"
    process = SENDER[channel]
    logged = [(inc, log_time(ts)) for p, inc, ts in logs.delivered.get(first.nid, []) if p == process]
    mine = [(inc, t) for inc, t in logged if t is not None and first.t - 1 <= t <= first.t + 5]
    if mine:
        inc, t = min(mine, key=lambda e: abs(e[1] - first.t))
        end = timeline.exit_of(process, inc)
        if end is None or end["t"] > t + 5:
            return "unexplained"  # the sender lived on after logging, so it wrote the record
    else:
        end = timeline.sender_end(process, first.t)
        if end is None:
            return "unexplained"
    if end.get("signalled") == "SIGKILL":
        return "killed"
    if end.get("signalled") == "SIGTERM":
        return "clean-shutdown"
    return "crashed"


def other_id_cause(channel, aid, first, copy, timeline, logs, client_failures):
    if channel == "page" and aid in logs.reopened:
        return "incident-reopened"
    failures = client_failures.get(aid) or []
    if failures:
        earliest = failures[0][0]
        if timeline.redis_restart_between(earliest - 30, max(copy.t, first.t)):
            return "client-resend+redis-restart"
        if any(timeline.redis_down_at(t) for t, _ in failures) or timeline.redis_down_at(copy.t):
            return "client-resend+redis-down"
    return "unexplained"


def account(accepted_ids, paged_ids, copies, dlq, logs, events, client_failures):
    """accepted_ids: chaos ids that got a 202; paged_ids: those sent to the policy; copies:
    [Copy] with kind email/page/dingtalk; dlq: evidence.dead_letters(); client_failures: chaos id
    -> [(t, what)] of attempts without a 202. Returns the report as a dict."""
    timeline = Timeline(events)
    expected = {"email": set(accepted_ids), "dingtalk": set(accepted_ids), "page": set(paged_ids)}
    arrived = {ch: {} for ch in expected}  # channel -> aid -> [Copy] by time
    strays = 0
    for c in sorted(copies, key=lambda c: c.t):
        if c.kind not in arrived:
            strays += 1
            continue
        arrived[c.kind].setdefault(c.aid, []).append(c)

    dead = {ch: {} for ch in expected}  # channel -> aid -> [reason]
    for d in dlq:
        q, aid = d["queue"], d["aid"]
        if aid is None:
            continue
        if q.endswith(".alerts.ingest.dlq") or q.endswith(".alerts.route.dlq"):
            channels = ["email", "dingtalk", "page"]
        elif q.endswith(".escalations.dlq"):
            channels = ["page"]
        elif q.endswith(".notify.email.dlq"):
            channels = ["page"] if any(r.startswith("pager@") for r in d["recipients"]) else ["email"]
        elif q.endswith(".notify.dingtalk.dlq"):
            channels = ["dingtalk"]
        else:
            channels = []
        for ch in channels:
            dead[ch].setdefault(aid, []).append(f"{q.split('.', 1)[1]}: {d['reason']}")

    report = {"channels": {}, "lost": {}, "dead_letter_reasons": {}, "duplicates": {}, "duplicate_examples": [],
              "not_accepted_but_delivered": 0, "untraced_messages": strays}
    for ch, want in expected.items():
        delivered = dead_lettered = dups = 0
        lost = []
        for aid in want:
            got = arrived[ch].get(aid)
            if got:
                delivered += 1
            elif aid in dead[ch]:
                dead_lettered += 1
                for reason in dead[ch][aid]:
                    report["dead_letter_reasons"][reason] = report["dead_letter_reasons"].get(reason, 0) + 1
            else:
                lost.append(aid)
        for aid, got in arrived[ch].items():
            if aid not in want:
                report["not_accepted_but_delivered"] += 1
            by_id = {}
            for c in got:
                by_id.setdefault(c.nid, []).append(c)
            first_ids = sorted(by_id.values(), key=lambda cs: cs[0].t)
            for n, same in enumerate(first_ids):
                for extra in same[1:]:
                    cause = same_id_cause(ch, same[0], extra, timeline, logs)
                    dups += 1
                    record_dup(report, ch, cause, aid, same[0], extra, logs)
                if n > 0:
                    cause = other_id_cause(ch, aid, first_ids[0][0], same[0], timeline, logs, client_failures)
                    dups += 1
                    record_dup(report, ch, cause, aid, first_ids[0][0], same[0], logs)
        report["channels"][ch] = {"expected": len(want), "delivered": delivered, "dead_lettered": dead_lettered,
                                  "lost": len(lost), "duplicates": dups}
        report["lost"][ch] = sorted(lost)
    report["lost_total"] = sum(len(v) for v in report["lost"].values())
    report["failing_duplicates"] = sum(n for (ch, cause), n in report["duplicates"].items() if cause in CAUSES_THAT_FAIL)
    report["duplicates"] = {f"{ch}/{cause}": n for (ch, cause), n in sorted(report["duplicates"].items())}
    return report


def record_dup(report, channel, cause, aid, first, extra, logs):
    key = (channel, cause)
    report["duplicates"][key] = report["duplicates"].get(key, 0) + 1
    if len(report["duplicate_examples"]) < 40:
        report["duplicate_examples"].append({
            "channel": channel, "cause": cause, "alert": aid, "first": [first.nid, round(first.t, 3)],
            "again": [extra.nid, round(extra.t, 3)], "logged_by": logs.delivered.get(first.nid, []) + (
                logs.delivered.get(extra.nid, []) if extra.nid != first.nid else [])})
