import GRDB

/// The schema's history. Migrations are append-only: once shipped, never edited; they name tables
/// by string, never by app types.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(
                sql: """
                    CREATE TABLE area (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                        name TEXT NOT NULL CHECK (length(name) > 0),
                        city TEXT NOT NULL,
                        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
                    );
                    CREATE TABLE area_neighbour (
                        area_id TEXT NOT NULL REFERENCES area(id),
                        neighbour_id TEXT NOT NULL REFERENCES area(id),
                        PRIMARY KEY (area_id, neighbour_id),
                        CHECK (area_id <> neighbour_id)
                    ) WITHOUT ROWID;

                    CREATE TABLE incident (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        area_id TEXT NOT NULL REFERENCES area(id),
                        title TEXT NOT NULL,
                        phase TEXT NOT NULL CHECK (phase IN ('before', 'during', 'after', 'unclassified')),
                        category TEXT,
                        severity INTEGER CHECK (severity BETWEEN 1 AND 5),
                        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                        opened_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        closed_at TEXT,
                        outcome TEXT,
                        report_count INTEGER NOT NULL DEFAULT 0 CHECK (report_count >= 0),
                        CHECK ((status = 'closed') = (closed_at IS NOT NULL))
                    );
                    CREATE INDEX incident_by_area ON incident(area_id, id);
                    CREATE INDEX incident_by_phase ON incident(phase, id);
                    CREATE INDEX incident_by_status ON incident(status, id);
                    CREATE INDEX incident_by_opened ON incident(opened_at);

                    CREATE TABLE report (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        incident_id TEXT NOT NULL REFERENCES incident(id),
                        area_id TEXT NOT NULL REFERENCES area(id),
                        received_at TEXT NOT NULL,
                        occurred_at TEXT,
                        title TEXT,
                        text TEXT NOT NULL CHECK (length(text) > 0),
                        location TEXT,
                        reporter_name TEXT,
                        reporter_contact TEXT,
                        injured INTEGER CHECK (injured >= 0),
                        ongoing INTEGER CHECK (ongoing IN (0, 1)),
                        category TEXT,
                        phase TEXT CHECK (phase IN ('before', 'during', 'after')),
                        actor TEXT NOT NULL,
                        transport TEXT NOT NULL CHECK (transport IN ('tcp', 'unix', 'internal'))
                    );
                    CREATE INDEX report_by_incident ON report(incident_id, id);

                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
                        at TEXT NOT NULL,
                        incident_id TEXT REFERENCES incident(id),
                        actor TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        data TEXT NOT NULL CHECK (json_valid(data))
                    );
                    CREATE INDEX event_by_incident ON event(incident_id, seq);
                    CREATE INDEX event_by_time ON event(at);

                    -- The timeline and the reports are append-only: no path updates or deletes them.
                    CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'timeline events are append-only'); END;
                    CREATE TRIGGER event_is_append_only_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'timeline events are append-only'); END;
                    CREATE TRIGGER report_is_immutable_update BEFORE UPDATE ON report
                    BEGIN SELECT RAISE(ABORT, 'reports are immutable once stored'); END;
                    CREATE TRIGGER report_is_immutable_delete BEFORE DELETE ON report
                    BEGIN SELECT RAISE(ABORT, 'reports are immutable once stored'); END;
                    """)
        }
        migrator.registerMigration("v2-classification") { db in
            try db.execute(
                sql: """
                    ALTER TABLE incident ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0
                        CHECK (needs_review IN (0, 1));
                    ALTER TABLE incident ADD COLUMN classification TEXT CHECK (classification IS NULL OR json_valid(classification));
                    ALTER TABLE incident ADD COLUMN last_report_at TEXT NOT NULL DEFAULT '';
                    UPDATE incident SET last_report_at = coalesce(
                        (SELECT max(received_at) FROM report WHERE report.incident_id = incident.id), opened_at);
                    CREATE INDEX incident_for_correlation ON incident(area_id, status, last_report_at);
                    CREATE INDEX incident_by_review ON incident(needs_review, id);

                    ALTER TABLE report ADD COLUMN classification TEXT
                        CHECK (classification IS NULL OR json_valid(classification));

                    -- A report stays as it was received; only the incident it belongs to may change,
                    -- when a duty officer splits a wrongly joined report off (an incident.split event).
                    DROP TRIGGER report_is_immutable_update;
                    CREATE TRIGGER report_is_immutable_update BEFORE UPDATE ON report
                    WHEN NEW.id IS NOT OLD.id OR NEW.area_id IS NOT OLD.area_id
                        OR NEW.received_at IS NOT OLD.received_at OR NEW.occurred_at IS NOT OLD.occurred_at
                        OR NEW.title IS NOT OLD.title OR NEW.text IS NOT OLD.text OR NEW.location IS NOT OLD.location
                        OR NEW.reporter_name IS NOT OLD.reporter_name
                        OR NEW.reporter_contact IS NOT OLD.reporter_contact OR NEW.injured IS NOT OLD.injured
                        OR NEW.ongoing IS NOT OLD.ongoing OR NEW.category IS NOT OLD.category
                        OR NEW.phase IS NOT OLD.phase OR NEW.actor IS NOT OLD.actor
                        OR NEW.transport IS NOT OLD.transport OR NEW.classification IS NOT OLD.classification
                    BEGIN SELECT RAISE(ABORT, 'reports are immutable once stored'); END;
                    """)
        }
        migrator.registerMigration("v3-timeline-chain") { db in
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
                    ALTER TABLE event ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
                    ALTER TABLE event ADD COLUMN chain_hash TEXT NOT NULL DEFAULT '';
                    DROP TRIGGER event_is_append_only_update;
                    """)
            // Chain the events written before the chain existed, oldest first.
            var previous = TimelineChain.genesis
            let rows = try Row.fetchAll(
                db, sql: "SELECT seq, id, at, incident_id, actor, kind, data FROM event ORDER BY seq")
            for row in rows {
                let content = TimelineChain.contentHash(
                    id: row["id"], at: row["at"], incidentID: row["incident_id"], actor: row["actor"],
                    kind: row["kind"],
                    data: row["data"])
                let chain = TimelineChain.link(previous: previous, content: content)
                try db.execute(
                    sql: "UPDATE event SET content_hash = ?, prev_hash = ?, chain_hash = ? WHERE seq = ?",
                    arguments: [content, previous, chain, row["seq"] as Int64])
                previous = chain
            }
            try db.execute(
                sql: """
                    CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'timeline events are append-only'); END;
                    """)
        }
        migrator.registerMigration("v4-idempotency") { db in
            try db.execute(
                sql: """
                    CREATE TABLE idempotency_key (
                        principal TEXT NOT NULL,
                        key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
                        request_hash TEXT NOT NULL,
                        report_id TEXT NOT NULL REFERENCES report(id),
                        created_at TEXT NOT NULL,
                        PRIMARY KEY (principal, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX idempotency_by_age ON idempotency_key(created_at);
                    """)
        }
        return migrator
    }
}
