import Crypto
import Foundation
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
            // Chain the events written before the chain existed, oldest first, by the chain's
            // definition as v3 shipped it, written out here (not TimelineChain's code) so that no later
            // change to the application can change what this migration does. The content hash is the
            // SHA-256 of id, at, incident_id ('' for none), actor and kind, each followed by a newline,
            // then data; the chain hash is the SHA-256 of `previous:content`; hashes are lowercase hex.
            func sha256(_ text: String) -> String {
                SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
            }
            var previous = String(repeating: "0", count: 64)
            let rows = try Row.fetchAll(
                db, sql: "SELECT seq, id, at, incident_id, actor, kind, data FROM event ORDER BY seq")
            for row in rows {
                let incident: String? = row["incident_id"]
                let lines: [String] = [row["id"], row["at"], incident ?? "", row["actor"], row["kind"]]
                let content = sha256(lines.map { $0 + "\n" }.joined() + (row["data"] as String))
                let chain = sha256(previous + ":" + content)
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
        migrator.registerMigration("v5-duty") { db in
            try db.execute(
                sql: """
                    CREATE TABLE responder (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                        name TEXT NOT NULL CHECK (length(name) > 0),
                        contact TEXT NOT NULL,
                        roles TEXT NOT NULL CHECK (json_valid(roles)),
                        areas TEXT NOT NULL CHECK (json_valid(areas)),
                        unix_user TEXT UNIQUE,
                        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
                    );
                    CREATE TABLE rotation (
                        id TEXT PRIMARY KEY NOT NULL,
                        area_id TEXT NOT NULL REFERENCES area(id),
                        role TEXT NOT NULL CHECK (role IN ('first_aid', 'psychosocial', 'coordinator')),
                        layer INTEGER NOT NULL DEFAULT 0,
                        shift_days INTEGER NOT NULL CHECK (shift_days > 0),
                        handoff TEXT NOT NULL,
                        starts TEXT NOT NULL,
                        ends TEXT,
                        participants TEXT NOT NULL CHECK (json_valid(participants) AND json_array_length(participants) > 0)
                    );
                    CREATE TABLE roster_override (
                        id TEXT PRIMARY KEY NOT NULL,
                        area_id TEXT NOT NULL REFERENCES area(id),
                        role TEXT NOT NULL,
                        responder_id TEXT NOT NULL REFERENCES responder(id),
                        starts_at TEXT NOT NULL,
                        ends_at TEXT NOT NULL CHECK (ends_at > starts_at),
                        reason TEXT
                    );
                    CREATE TABLE unavailability (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        responder_id TEXT NOT NULL REFERENCES responder(id),
                        starts_at TEXT NOT NULL,
                        ends_at TEXT NOT NULL CHECK (ends_at > starts_at),
                        reason TEXT
                    );

                    -- One row per incident and phase once the trigger policy ran for it: never twice.
                    CREATE TABLE staffing (
                        incident_id TEXT NOT NULL REFERENCES incident(id),
                        phase TEXT NOT NULL,
                        staffed_at TEXT NOT NULL,
                        unstaffed_at TEXT,
                        PRIMARY KEY (incident_id, phase)
                    ) WITHOUT ROWID;

                    CREATE TABLE callout (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        incident_id TEXT NOT NULL REFERENCES incident(id),
                        area_id TEXT NOT NULL,
                        role TEXT NOT NULL,
                        responder_id TEXT NOT NULL REFERENCES responder(id),
                        state TEXT NOT NULL CHECK (state IN
                            ('pending', 'notified', 'acknowledged', 'declined', 'escalated', 'expired', 'cancelled')),
                        step INTEGER NOT NULL CHECK (step >= 0),
                        source TEXT NOT NULL,
                        task TEXT,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        due_at TEXT NOT NULL,
                        ack_seconds REAL NOT NULL,
                        escalated_from TEXT REFERENCES callout(id),
                        reason TEXT,
                        UNIQUE (incident_id, responder_id)
                    );
                    CREATE INDEX callout_open_by_due ON callout(due_at) WHERE state IN ('pending', 'notified');
                    CREATE INDEX callout_by_responder ON callout(responder_id, id);

                    CREATE TABLE followup (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        incident_id TEXT NOT NULL REFERENCES incident(id),
                        area_id TEXT NOT NULL,
                        owner_id TEXT REFERENCES responder(id),
                        label TEXT NOT NULL,
                        due_at TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('open', 'escalated', 'done', 'cancelled')),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        escalated_to TEXT REFERENCES responder(id),
                        outcome TEXT,
                        completed_by TEXT
                    );
                    CREATE INDEX followup_open_by_due ON followup(due_at) WHERE state IN ('open', 'escalated');
                    CREATE INDEX followup_by_incident ON followup(incident_id, due_at);

                    -- Outgoing webhook deliveries: written with the change they announce, sent after.
                    CREATE TABLE outbox (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        receiver TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        body TEXT NOT NULL CHECK (json_valid(body)),
                        incident_id TEXT REFERENCES incident(id),
                        callout_id TEXT REFERENCES callout(id),
                        created_at TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at TEXT NOT NULL,
                        last_error TEXT
                    );
                    CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE state = 'pending';
                    """)
        }
        migrator.registerMigration("v6-access") { db in
            try db.execute(
                sql: """
                    -- API tokens for TCP clients: the secret is never stored, only its SHA-256.
                    CREATE TABLE api_token (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 8),
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('viewer', 'responder', 'officer', 'admin')),
                        responder_id TEXT REFERENCES responder(id),
                        secret_hash TEXT NOT NULL CHECK (length(secret_hash) = 64),
                        created_at TEXT NOT NULL,
                        created_by TEXT NOT NULL,
                        expires_at TEXT,
                        revoked_at TEXT
                    );
                    """)
        }
        migrator.registerMigration("v7-retention") { db in
            try db.execute(
                sql: """
                    -- A retention purge erases free text and contact details, marking what it erased.
                    ALTER TABLE report ADD COLUMN erased_at TEXT;
                    ALTER TABLE incident ADD COLUMN erased_at TEXT;
                    ALTER TABLE event ADD COLUMN redacted_at TEXT;

                    -- Reports stay as received, except that a purge may erase their text once.
                    DROP TRIGGER report_is_immutable_update;
                    CREATE TRIGGER report_is_immutable_update BEFORE UPDATE ON report
                    WHEN NEW.id IS NOT OLD.id OR NEW.area_id IS NOT OLD.area_id
                        OR NEW.received_at IS NOT OLD.received_at OR NEW.occurred_at IS NOT OLD.occurred_at
                        OR NEW.injured IS NOT OLD.injured OR NEW.ongoing IS NOT OLD.ongoing
                        OR NEW.category IS NOT OLD.category OR NEW.phase IS NOT OLD.phase
                        OR NEW.actor IS NOT OLD.actor OR NEW.transport IS NOT OLD.transport
                        OR NEW.classification IS NOT OLD.classification
                        OR ((NEW.text IS NOT OLD.text OR NEW.title IS NOT OLD.title
                             OR NEW.location IS NOT OLD.location OR NEW.reporter_name IS NOT OLD.reporter_name
                             OR NEW.reporter_contact IS NOT OLD.reporter_contact OR NEW.erased_at IS NOT OLD.erased_at)
                            AND NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL))
                    BEGIN SELECT RAISE(ABORT, 'reports are immutable once stored'); END;

                    -- Events stay as written, except that a purge may redact an event's data once; its
                    -- content hash stays, so the chain still verifies.
                    DROP TRIGGER event_is_append_only_update;
                    CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
                    WHEN NOT (OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL)
                        OR NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at
                        OR NEW.incident_id IS NOT OLD.incident_id OR NEW.actor IS NOT OLD.actor
                        OR NEW.kind IS NOT OLD.kind OR NEW.content_hash IS NOT OLD.content_hash
                        OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.chain_hash IS NOT OLD.chain_hash
                    BEGIN SELECT RAISE(ABORT, 'timeline events are append-only'); END;
                    """)
        }
        migrator.registerMigration("v8-idempotent-responses") { db in
            try db.execute(
                sql: """
                    -- Answers to writes other than reports, kept under their Idempotency-Key for retries.
                    -- status is NULL while the write is being done.
                    CREATE TABLE idempotent_response (
                        principal TEXT NOT NULL,
                        key TEXT NOT NULL,
                        request_hash TEXT NOT NULL,
                        status INTEGER CHECK (status IS NULL OR status BETWEEN 200 AND 299),
                        content_type TEXT,
                        location TEXT,
                        body BLOB,
                        created_at TEXT NOT NULL,
                        PRIMARY KEY (principal, key)
                    );
                    CREATE INDEX idempotent_response_by_time ON idempotent_response(created_at);
                    """)
        }
        migrator.registerMigration("v9-one-idempotency-scheme") { db in
            try db.execute(
                sql: """
                    -- Every write, reports too, keeps its answer in idempotent_response, in the write's own
                    -- transaction: the keys of the earlier report-only scheme go (a day's worth at most).
                    DROP TABLE idempotency_key;
                    """)
        }
        migrator.registerMigration("v10-indexes-for-timers-and-status") { db in
            try db.execute(
                sql: """
                    -- The phase the trigger policy last ran for, so that the timers find the incidents still
                    -- to staff through a small partial index instead of checking every open incident.
                    ALTER TABLE incident ADD COLUMN staffed_phase TEXT;
                    UPDATE incident SET staffed_phase = phase
                    WHERE EXISTS (SELECT 1 FROM staffing s WHERE s.incident_id = incident.id AND s.phase = incident.phase);
                    CREATE INDEX incident_to_staff ON incident(id) WHERE status = 'open' AND staffed_phase IS NOT phase;
                    -- The open incidents by phase (the STATUS= line at start-up and every 15 s) counted from
                    -- the index alone: without it, each open incident's row is read, one random page each.
                    CREATE INDEX incident_open_by_phase ON incident(status, phase, needs_review);
                    """)
        }
        migrator.registerMigration("v11-metrics-role") { db in
            try db.execute(
                sql: """
                    -- A token may have the role metrics (reads /metrics and /readyz only). SQLite cannot
                    -- change a CHECK, so the table is made again with the wider one and its rows copied.
                    CREATE TABLE api_token_new (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 8),
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('metrics', 'viewer', 'responder', 'officer', 'admin')),
                        responder_id TEXT REFERENCES responder(id),
                        secret_hash TEXT NOT NULL CHECK (length(secret_hash) = 64),
                        created_at TEXT NOT NULL,
                        created_by TEXT NOT NULL,
                        expires_at TEXT,
                        revoked_at TEXT
                    );
                    INSERT INTO api_token_new SELECT id, name, role, responder_id, secret_hash, created_at, created_by,
                        expires_at, revoked_at FROM api_token;
                    DROP TABLE api_token;
                    ALTER TABLE api_token_new RENAME TO api_token;
                    """)
        }
        migrator.registerMigration("v12-gateway-message-ids") { db in
            try db.execute(
                sql: """
                    -- The id an SMS gateway gave a text it accepted, for tracing it in the gateway's records.
                    ALTER TABLE outbox ADD COLUMN gateway_ref TEXT;
                    """)
        }
        migrator.registerMigration("v13-inbound-texts") { db in
            try db.execute(
                sql: """
                    -- Responders' texts, kept once per gateway message id: a gateway's retry is the same row.
                    -- Texts from numbers no responder has are never stored.
                    CREATE TABLE sms_inbound (
                        provider TEXT NOT NULL CHECK (provider IN ('46elks', 'twilio')),
                        message_id TEXT NOT NULL CHECK (length(message_id) BETWEEN 1 AND 200),
                        sender TEXT NOT NULL CHECK (sender GLOB '+[1-9]*'),
                        responder_id TEXT NOT NULL REFERENCES responder(id),
                        text TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN
                            ('acknowledged', 'declined', 'completed', 'nothing_open', 'ambiguous', 'help', 'ignored')),
                        callout_id TEXT REFERENCES callout(id),
                        followup_id TEXT REFERENCES followup(id),
                        erased_at TEXT,
                        PRIMARY KEY (provider, message_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX sms_inbound_by_sender ON sms_inbound(sender, received_at);
                    CREATE INDEX sms_inbound_by_time ON sms_inbound(received_at);
                    """)
        }
        migrator.registerMigration("v14-callout-channels") { db in
            try db.execute(
                sql: """
                    -- How each call-out reached its responder and how they answered, for the lists.
                    ALTER TABLE callout ADD COLUMN sent_via TEXT CHECK (sent_via IN ('sms', 'webhook'));
                    ALTER TABLE callout ADD COLUMN answered_via TEXT
                        CHECK (answered_via IN ('sms', 'cli', 'api', 'desk'));
                    """)
        }
        migrator.registerMigration("v15-reports-by-text") { db in
            try db.execute(
                sql: """
                    -- Reports may arrive by text (transport 'sms'), and a responder's text may be a report
                    -- (outcome 'reported', with the report it made). SQLite cannot change a CHECK: both tables
                    -- are made again with the wider one, their rows copied, and every index and trigger made
                    -- again as it was (dropping a table drops its own).
                    CREATE TABLE report_new (
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
                        transport TEXT NOT NULL CHECK (transport IN ('tcp', 'unix', 'internal', 'sms')),
                        classification TEXT CHECK (classification IS NULL OR json_valid(classification)),
                        erased_at TEXT
                    );
                    INSERT INTO report_new (id, incident_id, area_id, received_at, occurred_at, title, text, location,
                        reporter_name, reporter_contact, injured, ongoing, category, phase, actor, transport,
                        classification, erased_at)
                    SELECT id, incident_id, area_id, received_at, occurred_at, title, text, location, reporter_name,
                        reporter_contact, injured, ongoing, category, phase, actor, transport, classification, erased_at
                    FROM report;
                    DROP TABLE report;
                    ALTER TABLE report_new RENAME TO report;
                    CREATE INDEX report_by_incident ON report(incident_id, id);
                    CREATE TRIGGER report_is_immutable_update BEFORE UPDATE ON report
                    WHEN NEW.id IS NOT OLD.id OR NEW.area_id IS NOT OLD.area_id
                        OR NEW.received_at IS NOT OLD.received_at OR NEW.occurred_at IS NOT OLD.occurred_at
                        OR NEW.injured IS NOT OLD.injured OR NEW.ongoing IS NOT OLD.ongoing
                        OR NEW.category IS NOT OLD.category OR NEW.phase IS NOT OLD.phase
                        OR NEW.actor IS NOT OLD.actor OR NEW.transport IS NOT OLD.transport
                        OR NEW.classification IS NOT OLD.classification
                        OR ((NEW.text IS NOT OLD.text OR NEW.title IS NOT OLD.title
                             OR NEW.location IS NOT OLD.location OR NEW.reporter_name IS NOT OLD.reporter_name
                             OR NEW.reporter_contact IS NOT OLD.reporter_contact OR NEW.erased_at IS NOT OLD.erased_at)
                            AND NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL))
                    BEGIN SELECT RAISE(ABORT, 'reports are immutable once stored'); END;
                    CREATE TRIGGER report_is_immutable_delete BEFORE DELETE ON report
                    BEGIN SELECT RAISE(ABORT, 'reports are immutable once stored'); END;

                    CREATE TABLE sms_inbound_new (
                        provider TEXT NOT NULL CHECK (provider IN ('46elks', 'twilio')),
                        message_id TEXT NOT NULL CHECK (length(message_id) BETWEEN 1 AND 200),
                        sender TEXT NOT NULL CHECK (sender GLOB '+[1-9]*'),
                        responder_id TEXT NOT NULL REFERENCES responder(id),
                        text TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN
                            ('acknowledged', 'declined', 'completed', 'nothing_open', 'ambiguous', 'help', 'ignored',
                             'reported')),
                        callout_id TEXT REFERENCES callout(id),
                        followup_id TEXT REFERENCES followup(id),
                        erased_at TEXT,
                        report_id TEXT REFERENCES report(id),
                        PRIMARY KEY (provider, message_id),
                        CHECK ((outcome = 'reported') = (report_id IS NOT NULL))
                    ) WITHOUT ROWID;
                    INSERT INTO sms_inbound_new (provider, message_id, sender, responder_id, text, received_at, outcome,
                        callout_id, followup_id, erased_at)
                    SELECT provider, message_id, sender, responder_id, text, received_at, outcome, callout_id,
                        followup_id, erased_at
                    FROM sms_inbound;
                    DROP TABLE sms_inbound;
                    ALTER TABLE sms_inbound_new RENAME TO sms_inbound;
                    CREATE INDEX sms_inbound_by_sender ON sms_inbound(sender, received_at);
                    CREATE INDEX sms_inbound_by_time ON sms_inbound(received_at);
                    """)
        }
        migrator.registerMigration("v16-responder-language") { db in
            try db.execute(
                sql: """
                    -- The language a responder's texts are written in; NULL: by their number.
                    ALTER TABLE responder ADD COLUMN language TEXT CHECK (language IN ('sv', 'en'));
                    """)
        }
        migrator.registerMigration("v17-incident-language") { db in
            try db.execute(
                sql: """
                    -- The languages of an incident's reports (`so sv`: ISO 639 codes, sorted, space-separated;
                    -- NULL: none classified), and the index `?language=` reads: a row per incident and language,
                    -- so an incident with a Somali and a Swedish report is found by either. Existing incidents get
                    -- the languages their reports' stored classifications name.
                    ALTER TABLE incident ADD COLUMN language TEXT CHECK (language IS NULL OR length(language) > 0);
                    CREATE TABLE incident_language (
                        language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 3),
                        incident_id TEXT NOT NULL REFERENCES incident(id),
                        PRIMARY KEY (language, incident_id)
                    ) WITHOUT ROWID;
                    INSERT INTO incident_language (language, incident_id)
                    SELECT DISTINCT json_extract(classification, '$.language'), incident_id FROM report
                    WHERE classification IS NOT NULL
                        AND length(json_extract(classification, '$.language')) BETWEEN 2 AND 3;
                    UPDATE incident SET language = (
                        SELECT group_concat(language, ' ') FROM (
                            SELECT language FROM incident_language WHERE incident_id = incident.id ORDER BY language))
                    WHERE id IN (SELECT incident_id FROM incident_language);
                    """)
        }
        migrator.registerMigration("v18-stats-indexes") { db in
            try db.execute(
                sql: """
                    -- The trends (GET /v1/stats/…) count a period's rows from one index each, without
                    -- reading the rows: incidents by the time they opened, call-outs by the time they were
                    -- made, follow-ups by their due time, each with the columns the counts group and test.
                    CREATE INDEX incident_stats ON incident(opened_at, area_id, phase);
                    CREATE INDEX callout_stats ON callout(created_at, area_id, state, updated_at, incident_id);
                    CREATE INDEX followup_stats ON followup(due_at, area_id, state, updated_at, incident_id);
                    -- The few incidents that went unstaffed, found without reading every staffing row.
                    CREATE INDEX staffing_unstaffed ON staffing(incident_id) WHERE unstaffed_at IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v19-console-sessions") { db in
            try db.execute(sql: ConsoleSessionTables.sql(text: "TEXT"))
        }
        migrator.registerMigration("v20-stats-rollup") { db in
            // The trends' roll-up and the answer times (`StatsRollup`): tables, filled, then kept.
            for statement in StatsRollup.tables(text: "TEXT", withoutRowID: true) + StatsRollup.fill(.sqlite)
                + StatsRollup.sqlite + StatsAnswerIndex.v20Triggers(.sqlite)
            {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("v21-answer-index") { db in
            // The answers' phase beside their time, in indexes by area and by phase (`StatsAnswerIndex`).
            for statement in StatsAnswerIndex.migration(.sqlite, text: "TEXT") { try db.execute(sql: statement) }
        }
        return migrator
    }
}
