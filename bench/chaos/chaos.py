#!/usr/bin/python3
"""Chaos run: the whole fleet under fire, then every accepted alert accounted for.

Run through bench/chaos/run.sh (it builds first). On private RabbitMQ and Redis servers of its
own (services.py) and the project's sinks (scripts/sinks), with a fresh namespace:

1. starts the fleet (gateway, dedup, router, email, chat --channel dingtalk, escalator), each
   under a supervisor that restarts it when it exits (fleet.py);
2. posts --alerts distinct alerts evenly over --seconds, retrying like Alertmanager (load.py);
3. meanwhile: SIGKILLs a random worker every --kill-every seconds; stops RabbitMQ cleanly and
   starts it again (at 15 % of the load); restarts Redis, which keeps nothing (at 40 %, or 3 s
   after RabbitMQ is back); then (at 60 %, or 3 s after Redis is back) the kills stop and a
   rolling restart begins: each process in turn SIGTERMed, restarted, and waited for until
   ready, as `kubectl rollout restart` does;
4. waits until every work and delay queue is empty (rabbitmqctl), stops the fleet;
5. accounts for every 202 (account.py) and prints the result.

Exit 0 when nothing was lost, no duplicate came from a clean shutdown or had no explanation,
the fleet drained, the client got a 202 for every alert, no process exited by itself and each
came back after the rolling restart; 1 otherwise (a slow stop is only reported); 2 when the
run could not start.
Outputs: var/chaos/<run>/ (events.jsonl, <process>.<n>.log, result.json).
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import account
import evidence
import fleet
import load
from services import Rabbit, Redis, free_port, port_open

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def say(msg):
    print(f"chaos: {msg}", flush=True)


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", help="directory of the built executables")
    p.add_argument("--reaccount", metavar="DIR", help="only account again for the kept run in DIR (var/chaos/<run>)")
    p.add_argument("--alerts", type=int, default=3000)
    p.add_argument("--seconds", type=float, default=60, help="the load's duration")
    p.add_argument("--kill-every", type=float, default=2.0, help="seconds between SIGKILLs (0: none)")
    p.add_argument("--page-every", type=int, default=20, help="every Nth alert also pages through a policy (0: none)")
    p.add_argument("--seed", type=int, default=None, help="seeds the choice of processes to kill")
    p.add_argument("--drain-timeout", type=float, default=600)
    p.add_argument("--keep-mail", action="store_true", help="keep the received e-mails under var/chaos/<run>/mail")
    p.add_argument("--trace", action="store_true",
                   help="record every publish and delivery (RabbitMQ's firehose, rabbitmq_tracing) in var/chaos/<run>/trace.log")
    return p.parse_args()


class Run:
    def __init__(self, args):
        self.args = args
        self.run_id = f"c{int(time.time()) % 10**8:08d}"
        self.dir = os.path.join(ROOT, "var", "chaos", self.run_id)
        self.logdir = os.path.join(self.dir, "logs")
        self.maildir = os.path.join(self.dir, "mail")
        os.makedirs(self.logdir)
        os.makedirs(self.maildir)
        self.events = fleet.Events(os.path.join(self.dir, "events.jsonl"))
        self.namespace = f"chaos-{self.run_id}"
        self.rabbit = self.redis = None
        self.sinks = []
        self.procs = []
        self.findings = []
        self.rng = random.Random(args.seed)

    # ---- setup and teardown -------------------------------------------------------------
    def setup(self):
        say(f"run {self.run_id}: private RabbitMQ and Redis, namespace {self.namespace}, outputs {self.dir}")
        self.rabbit = Rabbit(os.path.join(self.dir, "rabbitmq"), trace=self.args.trace)
        self.redis = Redis(os.path.join(self.dir, "redis"))
        self.redis.start()
        self.rabbit.start()
        self.smtp_port, self.robots_port, self.gateway_port = free_port(), free_port(), free_port()
        mail_log = open(os.path.join(self.logdir, "mail-sink.out"), "wb")
        self.sinks.append(subprocess.Popen(
            ["/usr/bin/python3", os.path.join(ROOT, "scripts/sinks/mail_sink.py"), "--listen", f"127.0.0.1:{self.smtp_port}",
             "--dir", self.maildir], stdout=mail_log, stderr=subprocess.STDOUT, start_new_session=True))
        chat_log = open(os.path.join(self.logdir, "chat-sink.out"), "wb")
        self.sinks.append(subprocess.Popen(
            ["python3", os.path.join(ROOT, "scripts/sinks/chat_sink.py"), "--port", str(self.robots_port),
             "--dingtalk-token", fleet.DINGTALK_TOKEN, "--dingtalk-secret", fleet.DINGTALK_SECRET],
            stdout=chat_log, stderr=subprocess.STDOUT, start_new_session=True))
        for port in (self.smtp_port, self.robots_port):
            wait_for(lambda: port_open(port), 20, f"sink on port {port}")
        self.config = os.path.join(self.dir, "klaxon.yaml")
        fleet.write_config(self.config, namespace=self.namespace, amqp_url=self.rabbit.url, redis_port=self.redis.port,
                           gateway_port=self.gateway_port, smtp_port=self.smtp_port, robots_port=self.robots_port,
                           run_id=self.run_id, pages=self.args.page_every > 0)
        self.env = fleet.fleet_env(self.robots_port)
        self.klaxonctl = os.path.join(self.args.bin, "klaxonctl")
        check = subprocess.run([self.klaxonctl, "config", "check", self.config], capture_output=True, text=True, env=self.env)
        if check.returncode != 0:
            raise RuntimeError(f"the run's config is invalid:\n{check.stdout}{check.stderr}")
        self.procs = fleet.fleet(self.args.bin, self.config, self.logdir, self.env, self.events, self.gateway_port)
        for p in self.procs:
            p.start()
        for p in self.procs:
            wait_for(p.ready, 120, f"{p.name} ready")
        say("fleet ready: " + ", ".join(p.name for p in self.procs))

    def teardown(self):
        for p in self.procs:
            p.finish()
        if self.rabbit and self.args.trace:
            subprocess.run(["cp", os.path.join(self.rabbit.dir, "trace", "all.log"), os.path.join(self.dir, "trace.log")])
        for s in self.sinks:
            if s.poll() is None:
                s.terminate()
                try:
                    s.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    s.kill()
        if self.rabbit:
            self.rabbit.remove()
        if self.redis:
            self.redis.remove()

    # ---- faults -------------------------------------------------------------------------
    def workers(self):
        return [p for p in self.procs if p.name != "gateway"]

    def kill_loop(self, until, stop):
        while not stop.is_set() and time.time() < until:
            if stop.wait(self.args.kill_every * self.rng.uniform(0.75, 1.25)):
                return
            alive = [p for p in self.workers() if p.running()]
            if alive:
                self.rng.choice(alive).send(signal.SIGKILL)

    def restart_rabbitmq(self):
        self.events.add("rabbitmq-stop")
        self.rabbit.stop()
        self.events.add("rabbitmq-stopped")
        time.sleep(2)
        self.rabbit.start()
        self.events.add("rabbitmq-started")

    def restart_redis(self):
        self.events.add("redis-stop")
        self.redis.stop()
        time.sleep(2)
        self.redis.start()
        self.events.add("redis-started")

    def rolling_restart(self):
        """As `kubectl rollout restart`: one process at a time, SIGTERM, wait for it to exit,
        its replacement to be ready, then the next. Records how long each took to stop (the
        Helm chart gives a pod 30 s before SIGKILL) and to be ready again."""
        self.rolling = {}
        for p in self.procs:
            n = None
            deadline = time.time() + 120
            while n is None and time.time() < deadline:
                n = p.send(signal.SIGTERM)
                if n is None:
                    time.sleep(0.2)
            if n is None:
                self.findings.append(f"rolling restart: {p.name} was never running to be stopped")
                continue
            self.events.add("rolling", process=p.name, incarnation=n)
            t = time.time()
            if not p.wait_exit(n, 60):
                self.findings.append(f"rolling restart: {p.name} #{n} did not exit within 60 s of SIGTERM (SIGKILLed)")
                p.send(signal.SIGKILL)
                p.wait_exit(n, 10)
            stopped = time.time()
            if not p.wait_incarnation_after(n, 120):
                self.findings.append(f"rolling restart: {p.name} was not ready again within 120 s")
            self.rolling[p.name] = {"stop_s": round(stopped - t, 1), "ready_s": round(time.time() - stopped, 1)}
            if stopped - t > 30:
                self.findings.append(f"rolling restart: {p.name} took {stopped - t:.1f} s to stop after SIGTERM "
                                     "(longer than the Helm chart's 30 s terminationGracePeriodSeconds)")

    def faults(self, t0):
        d = self.args.seconds
        stop_kills = threading.Event()
        killer = None
        if self.args.kill_every > 0:
            killer = threading.Thread(target=self.kill_loop, args=(t0 + 10 * d, stop_kills), daemon=True)
            killer.start()
        sleep_until(t0 + 0.15 * d)
        say("stopping RabbitMQ (clean shutdown), starting it again")
        self.restart_rabbitmq()
        sleep_until(max(t0 + 0.4 * d, time.time() + 3))
        say("restarting Redis (its data is lost)")
        self.restart_redis()
        sleep_until(max(t0 + 0.6 * d, time.time() + 3))
        stop_kills.set()
        if killer:
            killer.join()
        say("rolling restart: " + " → ".join(p.name for p in self.procs))
        self.rolling_restart()
        say("rolling restart done")

    # ---- drain and accounting -----------------------------------------------------------
    def work_messages(self):
        qs = self.rabbit.queues()
        if qs is None:
            return None, {}
        busy = {q: n for q, n in qs.items() if q.startswith(self.namespace + ".") and not q.endswith(".dlq")
                and ".escalations.watch." not in q and n > 0}
        return sum(busy.values()), busy

    QUIET_SECONDS = 12

    def drain(self):
        """Waits until every work and delay queue has been empty (ready and unacknowledged) for
        QUIET_SECONDS with every process running. RabbitMQ refreshes a quorum queue's counts
        only every few seconds, so one empty reading proves nothing; returns (drained, the
        queues still busy, when the quiet began)."""
        deadline = time.time() + self.args.drain_timeout
        quiet_since = None
        busy = {}
        while time.time() < deadline:
            n, busy = self.work_messages()
            if n == 0 and all(p.running() for p in self.procs):
                quiet_since = quiet_since or time.time()
                if time.time() - quiet_since >= self.QUIET_SECONDS:
                    return True, {}, quiet_since
            else:
                quiet_since = None
            time.sleep(1)
        return False, busy, None

    def dead_letter_queues(self):
        qs = self.rabbit.queues() or {}
        return [q for q, n in qs.items() if q.startswith(self.namespace + ".") and q.endswith(".dlq") and n > 0]

    def chat_requests(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.robots_port}/_requests", timeout=120) as r:
            return json.load(r)


def wait_for(check, seconds, what):
    deadline = time.time() + seconds
    while not check():
        if time.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def sleep_until(t):
    delay = t - time.time()
    if delay > 0:
        time.sleep(delay)


def summarize_faults(events):
    kills, terms = {}, {}
    unexpected = []
    for e in events:
        if e["kind"] == "signal" and not e.get("final"):
            bucket = kills if e["signal"] == "SIGKILL" else terms
            bucket[e["process"]] = bucket.get(e["process"], 0) + 1
        if e["kind"] == "exit" and e.get("signalled") is None:
            unexpected.append(e)
    span = lambda a, b: next((round(y["t"] - x["t"], 1) for x in events if x["kind"] == a for y in events if y["kind"] == b), None)
    return {"sigkills": kills, "sigterms": terms, "rabbitmq_down_s": span("rabbitmq-stop", "rabbitmq-started"),
            "redis_down_s": span("redis-stop", "redis-started"), "unexpected_exits": unexpected}


def main():
    args = parse()
    if args.reaccount:
        return 0 if judge(args.reaccount) else 1
    if not args.bin:
        say("--bin is required (bench/chaos/run.sh passes it)")
        return 2
    run = Run(args)
    code = 1
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: sys.exit(130))
    try:
        try:
            run.setup()
        except Exception as e:
            say(f"could not start: {e}")
            return 2
        client = load.Client(run.gateway_port, f"/integrations/alertmanager/{fleet.TOKEN}", run.run_id, args.alerts,
                             args.seconds, args.page_every)
        say(f"load: {args.alerts} alerts over {args.seconds:.0f} s; a SIGKILL every ~{args.kill_every} s")
        loader = threading.Thread(target=client.run, daemon=True)
        loader.start()
        while client.started is None:
            time.sleep(0.01)
        run.faults(client.started)
        loader.join()
        last_202 = max((t for t, _ in client.accepted.values()), default=time.time())
        say(f"load done: {len(client.accepted)} accepted, {len(client.gave_up)} given up; waiting for the fleet to drain")
        drained, busy, quiet_since = run.drain()
        drain_s = (quiet_since or time.time()) - last_202
        if not drained:
            run.findings.append(f"the fleet did not drain within {args.drain_timeout:.0f} s: {busy}")
        say("stopping the fleet; reading the sinks, the dead-letter queues and the logs")
        dlqs = run.dead_letter_queues()
        for p in run.procs:
            p.finish()
        facts = {
            "run": run.run_id, "alerts": args.alerts, "seconds": args.seconds, "page_every": args.page_every,
            "accepted": {load.alert_id(run.run_id, i): v for i, v in client.accepted.items()},
            "paged": [load.alert_id(run.run_id, i) for i in client.accepted if client.is_page(i)],
            "client_failures": {load.alert_id(run.run_id, i): f for i, f in client.failures.items()},
            "client_gave_up": len(client.gave_up), "client_answers": client.statuses,
            "drained": drained, "drain_seconds": round(drain_s, 1), "rolling_restart": getattr(run, "rolling", {}),
            "findings": run.findings, "dead_letters": evidence.dead_letters(run.klaxonctl, run.config, dlqs, run.env),
        }
        with open(os.path.join(run.dir, "run.json"), "w") as f:
            json.dump(facts, f)
        with open(os.path.join(run.dir, "robots.json"), "w") as f:
            json.dump(run.chat_requests(), f)
        ok = judge(run.dir)
        if ok and not args.keep_mail:
            subprocess.run(["rm", "-rf", run.maildir])
        return 0 if ok else 1
    finally:
        run.teardown()


def judge(directory):
    """Accounts for a finished run from what it left in `directory` (run.json, robots.json,
    events.jsonl, logs/, mail/), prints the report, writes result.json; True when it passed.
    `chaos.py --reaccount DIR` runs only this, on a kept run."""
    with open(os.path.join(directory, "run.json")) as f:
        facts = json.load(f)
    with open(os.path.join(directory, "robots.json")) as f:
        robots = json.load(f)
    with open(os.path.join(directory, "events.jsonl")) as f:
        events = [json.loads(line) for line in f]
    kind = lambda rcpts: "page" if fleet.PAGE_EMAIL in rcpts else "email" if fleet.ROUTE_EMAIL in rcpts else None
    mails, strays = evidence.mail_copies(os.path.join(directory, "mail"), kind)
    chats, refused = evidence.chat_copies(robots)
    logs = evidence.Logs(os.path.join(directory, "logs"))
    report = account.account(list(facts["accepted"]), facts["paged"], mails + chats, facts["dead_letters"], logs, events,
                             facts["client_failures"])
    faults = summarize_faults(events)
    findings = list(facts["findings"])
    for e in faults["unexpected_exits"]:
        findings.append(f"{e['process']} #{e['incarnation']} exited by itself (rc {e['rc']}); its log ends:\n"
                        + logs.tails.get((e["process"], e["incarnation"]), ""))
    # A robot request whose body never fully arrived: its sender was SIGKILLed while sending it.
    cut = [v for v in refused if "not UTF-8 JSON" in v]
    if len(cut) < len(refused):
        findings.append(f"the fake robots refused {len(refused) - len(cut)} requests: {sorted(set(refused) - set(cut))[:3]}")
    if not facts["drained"]:
        findings.append("the fleet did not drain")
    result = {
        **{k: facts[k] for k in ("run", "alerts", "seconds", "client_gave_up", "client_answers", "drained", "drain_seconds",
                                 "rolling_restart")},
        "accepted": len(facts["accepted"]), "paged": len(facts["paged"]), **report,
        "faults": {k: v for k, v in faults.items() if k != "unexpected_exits"},
        "unexpected_exits": len(faults["unexpected_exits"]), "redeliveries_skipped": logs.skipped,
        "untraced_mails": len(strays), "robot_requests_cut_by_kills": len(cut), "findings": findings,
        "error_logs": {f"{p}: {m}": n for (p, m), n in sorted(logs.errors.items())},
    }
    with open(os.path.join(directory, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    print_report(result)
    ok = (report["lost_total"] == 0 and report["failing_duplicates"] == 0 and facts["drained"] and not faults["unexpected_exits"]
          and not facts["client_gave_up"] and not [f for f in findings if "not ready again" in f or "never running" in f])
    say("PASS" if ok else "FAIL")
    return ok


def print_report(r):
    say(f"accepted {r['accepted']} of {r['alerts']} alerts ({r['paged']} also paged); client answers {r['client_answers']}; "
        f"gave up on {r['client_gave_up']}")
    f = r["faults"]
    say(f"faults: SIGKILL {sum(f['sigkills'].values())} {f['sigkills']}; SIGTERM (rolling) {f['sigterms']}; "
        f"RabbitMQ down {f['rabbitmq_down_s']} s; Redis down {f['redis_down_s']} s")
    say(f"drained {r['drain_seconds']} s after the last 202" if r["drained"] else "did NOT drain")
    print(f"  {'channel':<10}{'expected':>10}{'delivered':>11}{'dead-lettered':>15}{'lost':>7}{'duplicates':>12}")
    for ch, c in r["channels"].items():
        print(f"  {ch:<10}{c['expected']:>10}{c['delivered']:>11}{c['dead_lettered']:>15}{c['lost']:>7}{c['duplicates']:>12}")
    say(f"lost: {r['lost_total']}" + "".join(f"; {ch}: {ids[:10]}" for ch, ids in r["lost"].items() if ids))
    say(f"dead letters by reason: {r['dead_letter_reasons'] or 'none'}")
    say(f"duplicates by cause: {r['duplicates'] or 'none'} (failing: {r['failing_duplicates']})")
    say(f"redeliveries the delivery records stopped: {r['redeliveries_skipped'] or 'none'}")
    if r["robot_requests_cut_by_kills"]:
        say(f"robot requests cut off by a SIGKILL of their sender (refused by the fake robot, sent again): {r['robot_requests_cut_by_kills']}")
    if r["not_accepted_but_delivered"]:
        say(f"delivered though the client never got a 202 for them: {r['not_accepted_but_delivered']}")
    for finding in r["findings"]:
        say(f"FINDING: {finding}")
    say("rolling restart (seconds to stop after SIGTERM / to be ready again): "
        + ", ".join(f"{p} {v['stop_s']}/{v['ready_s']}" for p, v in r["rolling_restart"].items()))
    if r["error_logs"]:
        per = {}
        for k, n in r["error_logs"].items():
            per[k.split(":", 1)[0]] = per.get(k.split(":", 1)[0], 0) + n
        say(f"error-level log lines per process (details in result.json): {per}")
    print("chaos: RESULT " + json.dumps({k: r[k] for k in ("accepted", "lost_total", "failing_duplicates", "duplicates",
                                                          "dead_letter_reasons", "drain_seconds", "channels")}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
