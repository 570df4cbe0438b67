"""The client: N distinct alerts at a steady rate, each retried as Alertmanager retries a
webhook (on 5xx, connection errors and timeouts, with exponential backoff and jitter) until the
gateway answers 202 or the retry deadline passes.

Each alert is one Alertmanager webhook (version 4) holding one alert whose `chaos_id` label and
fingerprint are unique, so its notifications can be found at the sinks. `page=yes` on every
`page_every`-th alert sends it to the escalation policy too.
"""

import http.client
import json
import queue
import random
import threading
import time
from datetime import datetime, timezone


def alert_id(run_id, i):
    return f"{run_id}-{i:06d}"


def webhook(run_id, i, page):
    aid = alert_id(run_id, i)
    labels = {"alertname": "ChaosAlert", "chaos_run": run_id, "chaos_id": aid, "severity": "warning", "instance": f"host-{i % 97}"}
    if page:
        labels["page"] = "yes"
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps({
        "version": "4", "status": "firing", "receiver": "klaxon", "groupKey": f"{{}}:{{chaos_id=\"{aid}\"}}",
        "groupLabels": {"chaos_id": aid}, "commonLabels": labels, "commonAnnotations": {}, "externalURL": "http://alertmanager.chaos:9093",
        "alerts": [{"status": "firing", "labels": labels, "annotations": {"summary": f"chaos {aid}"}, "startsAt": now,
                    "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus.chaos:9090/graph", "fingerprint": aid}],
    }).encode()


class Client:
    """Posts alerts 0..count-1 spread evenly over `seconds`. Results, per alert index:
    `accepted[i]` = (time of the 202, attempts), `failures[i]` = [(time, what)] for every attempt
    that did not get a 202, `gave_up` = indices never accepted before the deadline."""

    def __init__(self, port, path, run_id, count, seconds, page_every, threads=32, give_up_after=600, timeout=20):
        self.port, self.path, self.run_id = port, path, run_id
        self.count, self.seconds, self.page_every = count, seconds, page_every
        self.threads, self.give_up_after, self.timeout = threads, give_up_after, timeout
        self.work = queue.Queue()
        self.lock = threading.Lock()
        self.accepted = {}
        self.failures = {}
        self.gave_up = []
        self.statuses = {}
        self.started = None
        self.rng = random.Random(7)

    def is_page(self, i):
        return self.page_every > 0 and i % self.page_every == 0

    def run(self):
        """Blocks until every alert was accepted or given up."""
        self.started = time.time()
        workers = [threading.Thread(target=self.worker, daemon=True, name=f"client-{k}") for k in range(self.threads)]
        for w in workers:
            w.start()
        interval = self.seconds / max(1, self.count)
        for i in range(self.count):
            due = self.started + i * interval
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            self.work.put(i)
        for _ in workers:
            self.work.put(None)
        for w in workers:
            w.join()

    def count_status(self, what):
        with self.lock:
            self.statuses[what] = self.statuses.get(what, 0) + 1

    def worker(self):
        conn = None
        while True:
            i = self.work.get()
            if i is None:
                if conn:
                    conn.close()
                return
            body = webhook(self.run_id, i, self.is_page(i))
            first = time.time()
            attempt = 0
            while True:
                attempt += 1
                what = None
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                    conn.request("POST", self.path, body=body, headers={"Content-Type": "application/json"})
                    r = conn.getresponse()
                    r.read()
                    what = str(r.status)
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as e:
                    what = type(e).__name__
                    if conn:
                        conn.close()
                    conn = None
                self.count_status(what)
                now = time.time()
                if what == "202":
                    with self.lock:
                        self.accepted[i] = (now, attempt)
                    break
                with self.lock:
                    self.failures.setdefault(i, []).append((now, what))
                if what.startswith("4") or now - first > self.give_up_after:
                    # A 4xx is final for Alertmanager too (never expected here).
                    with self.lock:
                        self.gave_up.append(i)
                    break
                backoff = min(8.0, 0.5 * 2 ** (attempt - 1))
                time.sleep(backoff * (0.5 + self.rng.random() / 2))
