#!/usr/bin/env python3
"""Sends deskd 300 bodies of 1 MB, 300 documents nested 5,000 deep and 100 heads that never end;
prints the status counts of the answers. Arguments: PORT TOKEN."""
import socket, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
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
print(" ".join(f"{k.decode()}:{v}" for k, v in sorted(statuses.items())))
time.sleep(0.5)
