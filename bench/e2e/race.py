#!/usr/bin/env python3
"""The race against Alertmanager (issue 16): the same N distinct alerts through Klaxon (gateway →
dedup → router → e-mail, release build) and through Alertmanager (Debian's
prometheus-alertmanager, grouping off), both to one SMTP sink on loopback (sink.py), alternating,
R rounds each. Started by bench/e2e/run.sh, which installs and builds what this needs.

    race.py --bin .build/release [--alerts 10000] [--rounds 3] [--batch 64] [--senders 4]
            [--only klaxon|alertmanager] [--perf [PROCESS]] [--chat [BUDGET]]

Each round starts its system fresh (Klaxon: a new namespace on the shared RabbitMQ and Redis,
deleted afterwards; Alertmanager: a new storage directory), waits for readiness, samples idle
memory, then posts the alerts in batches of --batch (Prometheus's own batch size is 64) from
--senders keep-alive connections, retrying 503s and connection errors, and waits until the sink
has every alert's mail. Measured per round:
- all delivered: first POST → last mail at the sink;
- latency per alert: its batch's first POST → its mail's arrival (p50, p99, max);
- memory every 100 ms from /proc (RSS and private = Private_Clean + Private_Dirty of
  smaps_rollup), per process and summed over the Klaxon fleet, and each process's VmHWM;
- CPU (utime + stime) of each process over the round, per alert; the sink's too.
Klaxon persists and confirms every hop (RabbitMQ quorum queues, publisher confirms, Redis
idempotency records); Alertmanager keeps alerts in memory.
Raw outputs in --out: result.json, rounds/<tag>.json, logs, arrivals.txt (the sink's lines).
"""
import argparse
import hashlib
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "e2e-token-0123456789abcdef"
KLAXON = ["gateway", "dedup", "router", "email"]
DINGTALK_TOKEN, DINGTALK_SECRET = "e2e-dingtalk-token", "SECe2e0123456789abcdef"


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_alerts(tag, n):
    """N distinct alerts, the same label sets for both systems; the alertname is the marker the
    sink finds in each mail's Subject."""
    now = rfc3339(time.time())
    alerts = []
    for i in range(n):
        labels = {"alertname": f"e2e-{tag}-{i}", "instance": f"host-{i % 100}:9100", "job": "node", "severity": "warning"}
        alerts.append({
            "labels": labels,
            "annotations": {"description": f"Synthetic alert {i} of the end-to-end race", "runbook_url": "https://runbooks.example.com/e2e"},
            "startsAt": now,
            "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=up%3D%3D0",
        })
    return alerts


def klaxon_body(batch):
    """What Alertmanager's webhook receiver would send Klaxon for these alerts (version 4)."""
    alerts = [dict(a, status="firing", endsAt="0001-01-01T00:00:00Z",
                   fingerprint=hashlib.sha256(json.dumps(a["labels"], sort_keys=True).encode()).hexdigest()[:16]) for a in batch]
    return {"version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0, "status": "firing", "receiver": "klaxon",
            "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager.example.com:9093",
            "alerts": alerts}


class Sender:
    """Posts batches from `senders` keep-alive connections; records each batch's first POST."""

    def __init__(self, port, path, body, ok, alerts, batch, senders):
        self.port, self.path, self.body, self.ok = port, path, body, ok
        self.work = queue.Queue()
        for i in range(0, len(alerts), batch):
            self.work.put((i, alerts[i:i + batch]))
        self.posted = [0.0] * len(alerts)
        self.retries = 0
        self.errors = []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(senders)]

    def run(self):
        for t in self.threads:
            t.start()
        for t in self.threads:
            t.join()

    def _run(self):
        conn = None
        while True:
            try:
                start, batch = self.work.get_nowait()
            except queue.Empty:
                break
            payload = json.dumps(self.body(batch)).encode()
            first = None
            for attempt in range(100):
                now = time.time()
                first = first or now
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    conn.request("POST", self.path, payload, {"Content-Type": "application/json"})
                    r = conn.getresponse()
                    r.read()
                    if r.status == self.ok:
                        break
                    self.retries += 1
                    if r.status != 503:
                        self.errors.append(f"HTTP {r.status}")
                    time.sleep(float(r.getheader("Retry-After") or 0.1))
                except (OSError, http.client.HTTPException) as e:
                    self.retries += 1
                    if conn is not None:
                        conn.close()
                    conn = None
                    if attempt > 20:
                        self.errors.append(str(e))
                    time.sleep(0.1)
            else:
                self.errors.append(f"batch at {start} never accepted")
            for k in range(len(batch)):
                self.posted[start + k] = first
        if conn is not None:
            conn.close()


class Arrivals:
    """Tails the sink's file: arrival time of each marker's first mail, and duplicates."""

    def __init__(self, path):
        self.f = open(path, "rb")
        self.f.seek(0, os.SEEK_END)
        self.rest = b""
        self.first = {}
        self.duplicates = 0
        self.foreign = 0

    def read(self, prefix):
        chunk = self.rest + self.f.read()
        lines = chunk.split(b"\n")
        self.rest = lines.pop()
        for line in lines:
            t, _, marker = line.decode().partition(" ")
            if not marker.startswith(prefix):
                self.foreign += 1
                continue
            i = int(marker[len(prefix):])
            if i in self.first:
                self.duplicates += 1
            else:
                self.first[i] = float(t)


class Sampler(threading.Thread):
    """RSS and private memory of each named process every `interval` s, and the peak of their
    sum (the fleet's peak is the highest simultaneous total, not the sum of each one's peak)."""

    def __init__(self, pids, interval=0.1):
        super().__init__(daemon=True)
        self.pids, self.interval = pids, interval
        self.peak = {name: [0, 0] for name in pids}
        self.peak_sum = [0, 0]
        self.stop_flag = threading.Event()
        self.samples = []

    def run(self):
        while not self.stop_flag.is_set():
            total = [0, 0]
            t = time.time()
            for name, pid in self.pids.items():
                try:
                    rss, private = fleet.memory_kib(pid)
                except OSError:
                    continue
                self.peak[name] = [max(self.peak[name][0], rss), max(self.peak[name][1], private)]
                total[0] += rss
                total[1] += private
                self.samples.append((t, name, rss, private))
            self.peak_sum = [max(self.peak_sum[0], total[0]), max(self.peak_sum[1], total[1])]
            self.stop_flag.wait(self.interval)

    def stop(self):
        self.stop_flag.set()
        self.join()


def klaxon_config(path, ns, gateway_port, sink_port, amqp_url, redis_port, chat_budget=None):
    chat_route = "\n      dingtalk: [e2e-dingtalk]" if chat_budget else ""
    chat_section = f"""
chat:
  robots:
    - {{name: e2e-dingtalk, platform: dingtalk, webhook_env: E2E_DINGTALK_WEBHOOK, secret_env: E2E_DINGTALK_SECRET, budget: [{chat_budget}]}}
""" if chat_budget else ""
    with open(path, "w") as f:
        f.write(f"""# bench/e2e: Klaxon's e-mail path with the defaults (quorum queues, prefetch 200,
# confirm window 512, e-mail concurrency 4); one default route to one address (with --chat, also
# to one DingTalk robot; with DingTalk's budget, 20 messages a minute, bursts become digests).
broker:
  url: {amqp_url}
  namespace: {ns}
redis:
  host: 127.0.0.1
  port: {redis_port}
gateway:
  listen: 127.0.0.1:{gateway_port}
integrations:
  - {{name: bench-am, kind: alertmanager, token_env: E2E_TOKEN}}
router:
  default:
    notify:
      email: [oncall@example.com]{chat_route}
email:
  host: 127.0.0.1
  port: {sink_port}
  security: none
  from: Klaxon <klaxon@example.com>
{chat_section}""")


def alertmanager_config(path, sink_port):
    with open(path, "w") as f:
        f.write(f"""# bench/e2e: grouping off (every label set its own group), no wait before the first
# notification, e-mail to the loopback sink without TLS.
global:
  smtp_smarthost: 127.0.0.1:{sink_port}
  smtp_from: alertmanager@example.com
  smtp_require_tls: false
route:
  receiver: mail
  group_by: ['...']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 24h
receivers:
  - name: mail
    email_configs:
      - to: oncall@example.com
""")


def start_klaxon(ctx, tag):
    """Starts gateway, dedup, router and email on a fresh namespace; returns (procs, the POST
    port, cleanup)."""
    a = ctx.args
    ns = f"e2e-{tag}"
    cfg = os.path.join(ctx.out, f"{tag}-klaxon.yaml")
    gw_port = fleet.spare_port()
    klaxon_config(cfg, ns, gw_port, ctx.sink_port, a.amqp_url, a.redis_port, chat_budget=a.chat)
    env = dict(os.environ, E2E_TOKEN=TOKEN)
    names = KLAXON + (["chat"] if a.chat else [])
    if a.chat:
        env.update(E2E_DINGTALK_WEBHOOK=f"http://127.0.0.1:{ctx.chat_port}/robot/send?access_token={DINGTALK_TOKEN}",
                   E2E_DINGTALK_SECRET=DINGTALK_SECRET)
    procs, ready = {}, {}
    ctx.metrics = {}
    for name in names:
        argv = [os.path.join(a.bin, f"klaxon-{name}"), "--config", cfg] + (["--channel", "dingtalk"] if name == "chat" else [])
        if name == "gateway":
            ready[name] = f"http://127.0.0.1:{gw_port}/readyz"
        else:
            hp = fleet.spare_port()
            argv += ["--health-listen", f"127.0.0.1:{hp}"]
            ready[name] = f"http://127.0.0.1:{hp}/readyz"
            ctx.metrics[name] = f"http://127.0.0.1:{hp}/metrics"
        procs[name] = ctx.children.start(argv, os.path.join(ctx.out, f"{tag}-{name}.log"), env=env)
    for name in names:
        fleet.wait_ready(ready[name], procs[name])

    def cleanup():
        r = subprocess.run([os.path.join(a.bin, "klaxonctl"), "topology", "delete", "--yes", "--discard-messages", "--config", cfg],
                           env=env, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"e2e: could not delete namespace {ns}: {r.stderr.strip()}", file=sys.stderr)
        keys = subprocess.run(["redis-cli", "-p", str(a.redis_port), "--scan", "--pattern", f"{ns}:*"], capture_output=True, text=True).stdout.split()
        for i in range(0, len(keys), 1000):
            subprocess.run(["redis-cli", "-p", str(a.redis_port), "DEL", *keys[i:i + 1000]], capture_output=True)

    return procs, gw_port, f"/integrations/alertmanager/{TOKEN}", klaxon_body, 202, cleanup


def start_alertmanager(ctx, tag):
    cfg = os.path.join(ctx.out, f"{tag}-alertmanager.yml")
    alertmanager_config(cfg, ctx.sink_port)
    storage = os.path.join(ctx.out, f"{tag}-am-data")
    os.makedirs(storage, exist_ok=True)
    port = fleet.spare_port()
    p = ctx.children.start(
        [ctx.args.alertmanager, f"--config.file={cfg}", f"--storage.path={storage}", f"--web.listen-address=127.0.0.1:{port}",
         "--cluster.listen-address=", "--log.level=info"],
        os.path.join(ctx.out, f"{tag}-alertmanager.log"))
    fleet.wait_ready(f"http://127.0.0.1:{port}/-/ready", p)

    def cleanup():
        subprocess.run(["rm", "-rf", storage])

    return {"alertmanager": p}, port, "/api/v2/alerts", lambda batch: batch, 200, cleanup


def run_round(ctx, system, tag):
    a = ctx.args
    print(f"e2e: round {tag}: {system}, {a.alerts} alerts", flush=True)
    load0 = fleet.load_average()
    start = start_klaxon if system == "klaxon" else start_alertmanager
    procs, port, path, body, ok, cleanup = start(ctx, tag)
    try:
        time.sleep(2)  # idle: after start-up work settles
        idle = {n: fleet.memory_kib(p.pid) for n, p in procs.items()}
        perf = None
        if a.perf and a.perf in procs:
            perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(procs[a.perf].pid), "-o",
                                     os.path.join(ctx.out, f"{tag}-{a.perf}.perf.data")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        alerts = make_alerts(tag, a.alerts)
        arrivals = Arrivals(ctx.arrivals_path)
        sampler = Sampler({n: p.pid for n, p in procs.items()})
        sampler.start()
        cpu0 = {n: fleet.cpu_seconds(p.pid) for n, p in procs.items()}
        sink0 = fleet.cpu_seconds(ctx.sink.pid)
        sender = Sender(port, path, body, ok, alerts, a.batch, a.senders)
        t0 = time.time()
        sender.run()
        posted_at = time.time()
        prefix = f"e2e-{tag}-"
        deadline = time.monotonic() + a.timeout
        while len(arrivals.first) < a.alerts and time.monotonic() < deadline:
            time.sleep(0.05)
            arrivals.read(prefix)
            for n, p in procs.items():
                if p.poll() is not None:
                    raise RuntimeError(f"{n} exited with {p.returncode} during the round")
        time.sleep(0.1)  # the sink writes its lines every 50 ms
        arrivals.read(prefix)
        cpu1 = {n: fleet.cpu_seconds(p.pid) for n, p in procs.items()}
        chat_settled = chat_notifications(ctx.metrics["chat"]) if "chat" in procs else None
        sink1 = fleet.cpu_seconds(ctx.sink.pid)
        sampler.stop()
        if perf:
            perf.send_signal(2)
            perf.wait()
        hwm = {n: fleet.peak_rss_kib(p.pid) for n, p in procs.items()}
        end = {n: fleet.memory_kib(p.pid) for n, p in procs.items()}
        exits = {n: ctx.children.stop(p) for n, p in reversed(list(procs.items()))}
    finally:
        for p in procs.values():
            ctx.children.stop(p)
        cleanup()

    delivered = len(arrivals.first)
    lat = sorted(arrivals.first[i] - sender.posted[i] for i in arrivals.first)
    last = max(arrivals.first.values()) if arrivals.first else float("nan")
    mib = lambda kib: round(kib / 1024, 1)  # noqa: E731
    n = max(1, delivered)
    r = {
        "tag": tag, "system": system, "alerts": a.alerts, "delivered": delivered, "duplicates": arrivals.duplicates,
        "post_s": round(posted_at - t0, 3), "all_delivered_s": round(last - t0, 3),
        "latency_ms": {"p50": round(1000 * fleet.percentile(lat, 50), 1), "p99": round(1000 * fleet.percentile(lat, 99), 1),
                       "max": round(1000 * lat[-1], 1) if lat else None},
        "post_retries": sender.retries, "post_errors": sender.errors[:5],
        "memory_mib": {name: {"idle_rss": mib(idle[name][0]), "idle_private": mib(idle[name][1]),
                              "peak_rss": mib(max(hwm[name], sampler.peak[name][0])), "peak_private": mib(sampler.peak[name][1]),
                              "end_rss": mib(end[name][0]), "end_private": mib(end[name][1])} for name in procs},
        "memory_sum_mib": {"idle_rss": mib(sum(v[0] for v in idle.values())), "idle_private": mib(sum(v[1] for v in idle.values())),
                           "peak_rss": mib(sampler.peak_sum[0]), "peak_private": mib(sampler.peak_sum[1])},
        "cpu_ms_per_alert": {name: round(1000 * (cpu1[name] - cpu0[name]) / n, 3) for name in procs},
        "chat_notifications_settled": chat_settled,
        "cpu_s": {name: round(cpu1[name] - cpu0[name], 2) for name in procs},
        "sink_cpu_ms_per_mail": round(1000 * (sink1 - sink0) / n, 3),
        "exit_codes": exits, "load_avg_before": load0, "load_avg_after": fleet.load_average(),
    }
    with open(os.path.join(ctx.out, "rounds", f"{tag}.json"), "w") as f:
        json.dump(r, f, indent=1)
    with open(os.path.join(ctx.out, "rounds", f"{tag}-memory.csv"), "w") as f:
        f.write("time,process,rss_kib,private_kib\n")
        f.writelines(f"{t:.3f},{name},{rss},{private}\n" for t, name, rss, private in sampler.samples)
    print("e2e: " + json.dumps({k: r[k] for k in ("tag", "delivered", "duplicates", "post_s", "all_delivered_s", "latency_ms")}), flush=True)
    print("e2e:   memory " + json.dumps(r["memory_sum_mib"]) + "  cpu ms/alert " + json.dumps(r["cpu_ms_per_alert"])
          + f"  sink {r['sink_cpu_ms_per_mail']} ms/mail", flush=True)
    return r


def chat_notifications(url):
    """Notifications klaxon-chat delivered so far (alone or inside digests)."""
    import urllib.request
    text = urllib.request.urlopen(url, timeout=2).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("klaxon_notifications_total{") and 'channel="dingtalk"' in line)


class Context:
    pass


def summarize(rounds):
    def med(values):
        v = sorted(values)
        return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2

    out = {}
    for system in ("klaxon", "alertmanager"):
        rs = [r for r in rounds if r["system"] == system]
        if not rs:
            continue
        out[system] = {
            "rounds": len(rs), "all_delivered": all(r["delivered"] == r["alerts"] for r in rs),
            "all_delivered_s": med([r["all_delivered_s"] for r in rs]),
            "p50_ms": med([r["latency_ms"]["p50"] for r in rs]), "p99_ms": med([r["latency_ms"]["p99"] for r in rs]),
            "max_ms": med([r["latency_ms"]["max"] for r in rs]),
            "peak_rss_mib": med([r["memory_sum_mib"]["peak_rss"] for r in rs]),
            "peak_private_mib": med([r["memory_sum_mib"]["peak_private"] for r in rs]),
        }
    if len(out) == 2:
        k, am = out["klaxon"], out["alertmanager"]
        out["ratio_klaxon_to_alertmanager"] = {key: round(k[key] / am[key], 3) for key in
                                               ("all_delivered_s", "p50_ms", "p99_ms", "max_ms", "peak_rss_mib", "peak_private_mib")}
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True, help="directory of the release executables")
    p.add_argument("--out", default=os.path.join(ROOT, "var", "bench-e2e"))
    p.add_argument("--alerts", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--senders", type=int, default=4)
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait for every mail of a round")
    p.add_argument("--only", choices=["klaxon", "alertmanager"])
    p.add_argument("--perf", nargs="?", const="email", metavar="PROCESS",
                   help="perf record one Klaxon process (default email) during Klaxon's rounds")
    p.add_argument("--chat", nargs="?", const="20/1m", metavar="BUDGET",
                   help="Klaxon also routes every alert to a DingTalk robot (scripts/sinks/chat_sink.py) through klaxon-chat, "
                        "whose budget is BUDGET (default DingTalk's 20/1m: a storm becomes digests; 100000/1m: one message per "
                        "notification); the round still ends with the last e-mail")
    p.add_argument("--alertmanager", default="/usr/bin/prometheus-alertmanager")
    p.add_argument("--amqp-url", default=f"amqp://guest:guest@127.0.0.1:{os.environ.get('KLAXON_AMQP_PORT', '5672')}/")
    p.add_argument("--redis-port", type=int, default=int(os.environ.get("KLAXON_REDIS_PORT", "6379")))
    a = p.parse_args()

    ctx = Context()
    ctx.args, ctx.out = a, a.out
    os.makedirs(os.path.join(a.out, "rounds"), exist_ok=True)
    ctx.children = fleet.Children(os.path.join(a.out, "pids"))
    ctx.sink_port = fleet.spare_port()
    ctx.arrivals_path = os.path.join(a.out, "arrivals.txt")
    open(ctx.arrivals_path, "wb").close()
    ctx.sink = ctx.children.start([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sink.py"),
                                   "--listen", f"127.0.0.1:{ctx.sink_port}", "--out", ctx.arrivals_path],
                                  os.path.join(a.out, "sink.log"))
    if a.chat:
        ctx.chat_port = fleet.spare_port()
        ctx.children.start([sys.executable, os.path.join(ROOT, "scripts", "sinks", "chat_sink.py"), "--port", str(ctx.chat_port),
                            "--dingtalk-token", DINGTALK_TOKEN, "--dingtalk-secret", DINGTALK_SECRET], os.path.join(a.out, "chat-sink.log"))
    time.sleep(0.5)
    run_id = format(int(time.time()) % 46656, "x")  # markers differ between invocations
    systems = [a.only] if a.only else ["klaxon", "alertmanager"]
    rounds = []
    for r in range(1, a.rounds + 1):
        for system in systems:
            rounds.append(run_round(ctx, system, f"{system[0]}{r}{run_id}"))
    summary = summarize(rounds)
    result = {"started": rfc3339(time.time()), "alerts": a.alerts, "batch": a.batch, "senders": a.senders,
              "cores": os.cpu_count(), "summary": summary, "rounds": rounds}
    with open(os.path.join(a.out, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    print("e2e: RESULT " + json.dumps(summary), flush=True)
    ok = all(r["delivered"] == r["alerts"] for r in rounds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
