#!/usr/bin/env python3
"""How many times each text of a JSON list is stored as a report, and SQLite's integrity check,
as JSON. Arguments: DATABASE TEXTS.json."""
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
texts = json.load(open(sys.argv[2]))
counts = {t: db.execute("SELECT count(*) FROM report WHERE text = ?", (t,)).fetchone()[0] for t in texts}
print(json.dumps({"integrity": db.execute("PRAGMA integrity_check").fetchone()[0], "counts": counts}))
