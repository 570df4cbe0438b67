#!/usr/bin/env python3
"""An SMTP sink for benchmarks: accepts every mail, parses nothing but the commands and the end
of DATA, and writes one line per mail: the arrival time (Unix seconds, from time.time() when the
final "." arrived) and the first match of --marker in the message's header.

    bench/e2e/sink.py --listen 127.0.0.1:2525 --out arrivals.txt [--marker 'e2e-[0-9a-z]+-[0-9]+']

Why not aiosmtpd or smtp-sink: aiosmtpd parses every line and costs ~1 ms of CPU per mail in
Python, and Postfix's smtp-sink writes its dump files in small pieces (0.38 ms of CPU per 5 KB
mail with -d, on this machine), so either would become the limit of the race it measures. This
one reads the socket in bulk (asyncio Protocol, no per-line awaits) and looks for CRLF.CRLF.

ESMTP without extensions that change the protocol (no STARTTLS, no AUTH, no CHUNKING); lines
are written in batches every 50 ms, so a reader tailing the file sees each mail within ~50 ms
of its arrival (the time written is the arrival, not the write). SIGTERM flushes and exits.
"""
import argparse
import asyncio
import re
import resource
import signal
import time

END = b"\r\n.\r\n"


class Session(asyncio.BufferedProtocol):
    def __init__(self, out, marker):
        self.out, self.marker = out, marker
        self.buf = bytearray()
        # asyncio's plain Protocol reads into a fresh 256 KiB object per recv (an mmap, mremap
        # and munmap each time); a buffer reused across reads avoids the three system calls.
        self.inbox = memoryview(bytearray(65536))
        self.data = False  # inside DATA
        self.scan_from = 0  # where to resume looking for the end of DATA

    def connection_made(self, transport):
        self.t = transport
        transport.write(b"220 sink ESMTP\r\n")

    def get_buffer(self, sizehint):
        return self.inbox

    def buffer_updated(self, n):
        self.buf += self.inbox[:n]
        replies = []
        while True:
            if self.data:
                # The end of DATA is CRLF.CRLF; a message that is only "." starts with ".\r\n".
                if self.buf.startswith(b".\r\n"):
                    end = -2
                else:
                    end = self.buf.find(END, max(0, self.scan_from - 4))
                    if end < 0:
                        self.scan_from = len(self.buf)
                        break
                now = time.time()
                head_end = self.buf.find(b"\r\n\r\n", 0, end + 2)
                m = self.marker.search(self.buf, 0, head_end if head_end >= 0 else min(end + 2, 8192))
                self.out.append(b"%.6f %s\n" % (now, m.group(0) if m else b"-"))
                del self.buf[: end + 5]
                self.data, self.scan_from = False, 0
                replies.append(b"250 2.0.0 Ok: queued\r\n")
                continue
            nl = self.buf.find(b"\r\n")
            if nl < 0:
                break
            verb = bytes(self.buf[:4]).upper()
            del self.buf[: nl + 2]
            if verb == b"EHLO":
                replies.append(b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 104857600\r\n")
            elif verb == b"DATA":
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                self.data = True
            elif verb == b"QUIT":
                replies.append(b"221 2.0.0 Bye\r\n")
                self.t.write(b"".join(replies))
                self.t.close()
                return
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                replies.append(b"250 2.0.0 Ok\r\n")
            else:
                replies.append(b"502 5.5.2 Error: command not recognized\r\n")
        if replies:
            self.t.write(b"".join(replies))


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--marker", default=r"e2e-[0-9a-z]+-[0-9]+")
    a = p.parse_args()
    host, port = a.listen.rsplit(":", 1)
    # A client that opens a connection per mail (Alertmanager) may hold thousands at once.
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    marker = re.compile(a.marker.encode())
    pending = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Session(pending, marker), host, int(port), backlog=4096, reuse_address=True)
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    with open(a.out, "ab", buffering=0) as f:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 0.05)
            except asyncio.TimeoutError:
                pass
            if pending:
                lines, pending[:] = b"".join(pending), []
                f.write(lines)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
