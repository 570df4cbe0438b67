#!/usr/bin/env python3
"""klaxon-dedup throughput, and in the same run the two ceilings it is measured against.

    bench/dedup/run.py [--count 100000] [--keys 1000] [--prefetch 1000] [--confirm-window 512]

Needs RabbitMQ and Redis on 127.0.0.1 (scripts/services.sh start) and redis-tools
(redis-benchmark, redis-cli; scripts/install-deps.sh). Python standard library only.

1. swift build -c release (klaxon-dedup and the bench-dedup helper).
2. dedup, twice: pre-fill the ingest queue with COUNT alerts (over KEYS keys, then over COUNT
   keys so every alert passes and is republished), start klaxon-dedup, and read its
   klaxon_dedup_decisions_total from /metrics every 10 ms: decisions/s between the first and the
   last poll (process start-up excluded).
3. Ceiling 1, the broker: bench-dedup relay, a bare consume-and-republish loop over the same
   queues with the same prefetch, confirm window, batch size and batches in flight, and no
   Redis or JSON.
4. Ceiling 2, Redis: redis-benchmark, one client, pipelined as deep as a batch, for
   `SET k v NX PX` and for the dedup script itself (EVALSHA).
Everything lives in a fresh namespace, deleted at the end (queues and Redis keys).
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BATCH = 256  # DedupWorker.batchSize: the pipeline depth of one Redis round trip


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def spare_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def redis_cli(*args):
    return sh(["redis-cli", "-h", "127.0.0.1", "-p", "6379", *args])


def delete_keys(pattern):
    keys = redis_cli("--scan", "--pattern", pattern).split()
    for i in range(0, len(keys), 1000):
        redis_cli("DEL", *keys[i:i + 1000])


def decisions(url):
    text = urllib.request.urlopen(url, timeout=2).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("klaxon_dedup_decisions_total{"))


def run_dedup(bin_dir, config, count, log):
    port = spare_port()
    url = f"http://127.0.0.1:{port}/metrics"
    proc = subprocess.Popen([f"{bin_dir}/klaxon-dedup", "--config", config, "--health-listen", f"127.0.0.1:{port}"],
                            stdout=log, stderr=log)
    try:
        first = None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                n = decisions(url)
            except OSError:
                n = 0
            t = time.monotonic()
            if n > 0 and first is None:
                first = (t, n)
            if n >= count:
                return (n - first[1]) / (t - first[0])
            time.sleep(0.01)
        raise SystemExit("bench: klaxon-dedup did not decide every alert within 600 s")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def redis_benchmark(count, *command):
    out = sh(["redis-benchmark", "-h", "127.0.0.1", "-p", "6379", "-c", "1", "-P", str(BATCH),
              "-n", str(count), "-r", "1000000", "-q", *command])
    m = re.search(r"([\d.]+) requests per second", out)
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--prefetch", type=int, default=1000)
    ap.add_argument("--confirm-window", type=int, default=512)
    ap.add_argument("--queue-type", default="quorum", choices=["quorum", "classic"])
    ap.add_argument("--skip-build", action="store_true")
    a = ap.parse_args()

    os.chdir(ROOT)
    if not a.skip_build:
        print("bench: swift build -c release", flush=True)
        for product in ["klaxon-dedup", "bench-dedup"]:
            subprocess.run(["swift", "build", "-c", "release", "--product", product], check=True,
                           stdout=subprocess.DEVNULL)
    bin_dir = os.path.join(ROOT, ".build", "release")
    work = os.path.join(ROOT, "var", "bench")
    os.makedirs(work, exist_ok=True)
    ns = f"benchdedup{os.getpid()}"
    config = os.path.join(work, "dedup.yaml")
    with open(config, "w") as f:
        f.write(f"""broker:
  url: amqp://guest:guest@127.0.0.1:5672/
  namespace: {ns}
  queue_type: {a.queue_type}
  prefetch: {a.prefetch}
  confirm_window: {a.confirm_window}
redis:
  port: 6379
dedup:
  window: 10m
""")
    helper = [f"{bin_dir}/bench-dedup"]
    log = open(os.path.join(work, "klaxon-dedup.log"), "w")
    results = {}
    try:
        for keys in [a.keys, a.count]:
            sh(helper + ["clean", "--config", config])
            print(sh(helper + ["fill", "--config", config, "--count", str(a.count), "--keys", str(keys)]).strip(), flush=True)
            rate = run_dedup(bin_dir, config, a.count, log)
            results[f"dedup, {keys} keys"] = rate
            print(f"dedup: {a.count} alerts over {keys} keys: {rate:,.0f} decisions/s", flush=True)
            delete_keys(f"{ns}:*")

        sh(helper + ["clean", "--config", config])
        print(sh(helper + ["fill", "--config", config, "--count", str(a.count), "--keys", str(a.count)]).strip(), flush=True)
        out = sh(helper + ["relay", "--config", config, "--count", str(a.count)]).strip()
        print(out, flush=True)
        relay = float(re.search(r": ([\d.]+) msg/s", out).group(1))

        set_rate = redis_benchmark(a.count, "SET", f"{ns}:rb:__rand_int__", "1", "NX", "PX", "600000")
        sha = redis_cli("SCRIPT", "LOAD", sh(helper + ["script"])).strip()
        eval_rate = redis_benchmark(a.count, "EVALSHA", sha, "2", f"{ns}:rb:__rand_int__", f"{ns}:rb:__rand_int__:repeats",
                                    "600000", "id", "86400000")
        print(f"redis-benchmark -c 1 -P {BATCH}: SET NX PX {set_rate:,.0f}/s, dedup script (EVALSHA) {eval_rate:,.0f}/s")
        delete_keys(f"{ns}:*")
    finally:
        subprocess.run(helper + ["clean", "--config", config], capture_output=True)
        log.close()

    print()
    print(f"| measure ({a.count:,} alerts, prefetch {a.prefetch}, confirm window {a.confirm_window}, batch {BATCH}, {a.queue_type}) | per second | vs relay |")
    print("|---|---:|---:|")
    for name, rate in results.items():
        print(f"| klaxon-dedup, {name.split(', ')[1]} | {rate:,.0f} | {rate / relay:.2f} |")
    print(f"| bare consume-and-republish (bench-dedup relay) | {relay:,.0f} | 1.00 |")
    print(f"| redis-benchmark SET NX PX, 1 client, -P {BATCH} | {set_rate:,.0f} | |")
    print(f"| redis-benchmark EVALSHA dedup script, 1 client, -P {BATCH} | {eval_rate:,.0f} | |")


if __name__ == "__main__":
    sys.exit(main())
