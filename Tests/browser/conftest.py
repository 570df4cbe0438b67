"""A built klaxon-gateway on loopback with incidents on, and headless Chromium driven by Selenium.

scripts/browser-test.sh builds the binaries and runs these tests with Debian's python3 (which has
python3-selenium and python3-pytest); KLAXON_BIN_DIR names the directory of the built binaries.
RabbitMQ and Redis must be running (scripts/services.sh start). Nothing is skipped: a missing
binary, browser or server fails the test with a message saying what to do.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _binary(name: str) -> str:
    directory = os.environ.get("KLAXON_BIN_DIR")
    if not directory:
        pytest.fail("KLAXON_BIN_DIR is not set: run scripts/browser-test.sh (it builds the binaries)")
    path = Path(directory) / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: run scripts/browser-test.sh (it builds it)")
    return str(path)


@dataclass
class Gateway:
    """A running gateway: its base URL, config, environment and the test-only tool."""

    base: str
    config: Path
    env: dict[str, str]
    testkit: str
    namespace: str

    def seed(self, title: str, paged: str = "alice") -> dict[str, str]:
        """Stores an open incident (step 0 paged `paged`) and returns its id and signed links."""
        out = subprocess.run(
            [self.testkit, "seed-incident", "--config", str(self.config), "--title", title, "--paged", paged],
            env=self.env, capture_output=True, text=True, timeout=30,
        )
        assert out.returncode == 0, f"seed-incident failed: {out.stderr}"
        return json.loads(out.stdout)

    def take_commands(self, count: int, wait: float) -> list[dict]:
        """Takes the commands on the escalation queue: until `count` arrived or `wait` seconds passed."""
        out = subprocess.run(
            [self.testkit, "take-commands", "--config", str(self.config), "--count", str(count), "--wait", str(wait)],
            env=self.env, capture_output=True, text=True, timeout=wait + 30,
        )
        assert out.returncode == 0, f"take-commands failed: {out.stderr}"
        messages = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        assert all(m["type"] == "command" for m in messages), messages
        return [m["command"] for m in messages]


@pytest.fixture(scope="module")
def gateway() -> Iterator[Gateway]:
    gateway_bin, ctl, testkit = _binary("klaxon-gateway"), _binary("klaxonctl"), _binary("incident-testkit")
    work = Path(tempfile.mkdtemp(prefix="klaxon-browser-"))
    port = _free_port()
    namespace = "browser-" + secrets.token_hex(4)
    amqp_port = os.environ.get("KLAXON_AMQP_PORT", "5672")
    redis_port = os.environ.get("KLAXON_REDIS_PORT", "6379")
    config = work / "klaxon.yaml"
    config.write_text(
        f"""broker:
  url: amqp://guest:guest@127.0.0.1:{amqp_port}/
  namespace: {namespace}
  heartbeat_seconds: 0
redis:
  port: {redis_port}
gateway:
  listen: 127.0.0.1:{port}
integrations:
  - {{name: am, kind: alertmanager, token_env: BT_TOKEN}}
people:
  - {{id: alice, name: Alice Zhang, email: alice@example.com, contact_rules: {{default: [email]}}}}
  - {{id: bob, name: Bob Li, email: bob@example.com, contact_rules: {{default: [email]}}}}
incidents:
  link_secret_env: BT_LINK_SECRET
  link_ttl: 1h
"""
    )
    env = dict(os.environ)
    env.update(
        BT_TOKEN="browser-token-" + secrets.token_hex(8),
        BT_LINK_SECRET="browser-link-secret-" + secrets.token_hex(8),
        KLAXON_LOG_LEVEL="warning",
    )
    log = open(work / "gateway.log", "w")
    proc = subprocess.Popen([gateway_bin, "--config", str(config)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"klaxon-gateway exited {proc.returncode} at start-up: {(work / 'gateway.log').read_text()}")
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"klaxon-gateway not ready in 30 s (RabbitMQ down? scripts/services.sh start): {(work / 'gateway.log').read_text()}")
            time.sleep(0.1)
        yield Gateway(base=base, config=config, env=env, testkit=testkit, namespace=namespace)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        log.close()
        subprocess.run([ctl, "topology", "delete", "--config", str(config), "--yes", "--discard-messages"], env=env, capture_output=True)
        keys = subprocess.run(["redis-cli", "-p", redis_port, "--scan", "--pattern", f"{namespace}:*"], capture_output=True, text=True)
        if keys.stdout.split():
            subprocess.run(["redis-cli", "-p", redis_port, "del", *keys.stdout.split()], capture_output=True)
        gateway_log = (work / "gateway.log").read_text()
        shutil.rmtree(work, ignore_errors=True)
        assert code == 0, f"klaxon-gateway exited {code} on SIGTERM: {gateway_log}"


@pytest.fixture()
def browser():
    """Headless Chromium at a phone's size. --no-sandbox: Chromium's sandbox refuses to run as root."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("Selenium is missing: apt-get install python3-selenium (scripts/install-deps.sh), and run with /usr/bin/python3")
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: apt-get install {package} (scripts/install-deps.sh)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=390,844"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
