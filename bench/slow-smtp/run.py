#!/usr/bin/env python3
"""A slow channel (issue 16, "Overload"): does klaxon-email keep its memory bounded by prefetch
while the backlog waits in RabbitMQ? Started by bench/slow-smtp/run.sh, which builds release.

    run.py --bin .build/release [--count 20000] [--seconds 60] [--delay 2] [--only slow|fast]

Two runs, each on a fresh namespace of the shared RabbitMQ and Redis (deleted afterwards) with
the defaults (quorum queues, broker.prefetch 200, email.concurrency 4):
- slow: the project's SMTP sink (scripts/sinks/mail_sink.py) answers each message --delay
  seconds after its end of DATA (`--delay-data`), so klaxon-email can send at most
  concurrency / delay mails a second;
- fast: the same sink answering at once (for comparison: the worker works as fast as it can).
Each run starts the sink and klaxon-email, waits for /readyz, reads idle memory, publishes
--count distinct notifications to notify.email (`bench-publisher --notify email`, with
confirms), then once a second for --seconds (the fast run stops sampling 3 s after the last
mail) reads klaxon-email's VmRSS (/proc/PID/status), its RSS and private memory
(Private_Clean + Private_Dirty of /proc/PID/smaps_rollup), the queue's ready count
(`bench-publisher --depth`, a passive declare) and the delivered count from its /metrics; "in
worker" = published − ready − delivered: what left the queue and was not yet delivered (the
broker's unacked count, give or take the few mails between delivery and ack). Once per run,
mid-window, `rabbitmqctl list_queues` reads messages_unacknowledged itself to check that figure
(about a second of CPU, so not every second). Then SIGTERM: how long until it exits, its exit
code, and the account: ready afterwards + mails at the sink == published, nothing
dead-lettered. Raw outputs in --out: result.json, <run>-samples.csv, logs.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import fleet  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SINK = os.path.join(ROOT, "scripts", "sinks", "mail_sink.py")
SINK_PYTHON = "/usr/bin/python3"  # Debian's, which has aiosmtpd
MIB = 1024.0


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def delivered(metrics_url):
    text = urllib.request.urlopen(metrics_url, timeout=2).read().decode()
    return int(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith('klaxon_notifications_total{channel="email"')))


def depth(a, cfg, queues):
    r = subprocess.run([os.path.join(a.bin, "bench-publisher"), "--config", cfg, "--depth", ",".join(queues)],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"bench-publisher --depth: {r.stderr.strip()}")
    return json.loads(r.stdout)


def rabbitmqctl_counts(queue):
    """(ready, unacked) from rabbitmqctl, with the environment scripts/services.sh gives it;
    None when it cannot be asked (another broker, no rights)."""
    env = dict(os.environ, HOME="/var/lib/rabbitmq", RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
    try:
        r = subprocess.run(["rabbitmqctl", "-q", "list_queues", "--no-table-headers", "name", "messages_ready", "messages_unacknowledged"],
                           env=env, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == queue:
            return int(f[1]), int(f[2])
    return None


def wait_listening(port, proc, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the sink exited with {proc.returncode}")
            time.sleep(0.05)
    raise RuntimeError(f"the sink did not listen on 127.0.0.1:{port} within {timeout} s")


def write_config(path, ns, sink_port, a):
    with open(path, "w") as f:
        f.write(f"""# bench/slow-smtp: klaxon-email with the defaults (quorum queues, prefetch 200, e-mail
# concurrency 4) against the project's SMTP sink on loopback.
broker:
  url: {a.amqp_url}
  namespace: {ns}
redis:
  host: 127.0.0.1
  port: {a.redis_port}
email:
  host: 127.0.0.1
  port: {sink_port}
  security: none
  from: Klaxon <klaxon@example.com>
""")


def run(ctx, mode, delay):
    a = ctx.args
    tag = f"{mode}-{datetime.now(timezone.utc).strftime('%H%M%S')}-{os.getpid()}"
    ns = f"slowsmtp-{tag}"
    mail_dir = os.path.join(a.out, f"{tag}-mail")
    cfg = os.path.join(a.out, f"{tag}-klaxon.yaml")
    queue = f"{ns}.notify.email"
    sink_port = fleet.spare_port()
    write_config(cfg, ns, sink_port, a)
    sink = ctx.children.start([SINK_PYTHON, SINK, "--listen", f"127.0.0.1:{sink_port}", "--dir", mail_dir]
                              + (["--delay-data", str(delay)] if delay else []), os.path.join(a.out, f"{tag}-sink.log"))
    email = None
    try:
        wait_listening(sink_port, sink)
        hp = fleet.spare_port()
        email = ctx.children.start([os.path.join(a.bin, "klaxon-email"), "--config", cfg, "--health-listen", f"127.0.0.1:{hp}"],
                                   os.path.join(a.out, f"{tag}-email.log"))
        fleet.wait_ready(f"http://127.0.0.1:{hp}/readyz", email)
        time.sleep(1)
        idle_rss, idle_private = fleet.memory_kib(email.pid)

        r = subprocess.run([os.path.join(a.bin, "bench-publisher"), "--config", cfg, "--notify", "email", "--count", str(a.count)],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"bench-publisher --notify: {r.stderr.strip()}")
        publish = json.loads(r.stdout)
        if publish["failed"]:
            raise RuntimeError(f"{publish['failed']} publishes failed")

        samples, check, done_at = [], None, None
        start = time.monotonic()
        for i in range(a.seconds + 1):
            t = time.monotonic() - start
            rss, private = fleet.memory_kib(email.pid)
            q = depth(a, cfg, [queue])[queue]
            sent = delivered(f"http://127.0.0.1:{hp}/metrics")
            samples.append({"t": round(t, 1), "vm_rss_kib": vm_rss_kib(email.pid), "rss_kib": rss, "private_kib": private,
                            "ready": q["ready"], "consumers": q["consumers"], "delivered": sent,
                            "in_worker": a.count - q["ready"] - sent, "load": fleet.load_average()})
            if check is None and t >= a.seconds / 2 and (mode == "slow" or sent < a.count):
                check = rabbitmqctl_counts(queue)
                if check:
                    check = {"t": round(time.monotonic() - start, 1), "ready": check[0], "unacked": check[1]}
            if sent >= a.count and done_at is None:
                done_at = i
            if done_at is not None and i >= done_at + 3:
                break
            time.sleep(max(0.0, start + i + 1 - time.monotonic()))
        peak_rss = fleet.peak_rss_kib(email.pid)
        last_delivered = samples[-1]["delivered"]

        t0 = time.monotonic()
        code = ctx.children.stop(email, timeout=120)
        stop_seconds = time.monotonic() - t0
        email = None
        time.sleep(1)  # the broker requeues what a closed connection held, asynchronously
        after = depth(a, cfg, [queue, f"{queue}.dlq"])
        mails = len([n for n in os.listdir(mail_dir) if n.endswith(".json")])
        result = {
            "mode": mode, "delay_seconds": delay, "namespace": ns, "published": a.count, "publish": publish,
            "idle_rss_kib": idle_rss, "idle_private_kib": idle_private, "peak_rss_kib": peak_rss,
            "max_vm_rss_kib": max(s["vm_rss_kib"] for s in samples), "max_private_kib": max(s["private_kib"] for s in samples),
            "max_in_worker": max(s["in_worker"] for s in samples), "rabbitmqctl": check,
            "delivered_while_sampled": last_delivered, "sampled_seconds": samples[-1]["t"],
            "stop_seconds": round(stop_seconds, 2), "exit_code": code,
            "ready_after": after[queue]["ready"], "dead_letters": after[f"{queue}.dlq"]["ready"], "mails_at_sink": mails,
            "accounted": after[queue]["ready"] + mails == a.count and after[f"{queue}.dlq"]["ready"] == 0,
            "samples": samples,
        }
        with open(os.path.join(a.out, f"{mode}-samples.csv"), "w") as f:
            keys = list(samples[0].keys())
            f.write(",".join(keys) + "\n")
            for s in samples:
                f.write(",".join(str(s[k]) for k in keys) + "\n")
        return result
    finally:
        if email is not None:
            ctx.children.stop(email, timeout=10)
        ctx.children.stop(sink, timeout=5)
        r = subprocess.run([os.path.join(a.bin, "bench-publisher"), "--config", cfg, "--delete-namespace", ns], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"slow-smtp: could not delete namespace {ns}: {r.stderr.strip()}", file=sys.stderr)
        keys = subprocess.run(["redis-cli", "-p", str(a.redis_port), "--scan", "--pattern", f"{ns}:*"], capture_output=True, text=True).stdout.split()
        for i in range(0, len(keys), 1000):
            subprocess.run(["redis-cli", "-p", str(a.redis_port), "DEL", *keys[i:i + 1000]], capture_output=True)
        subprocess.run(["rm", "-rf", mail_dir])


def mib(kib):
    return f"{kib / MIB:.1f}"


def report(results):
    print("\nrun  | idle RSS | max VmRSS | VmHWM | idle private | max private | in worker, max | ready at end of window | delivered | SIGTERM → exit | exit | accounted")
    for r in results:
        s = r["samples"]
        print(f"{r['mode']:4} | {mib(r['idle_rss_kib'])} | {mib(r['max_vm_rss_kib'])} | {mib(r['peak_rss_kib'])} | "
              f"{mib(r['idle_private_kib'])} | {mib(r['max_private_kib'])} | {r['max_in_worker']} | {s[-1]['ready']} | "
              f"{r['delivered_while_sampled']} in {r['sampled_seconds']:.0f} s | {r['stop_seconds']:.1f} s | {r['exit_code']} | "
              f"{'yes' if r['accounted'] else 'NO'} (ready {r['ready_after']} + mailed {r['mails_at_sink']}, dlq {r['dead_letters']})")
        if r["rabbitmqctl"]:
            c = r["rabbitmqctl"]
            print(f"       rabbitmqctl at {c['t']} s: ready {c['ready']}, unacked {c['unacked']}")
    for r in results:
        print(f"\n{r['mode']} run, every 10 s (MiB):  t | VmRSS | private | ready | in worker | delivered | load")
        for x in r["samples"][::10]:
            print(f"  {x['t']:5.0f} | {mib(x['vm_rss_kib'])} | {mib(x['private_kib'])} | {x['ready']} | {x['in_worker']} | {x['delivered']} | {x['load']:.1f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True, help="directory of the release executables")
    p.add_argument("--out", default=os.path.join(ROOT, "var", "bench-slow-smtp"))
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--delay", type=float, default=2.0, help="seconds the slow sink holds each message's answer")
    p.add_argument("--only", choices=["slow", "fast"])
    p.add_argument("--amqp-url", default=f"amqp://guest:guest@127.0.0.1:{os.environ.get('KLAXON_AMQP_PORT', '5672')}/")
    p.add_argument("--redis-port", type=int, default=int(os.environ.get("KLAXON_REDIS_PORT", "6379")))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)

    class Ctx:
        pass
    ctx = Ctx()
    ctx.args = a
    ctx.children = fleet.Children(os.path.join(a.out, "pids"))
    results = []
    for mode, delay in (("slow", a.delay), ("fast", 0)):
        if a.only and a.only != mode:
            continue
        print(f"slow-smtp: {mode} run (sink delay {delay} s, {a.count} notifications, load {fleet.load_average():.1f})", flush=True)
        results.append(run(ctx, mode, delay))
    with open(os.path.join(a.out, "result.json"), "w") as f:
        json.dump({"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "results": results}, f, indent=1)
    report(results)
    if not all(r["accounted"] and r["exit_code"] == 0 for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
