"""What bench/e2e's scripts share: child processes that are always cleaned up, readiness,
memory and CPU read from /proc, ports, percentiles. Python standard library only."""
import atexit
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HZ = os.sysconf("SC_CLK_TCK")


def spare_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Children:
    """Every process a bench starts. Stopped on exit, on SIGTERM/SIGINT/SIGHUP and on an
    exception; their pids are also written to `pidfile`, so the shell wrapper's trap can kill
    them if Python itself is killed."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.procs = []
        open(pidfile, "w").close()
        atexit.register(self.stop_all)
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, self._on_signal)

    def _on_signal(self, signum, _frame):
        self.stop_all()
        sys.exit(128 + signum)

    def start(self, argv, log_path, env=None):
        log = open(log_path, "ab")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)
        log.close()
        self.procs.append(p)
        self._write()
        return p

    def stop(self, p, timeout=20):
        """SIGTERM, then SIGKILL after `timeout` seconds. Returns the exit code."""
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.procs:
            self.procs.remove(p)
            self._write()
        return p.returncode

    def stop_all(self):
        for p in list(reversed(self.procs)):
            self.stop(p, timeout=10)

    def _write(self):
        with open(self.pidfile, "w") as f:
            f.write("".join(f"{p.pid}\n" for p in self.procs))


def http_status(url, timeout=1.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def wait_ready(url, proc, timeout=60.0, interval=0.005):
    """Polls `url` every `interval` seconds until it answers 200; raises if `proc` exits first
    or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if http_status(url, timeout=0.5) == 200:
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before {url} answered 200")
        time.sleep(interval)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def memory_kib(pid):
    """(RSS, private) in KiB: private is Private_Clean + Private_Dirty of smaps_rollup, the
    pages no other process maps (the Swift runtime's and Foundation's shared clean pages are
    counted in RSS by every process that maps them)."""
    rss = private = 0
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k == "Rss":
                rss = int(v.split()[0])
            elif k in ("Private_Clean", "Private_Dirty"):
                private += int(v.split()[0])
    return rss, private


def peak_rss_kib(pid):
    """VmHWM: the kernel's own record of the process's peak RSS."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """utime + stime of the whole process (every thread, live and ended)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def percentile(sorted_values, q):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(q / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])
