#!/usr/bin/env python3
"""GET /healthz over deskd's Unix socket; prints LABEL and the status line. Arguments: SOCKET LABEL."""
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(sys.argv[1])
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
print(sys.argv[2], s.recv(200).decode().split("\r\n")[0])
