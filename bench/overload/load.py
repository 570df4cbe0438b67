"""Overload run of one klaxon-gateway (bench/overload/run.sh starts it and the broker; this drives it).

Phases, one after the other, on one gateway whose ingest queue nobody consumes:
  capacity  closed loop: --clients connections, each posting as soon as its previous answer came;
            the accepted alerts/s over the phase is the gateway's capacity with this client;
  overload  open loop at --factor x capacity (alerts/s) for --seconds: requests start on a fixed
            schedule whatever the answers, each on an idle connection or a new one (at most
            --max-connections, more than the gateway's max_connections, so its connection limit
            is part of the picture); a request that finds no connection to use is counted as
            "not sent" (the client's own backlog, never a silent drop);
  recovery  open loop at --recovery x capacity for --recovery-seconds: every answer should be a
            202 again, at the latency of a quiet gateway.
Every request carries --batch distinct alerts. A sampler records the gateway's RSS and private
memory (smaps_rollup) and its klaxon_gateway_alerts_pending every second.

Afterwards it counts the messages in the ingest queue: each alert answered 202 must be there
(the gateway never answers 2xx for what the broker did not confirm); more than that would be
alerts confirmed for a request already answered 503 (a client retry then makes a duplicate).
Prints a table and one line `overload: RESULT {json}`; writes result.json and samples.csv.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from fleet import memory_kib  # noqa: E402  (RSS and private memory from smaps_rollup)

BODY = (
    '{{"receiver":"klaxon","status":"firing","alerts":[{alerts}],"groupLabels":{{}},"commonLabels":{{}},'
    '"commonAnnotations":{{}},"externalURL":"http://alertmanager:9093","version":"4","groupKey":"{{}}:{{}}","truncatedAlerts":0}}'
)
ALERT = (
    '{{"status":"firing","labels":{{"alertname":"Overload","instance":"host-{n}:9100","job":"node","severity":"warning"}},'
    '"annotations":{{"summary":"overload run alert {n}"}},"startsAt":"2026-01-01T00:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",'
    '"generatorURL":"http://prometheus:9090/graph","fingerprint":"{n:016x}"}}'
)


class Stats:
    def __init__(self, name):
        self.name = name
        self.statuses = {}
        self.shed = 0  # 503 overloaded (max_pending_alerts)
        self.accepted_alerts = 0
        self.errors = {}
        self.not_sent = 0
        self.latency_ms = {}  # status -> [ms]
        self.started = self.ended = 0.0

    def add(self, status, ms, body):
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latency_ms.setdefault(status, []).append(ms)
        if status == 202:
            self.accepted_alerts += json.loads(body)["accepted"]
        elif status == 503 and b"max_pending_alerts" in body:
            self.shed += 1

    def error(self, kind):
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self):
        def pct(xs, p):
            xs = sorted(xs)
            return round(xs[min(len(xs) - 1, int(p / 100 * len(xs)))], 1) if xs else None

        seconds = self.ended - self.started
        return {
            "seconds": round(seconds, 1),
            "requests": sum(self.statuses.values()),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "shed_503": self.shed,
            "accepted_alerts": self.accepted_alerts,
            "accepted_per_s": round(self.accepted_alerts / seconds) if seconds else 0,
            "errors": self.errors,
            "not_sent": self.not_sent,
            "latency_ms": {str(s): {"p50": pct(v, 50), "p99": pct(v, 99), "max": pct(v, 100)} for s, v in sorted(self.latency_ms.items())},
        }


class Conn(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self, pool):
        self.pool = pool
        self.transport = None
        self.buf = b""
        self.waiter = None
        self.closed = False

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        self._check()

    def connection_lost(self, exc):
        self.closed = True
        if self.waiter and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("closed by the gateway"))

    def _check(self):
        head_end = self.buf.find(b"\r\n\r\n")
        if head_end < 0 or not self.waiter or self.waiter.done():
            return
        head = self.buf[:head_end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v)
        if len(self.buf) < head_end + 4 + length:
            return
        status = int(head.split(" ", 2)[1])
        body = self.buf[head_end + 4 : head_end + 4 + length]
        self.buf = self.buf[head_end + 4 + length :]
        self.waiter.set_result((status, body, "connection: close" in head.lower()))

    async def request(self, raw, timeout):
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await asyncio.wait_for(self.waiter, timeout)


class Client:
    def __init__(self, args):
        self.args = args
        self.counter = 0
        self.idle = []
        self.open = 0
        self.path = f"/integrations/alertmanager/{args.token}"

    def body(self):
        alerts = ",".join(ALERT.format(n=self.counter + i) for i in range(self.args.batch))
        self.counter += self.args.batch
        b = BODY.format(alerts=alerts).encode()
        return (
            f"POST {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"User-Agent: Alertmanager/0.25.0\r\nContent-Length: {len(b)}\r\n\r\n"
        ).encode() + b

    async def connection(self):
        while self.idle:
            c = self.idle.pop()
            if not c.closed:
                return c
            self.open -= 1
        if self.open >= self.args.max_connections:
            return None
        self.open += 1
        try:
            _, c = await asyncio.get_running_loop().create_connection(lambda: Conn(self), "127.0.0.1", self.args.port)
            return c
        except OSError:
            self.open -= 1
            raise

    async def one(self, stats):
        try:
            c = await self.connection()
        except OSError as e:
            stats.error(f"connect: {e.__class__.__name__}")
            return
        if c is None:
            stats.not_sent += 1
            return
        started = time.monotonic()
        try:
            status, body, close = await c.request(self.body(), self.args.timeout)
        except asyncio.TimeoutError:
            stats.error("timeout")
            c.transport.close()
            self.open -= 1
            return
        except ConnectionError:
            stats.error("closed without an answer")
            self.open -= 1
            return
        stats.add(status, (time.monotonic() - started) * 1000, body)
        if close or c.closed:
            c.transport.close()
            self.open -= 1
        else:
            self.idle.append(c)

    async def closed_loop(self, stats, seconds):
        stats.started = time.monotonic()
        end = stats.started + seconds

        async def worker():
            while time.monotonic() < end:
                await self.one(stats)

        await asyncio.gather(*(worker() for _ in range(self.args.clients)))
        stats.ended = time.monotonic()

    async def open_loop(self, stats, alerts_per_s, seconds):
        """Starts requests on a fixed schedule (in ticks of 5 ms), whatever the answers."""
        rate = alerts_per_s / self.args.batch
        stats.started = time.monotonic()
        tasks = set()
        sent = 0
        while True:
            now = time.monotonic()
            elapsed = now - stats.started
            if elapsed >= seconds:
                break
            due = int(elapsed * rate) - sent
            for _ in range(due):
                t = asyncio.ensure_future(self.one(stats))
                tasks.add(t)
                t.add_done_callback(tasks.discard)
            sent += max(0, due)
            await asyncio.sleep(0.005)
        if tasks:
            await asyncio.wait(tasks, timeout=self.args.timeout + 5)
        stats.ended = time.monotonic()


def pending_alerts(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("klaxon_gateway_alerts_pending"):
                    return int(float(line.split()[-1]))
    except OSError:
        return None
    return None


def probe_ms(port, timeout=3.0):
    """A liveness probe as the kubelet makes it (a new connection, GET /healthz, the chart's 3 s
    timeout): its time in ms, or None when it got no 200 in time."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as r:
            ok = r.status == 200
    except OSError:
        return None
    return round((time.monotonic() - start) * 1000, 1) if ok else None


async def prober(args, phase, probes):
    """Every 2 s, a probe on the gateway's own port and one on its health port (--health-listen)."""
    loop = asyncio.get_running_loop()
    while True:
        for where, port in (("gateway_port", args.port), ("health_port", args.metrics_port)):
            ms = await loop.run_in_executor(None, probe_ms, port)
            probes.setdefault(phase[0], {}).setdefault(where, []).append(ms)
        await asyncio.sleep(2)


async def sampler(args, phase, samples, t0):
    while True:
        try:
            rss, private = memory_kib(args.gateway_pid)
        except OSError:
            samples.append((round(time.monotonic() - t0, 1), phase[0], None, None, None))
            return
        pending = await asyncio.get_running_loop().run_in_executor(None, pending_alerts, args.metrics_port)
        samples.append((round(time.monotonic() - t0, 1), phase[0], rss, private, pending))
        await asyncio.sleep(1)


def queue_messages(queue):
    out = subprocess.run(["rabbitmqctl", "list_queues", "-q", "--no-table-headers", "name", "messages"],
                         capture_output=True, text=True, timeout=120).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == queue:
            return int(parts[1])
    return None


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--metrics-port", type=int, required=True, help="the gateway's --health-listen port (/metrics, /healthz)")
    p.add_argument("--gateway-pid", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--queue", required=True, help="the ingest queue to count afterwards")
    p.add_argument("--out", required=True)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--capacity-seconds", type=float, default=15)
    p.add_argument("--factor", type=float, default=2.0)
    p.add_argument("--seconds", type=float, default=45)
    p.add_argument("--recovery", type=float, default=0.5)
    p.add_argument("--recovery-seconds", type=float, default=20)
    p.add_argument("--max-connections", type=int, default=1500)
    p.add_argument("--timeout", type=float, default=10)
    args = p.parse_args()

    client = Client(args)
    samples, phase, t0 = [], ["idle"], time.monotonic()
    sampling = asyncio.ensure_future(sampler(args, phase, samples, t0))
    probes = {}
    probing = asyncio.ensure_future(prober(args, phase, probes))
    await asyncio.sleep(2)
    results = {}

    phase[0] = "capacity"
    s = Stats("capacity")
    await client.closed_loop(s, args.capacity_seconds)
    results["capacity"] = s.summary()
    capacity = results["capacity"]["accepted_per_s"]
    print(f"overload: capacity {capacity} alerts/s ({args.clients} clients, {args.batch} alerts per request)", flush=True)

    phase[0] = "overload"
    s = Stats("overload")
    await client.open_loop(s, args.factor * capacity, args.seconds)
    results["overload"] = s.summary() | {"offered_per_s": round(args.factor * capacity)}
    print(f"overload: {args.factor}x offered for {args.seconds:.0f} s", flush=True)

    phase[0] = "recovery"
    s = Stats("recovery")
    await client.open_loop(s, args.recovery * capacity, args.recovery_seconds)
    results["recovery"] = s.summary() | {"offered_per_s": round(args.recovery * capacity)}

    phase[0] = "after"
    await asyncio.sleep(3)
    sampling.cancel()
    probing.cancel()
    alive = os.path.exists(f"/proc/{args.gateway_pid}")
    if alive:
        rss, private = memory_kib(args.gateway_pid)
        samples.append((round(time.monotonic() - t0, 1), "after", rss, private, pending_alerts(args.metrics_port)))
    accepted = sum(r["accepted_alerts"] for r in results.values())
    in_queue = queue_messages(args.queue)

    def peak(ph, i, scale=1024):
        xs = [x[i] for x in samples if x[1] == ph and x[i] is not None]
        return round(max(xs) / scale, 1) if xs else None

    memory = {ph: {"rss_mib_peak": peak(ph, 2), "private_mib_peak": peak(ph, 3), "pending_alerts_peak": peak(ph, 4, 1)}
              for ph in ("idle", "capacity", "overload", "recovery", "after")}
    with open(os.path.join(args.out, "samples.csv"), "w") as f:
        f.write("t_s,phase,rss_kib,private_kib,pending_alerts\n")
        for row in samples:
            f.write(",".join("" if x is None else str(x) for x in row) + "\n")
    ok = alive and in_queue is not None and in_queue >= accepted and results["recovery"]["statuses"].keys() <= {"202"}
    def probe_summary(xs):
        answered = sorted(x for x in xs if x is not None)
        return {"probes": len(xs), "failed": len(xs) - len(answered), "max_ms": answered[-1] if answered else None}

    probe_table = {ph: {where: probe_summary(xs) for where, xs in by.items()} for ph, by in probes.items()}
    result = {"ok": ok, "gateway_alive": alive, "accepted_alerts": accepted, "messages_in_ingest_queue": in_queue,
              "phases": results, "memory": memory, "liveness_probes": probe_table}
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump(result, f, indent=1)

    print(f"\n  {'phase':<10}{'offered/s':>10}{'accepted/s':>11}{'202':>8}{'503 shed':>9}{'503 other':>10}{'errors':>8}{'not sent':>9}"
          f"{'p50 202':>9}{'p99 202':>9}{'p99 503':>9}{'peak RSS':>10}{'private':>9}")
    for ph in ("capacity", "overload", "recovery"):
        r, m = results[ph], memory[ph]
        st = r["statuses"]
        lat = r["latency_ms"]
        print(f"  {ph:<10}{r.get('offered_per_s', '-'):>10}{r['accepted_per_s']:>11}{st.get('202', 0):>8}{r['shed_503']:>9}"
              f"{st.get('503', 0) - r['shed_503']:>10}{sum(r['errors'].values()):>8}{r['not_sent']:>9}"
              f"{(lat.get('202') or {}).get('p50', '-')!s:>9}{(lat.get('202') or {}).get('p99', '-')!s:>9}"
              f"{(lat.get('503') or {}).get('p99', '-')!s:>9}{m['rss_mib_peak']!s:>10}{m['private_mib_peak']!s:>9}")
    for ph in ("capacity", "overload", "recovery"):
        by = probe_table.get(ph, {})
        print(f"  probes in {ph}: " + "; ".join(
            f"{where}: {v['failed']} of {v['probes']} failed (3 s), slowest answered {v['max_ms']} ms" for where, v in sorted(by.items())))
    print(f"\n  idle RSS {memory['idle']['rss_mib_peak']} MiB; after the run {memory['after']['rss_mib_peak']} MiB; "
          f"accepted {accepted} alerts, {in_queue} in the ingest queue; gateway alive: {alive}")
    print("overload: RESULT " + json.dumps({k: result[k] for k in ("ok", "gateway_alive", "accepted_alerts", "messages_in_ingest_queue")}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
