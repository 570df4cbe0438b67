"""The fleet under test: its config, and each process under a supervisor that restarts it.

Every start, signal and exit is written to the run's event log (`Events`), which the accounting
reads to say why a duplicate happened. Each incarnation of a process logs to its own file
(`<name>.<n>.log`), so a delivery logged there is known to come from that incarnation.
"""

import json
import os
import signal
import subprocess
import threading
import time
import urllib.request

from services import free_port

TOKEN = "chaos-token-0123456789abcdef"
DINGTALK_TOKEN = "chaos-dingtalk-token"
DINGTALK_SECRET = "SECchaos0123456789abcdef"
ROUTE_EMAIL = "ops@chaos.example"
PAGE_EMAIL = "pager@chaos.example"


class Events:
    """The run's timeline: one JSON object per line, `t` in Unix seconds."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.items = []
        self.file = open(path, "w")

    def add(self, kind, **fields):
        e = {"t": time.time(), "kind": kind, **fields}
        with self.lock:
            self.items.append(e)
            self.file.write(json.dumps(e) + "\n")
            self.file.flush()
        return e

    def all(self):
        with self.lock:
            return list(self.items)


def write_config(path, *, namespace, amqp_url, redis_port, gateway_port, smtp_port, robots_port, run_id, pages):
    """The fleet's one config file: a fresh namespace, the private servers, the local sinks.
    Alerts of this run go to one e-mail address and one DingTalk robot; with `pages`, those
    labelled page=yes also open an incident whose one step e-mails PAGE_EMAIL (its wait is far
    longer than the run, so each incident pages once unless Redis loses it)."""
    page_route = f"""
    - name: chaos-page
      match:
        - {{label: chaos_run, equals: "{run_id}"}}
        - {{label: page, equals: "yes"}}
      template: chaos
      notify: {{email: [{ROUTE_EMAIL}], dingtalk: [chaos-dingtalk]}}
      escalation_policy: chaos""" if pages else ""
    policy = f"""
escalation_policies:
  - name: chaos
    steps:
      - notify: {{email: [{PAGE_EMAIL}]}}
        wait: 6h
    exhausted: {{email: [exhausted@chaos.example]}}
incidents:
  watch_interval: 30s
""" if pages else ""
    text = f"""# Written by bench/chaos for one run; removed with the run's private servers.
broker:
  url: {amqp_url}
  namespace: {namespace}
  queue_type: quorum
  prefetch: 200
  confirm_window: 512
  heartbeat_seconds: 10
redis:
  host: 127.0.0.1
  port: {redis_port}
  timeout: 2s
gateway:
  listen: 127.0.0.1:{gateway_port}
  publish_timeout: 10s
  shutdown_timeout: 15s
  threads: 2
integrations:
  - {{name: chaos-am, kind: alertmanager, token_env: CHAOS_TOKEN}}
dedup:
  window: 30m
{policy}
router:
  routes:{page_route}
    - name: chaos
      match:
        - {{label: chaos_run, equals: "{run_id}"}}
      template: chaos
      notify: {{email: [{ROUTE_EMAIL}], dingtalk: [chaos-dingtalk]}}
  default:
    notify: {{email: [unrouted@chaos.example]}}
email:
  host: 127.0.0.1
  port: {smtp_port}
  security: none
  from: Klaxon chaos <klaxon@chaos.example>
  message_id_domain: chaos.example
  concurrency: 4
delivery:
  retry_delays: [1s, 5s, 15s, 30s]
  claim_ttl: 30s
# Each alert's id and notification id are in every message, so the run can trace them.
templates:
  chaos:
    email:
      subject: "chaos {{{{alert.labels.chaos_id}}}} {{{{notificationId}}}}"
    dingtalk:
      title: "chaos {{{{alert.labels.chaos_id}}}}"
      text: "chaos {{{{alert.labels.chaos_id}}}} {{{{notificationId}}}}"
      digest: |
        ### {{{{summary}}}}
        {{{{#alerts}}}}
        - chaos {{{{alert.labels.chaos_id}}}} {{{{notificationId}}}}
        {{{{/alerts}}}}
chat:
  max_pending: 200
  robots:
    - name: chaos-dingtalk
      platform: dingtalk
      webhook_env: CHAOS_DINGTALK_WEBHOOK
      secret_env: CHAOS_DINGTALK_SECRET
      template: chaos
      budget: [120/1m]
"""
    with open(path, "w") as f:
        f.write(text)


def fleet_env(robots_port):
    e = dict(os.environ)
    e.update({
        "CHAOS_TOKEN": TOKEN,
        "CHAOS_DINGTALK_WEBHOOK": f"http://127.0.0.1:{robots_port}/robot/send?access_token={DINGTALK_TOKEN}",
        "CHAOS_DINGTALK_SECRET": DINGTALK_SECRET,
        "KLAXON_LOG_LEVEL": "info",
    })
    return e


class Supervised:
    """One process of the fleet, restarted by its own thread whenever it exits (after a short
    pause, as a container runtime would), until `finish()`."""

    def __init__(self, name, argv, health_port, logdir, env, events):
        self.name = name
        self.argv = argv
        self.health_port = health_port
        self.logdir = logdir
        self.env = env
        self.events = events
        self.lock = threading.Lock()
        self.proc = None
        self.incarnation = 0
        self.finishing = False
        self.signalled = {}  # incarnation -> signal name sent to it
        self.thread = threading.Thread(target=self.loop, name=f"supervise-{name}", daemon=True)

    def start(self):
        self.thread.start()

    def loop(self):
        while True:
            with self.lock:
                if self.finishing:
                    return
                self.incarnation += 1
                n = self.incarnation
                log = open(os.path.join(self.logdir, f"{self.name}.{n}.log"), "wb")
                self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True)
                log.close()
                proc = self.proc
                self.events.add("start", process=self.name, incarnation=n, pid=proc.pid)
            rc = proc.wait()
            with self.lock:
                sent = self.signalled.get(n)
                self.events.add("exit", process=self.name, incarnation=n, pid=proc.pid, rc=rc, signalled=sent)
                if self.finishing:
                    return
            time.sleep(0.3)

    def send(self, sig):
        """Signals the running incarnation; returns it (None when between incarnations)."""
        with self.lock:
            if self.finishing or not self.proc or self.proc.poll() is not None:
                return None
            n = self.incarnation
            self.signalled[n] = signal.Signals(sig).name
            self.events.add("signal", process=self.name, incarnation=n, pid=self.proc.pid, signal=signal.Signals(sig).name)
            self.proc.send_signal(sig)
            return n

    def running(self):
        with self.lock:
            return self.proc is not None and self.proc.poll() is None

    def ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/readyz", timeout=2) as r:
                return r.status == 200
        except Exception:
            return False

    def wait_incarnation_after(self, n, timeout):
        """Waits until an incarnation after `n` is running and ready; True if it is."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                newer = self.incarnation > n and self.proc is not None and self.proc.poll() is None
            if newer and self.ready():
                return True
            time.sleep(0.2)
        return False

    def wait_exit(self, n, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if self.incarnation > n or (self.proc is not None and self.proc.poll() is not None):
                    return True
            time.sleep(0.05)
        return False

    def finish(self, timeout=30):
        """Stops for good: SIGTERM, then SIGKILL after `timeout`."""
        with self.lock:
            self.finishing = True
            proc = self.proc
            if proc and proc.poll() is None:
                self.signalled[self.incarnation] = "SIGTERM"
                self.events.add("signal", process=self.name, incarnation=self.incarnation, pid=proc.pid, signal="SIGTERM", final=True)
                proc.terminate()
        if proc:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.thread.join(timeout=5)


def fleet(bindir, config, logdir, env, events, gateway_port):
    """The supervised processes: (name, argv, health port). Voice is left out: no fake voice
    provider exists outside the Swift tests (Tests/Support's FakeTwilio)."""
    specs = [("gateway", ["klaxon-gateway"], gateway_port)]
    # In this order in the rolling restart: the chat worker last, since it may take long to stop
    # (see bench/README.md), so the others restart under load.
    for name, argv in [("dedup", ["klaxon-dedup"]), ("router", ["klaxon-router"]), ("email", ["klaxon-email"]),
                       ("escalator", ["klaxon-escalator"]), ("chat-dingtalk", ["klaxon-chat", "--channel", "dingtalk"])]:
        specs.append((name, argv, free_port()))
    out = []
    for name, argv, port in specs:
        full = [os.path.join(bindir, argv[0])] + argv[1:] + ["--config", config]
        if name != "gateway":
            full += ["--health-listen", f"127.0.0.1:{port}"]
        out.append(Supervised(name, full, port, logdir, env, events))
    return out
