"""Unit tests of the chaos run's accounting (account.py), on made-up evidence: what it calls
lost, dead-lettered and delivered, and the cause it gives each duplicate. Run:
    python3 -m unittest discover -s bench/chaos -p 'test_*.py'
"""

import unittest

import account
from evidence import Copy


class FakeLogs:
    def __init__(self, delivered=None, unrecorded=(), reopened=()):
        self.delivered = delivered or {}
        self.unrecorded = set(unrecorded)
        self.reopened = set(reopened)


def ev(t, kind, **fields):
    return {"t": t, "kind": kind, **fields}


def run(copies, dlq=(), logs=None, events=(), failures=None, accepted=("a1",), paged=()):
    return account.account(list(accepted), list(paged), copies, list(dlq), logs or FakeLogs(), list(events), failures or {})


class AccountTests(unittest.TestCase):
    def test_delivered_dead_lettered_and_lost(self):
        copies = [Copy("a1", "n1", 10, "email"), Copy("a1", "d1", 10, "dingtalk"), Copy("a2", "n2", 11, "email")]
        dlq = [{"queue": "ns.notify.dingtalk.dlq", "aid": "a2", "nid": "d2", "recipients": ["robot"], "reason": "permanent clientError"}]
        r = run(copies, dlq, accepted=("a1", "a2", "a3"))
        self.assertEqual(r["channels"]["email"], {"expected": 3, "delivered": 2, "dead_lettered": 0, "lost": 1, "duplicates": 0})
        self.assertEqual(r["channels"]["dingtalk"]["dead_lettered"], 1)
        self.assertEqual(r["lost"]["email"], ["a3"])
        self.assertEqual(r["lost"]["dingtalk"], ["a3"])
        self.assertEqual(r["lost_total"], 2)
        self.assertEqual(r["dead_letter_reasons"], {"notify.dingtalk.dlq: permanent clientError": 1})

    def test_an_alert_dead_lettered_before_routing_counts_for_every_channel(self):
        dlq = [{"queue": "ns.alerts.ingest.dlq", "aid": "a1", "nid": None, "recipients": [], "reason": "delivery_limit"}]
        r = run([], dlq, paged=("a1",))
        for ch in ("email", "dingtalk", "page"):
            self.assertEqual(r["channels"][ch]["dead_lettered"], 1, ch)
        self.assertEqual(r["lost_total"], 0)

    def test_a_page_dead_letter_is_told_from_the_route_email_by_its_recipient(self):
        dlq = [{"queue": "ns.notify.email.dlq", "aid": "a1", "nid": "p1", "recipients": ["pager@chaos.example"], "reason": "x"}]
        r = run([Copy("a1", "n1", 1, "email"), Copy("a1", "d1", 1, "dingtalk")], dlq, paged=("a1",))
        self.assertEqual(r["channels"]["page"]["dead_lettered"], 1)
        self.assertEqual(r["channels"]["email"]["delivered"], 1)

    def test_a_copy_sent_again_after_its_sender_was_killed(self):
        copies = [Copy("a1", "n1", 100.0, "email"), Copy("a1", "n1", 140.0, "email")]
        events = [ev(100.01, "signal", process="email", signal="SIGKILL"),
                  ev(100.02, "exit", process="email", incarnation=1, rc=-9, signalled="SIGKILL")]
        logs = FakeLogs(delivered={"n1": [("email", 2, "t")]})  # only the second sender lived to log it
        r = run(copies, logs=logs, events=events)
        self.assertEqual(r["duplicates"], {"email/killed": 1})
        self.assertEqual(r["failing_duplicates"], 0)

    def test_a_sender_killed_after_logging_but_before_its_record(self):
        copies = [Copy("a1", "n1", 100.0, "email"), Copy("a1", "n1", 133.0, "email")]
        events = [ev(100.05, "exit", process="email", incarnation=7, rc=-9, signalled="SIGKILL")]
        logs = FakeLogs(delivered={"n1": [("email", 7, "1970-01-01T00:01:40.010Z"), ("email", 9, "1970-01-01T00:02:13.010Z")]})
        self.assertEqual(run(copies, logs=logs, events=events)["duplicates"], {"email/killed": 1})
        lived = [ev(160.0, "exit", process="email", incarnation=7, rc=-9, signalled="SIGKILL")]
        self.assertEqual(run(copies, logs=logs, events=lived)["duplicates"], {"email/unexplained": 1},
                         "a sender that lived on after logging wrote its record")

    def test_a_copy_sent_again_after_a_clean_shutdown_fails_the_run(self):
        copies = [Copy("a1", "n1", 100.0, "email"), Copy("a1", "n1", 140.0, "email")]
        events = [ev(99.0, "signal", process="email", signal="SIGTERM"),
                  ev(100.5, "exit", process="email", incarnation=1, rc=0, signalled="SIGTERM")]
        r = run(copies, logs=FakeLogs(delivered={"n1": [("email", 2, "t")]}), events=events)
        self.assertEqual(r["duplicates"], {"email/clean-shutdown": 1})
        self.assertEqual(r["failing_duplicates"], 1)

    def test_a_record_lost_with_the_redis_restart(self):
        copies = [Copy("a1", "d1", 100.0, "dingtalk"), Copy("a1", "d1", 130.0, "dingtalk")]
        events = [ev(120.0, "redis-stop"), ev(122.0, "redis-started")]
        r = run(copies, logs=FakeLogs(delivered={"d1": [("chat-dingtalk", 1, "t"), ("chat-dingtalk", 2, "t")]}), events=events)
        self.assertEqual(r["duplicates"], {"dingtalk/redis-restart": 1})

    def test_two_logged_sends_without_any_fault_are_unexplained(self):
        copies = [Copy("a1", "n1", 100.0, "email"), Copy("a1", "n1", 130.0, "email")]
        r = run(copies, logs=FakeLogs(delivered={"n1": [("email", 1, "t"), ("email", 1, "t")]}))
        self.assertEqual(r["duplicates"], {"email/unexplained": 1})
        self.assertEqual(r["failing_duplicates"], 1)

    def test_a_resent_alert_that_dedup_let_through_after_the_redis_restart(self):
        copies = [Copy("a1", "n1", 100.0, "email"), Copy("a1", "n2", 131.0, "email")]
        events = [ev(120.0, "redis-stop"), ev(122.0, "redis-started")]
        r = run(copies, events=events, failures={"a1": [(119.0, "503")]})
        self.assertEqual(r["duplicates"], {"email/client-resend+redis-restart": 1})
        self.assertEqual(run(copies)["duplicates"], {"email/unexplained": 1}, "without a resend nothing explains it")

    def test_an_incident_reopened_after_redis_lost_it(self):
        copies = [Copy("a1", "p1", 100.0, "page"), Copy("a1", "p2", 160.0, "page")]
        r = run(copies, logs=FakeLogs(reopened={"a1"}), paged=("a1",))
        self.assertEqual(r["duplicates"], {"page/incident-reopened": 1})
        self.assertEqual(r["failing_duplicates"], 0)


if __name__ == "__main__":
    unittest.main()
