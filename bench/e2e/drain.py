#!/usr/bin/env python3
"""klaxon-email alone, draining a full queue: its CPU per mail and mails per second, without
the rest of the fleet competing for the cores (issue 16, "The channel that sets the pace").

    drain.py --bin DIR [--bin OTHER_DIR] [--alerts 10000] [--rounds 2] [--perf]

Each round: a fresh namespace; gateway, dedup and router (from the first --bin) turn N alerts
into N notifications waiting in notify.email, then stop; then klaxon-email (from the round's
--bin; with several, rounds alternate between them) starts and sends them all to the sink
(sink.py). Measured from its /readyz 200 to the last mail: utime and stime per mail (from
/proc/PID/stat) and mails per second. --perf records it (perf record -g). Raw: --out/drain.json.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402
import race  # noqa: E402


def router_notifications(url):
    text = urllib.request.urlopen(url, timeout=2).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith("klaxon_router_notifications_total{"))


def times(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) / fleet.HZ, int(fields[12]) / fleet.HZ


def run(ctx, bin_dir, tag):
    a = ctx.args
    ns = f"e2e-{tag}"
    cfg = os.path.join(a.out, f"{tag}-klaxon.yaml")
    gw_port = fleet.spare_port()
    race.klaxon_config(cfg, ns, gw_port, ctx.sink_port, a.amqp_url, a.redis_port)
    env = dict(os.environ, E2E_TOKEN=race.TOKEN)
    first = a.bin[0]
    procs, health = {}, {}
    try:
        for name in ("gateway", "dedup", "router"):
            argv = [os.path.join(first, f"klaxon-{name}"), "--config", cfg]
            hp = gw_port if name == "gateway" else fleet.spare_port()
            if name != "gateway":
                argv += ["--health-listen", f"127.0.0.1:{hp}"]
            health[name] = f"http://127.0.0.1:{hp}"
            procs[name] = ctx.children.start(argv, os.path.join(a.out, f"{tag}-{name}.log"), env=env)
        for name in procs:
            fleet.wait_ready(health[name] + "/readyz", procs[name])
        race.Sender(gw_port, f"/integrations/alertmanager/{race.TOKEN}", race.klaxon_body, 202, race.make_alerts(tag, a.alerts), 64, 4).run()
        deadline = time.monotonic() + a.timeout
        while router_notifications(health["router"] + "/metrics") < a.alerts:
            if time.monotonic() > deadline:
                raise RuntimeError("the router did not publish every notification in time")
            time.sleep(0.1)
        for name in ("gateway", "dedup", "router"):
            ctx.children.stop(procs.pop(name))

        arrivals = race.Arrivals(ctx.arrivals_path)
        hp = fleet.spare_port()
        email = ctx.children.start([os.path.join(bin_dir, "klaxon-email"), "--config", cfg, "--health-listen", f"127.0.0.1:{hp}"],
                                   os.path.join(a.out, f"{tag}-email.log"), env=env)
        procs["email"] = email
        fleet.wait_ready(f"http://127.0.0.1:{hp}/readyz", email)
        perf = None
        if a.perf:
            perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(email.pid), "-o", os.path.join(a.out, f"{tag}-email.perf.data")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        u0, s0 = times(email.pid)
        sink0 = fleet.cpu_seconds(ctx.sink.pid)
        t0 = time.time()
        load0 = fleet.load_average()
        while len(arrivals.first) < a.alerts and time.monotonic() < deadline + a.timeout:
            time.sleep(0.02)
            arrivals.read(f"e2e-{tag}-")
        u1, s1 = times(email.pid)
        sink1 = fleet.cpu_seconds(ctx.sink.pid)
        if perf:
            perf.send_signal(2)
            perf.wait()
        n = len(arrivals.first)
        last = max(arrivals.first.values())
        r = {"tag": tag, "bin": bin_dir, "mails": n, "duplicates": arrivals.duplicates, "seconds": round(last - t0, 3),
             "mails_per_s": round(n / (last - t0)), "cpu_ms_per_mail": round(1000 * (u1 - u0 + s1 - s0) / n, 3),
             "user_ms_per_mail": round(1000 * (u1 - u0) / n, 3), "sys_ms_per_mail": round(1000 * (s1 - s0) / n, 3),
             "sink_ms_per_mail": round(1000 * (sink1 - sink0) / n, 3), "load_avg": [load0, fleet.load_average()]}
        print("drain: " + json.dumps(r), flush=True)
        return r
    finally:
        for p in list(procs.values()):
            ctx.children.stop(p)
        subprocess.run([os.path.join(first, "klaxonctl"), "topology", "delete", "--yes", "--discard-messages", "--config", cfg],
                       env=env, capture_output=True)
        keys = subprocess.run(["redis-cli", "-p", str(a.redis_port), "--scan", "--pattern", f"{ns}:*"], capture_output=True, text=True).stdout.split()
        for i in range(0, len(keys), 1000):
            subprocess.run(["redis-cli", "-p", str(a.redis_port), "DEL", *keys[i:i + 1000]], capture_output=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", action="append", required=True)
    p.add_argument("--out", default=os.path.join(race.ROOT, "var", "bench-e2e", "drain"))
    p.add_argument("--alerts", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--perf", action="store_true")
    p.add_argument("--amqp-url", default=f"amqp://guest:guest@127.0.0.1:{os.environ.get('KLAXON_AMQP_PORT', '5672')}/")
    p.add_argument("--redis-port", type=int, default=int(os.environ.get("KLAXON_REDIS_PORT", "6379")))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ctx = race.Context()
    ctx.args = a
    ctx.children = fleet.Children(os.path.join(a.out, "pids"))
    ctx.sink_port = fleet.spare_port()
    ctx.arrivals_path = os.path.join(a.out, "arrivals.txt")
    open(ctx.arrivals_path, "wb").close()
    ctx.sink = ctx.children.start([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sink.py"),
                                   "--listen", f"127.0.0.1:{ctx.sink_port}", "--out", ctx.arrivals_path], os.path.join(a.out, "sink.log"))
    time.sleep(0.5)
    run_id = format(int(time.time()) % 46656, "x")
    results = []
    for r in range(a.rounds):
        for i, b in enumerate(a.bin):
            results.append(run(ctx, b, f"d{r}{i}{run_id}"))
    with open(os.path.join(a.out, "drain.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
