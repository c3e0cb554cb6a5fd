#!/usr/bin/env python3
"""Twilio-compatible SMS API stand-in for safecode's tests.

Usage: sms_api.py PORT LOG [--fail-to NUMBER]... [--token TOKEN]

Listens on 127.0.0.1:PORT (0: a free port the OS picks) and appends one JSON
line per request to LOG, written before the answer is sent:

    {"method": "POST", "path": "/2010-04-01/Accounts/AC.../Messages.json",
     "authorization": "Basic ...", "form": {"To": ..., "From": ..., "Body": ...},
     "status": 201}

(form: the url-encoded request body, the last value of a repeated field).

Answers:
- POST .../Accounts/<sid>/Messages.json: 201 with a Twilio-like message
  resource; 400 {"code": 21211, "message": "The 'To' number is not a valid
  phone number.", "status": 400} when To is listed with --fail-to or in the
  environment variable SMS_API_FAIL_TO (comma-separated).
- GET .../Accounts/<sid>.json: 200 {"sid": <sid>, "status": "active"}.
- With --token, any request whose basic-auth password differs gets
  401 {"code": 20003, "message": "Authenticate", "status": 401}.
- Anything else: 404 {"code": 20404, "message": "The requested resource ...
  was not found", "status": 404}.

Prints "ready <port>" on stdout once listening. Stops on SIGTERM or SIGINT,
and, when stdin is a pipe, when stdin reaches EOF (so it dies with the test
process that started it). Standard library only.
"""

import argparse
import base64
import json
import os
import re
import signal
import stat
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

MESSAGES = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
ACCOUNT = re.compile(r"^/2010-04-01/Accounts/([^/]+)\.json$")


def make_handler(log_path, fail_to, token):
    lock = threading.Lock()
    counter = [0]

    class Handler(BaseHTTPRequestHandler):
        server_version = "sms_api/1"

        def log_message(self, *args):
            pass

        def answer(self, status, doc, form):
            with lock:
                with open(log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps({
                        "method": self.command,
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "form": form,
                        "status": status,
                    }) + "\n")
            data = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def authorized(self):
            if token is None:
                return True
            auth = self.headers.get("Authorization") or ""
            if not auth.startswith("Basic "):
                return False
            try:
                user_pass = base64.b64decode(auth[6:]).decode()
            except Exception:
                return False
            return user_pass.partition(":")[2] == token

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            form = dict(parse_qsl(raw, keep_blank_values=True))
            if not self.authorized():
                return self.answer(401, {"code": 20003, "message": "Authenticate",
                                         "status": 401}, form)
            m = MESSAGES.match(self.path)
            if self.command == "POST" and m:
                to = form.get("To", "")
                if to in fail_to:
                    return self.answer(400, {
                        "code": 21211,
                        "message": "The 'To' number is not a valid phone number.",
                        "more_info": "https://www.twilio.com/docs/errors/21211",
                        "status": 400,
                    }, form)
                with lock:
                    counter[0] += 1
                    n = counter[0]
                return self.answer(201, {
                    "sid": f"SM{n:032x}",
                    "account_sid": m.group(1),
                    "to": to,
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                }, form)
            m = ACCOUNT.match(self.path)
            if self.command == "GET" and m:
                return self.answer(200, {"sid": m.group(1), "status": "active"}, form)
            return self.answer(404, {
                "code": 20404,
                "message": f"The requested resource {self.path} was not found",
                "status": 404,
            }, form)

        do_GET = handle_any
        do_POST = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser(description="Twilio-like SMS API for safecode's tests")
    p.add_argument("port", type=int)
    p.add_argument("log")
    p.add_argument("--fail-to", action="append", default=[], metavar="NUMBER")
    p.add_argument("--token")
    a = p.parse_args()
    fail_to = set(a.fail_to)
    fail_to.update(n.strip() for n in os.environ.get("SMS_API_FAIL_TO", "").split(",") if n.strip())

    server = ThreadingHTTPServer(("127.0.0.1", a.port), make_handler(a.log, fail_to, a.token))
    server.daemon_threads = True
    print(f"ready {server.server_address[1]}", flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if stat.S_ISFIFO(os.fstat(0).st_mode):
        def watch_stdin():
            try:
                sys.stdin.buffer.read()
            finally:
                stop()

        threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
