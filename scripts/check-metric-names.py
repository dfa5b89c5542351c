#!/usr/bin/env python3
"""Checks that the shipped alert rules and Grafana dashboards name only metrics deskd exports.

Starts the built deskd on a free loopback port in a temporary directory (with the demo data and
a webhook receiver, so that every family deskd can export is there), makes a `metrics` token as
a Prometheus scraper would use, runs one chain verification, scrapes GET /metrics twice (the
request metrics appear after the first request), and then checks every metric name in the
rules' `expr` and the dashboards' target expressions against the scrape. A histogram's
`_bucket`, `_sum` and `_count` series count as its name. `up` is Prometheus's own.

    python3 scripts/check-metric-names.py [--build .build/debug] FILE.yml|FILE.json ...

Exit status 0 when every name exists, 1 with the unknown names (and where they are used).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Series Prometheus adds to every target itself.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_series_added"}
KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
    "offset", "atan2", "inf", "nan",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deskd:
    """The built deskd in a temporary directory, stopped by `stop` whatever happened."""

    def __init__(self, build):
        self.build = Path(build)
        self.dir = Path(tempfile.mkdtemp(prefix="desk-metric-names-"))
        self.port = free_port()
        self.socket = self.dir / "deskd.sock"
        config = self.dir / "deskd.toml"
        # A receiver nobody listens on: its series exist from the start, whatever it is sent.
        config.write_text(
            f"""
[server]
http = "127.0.0.1:{self.port}"
unix_socket = "{self.socket}"
[storage]
state_directory = "{self.dir / 'state'}"
[areas]
file = "{ROOT / 'seeds' / 'areas.json'}"
[seeds]
demo_reports = "{ROOT / 'seeds' / 'demo-reports.json'}"
demo_roster = "{ROOT / 'seeds' / 'roster.json'}"
[classifier]
rules = "{ROOT / 'config' / 'classifier.toml'}"
model_dir = "{ROOT / 'model'}"
[log]
level = "warning"
target = "stderr"
[[receiver]]
name = "duty-webhook"
url = "http://127.0.0.1:{free_port()}/deskd"
secret = "a-secret-of-sixteen-bytes-or-more"
"""
        )
        self.log = open(self.dir / "deskd.log", "w")
        self.process = subprocess.Popen(
            [str(self.build / "deskd"), "--config", str(config)], stdout=self.log, stderr=subprocess.STDOUT
        )
        for _ in range(240):
            if self.process.poll() is not None:
                raise RuntimeError("deskd stopped: " + (self.dir / "deskd.log").read_text())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        else:
            raise RuntimeError("deskd did not answer /healthz")

    def deskctl(self, *args):
        environment = dict(os.environ, DESKCTL_SOCKET=str(self.socket))
        result = subprocess.run(
            [str(self.build / "deskctl"), *args], capture_output=True, text=True, timeout=60, env=environment
        )
        if result.returncode != 0:
            raise RuntimeError(f"deskctl {' '.join(args)}: {result.stderr}")
        return result.stdout

    def scrape(self, token):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/metrics")
        request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def exported(text):
    """The sample names of a scrape, and the names of its histogram families."""
    samples, histograms = set(), set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(maxsplit=3)
            if kind.strip() == "histogram":
                histograms.add(name)
        elif line and not line.startswith("#"):
            samples.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return samples, histograms


def names_in(expr):
    """The metric names a PromQL expression selects (not functions, keywords, labels or durations)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (label values)
    expr = re.sub(r"\{[^}]*\}", " ", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", " ", expr)  # ranges and subqueries
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)  # label lists
    expr = re.sub(r"\$\{?\w+\}?", " ", expr)  # Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?", expr):
        name, call = match.group(1), match.group(2)
        if call or name in KEYWORDS or re.fullmatch(r"\d+[smhdwy]", name):
            continue
        names.add(name)
    return names


def expressions(path):
    """(where, expr) for every expression in a rules file or a dashboard."""
    if path.suffix == ".json":
        dashboard = json.loads(path.read_text())
        panels = list(dashboard.get("panels", []))
        while panels:
            panel = panels.pop()
            panels.extend(panel.get("panels", []))
            for target in panel.get("targets", []):
                yield f"{path.name}: panel {panel.get('title')!r}", target["expr"]
        for variable in dashboard.get("templating", {}).get("list", []):
            query = variable.get("query")
            if isinstance(query, dict):
                query = query.get("query")
            if variable.get("type") == "query" and query:
                inner = re.search(r"label_values\((.*),\s*\w+\)", query)
                yield f"{path.name}: variable {variable.get('name')}", inner.group(1) if inner else query
        return
    # The rules files are YAML; their expressions are found without a YAML library (python3 has none).
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        match = re.match(r"(\s*)expr:\s*(.*)$", line)
        index += 1
        if not match:
            continue
        indent, value = len(match.group(1)), match.group(2).strip()
        if value in (">-", ">", "|", "|-"):
            block = []
            while index < len(lines) and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent):
                block.append(lines[index].strip())
                index += 1
            value = " ".join(block)
        yield f"{path.name}: line {index}", value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / ".build" / "debug"))
    parser.add_argument("files", nargs="+", type=Path)
    arguments = parser.parse_args()

    desk = Deskd(arguments.build)
    try:
        token = json.loads(desk.deskctl("token", "create", "--name", "prometheus", "--role", "metrics", "--json"))[
            "secret"
        ]
        desk.deskctl("verify")
        desk.scrape(token)
        text = desk.scrape(token)
    finally:
        desk.stop()
    samples, histograms = exported(text)
    known = samples | PROMETHEUS_OWN
    for family in histograms:
        known.add(family)

    unknown = []
    checked = set()
    for path in arguments.files:
        count = 0
        for where, expr in expressions(path):
            count += 1
            for name in sorted(names_in(expr)):
                checked.add(name)
                if name not in known:
                    unknown.append(f"{where}: {name} (in {expr.strip()})")
        if count == 0:
            unknown.append(f"{path}: no expressions found")
    if unknown:
        print("names deskd does not export:", *unknown, sep="\n  ", file=sys.stderr)
        return 1
    print(f"{len(checked)} metric names in {len(arguments.files)} files, all exported by deskd: {', '.join(sorted(checked))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
