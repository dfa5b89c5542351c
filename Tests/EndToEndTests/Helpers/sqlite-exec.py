#!/usr/bin/env python3
"""Runs SQL statements on a database file directly, as someone with access to the file could,
going around deskd (and, when the SQL drops them, around its triggers). Arguments: DATABASE SQL."""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.commit()
