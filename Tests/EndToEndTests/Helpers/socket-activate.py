#!/usr/bin/env python3
"""Start a program the way systemd's socket activation does, but at once.

    socket-activate.py --tcp 127.0.0.1:PORT --unix PATH [--names a:b] [--supervise] -- PROGRAM ARGS...

Binds and listens on each address in order, moves the sockets to fds 3, 4, ..., sets
LISTEN_FDS, LISTEN_PID (our own pid: exec keeps it) and LISTEN_FDNAMES, and execs PROGRAM.
systemd-socket-activate in systemd 252 only execs after the first connection arrives.

With --supervise it stays, like systemd: it holds the listeners, runs PROGRAM as a child with
them, restarts it on SIGHUP (SIGTERM, wait, start again: what `systemctl restart` does), and on
SIGTERM stops it and exits with its status.
"""
import os
import signal
import socket
import subprocess
import sys


def main(argv):
    # A parent may have started us with signals blocked (posix_spawn's mask); we need them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
    if "--" not in argv:
        sys.exit("usage: socket-activate.py --tcp HOST:PORT --unix PATH [--names a:b] -- PROGRAM ARGS...")
    split = argv.index("--")
    options, program = argv[:split], argv[split + 1:]
    sockets, names, supervise = [], None, False
    index = 0
    while index < len(options):
        option = options[index]
        value = options[index + 1] if index + 1 < len(options) else None
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
        elif option == "--supervise":
            supervise = True
            index += 1
            continue
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
    os.environ["LISTEN_FDNAMES"] = names or ":".join(["deskd-api"] * len(sockets))
    if not supervise:
        os.environ["LISTEN_PID"] = str(os.getpid())
        os.execv(program[0], program)
    supervise_child(program, len(sockets))


def supervise_child(program, count):
    fds = tuple(range(3, 3 + count))

    def start():
        def in_child():
            os.environ["LISTEN_PID"] = str(os.getpid())
        # env=None: the child's environment is read after in_child ran, so LISTEN_PID is its own.
        return subprocess.Popen(program, pass_fds=fds, preexec_fn=in_child, close_fds=True)

    restarts, stopping = [], []
    signal.signal(signal.SIGHUP, lambda *_: restarts.append(1))
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    child = start()
    while True:
        if not (restarts or stopping):
            signal.pause()
        if stopping:
            child.terminate()
            sys.exit(child.wait())
        if restarts:
            restarts.clear()
            child.terminate()
            child.wait()
            child = start()


if __name__ == "__main__":
    main(sys.argv[1:])
