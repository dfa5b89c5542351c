#!/usr/bin/env python3
"""Sends deskd 300 bodies of 1 MB, 300 documents nested 5,000 deep and 100 heads that never end;
prints the status counts of the answers, then, with the 100 heads still open, the status of an
ordinary request over the Unix socket (areas:200 when deskd serves others meanwhile; the heads'
address is over its per-peer cap by then). Arguments: PORT TOKEN SOCKET."""
import socket, sys
port, token, unix_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def send(raw):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10)
    s.sendall(raw)
    try: reply = s.recv(200)
    except Exception: reply = b""
    s.close(); return reply
statuses = {}
big = b"x" * 1_000_000
for i in range(300):
    head = b"POST /v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() + \
        b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(big)).encode() + b"\r\n\r\n"
    status = send(head + big)[9:12]; statuses[status] = statuses.get(status, 0) + 1
deep = b"[" * 5000
for i in range(300):
    head = b"POST /v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() + \
        b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(deep)).encode() + b"\r\n\r\n"
    status = send(head + deep)[9:12]; statuses[status] = statuses.get(status, 0) + 1
slow = []
for i in range(100):
    s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"GET /v1/areas HTTP/1.1\r\nHost: x\r\n"); slow.append(s)
local = socket.socket(socket.AF_UNIX); local.settimeout(10); local.connect(unix_path)
local.sendall(b"GET /v1/areas HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
served = local.recv(200)[9:12]; local.close()
print(" ".join(f"{k.decode()}:{v}" for k, v in sorted(statuses.items())), "areas:" + served.decode())
for s in slow: s.close()
