#!/usr/bin/env python3
"""Scale benchmark (part of `make bench-load`): a release deskd over a database of N incidents.

Measures the time from starting deskd to READY=1 on a real notify socket, and the latency of
listing the latest 50 incidents of one area over the Unix socket (GET /v1/incidents?area=..&limit=50),
each as the median of several runs: from Python (a new connection per request) and from desk-wrk
over one keep-alive connection (the server's time plus a loopback round trip). The bulk rows are copied, in SQL, from one incident and report
that deskd stored itself (so their shape is deskd's own); 1 in 1000 is open, the rest closed, spread
over every area. They carry no timeline events of their own.

With a PostgreSQL cluster (`--postgres URL`, or DESK_TEST_POSTGRES_URL as `make bench-load` sets
it), the same measures are taken on a new database of that cluster filled the same way, in SQL
(`generate_series`), with one call-out in ten incidents (the board reads their progress); then the
plan of each query the list and the board run (`EXPLAIN (ANALYZE, BUFFERS)`), each one's execution
time (median of several), and whether it reads through an index.

usage: bench-scale.py REPOSITORY_ROOT [--deskd PATH] [--incidents N] [--rounds R] [--postgres URL]
                      [--postgres-only]
"""
import argparse
import http.client
import json
import os
import re
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

def psql(url, sql, *options):
    """Runs `sql` with psql on `url` (stopping at the first error); returns its output."""
    run = subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", *options],
                         input=sql, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"psql: {run.stderr.strip()}")
    return run.stdout


def columns_of(url, table):
    return psql(url, f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' "
                     "AND table_schema = current_schema() ORDER BY ordinal_position", "-At").split()


def fill_postgres(url, count):
    """The PostgreSQL twin of `fill`: the stored incident and report copied `count` times, spread
    over every area, 1 in 1000 open; one call-out in ten incidents, to one responder; a staffing
    row in a hundred (a third of the open ones unstaffed); then VACUUM ANALYZE, as autovacuum
    would leave the tables."""
    incident_columns = columns_of(url, "incident")
    report_columns = columns_of(url, "report")
    incident_id = ("lpad(to_hex(n.i / 65536), 8, '0') || '-' || lpad(to_hex(n.i % 65536), 4, '0') "
                   "|| '-7000-8000-' || lpad(to_hex(n.i), 12, '0')")
    incident_overrides = {
        "id": incident_id,
        "area_id": "areas.id",
        "status": "CASE WHEN n.i % 1000 = 0 THEN 'open' ELSE 'closed' END",
        "closed_at": "CASE WHEN n.i % 1000 = 0 THEN NULL ELSE t.opened_at END",
        "outcome": "CASE WHEN n.i % 1000 = 0 THEN NULL ELSE 'Handled' END",
        "report_count": "1",
    }
    report_overrides = {
        "id": ("lpad(to_hex(n.i / 65536), 8, '0') || '-' || lpad(to_hex(n.i % 65536), 4, '0') "
               "|| '-7001-8000-' || lpad(to_hex(n.i), 12, '0')"),
        "incident_id": incident_id,
        "area_id": "areas.id",
    }

    def select(columns, overrides):
        return ", ".join(overrides.get(column, "t." + column) for column in columns)

    numbers = f"""
        n AS (SELECT i FROM generate_series(1, {count}) AS i),
        areas AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM area),
        area_count AS (SELECT count(*) AS c FROM area)"""
    source = "FROM n CROSS JOIN area_count JOIN areas ON areas.k = n.i % area_count.c"
    languages = ""
    if "language" in incident_columns:
        languages = """INSERT INTO incident_language (language, incident_id)
        SELECT language, id FROM incident WHERE language IS NOT NULL ON CONFLICT DO NOTHING;"""
    psql(url, f"""
        BEGIN;
        SET LOCAL synchronous_commit = off;
        CREATE TEMP TABLE template_incident AS SELECT * FROM incident LIMIT 1;
        CREATE TEMP TABLE template_report AS SELECT * FROM report LIMIT 1;
        INSERT INTO incident ({", ".join(incident_columns)}) WITH {numbers}
        SELECT {select(incident_columns, incident_overrides)} {source}, template_incident AS t;
        INSERT INTO report ({", ".join(report_columns)}) WITH {numbers}
        SELECT {select(report_columns, report_overrides)} {source}, template_report AS t;
        {languages}        INSERT INTO responder (id, name, contact, roles, areas)
        VALUES ('bench', 'Bench', '+46700000000', '["first_aid"]', '[]');
        INSERT INTO callout (id, incident_id, area_id, role, responder_id, state, step, source, created_at,
            updated_at, due_at, ack_seconds)
        WITH {numbers}
        SELECT lpad(to_hex(n.i / 65536), 8, '0') || '-' || lpad(to_hex(n.i % 65536), 4, '0')
                || '-7002-8000-' || lpad(to_hex(n.i), 12, '0'),
            {incident_id}, areas.id, 'first_aid', 'bench',
            CASE WHEN n.i % 1000 = 0 AND n.i % 10000 <> 0 THEN 'notified' ELSE 'acknowledged' END,
            0, 'rotation', t.opened_at, t.opened_at, t.opened_at, 300
        {source}, template_incident AS t WHERE n.i % 10 = 0;
        INSERT INTO staffing (incident_id, phase, staffed_at, unstaffed_at)
        WITH {numbers}
        SELECT {incident_id}, t.phase, t.opened_at, CASE WHEN n.i % 3000 = 0 THEN t.opened_at END
        {source}, template_incident AS t WHERE n.i % 100 = 0;
        COMMIT;
        VACUUM ANALYZE;
        """)
    return int(psql(url, "SELECT count(*) FROM incident", "-At"))


def area_ids(url):
    return psql(url, "SELECT id FROM area ORDER BY id", "-At").split()


def board_queries(url):
    """The statements the latest-50 list and the board run (`SQLDeskStore.incidents`,
    `SQLDeskStore.openIncidentSummary`, `SQLDeskStore.callOutProgress`), with arguments of this
    desk, as (name, SQL)."""
    areas = area_ids(url)
    area = areas[0]
    columns = ", ".join(c for c in columns_of(url, "incident"))
    open_ids = psql(url, "SELECT id FROM incident WHERE status = 'open' ORDER BY id DESC LIMIT 200", "-At").split()
    ids_json = json.dumps(open_ids).replace("'", "''")
    # The cursor of the second page: the 50th newest incident of the area.
    cursor = psql(url, f"SELECT id FROM incident WHERE area_id = '{area}' ORDER BY id DESC OFFSET 49 LIMIT 1",
                  "-At").strip()
    some = ", ".join(f"'{a}'" for a in areas[:2])
    called = ", ".join(f"'{i}'" for i in open_ids[-3:])
    return [
        ("latest 50 of one area", f"SELECT {columns} FROM incident WHERE area_id = '{area}' ORDER BY id DESC LIMIT 51"),
        ("latest 50, every area", f"SELECT {columns} FROM incident ORDER BY id DESC LIMIT 51"),
        ("next page of one area (cursor)",
         f"SELECT {columns} FROM incident WHERE area_id = '{area}' AND id < '{cursor}' ORDER BY id DESC LIMIT 51"),
        ("board: open incidents", f"SELECT {columns} FROM incident WHERE status = 'open' ORDER BY id DESC LIMIT 201"),
        ("board: a responder's open incidents",
         f"SELECT {columns} FROM incident WHERE (area_id IN ({some}) OR id IN ({called})) AND status = 'open' "
         "ORDER BY id DESC LIMIT 201"),
        ("board: call-out progress of 200",
         "SELECT incident_id, state, count(*) AS n FROM callout WHERE incident_id IN "
         f"(SELECT json_array_elements_text(CAST('{ids_json}' AS json))) GROUP BY incident_id, state"),
        ("board: unstaffed of 200",
         "SELECT s.incident_id FROM staffing s JOIN incident i ON i.id = s.incident_id WHERE s.incident_id IN "
         f"(SELECT json_array_elements_text(CAST('{ids_json}' AS json))) AND s.phase = i.phase "
         "AND s.unstaffed_at IS NOT NULL"),
        ("open incidents by phase (summary)",
         "SELECT phase, count(*) AS n, sum(needs_review) AS review FROM incident WHERE status = 'open' GROUP BY phase"),
    ]


def explain(url, rounds=5):
    """Prints each board query's plan (EXPLAIN (ANALYZE, BUFFERS), after a warm-up run) and a
    table of their median execution times; returns the rows of that table."""
    rows = []
    for name, sql in board_queries(url):
        psql(url, sql)
        times = []
        plan = ""
        for _ in range(rounds):
            plan = psql(url, f"EXPLAIN (ANALYZE, BUFFERS) {sql}", "-At")
            times.append(float(re.search(r"Execution Time: ([0-9.]+) ms", plan).group(1)))
        scans = sorted(set(re.findall(r"((?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)"
                                      r"(?: Backward)?(?: using \w+)? on \w+)", plan)))
        print(f"\n#### {name}\n\n```sql\n{sql if len(sql) < 400 else sql[:400] + ' …'}\n```\n```\n{plan.strip()}\n```")
        rows.append((name, statistics.median(times), "; ".join(scans)))
    return rows



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--deskd", default=None)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("DESK_TEST_POSTGRES_URL"),
                        help="a PostgreSQL cluster's URL: measure there too")
    parser.add_argument("--postgres-only", action="store_true", help="skip SQLite")
    arguments = parser.parse_args()
    deskd = arguments.deskd or os.path.join(arguments.root, ".build/release/deskd")
    if not arguments.postgres_only:
        measure(arguments, deskd, engine=None)
    if arguments.postgres:
        measure(arguments, deskd, engine=arguments.postgres)


def measure(arguments, deskd, engine):
    """Fills a desk of `--incidents` incidents on SQLite (`engine` None) or in a new database of
    the PostgreSQL cluster at `engine`, and prints the table of start-up and list latencies."""
    directory = tempfile.mkdtemp(prefix="desk-scale-")
    socket_path = os.path.join(directory, "run/deskd.sock")
    storage = ""
    database_url = None
    if engine:
        database_name = "scale_" + os.path.basename(directory).replace("desk-scale-", "").lower()
        database_name = re.sub(r"[^a-z0-9_]", "_", database_name)
        psql(engine, f"CREATE DATABASE {database_name}")
        database_url = engine[:engine.rindex("/") + 1] + database_name
        storage = f'engine = "postgresql"\nurl = "{database_url}"\n'
    with open(os.path.join(directory, "deskd.toml"), "w") as config:
        config.write(f"""[server]
http = ""
unix_socket = "{socket_path}"
[storage]
state_directory = "{directory}/state"
{storage}[areas]
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
        if database_url:
            total = fill_postgres(database_url, arguments.incidents)
            size = int(psql(database_url, "SELECT pg_database_size(current_database())", "-At"))
        else:
            total = fill(os.path.join(directory, "state/deskd.sqlite"), arguments.incidents)
            size = os.path.getsize(os.path.join(directory, "state/deskd.sqlite"))
        fill_seconds = time.monotonic() - began

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
        print(f"Scale{' on PostgreSQL' if engine else ''}: {total:,} incidents (and as many reports) in "
              f"{size / 2**20:.0f} MiB, filled in {fill_seconds:.1f} s; median of {arguments.rounds} starts, "
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
        if database_url:
            print(f"\nThe list's and the board's statements on PostgreSQL at {total:,} incidents:")
            rows = explain(database_url)
            print("\n| statement | execution, median of 5 | read through |")
            print("|---|---|---|")
            for name, milliseconds, scans in rows:
                print(f"| {name} | {milliseconds:.3f} ms | {scans} |")
        print("")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        if database_url:
            psql(engine, f"DROP DATABASE IF EXISTS {database_name}")


if __name__ == "__main__":
    sys.exit(main())
