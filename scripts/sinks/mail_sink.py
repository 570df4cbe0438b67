#!/usr/bin/python3
"""Local SMTP sink for Klaxon's tests and demo (aiosmtpd from Debian: run with /usr/bin/python3).

    /usr/bin/python3 scripts/sinks/mail_sink.py --listen 127.0.0.1:8025 --dir DIR
        [--starttls --cert F --key F]      # offer STARTTLS (port-587 style)
        [--tls --cert F --key F]           # implicit TLS from the first byte (port-465 style)
        [--auth user:pass]                 # require AUTH (PLAIN/LOGIN) before MAIL
        [--fail-rcpt ADDR=CODE ...]        # RCPT TO:<ADDR> answers CODE (e.g. 550, 451)
        [--delay-rcpt SECONDS]             # stall before answering RCPT (a slow server)
        [--delay-data SECONDS]             # hold each message's final reply (the 250 after its "."): a slow server

Each accepted message becomes DIR/<seq>.eml (the bytes received after DATA, dot-unstuffed)
and then DIR/<seq>.json ({"seq", "mail_from", "rcpt_tos", "peer", "tls", "auth_user",
"concurrent"}), each written to a temporary name and renamed, so a reader that sees the .json
finds both complete. "concurrent" is how many messages (this one included) were in DATA at once
when it arrived: with --delay-data, above 1 proves the client sends over parallel sessions.
--delay-data also makes the slow server of Tests/FleetTests/SlowChannelBacklogTests.swift and
bench/slow-smtp (a message is stored, then answered SECONDS later).
Each RCPT TO is printed (`mail_sink: rcpt ADDR`) before any --delay-rcpt stall, so a test
knows a delivery is under way.
`--listen HOST:0` picks a free port. Prints `mail_sink: listening on HOST:PORT` once it
accepts connections; exits 0 on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args(argv):
    p = argparse.ArgumentParser(description="Local SMTP sink writing .eml/.json files.")
    p.add_argument("--listen", default="127.0.0.1:8025", help="HOST:PORT (PORT 0 picks a free one)")
    p.add_argument("--dir", required=True, help="directory for <seq>.eml and <seq>.json")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--starttls", action="store_true", help="offer STARTTLS (needs --cert/--key)")
    mode.add_argument("--tls", action="store_true", help="implicit TLS (needs --cert/--key)")
    p.add_argument("--cert", help="PEM certificate")
    p.add_argument("--key", help="PEM private key")
    p.add_argument("--auth", help="user:pass required before MAIL")
    p.add_argument("--delay-rcpt", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long before answering each RCPT TO (tests of in-flight work)")
    p.add_argument("--delay-data", type=float, default=0.0, metavar="SECONDS",
                   help="hold each message this long before answering DATA (tests of parallel senders)")
    p.add_argument("--fail-rcpt", action="append", default=[], metavar="ADDR=CODE",
                   help="answer RCPT TO for ADDR with CODE (4xx or 5xx); repeatable")
    a = p.parse_args(argv)
    if (a.starttls or a.tls) and not (a.cert and a.key):
        p.error("--starttls/--tls need --cert and --key")
    host, _, port = a.listen.rpartition(":")
    if not host or not port.isdigit():
        p.error("--listen must be HOST:PORT")
    a.host, a.port = host.strip("[]"), int(port)
    a.failures = {}
    for item in a.fail_rcpt:
        addr, _, code = item.rpartition("=")
        if not addr or not code.isdigit() or not 400 <= int(code) <= 599:
            p.error(f"--fail-rcpt expects ADDR=CODE with a 4xx/5xx code, got {item!r}")
        a.failures[addr.lower()] = int(code)
    if a.auth is not None and ":" not in a.auth:
        p.error("--auth expects user:pass")
    return a


class Sink:
    """aiosmtpd handler: refuses configured recipients, stores accepted messages."""

    def __init__(self, directory, failures, delay_rcpt=0.0, delay_data=0.0):
        self.directory = directory
        self.failures = failures
        self.delay_rcpt = delay_rcpt
        self.delay_data = delay_data
        self.seq = 0
        self.in_data = 0  # messages between DATA and its answer, across sessions

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        print(f"mail_sink: rcpt {address}", flush=True)
        if self.delay_rcpt > 0:
            await asyncio.sleep(self.delay_rcpt)
        code = self.failures.get(address.lower())
        if code is not None:
            if code >= 500:
                return f"{code} 5.1.1 <{address}>: mailbox unavailable (mail_sink --fail-rcpt)"
            return f"{code} 4.2.1 <{address}>: mailbox busy, try again later (mail_sink --fail-rcpt)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.in_data += 1
        concurrent = self.in_data
        try:
            if self.delay_data > 0:
                await asyncio.sleep(self.delay_data)
            return self._store(server, session, envelope, concurrent)
        finally:
            self.in_data -= 1

    def _store(self, server, session, envelope, concurrent):
        self.seq += 1
        name = f"{self.seq:06d}"
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        meta = {
            "seq": self.seq,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "peer": f"{session.peer[0]}:{session.peer[1]}" if session.peer else None,
            "tls": "yes" if server.transport.get_extra_info("ssl_object") is not None else "no",
            "auth_user": user,
            "concurrent": concurrent,
        }
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        self._write(f"{name}.eml", content)
        self._write(f"{name}.json", (json.dumps(meta, indent=1) + "\n").encode())
        print(f"mail_sink: stored {name} from {meta['mail_from']} to {','.join(meta['rcpt_tos'])}", flush=True)
        return "250 2.0.0 OK stored"

    def _write(self, filename, data):
        tmp = os.path.join(self.directory, f".{filename}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.directory, filename))


def make_authenticator(expected):
    user, _, password = expected.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


async def main(a):
    os.makedirs(a.dir, exist_ok=True)
    context = None
    if a.starttls or a.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.cert, a.key)
    handler = Sink(a.dir, a.failures, a.delay_rcpt, a.delay_data)
    kwargs = {"hostname": "mail-sink.local", "ident": "Klaxon mail_sink"}
    if a.starttls:
        kwargs.update(tls_context=context, require_starttls=True)
    if a.auth is not None:
        # With implicit TLS aiosmtpd does not know the socket is encrypted (it only tracks
        # STARTTLS), so its "AUTH only over TLS" rule would refuse AUTH; over --tls it is.
        kwargs.update(auth_required=True, authenticator=make_authenticator(a.auth),
                      auth_require_tls=not a.tls)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **kwargs), a.host, a.port,
                                      ssl=context if a.tls else None)
    host, port = server.sockets[0].getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"mail_sink: listening on {shown}:{port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    # aiosmtpd 1.4 itself sets the deprecated Session.login_data on every AUTH; not our bug.
    # Over --tls, AUTH *is* encrypted (see main), so its "AUTH without TLS" warning is wrong too.
    warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    args = parse_args(sys.argv[1:])
    # A parent may start us with SIGTERM blocked (Swift's Foundation.Process inherits the mask
    # of the dispatch thread that spawned it): unblock so SIGTERM stops us cleanly.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        asyncio.run(main(args))
    except OSError as e:
        print(f"mail_sink: cannot listen on {args.listen}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
