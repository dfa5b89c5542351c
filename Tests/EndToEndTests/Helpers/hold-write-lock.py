#!/usr/bin/env python3
"""Holds SQLite's write lock while 12 reports are posted to deskd, 50 ms apart, until the last one
has its answer (the queue is full by then, so it is refused at once, and every earlier post has
had 50 ms or more to reach deskd; at most 3.5 s more, under deskd's 5 s wait for the lock); then prints
what each got and which reports are stored, as JSON. Arguments: DATABASE PORT TOKEN."""
import json, sqlite3, sys, threading, time, urllib.request, urllib.error
database, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lock = sqlite3.connect(database, isolation_level=None, timeout=10)
lock.execute("BEGIN IMMEDIATE")
results = []
last_answered = threading.Event()
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
    if i == 11: last_answered.set()
threads = []
for i in range(12):
    thread = threading.Thread(target=post, args=(i,)); thread.start(); threads.append(thread)
    time.sleep(0.05)
last_answered.wait(timeout=3.5)
released = time.monotonic()
lock.execute("COMMIT")
for thread in threads: thread.join()
stored = sqlite3.connect(database).execute("SELECT id FROM report").fetchall()
print(json.dumps({"results": results, "stored": [row[0] for row in stored], "released": released}))
