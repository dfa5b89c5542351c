#!/usr/bin/env python3
"""A webhook receiver for tests: answers 200 to every POST and appends one line per delivery
to OUT ("DELIVERY_ID TYPE"), so that a test counts deliveries per id. Usage: PORT OUT."""
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, OUT = int(sys.argv[1]), sys.argv[2]
# A child of the Swift test runner may inherit a mask that blocks SIGTERM: let it end us.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            kind = json.loads(body).get("type", "?")
        except ValueError:
            kind = "unreadable"
        with open(OUT, "a") as out:
            out.write(f"{self.headers.get('X-Desk-Delivery', '-')} {kind}\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
