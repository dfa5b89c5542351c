#!/usr/bin/env python3
"""Run as a local user with no role: holds 3 connections to deskd's Unix socket (the cap the test
sets), is refused a fourth, then waits for a line on stdin (the test writes one once others have
been served), closes one held connection and asks again until the cap no longer refuses it (deskd
counts a close a moment after it; bounded), and prints what each step got. Arguments: SOCKET."""
import socket, sys, time
path = sys.argv[1]
def get(s, target):
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % target).encode())
    return s.recv(4096).decode()
held = []
for i in range(3):
    s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path); held.append(s)
    print("held", get(s, "/healthz").split("\r\n")[0])
extra = socket.socket(socket.AF_UNIX); extra.settimeout(30); extra.connect(path)
print("extra", get(extra, "/healthz").split("\r\n")[0])
sys.stdout.flush()
sys.stdin.readline()
held.pop().close()
for attempt in range(200):
    s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path)
    reply = get(s, "/v1/incidents")
    if not reply.startswith("HTTP/1.1 503"): break
    s.close(); time.sleep(0.05)
print("norole", reply.split("\r\n")[0], "close" if "connection: close" in reply.lower() else "open")
try:
    while s.recv(4096): pass
    print("after closed")
except socket.timeout: print("after timeout")
