"""RabbitMQ and Redis of the chaos run's own: own ports, own data under the run's directory.

The run stops and starts them on purpose, so they are never the shared servers other tests and
engineers use (scripts/services.sh): a private RabbitMQ node (as FleetTests' PrivateBroker does)
and a private redis-server. Both are started the way scripts/services.sh starts the shared ones
(Debian's rabbitmq-server as the rabbitmq user, HOME=/var/lib/rabbitmq for the Erlang cookie;
redis-server without persistence), and both are removed when the run ends.
"""

import os
import shutil
import signal
import socket
import subprocess
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Rabbit:
    """A RabbitMQ node of this run. `stop()` is a clean shutdown (`rabbitmqctl stop`), `start()`
    boots it again on the same data, so its durable queues and persistent messages come back."""

    def __init__(self, directory, trace=False):
        self.dir = directory
        self.trace = trace
        self.port = free_port()
        self.dist_port = free_port()
        self.http_port = free_port() if trace else None
        self.node = f"klaxonchaos{os.getpid()}@localhost"
        self.proc = None
        os.makedirs(os.path.join(self.dir, "trace"), exist_ok=True)
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[rabbitmq_management,rabbitmq_tracing]." if trace else "[].")
        subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", self.dir], check=True)

    @property
    def url(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def env(self):
        e = dict(os.environ)
        e.update({
            "HOME": "/var/lib/rabbitmq", "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": f"{self.dir}/mnesia", "RABBITMQ_LOG_BASE": f"{self.dir}/log",
            "RABBITMQ_ENABLED_PLUGINS_FILE": f"{self.dir}/enabled_plugins", "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}" + (
                f" -rabbitmq_management tcp_config [{{port,{self.http_port}}},{{ip,\"127.0.0.1\"}}]"
                f" -rabbitmq_tracing directory \"{self.dir}/trace\"" if self.trace else ""),
            "RABBITMQ_CTL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        })
        return e

    def start(self, timeout=120):
        out = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen(
            ["runuser", "-u", "rabbitmq", "--", "/usr/lib/rabbitmq/bin/rabbitmq-server"],
            env=self.env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"private RabbitMQ exited ({self.proc.returncode}); see {self.dir}/server.log")
            if port_open(self.port) and self.ctl(["await_startup"], timeout=60).returncode == 0:
                if self.trace:
                    self.start_trace()
                return
            time.sleep(0.5)
        raise RuntimeError(f"private RabbitMQ did not start within {timeout} s; see {self.dir}/server.log")

    def start_trace(self):
        """Every publish and delivery into <dir>/trace/all.log (rabbitmq_tracing, JSON lines;
        tracing does not survive a restart, so each start turns it on again)."""
        import base64
        import urllib.request
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/api/traces/%2F/all", method="PUT",
            data=b'{"format":"json","pattern":"#"}', headers={
                "content-type": "application/json",
                "authorization": "Basic " + base64.b64encode(b"guest:guest").decode()})
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(req, timeout=10).read()
                self.ctl(["trace_on"])
                return
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self, timeout=120):
        """Clean shutdown; waits until the node's processes are gone."""
        self.ctl(["stop"], timeout=timeout)
        if self.proc:
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        deadline = time.time() + 30
        while port_open(self.port) and time.time() < deadline:
            time.sleep(0.2)

    def ctl(self, args, timeout=60):
        try:
            return subprocess.run(["rabbitmqctl", "-n", self.node, "-q"] + args, env=self.env(),
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(e.cmd, 124, "", "timeout")

    def queues(self):
        """{name: messages (ready + unacknowledged)}, or None when the node cannot say."""
        r = self.ctl(["list_queues", "--no-table-headers", "name", "messages"], timeout=60)
        if r.returncode != 0:
            return None
        out = {}
        for line in r.stdout.splitlines():
            parts = line.split("\t")
            if len(parts) == 2 and parts[1].strip().isdigit():
                out[parts[0]] = int(parts[1])
        return out

    def node_pids(self):
        """Every process of this node (found by its node name in the environment), never epmd."""
        marker = f"RABBITMQ_NODENAME={self.node}\0".encode()
        pids = []
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) == os.getpid():
                continue
            try:
                with open(f"/proc/{name}/comm") as f:
                    if f.read().startswith("epmd"):
                        continue
                with open(f"/proc/{name}/environ", "rb") as f:
                    if marker in f.read():
                        pids.append(int(name))
            except OSError:
                pass
        return pids

    def kill(self):
        for pid in self.node_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def remove(self):
        if self.proc and self.proc.poll() is None:
            self.ctl(["stop"], timeout=60)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """A redis-server of this run, without persistence (like scripts/services.sh's): a restart
    loses every key (dedup windows, delivery records, claims, budgets, incidents)."""

    def __init__(self, directory):
        self.dir = directory
        self.port = free_port()
        self.proc = None
        os.makedirs(self.dir, exist_ok=True)

    def start(self, timeout=30):
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + timeout
        while not port_open(self.port):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"private Redis did not start; see {self.dir}/redis.log")
            time.sleep(0.1)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
