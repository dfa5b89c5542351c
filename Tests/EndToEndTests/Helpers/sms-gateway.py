#!/usr/bin/env python3
"""A stand-in for an SMS gateway's send API, for the end-to-end tests (the boundary we do not own).

Speaks 46elks' documented send API: POST /a1/sms, form-encoded from/to/message, HTTP basic auth with
the API username and password; answers 200 with JSON carrying the message id. And Twilio's: POST
/2010-04-01/Accounts/{USERNAME}/Messages.json, form-encoded From/To/Body, basic auth with the Account
SID and auth token; answers 201 with JSON carrying the message's sid. Wrong credentials get 401,
another path 404. Every accepted text is appended as one JSON line (from, to, message) to LOG.

Usage: sms-gateway.py USERNAME PASSWORD LOG PORTFILE  (binds 127.0.0.1 on a free port, written to PORTFILE)
"""
import base64
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

USERNAME, PASSWORD, LOG, PORTFILE = sys.argv[1:5]
EXPECTED = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
lock = threading.Lock()
count = 0


class Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        twilio = self.path == f"/2010-04-01/Accounts/{USERNAME}/Messages.json"
        if self.path != "/a1/sms" and not twilio:
            return self.answer(404, {"message": "not found"})
        if self.headers.get("Authorization") != EXPECTED:
            return self.answer(401, {"message": "unauthorized"})
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.answer(400, {"message": "form expected"})
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if set(fields) != ({"From", "To", "Body"} if twilio else {"from", "to", "message"}):
            return self.answer(400, {"message": f"unexpected fields {sorted(fields)}"})
        if twilio:
            fields = {"from": fields["From"], "to": fields["To"], "message": fields["Body"]}
        with lock:
            count += 1
            number = count
            with open(LOG, "a") as log:
                log.write(json.dumps(fields, ensure_ascii=False) + "\n")
        if twilio:
            return self.answer(201, {"sid": f"SM{number:032d}", "status": "queued", "to": fields["to"]})
        self.answer(200, {"status": "created", "direction": "outgoing", "id": f"s{number}e2e", "parts": 1})

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


# Exit on SIGTERM even if the parent ignores it (ignored signals are inherited).
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
with open(PORTFILE + ".tmp", "w") as portfile:
    portfile.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
