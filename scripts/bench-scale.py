#!/usr/bin/env python3
"""Scale benchmark (part of `make bench-load`): a release deskd over a database of N incidents.

Measures the time from starting deskd to READY=1 on a real notify socket, and the latency of
listing the latest 50 incidents of one area over the Unix socket (GET /v1/incidents?area=..&limit=50),
each as the median of several runs: from Python (a new connection per request) and from desk-wrk
over one keep-alive connection (the server's time plus a loopback round trip). The bulk rows are copied, in SQL, from one incident and report
that deskd stored itself (so their shape is deskd's own); 1 in 1000 is open, the rest closed, spread
over every area. They carry no timeline events of their own.

usage: bench-scale.py REPOSITORY_ROOT [--deskd PATH] [--incidents N] [--rounds R]
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def start(deskd, directory):
    """Starts deskd; returns the process and the seconds until it sent READY=1."""
    notify_path = os.path.join(directory, "notify.sock")
    if os.path.exists(notify_path):
        os.unlink(notify_path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(300)
    log = open(os.path.join(directory, "deskd.log"), "ab")
    started = time.monotonic()
    process = subprocess.Popen(
        [deskd, "--config", os.path.join(directory, "deskd.toml")],
        env={**os.environ, "NOTIFY_SOCKET": notify_path}, stdout=log, stderr=log)
    try:
        while True:
            message = notify.recv(4096).decode()
            if "READY=1" in message:
                return process, time.monotonic() - started
    finally:
        notify.close()


def stop(process):
    process.terminate()
    process.wait(timeout=60)


def request(socket_path, method, path, body=None):
    connection = UnixHTTPConnection(socket_path)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    reply = connection.getresponse()
    data = reply.read()
    connection.close()
    if reply.status >= 300:
        raise RuntimeError(f"{method} {path}: {reply.status} {data[:300]!r}")
    return json.loads(data)


def fill(database, count):
    """Copies the one stored incident and report `count` times, in one transaction."""
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    incident_columns = [row[1] for row in db.execute("PRAGMA table_info(incident)")]
    report_columns = [row[1] for row in db.execute("PRAGMA table_info(report)")]
    incident_id = "printf('%08x-%04x-7000-8000-%012x', n.i / 65536, n.i % 65536, n.i)"
    incident_overrides = {
        "id": incident_id,
        "area_id": "areas.id",
        "status": "CASE WHEN n.i % 1000 = 0 THEN 'open' ELSE 'closed' END",
        "closed_at": "CASE WHEN n.i % 1000 = 0 THEN NULL ELSE t.opened_at END",
        "outcome": "CASE WHEN n.i % 1000 = 0 THEN NULL ELSE 'Handled' END",
        "report_count": "1",
    }
    report_overrides = {
        "id": "printf('%08x-%04x-7001-8000-%012x', n.i / 65536, n.i % 65536, n.i)",
        "incident_id": incident_id,
        "area_id": "areas.id",
    }

    def select(columns, overrides):
        return ", ".join(overrides.get(column, "t." + column) for column in columns)

    numbers = f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}),
        areas AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM area),
        area_count AS (SELECT count(*) AS c FROM area)"""
    db.execute("BEGIN")
    db.execute("CREATE TEMP TABLE template_incident AS SELECT * FROM incident LIMIT 1")
    db.execute("CREATE TEMP TABLE template_report AS SELECT * FROM report LIMIT 1")
    db.execute(f"""
        INSERT INTO incident ({", ".join(incident_columns)}) {numbers}
        SELECT {select(incident_columns, incident_overrides)}
        FROM n, area_count JOIN areas ON areas.k = n.i % area_count.c, template_incident AS t""")
    db.execute(f"""
        INSERT INTO report ({", ".join(report_columns)}) {numbers}
        SELECT {select(report_columns, report_overrides)}
        FROM n, area_count JOIN areas ON areas.k = n.i % area_count.c, template_report AS t""")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = db.execute("SELECT count(*) FROM incident").fetchone()[0]
    db.close()
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--deskd", default=None)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    deskd = arguments.deskd or os.path.join(arguments.root, ".build/release/deskd")
    directory = tempfile.mkdtemp(prefix="desk-scale-")
    socket_path = os.path.join(directory, "run/deskd.sock")
    with open(os.path.join(directory, "deskd.toml"), "w") as config:
        config.write(f"""[server]
http = ""
unix_socket = "{socket_path}"
[storage]
state_directory = "{directory}/state"
[areas]
file = "{arguments.root}/seeds/areas.json"
[classifier]
rules = "{arguments.root}/config/classifier.toml"
model_dir = "{arguments.root}/model"
[log]
level = "warning"
target = "stderr"
""")
    try:
        process, empty_ready = start(deskd, directory)
        request(socket_path, "POST", "/v1/reports", {"area": "rinkeby", "text": "Brand i trapphus, rök i hela huset"})
        stop(process)
        began = time.monotonic()
        total = fill(os.path.join(directory, "state/deskd.sqlite"), arguments.incidents)
        fill_seconds = time.monotonic() - began
        size = os.path.getsize(os.path.join(directory, "state/deskd.sqlite"))

        wrk = os.path.join(arguments.root, ".build/desk-wrk")
        kept_alive = []
        ready = []
        latest = []
        single = []
        for _ in range(arguments.rounds):
            process, seconds = start(deskd, directory)
            ready.append(seconds)
            # Latest 50 of one area, several areas in turn; the first request of each round warms up.
            areas = [area["id"] for area in request(socket_path, "GET", "/v1/areas")["items"]]
            for index in range(200):
                area = areas[index % len(areas)]
                began = time.perf_counter()
                page = request(socket_path, "GET", f"/v1/incidents?area={area}&limit=50")
                latest.append(time.perf_counter() - began)
                if len(page["items"]) != 50:
                    raise RuntimeError(f"expected 50 incidents of {area}, got {len(page['items'])}")
                # The same query for one incident: the fixed cost of a request, for comparison.
                began = time.perf_counter()
                request(socket_path, "GET", f"/v1/incidents?area={area}&limit=1")
                single.append(time.perf_counter() - began)
            # The same list over one keep-alive connection with desk-wrk (C, epoll): the server's
            # time plus a loopback round trip, without Python's connection set-up and parsing.
            if os.path.exists(wrk):
                for area in areas[:2]:
                    run = subprocess.run(
                        [wrk, "--unix", socket_path, "--method", "GET", "--path",
                         f"/v1/incidents?area={area}&limit=50", "--connections", "1", "--seconds", "2"],
                        capture_output=True, text=True, check=True)
                    kept_alive.append(json.loads(run.stdout))
            with open(f"/proc/{process.pid}/status") as status:
                rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            stop(process)
        latest.sort()
        single.sort()
        print(f"Scale: {total:,} incidents (and as many reports) in {size / 2**20:.0f} MiB, "
              f"filled in {fill_seconds:.1f} s; median of {arguments.rounds} starts, "
              f"{len(latest)} list requests over the Unix socket")
        print("| measure | median | p99 | target |")
        print("|---|---|---|---|")
        print(f"| start-up to READY=1, empty database | {empty_ready * 1000:.0f} ms (one run) | | |")
        print(f"| start-up to READY=1 | {statistics.median(ready) * 1000:.0f} ms | "
              f"{max(ready) * 1000:.0f} ms (max) | ≤ 300 ms |")
        print(f"| latest 50 of one area (Python, new connection each) | {statistics.median(latest) * 1000:.2f} ms | "
              f"{latest[int(len(latest) * 0.99)] * 1000:.2f} ms | ≤ 2 ms |")
        if kept_alive:
            p50 = statistics.median(run["p50_ms"] for run in kept_alive)
            p99 = statistics.median(run["p99_ms"] for run in kept_alive)
            print(f"| latest 50 of one area, one keep-alive connection (desk-wrk) | {p50:.2f} ms | {p99:.2f} ms | ≤ 2 ms |")
        print(f"| latest 1 of one area (the request's fixed cost) | {statistics.median(single) * 1000:.2f} ms | "
              f"{single[int(len(single) * 0.99)] * 1000:.2f} ms | |")
        print(f"| deskd RSS after the lists | {rss / 1024:.0f} MiB | | |")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
