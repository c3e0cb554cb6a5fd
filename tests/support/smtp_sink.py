#!/usr/bin/env python3
"""SMTP sink for safecode's tests.

Usage: smtp_sink.py PORT DIR [--reject ADDRESS]...

Listens on 127.0.0.1:PORT (0: a free port the OS picks) and stores every
message it accepts as DIR/0001.eml, DIR/0002.eml, ...: two lines

    X-Envelope-From: <MAIL FROM address>
    X-Envelope-To: <RCPT TO address>, <RCPT TO address>

followed by the message data exactly as received (CRLF line ends). A file
appears complete (written, then renamed) before the server answers 250 to
DATA, so a client that got its 250 can read it at once. A recipient named
with --reject (case-insensitive) is refused with
"550 5.1.1 <address>: Recipient address rejected (test)".

Prints "ready <port>" on stdout once listening. Stops on SIGTERM or SIGINT,
and, when stdin is a pipe, when stdin reaches EOF (so it dies with the test
process that started it).

Needs aiosmtpd: python3 -m pip install aiosmtpd
"""

import argparse
import asyncio
import os
import signal
import stat
import sys
import threading

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = {r.lower() for r in reject}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected (test)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = f"{self.count:04d}.eml"
        tmp = os.path.join(self.directory, f".{name}.tmp")
        with open(tmp, "wb") as f:
            f.write(f"X-Envelope-From: {envelope.mail_from}\r\n".encode())
            f.write(f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.directory, name))
        return "250 2.0.0 Message accepted for delivery"


async def serve(port, directory, reject):
    loop = asyncio.get_running_loop()
    handler = Sink(directory, reject)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", ident="safecode test sink"),
        "127.0.0.1",
        port,
    )
    print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if stat.S_ISFIFO(os.fstat(0).st_mode):
        def watch_stdin():
            try:
                sys.stdin.buffer.read()
            finally:
                loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=watch_stdin, daemon=True).start()
    await stop.wait()
    server.close()


def main():
    p = argparse.ArgumentParser(description="SMTP sink for safecode's tests")
    p.add_argument("port", type=int)
    p.add_argument("dir")
    p.add_argument("--reject", action="append", default=[], metavar="ADDRESS")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    asyncio.run(serve(a.port, a.dir, a.reject))


if __name__ == "__main__":
    main()
