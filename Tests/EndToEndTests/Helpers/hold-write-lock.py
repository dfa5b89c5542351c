#!/usr/bin/env python3
"""Holds SQLite's write lock for 2 s while 12 reports are posted to deskd, then prints what each
got and which reports are stored, as JSON. Arguments: DATABASE PORT TOKEN."""
import json, sqlite3, sys, threading, time, urllib.request, urllib.error
database, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lock = sqlite3.connect(database, isolation_level=None, timeout=10)
lock.execute("BEGIN IMMEDIATE")
results = []
def post(i):
    body = json.dumps({"area": "rinkeby", "text": f"Brand i trapphus {i}, rök i hela huset"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/reports", data=body, method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:
            results.append({"status": reply.status, "id": json.load(reply)["report"]["id"],
                            "finished": time.monotonic()})
    except urllib.error.HTTPError as error:
        results.append({"status": error.code, "retry_after": error.headers.get("Retry-After"),
                        "type": error.headers.get("Content-Type"), "problem": json.load(error),
                        "finished": time.monotonic()})
threads = []
for i in range(12):
    thread = threading.Thread(target=post, args=(i,)); thread.start(); threads.append(thread)
    time.sleep(0.05)
time.sleep(2)
released = time.monotonic()
lock.execute("COMMIT")
for thread in threads: thread.join()
stored = sqlite3.connect(database).execute("SELECT id FROM report").fetchall()
print(json.dumps({"results": results, "stored": [row[0] for row in stored], "released": released}))
