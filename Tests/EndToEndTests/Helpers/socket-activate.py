#!/usr/bin/env python3
"""Start a program the way systemd's socket activation does, but at once.

    socket-activate.py --tcp 127.0.0.1:PORT --unix PATH [--names a:b] -- PROGRAM ARGS...

Binds and listens on each address in order, moves the sockets to fds 3, 4, ..., sets
LISTEN_FDS, LISTEN_PID (our own pid: exec keeps it) and LISTEN_FDNAMES, and execs PROGRAM.
systemd-socket-activate in systemd 252 only execs after the first connection arrives.
"""
import os
import socket
import sys


def main(argv):
    if "--" not in argv:
        sys.exit("usage: socket-activate.py --tcp HOST:PORT --unix PATH [--names a:b] -- PROGRAM ARGS...")
    split = argv.index("--")
    options, program = argv[:split], argv[split + 1:]
    sockets, names = [], None
    index = 0
    while index < len(options):
        option, value = options[index], options[index + 1]
        if option == "--tcp":
            host, port = value.rsplit(":", 1)
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, int(port)))
        elif option == "--unix":
            if os.path.exists(value):
                os.unlink(value)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(value)
            os.chmod(value, 0o660)
        elif option == "--names":
            names = value
            index += 2
            continue
        else:
            sys.exit(f"unknown option {option}")
        listener.listen(128)
        sockets.append(listener)
        index += 2
    # Park the sockets above the target range first, so moving them to 3.. clobbers nothing.
    parked = [os.dup2(listener.fileno(), 100 + position) for position, listener in enumerate(sockets)]
    for listener in sockets:
        listener.detach()
    for position, descriptor in enumerate(parked):
        os.dup2(descriptor, 3 + position, inheritable=True)
        os.set_inheritable(3 + position, True)
        os.close(descriptor)
    os.environ["LISTEN_FDS"] = str(len(sockets))
    os.environ["LISTEN_PID"] = str(os.getpid())
    os.environ["LISTEN_FDNAMES"] = names or ":".join(["deskd-api"] * len(sockets))
    os.execv(program[0], program)


if __name__ == "__main__":
    main(sys.argv[1:])
