#!/usr/bin/env python3
"""Start-up time and idle memory of every Klaxon process (issue 16, "Memory and start-up").
Started by bench/e2e/startup.sh, which builds what this needs.

    startup.py --bin .build/release [--runs 5] [--settle 3]

For each process (gateway, dedup, router, email, chat --channel dingtalk, escalator, shift,
voice --channel voice), --runs times: exec it on the local fleet's configuration
(deploy/local/klaxon.yaml and demo.env, in a fresh namespace on the shared RabbitMQ and Redis,
which are up), poll /readyz every 5 ms and record the time from exec to the first 200; then,
--settle seconds later, its RSS and private memory (Private_Clean + Private_Dirty of
/proc/PID/smaps_rollup); then SIGTERM. One process at a time. Prints the medians; raw
values in --out/startup.json. The namespace's queues and Redis keys are deleted at the end.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROCESSES = [
    ("gateway", ["klaxon-gateway"]),
    ("dedup", ["klaxon-dedup"]),
    ("router", ["klaxon-router"]),
    ("email", ["klaxon-email"]),
    ("chat", ["klaxon-chat", "--channel", "dingtalk"]),
    ("escalator", ["klaxon-escalator"]),
    ("shift", ["klaxon-shift"]),
    ("voice", ["klaxon-voice", "--channel", "voice"]),
]


def local_config(out, ns, gateway_port, amqp_url, redis_port):
    """deploy/local/klaxon.yaml with its own namespace, gateway port, broker and Redis."""
    text = open(os.path.join(ROOT, "deploy", "local", "klaxon.yaml")).read()
    text = re.sub(r"(?m)^(  url: )amqp://\S+", rf"\g<1>{amqp_url}", text, count=1)
    text = re.sub(r"(?m)^(  namespace: )\S+", rf"\g<1>{ns}", text, count=1)
    text = re.sub(r"(?m)^(redis:\n  host: 127.0.0.1\n  port: )\d+", rf"\g<1>{redis_port}", text, count=1)
    text = re.sub(r"(?m)^(  listen: )127\.0\.0\.1:8080", rf"\g<1>127.0.0.1:{gateway_port}", text, count=1)
    path = os.path.join(out, "startup-klaxon.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def demo_env():
    env = dict(os.environ)
    for line in open(os.path.join(ROOT, "deploy", "local", "demo.env")):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True)
    p.add_argument("--out", default=os.path.join(ROOT, "var", "bench-e2e"))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--settle", type=float, default=3.0, help="seconds after ready before reading idle memory")
    p.add_argument("--amqp-url", default=f"amqp://guest:guest@127.0.0.1:{os.environ.get('KLAXON_AMQP_PORT', '5672')}/")
    p.add_argument("--redis-port", type=int, default=int(os.environ.get("KLAXON_REDIS_PORT", "6379")))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    children = fleet.Children(os.path.join(a.out, "pids"))
    ns = f"e2e-startup-{os.getpid()}"
    gateway_port = fleet.spare_port()
    cfg = local_config(a.out, ns, gateway_port, a.amqp_url, a.redis_port)
    env = demo_env()
    results = {}
    try:
        # Declare the namespace's topology once, so every measured start finds its queues (as
        # a restarted process does); the first process to start would otherwise declare them.
        subprocess.run([os.path.join(a.bin, "klaxonctl"), "topology", "declare", "--config", cfg], env=env, check=True, capture_output=True)
        for run in range(1, a.runs + 1):
            for name, argv in PROCESSES:
                cmd = [os.path.join(a.bin, argv[0]), *argv[1:], "--config", cfg]
                if name == "gateway":
                    url = f"http://127.0.0.1:{gateway_port}/readyz"
                else:
                    hp = fleet.spare_port()
                    cmd += ["--health-listen", f"127.0.0.1:{hp}"]
                    url = f"http://127.0.0.1:{hp}/readyz"
                t0 = time.monotonic()
                proc = children.start(cmd, os.path.join(a.out, f"startup-{name}.log"), env=env)
                fleet.wait_ready(url, proc, timeout=60)
                ready_ms = 1000 * (time.monotonic() - t0)
                time.sleep(a.settle)
                rss, private = fleet.memory_kib(proc.pid)
                code = children.stop(proc)
                r = results.setdefault(name, {"ready_ms": [], "idle_rss_mib": [], "idle_private_mib": [], "exit_codes": []})
                r["ready_ms"].append(round(ready_ms, 1))
                r["idle_rss_mib"].append(round(rss / 1024, 1))
                r["idle_private_mib"].append(round(private / 1024, 1))
                r["exit_codes"].append(code)
                print(f"startup: run {run} {name}: ready after {ready_ms:.0f} ms, idle RSS {rss / 1024:.1f} MiB, private {private / 1024:.1f} MiB, exit {code}", flush=True)
    finally:
        children.stop_all()
        subprocess.run([os.path.join(a.bin, "klaxonctl"), "topology", "delete", "--yes", "--discard-messages", "--config", cfg], env=env, capture_output=True)
        keys = subprocess.run(["redis-cli", "-p", str(a.redis_port), "--scan", "--pattern", f"{ns}:*"], capture_output=True, text=True).stdout.split()
        for i in range(0, len(keys), 1000):
            subprocess.run(["redis-cli", "-p", str(a.redis_port), "DEL", *keys[i:i + 1000]], capture_output=True)
    summary = {name: {"ready_ms_median": statistics.median(r["ready_ms"]), "idle_rss_mib_median": statistics.median(r["idle_rss_mib"]),
                      "idle_private_mib_median": statistics.median(r["idle_private_mib"])} for name, r in results.items()}
    with open(os.path.join(a.out, "startup.json"), "w") as f:
        json.dump({"runs": a.runs, "settle_s": a.settle, "load_avg": fleet.load_average(), "summary": summary, "raw": results}, f, indent=1)
    print("startup: | process | exec → /readyz 200 (median) | idle RSS | idle private |")
    for name, s in summary.items():
        print(f"startup: | {name} | {s['ready_ms_median']:.0f} ms | {s['idle_rss_mib_median']} MiB | {s['idle_private_mib_median']} MiB |")


if __name__ == "__main__":
    main()
