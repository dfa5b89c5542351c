import DeskCore
import Foundation
import NIOCore

/// The PostgreSQL schema's history, append-only like SQLite's (`Migrations`): once shipped, a
/// migration is never edited. Each is a list of statements run in one transaction; the names
/// applied are kept in `desk_migration`. Every text column is `COLLATE "C"`, so that ids and
/// timestamps sort byte by byte as on SQLite, whatever the database's locale.
///
/// The rules SQLite enforces are enforced here too: checks, foreign keys, and the timeline and the
/// reports as append-only and immutable by triggers (TRUNCATE included).
enum PostgresMigrations {
    /// One migration: its name and its statements.
    struct Migration: Sendable {
        let name: String
        let statements: [String]
    }

    /// The advisory lock that two deskd starting at once take in turn, so that they never migrate
    /// the same database at the same time.
    static let lockKey: Int64 = 0x6465_736B_6D69_67  // "deskmig"

    /// How long one statement of a migration may take before deskd gives up on the server (it
    /// cannot tell a long rewrite from a server that is gone without a word).
    static let longestStatement = TimeAmount.hours(1)

    static let all: [Migration] = [
        schema, reportsByText, responderLanguage, incidentLanguage, statsIndexes, consoleSessions, statsRollup,
        answerIndex,
    ]

    private static let text = "TEXT COLLATE \"C\""

    /// The schema as SQLite has it after `v14-callout-channels`; each later SQLite migration has its
    /// PostgreSQL counterpart below (`PostgresSchemaParityTests` compares the two schemas).
    static let schema = Migration(
        name: "pg-v1-schema",
        statements: [
            """
            CREATE FUNCTION desk_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
            END
            $$
            """,
            """
            CREATE TABLE area (
                id \(text) PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
                name \(text) NOT NULL CHECK (length(name) > 0),
                city \(text) NOT NULL,
                active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
            )
            """,
            """
            CREATE TABLE area_neighbour (
                area_id \(text) NOT NULL REFERENCES area(id),
                neighbour_id \(text) NOT NULL REFERENCES area(id),
                PRIMARY KEY (area_id, neighbour_id),
                CHECK (area_id <> neighbour_id)
            )
            """,
            """
            CREATE TABLE incident (
                id \(text) PRIMARY KEY CHECK (length(id) = 36),
                area_id \(text) NOT NULL REFERENCES area(id),
                title \(text) NOT NULL,
                phase \(text) NOT NULL CHECK (phase IN ('before', 'during', 'after', 'unclassified')),
                category \(text),
                severity INTEGER CHECK (severity BETWEEN 1 AND 5),
                status \(text) NOT NULL CHECK (status IN ('open', 'closed')),
                opened_at \(text) NOT NULL,
                updated_at \(text) NOT NULL,
                closed_at \(text),
                outcome \(text),
                report_count INTEGER NOT NULL DEFAULT 0 CHECK (report_count >= 0),
                needs_review INTEGER NOT NULL DEFAULT 0 CHECK (needs_review IN (0, 1)),
                classification \(text) CHECK (classification IS NULL OR classification::json IS NOT NULL),
                last_report_at \(text) NOT NULL DEFAULT '',
                erased_at \(text),
                staffed_phase \(text),
                CHECK ((status = 'closed') = (closed_at IS NOT NULL))
            )
            """,
            "CREATE INDEX incident_by_area ON incident(area_id, id)",
            "CREATE INDEX incident_by_phase ON incident(phase, id)",
            "CREATE INDEX incident_by_status ON incident(status, id)",
            "CREATE INDEX incident_by_opened ON incident(opened_at)",
            "CREATE INDEX incident_for_correlation ON incident(area_id, status, last_report_at)",
            "CREATE INDEX incident_by_review ON incident(needs_review, id)",
            """
            CREATE INDEX incident_to_staff ON incident(id)
            WHERE status = 'open' AND staffed_phase IS DISTINCT FROM phase
            """,
            "CREATE INDEX incident_open_by_phase ON incident(status, phase, needs_review)",
            """
            CREATE TABLE report (
                id \(text) PRIMARY KEY CHECK (length(id) = 36),
                incident_id \(text) NOT NULL REFERENCES incident(id),
                area_id \(text) NOT NULL REFERENCES area(id),
                received_at \(text) NOT NULL,
                occurred_at \(text),
                title \(text),
                text \(text) NOT NULL CHECK (length(text) > 0),
                location \(text),
                reporter_name \(text),
                reporter_contact \(text),
                injured INTEGER CHECK (injured >= 0),
                ongoing INTEGER CHECK (ongoing IN (0, 1)),
                category \(text),
                phase \(text) CHECK (phase IN ('before', 'during', 'after')),
                actor \(text) NOT NULL,
                transport \(text) NOT NULL CHECK (transport IN ('tcp', 'unix', 'internal')),
                classification \(text) CHECK (classification IS NULL OR classification::json IS NOT NULL),
                erased_at \(text)
            )
            """,
            "CREATE INDEX report_by_incident ON report(incident_id, id)",
            // Reports stay as received, except that a purge may erase their text once; only the
            // incident a report belongs to may change (a split).
            """
            CREATE TRIGGER report_is_immutable_update BEFORE UPDATE ON report FOR EACH ROW
            WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.area_id IS DISTINCT FROM OLD.area_id
                OR NEW.received_at IS DISTINCT FROM OLD.received_at
                OR NEW.occurred_at IS DISTINCT FROM OLD.occurred_at
                OR NEW.injured IS DISTINCT FROM OLD.injured OR NEW.ongoing IS DISTINCT FROM OLD.ongoing
                OR NEW.category IS DISTINCT FROM OLD.category OR NEW.phase IS DISTINCT FROM OLD.phase
                OR NEW.actor IS DISTINCT FROM OLD.actor OR NEW.transport IS DISTINCT FROM OLD.transport
                OR NEW.classification IS DISTINCT FROM OLD.classification
                OR ((NEW.text IS DISTINCT FROM OLD.text OR NEW.title IS DISTINCT FROM OLD.title
                     OR NEW.location IS DISTINCT FROM OLD.location
                     OR NEW.reporter_name IS DISTINCT FROM OLD.reporter_name
                     OR NEW.reporter_contact IS DISTINCT FROM OLD.reporter_contact
                     OR NEW.erased_at IS DISTINCT FROM OLD.erased_at)
                    AND NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)))
            EXECUTE FUNCTION desk_refuse('reports are immutable once stored')
            """,
            """
            CREATE TRIGGER report_is_immutable_delete BEFORE DELETE ON report FOR EACH ROW
            EXECUTE FUNCTION desk_refuse('reports are immutable once stored')
            """,
            """
            CREATE TRIGGER report_is_never_truncated BEFORE TRUNCATE ON report FOR EACH STATEMENT
            EXECUTE FUNCTION desk_refuse('reports are immutable once stored')
            """,
            """
            CREATE TABLE event (
                seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                id \(text) NOT NULL UNIQUE CHECK (length(id) = 36),
                at \(text) NOT NULL,
                incident_id \(text) REFERENCES incident(id),
                actor \(text) NOT NULL,
                kind \(text) NOT NULL,
                data \(text) NOT NULL CHECK (data::json IS NOT NULL),
                content_hash \(text) NOT NULL DEFAULT '',
                prev_hash \(text) NOT NULL DEFAULT '',
                chain_hash \(text) NOT NULL DEFAULT '',
                redacted_at \(text)
            )
            """,
            "CREATE INDEX event_by_incident ON event(incident_id, seq)",
            "CREATE INDEX event_by_time ON event(at)",
            // Events stay as written, except that a purge may redact an event's data once; its
            // content hash stays, so the chain still verifies.
            """
            CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event FOR EACH ROW
            WHEN (NOT (OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL)
                OR NEW.seq IS DISTINCT FROM OLD.seq OR NEW.id IS DISTINCT FROM OLD.id
                OR NEW.at IS DISTINCT FROM OLD.at OR NEW.incident_id IS DISTINCT FROM OLD.incident_id
                OR NEW.actor IS DISTINCT FROM OLD.actor OR NEW.kind IS DISTINCT FROM OLD.kind
                OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
                OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash OR NEW.chain_hash IS DISTINCT FROM OLD.chain_hash)
            EXECUTE FUNCTION desk_refuse('timeline events are append-only')
            """,
            """
            CREATE TRIGGER event_is_append_only_delete BEFORE DELETE ON event FOR EACH ROW
            EXECUTE FUNCTION desk_refuse('timeline events are append-only')
            """,
            """
            CREATE TRIGGER event_is_never_truncated BEFORE TRUNCATE ON event FOR EACH STATEMENT
            EXECUTE FUNCTION desk_refuse('timeline events are append-only')
            """,
            """
            CREATE TABLE idempotent_response (
                principal \(text) NOT NULL,
                key \(text) NOT NULL,
                request_hash \(text) NOT NULL,
                status INTEGER CHECK (status IS NULL OR status BETWEEN 200 AND 299),
                content_type \(text),
                location \(text),
                body BYTEA,
                created_at \(text) NOT NULL,
                PRIMARY KEY (principal, key)
            )
            """,
            "CREATE INDEX idempotent_response_by_time ON idempotent_response(created_at)",
            """
            CREATE TABLE responder (
                id \(text) PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
                name \(text) NOT NULL CHECK (length(name) > 0),
                contact \(text) NOT NULL,
                roles \(text) NOT NULL CHECK (roles::json IS NOT NULL),
                areas \(text) NOT NULL CHECK (areas::json IS NOT NULL),
                unix_user \(text) UNIQUE,
                active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
            )
            """,
            """
            CREATE TABLE rotation (
                id \(text) PRIMARY KEY,
                area_id \(text) NOT NULL REFERENCES area(id),
                role \(text) NOT NULL CHECK (role IN ('first_aid', 'psychosocial', 'coordinator')),
                layer INTEGER NOT NULL DEFAULT 0,
                shift_days INTEGER NOT NULL CHECK (shift_days > 0),
                handoff \(text) NOT NULL,
                starts \(text) NOT NULL,
                ends \(text),
                participants \(text) NOT NULL CHECK (json_array_length(participants::json) > 0)
            )
            """,
            """
            CREATE TABLE roster_override (
                id \(text) PRIMARY KEY,
                area_id \(text) NOT NULL REFERENCES area(id),
                role \(text) NOT NULL,
                responder_id \(text) NOT NULL REFERENCES responder(id),
                starts_at \(text) NOT NULL,
                ends_at \(text) NOT NULL CHECK (ends_at > starts_at),
                reason \(text)
            )
            """,
            """
            CREATE TABLE unavailability (
                seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                responder_id \(text) NOT NULL REFERENCES responder(id),
                starts_at \(text) NOT NULL,
                ends_at \(text) NOT NULL CHECK (ends_at > starts_at),
                reason \(text)
            )
            """,
            // One row per incident and phase once the trigger policy ran for it: never twice.
            """
            CREATE TABLE staffing (
                incident_id \(text) NOT NULL REFERENCES incident(id),
                phase \(text) NOT NULL,
                staffed_at \(text) NOT NULL,
                unstaffed_at \(text),
                PRIMARY KEY (incident_id, phase)
            )
            """,
            """
            CREATE TABLE callout (
                id \(text) PRIMARY KEY CHECK (length(id) = 36),
                incident_id \(text) NOT NULL REFERENCES incident(id),
                area_id \(text) NOT NULL,
                role \(text) NOT NULL,
                responder_id \(text) NOT NULL REFERENCES responder(id),
                state \(text) NOT NULL CHECK (state IN
                    ('pending', 'notified', 'acknowledged', 'declined', 'escalated', 'expired', 'cancelled')),
                step INTEGER NOT NULL CHECK (step >= 0),
                source \(text) NOT NULL,
                task \(text),
                created_at \(text) NOT NULL,
                updated_at \(text) NOT NULL,
                due_at \(text) NOT NULL,
                ack_seconds DOUBLE PRECISION NOT NULL,
                escalated_from \(text) REFERENCES callout(id),
                reason \(text),
                sent_via \(text) CHECK (sent_via IN ('sms', 'webhook')),
                answered_via \(text) CHECK (answered_via IN ('sms', 'cli', 'api', 'desk')),
                UNIQUE (incident_id, responder_id)
            )
            """,
            "CREATE INDEX callout_open_by_due ON callout(due_at) WHERE state IN ('pending', 'notified')",
            "CREATE INDEX callout_by_responder ON callout(responder_id, id)",
            """
            CREATE TABLE followup (
                id \(text) PRIMARY KEY CHECK (length(id) = 36),
                incident_id \(text) NOT NULL REFERENCES incident(id),
                area_id \(text) NOT NULL,
                owner_id \(text) REFERENCES responder(id),
                label \(text) NOT NULL,
                due_at \(text) NOT NULL,
                state \(text) NOT NULL CHECK (state IN ('open', 'escalated', 'done', 'cancelled')),
                created_at \(text) NOT NULL,
                updated_at \(text) NOT NULL,
                escalated_to \(text) REFERENCES responder(id),
                outcome \(text),
                completed_by \(text)
            )
            """,
            "CREATE INDEX followup_open_by_due ON followup(due_at) WHERE state IN ('open', 'escalated')",
            "CREATE INDEX followup_by_incident ON followup(incident_id, due_at)",
            // Outgoing deliveries: written with the change they announce, sent after.
            """
            CREATE TABLE outbox (
                id \(text) PRIMARY KEY CHECK (length(id) = 36),
                receiver \(text) NOT NULL,
                kind \(text) NOT NULL,
                body \(text) NOT NULL CHECK (body::json IS NOT NULL),
                incident_id \(text) REFERENCES incident(id),
                callout_id \(text) REFERENCES callout(id),
                created_at \(text) NOT NULL,
                state \(text) NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at \(text) NOT NULL,
                last_error \(text),
                gateway_ref \(text)
            )
            """,
            "CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE state = 'pending'",
            // API tokens for TCP clients: the secret is never stored, only its SHA-256.
            """
            CREATE TABLE api_token (
                id \(text) PRIMARY KEY CHECK (length(id) = 8),
                name \(text) NOT NULL UNIQUE,
                role \(text) NOT NULL CHECK (role IN ('metrics', 'viewer', 'responder', 'officer', 'admin')),
                responder_id \(text) REFERENCES responder(id),
                secret_hash \(text) NOT NULL CHECK (length(secret_hash) = 64),
                created_at \(text) NOT NULL,
                created_by \(text) NOT NULL,
                expires_at \(text),
                revoked_at \(text)
            )
            """,
            // Responders' texts, kept once per gateway message id. Texts from numbers no responder
            // has are never stored.
            """
            CREATE TABLE sms_inbound (
                provider \(text) NOT NULL CHECK (provider IN ('46elks', 'twilio')),
                message_id \(text) NOT NULL CHECK (length(message_id) BETWEEN 1 AND 200),
                sender \(text) NOT NULL CHECK (sender ~ '^[+][1-9]'),
                responder_id \(text) NOT NULL REFERENCES responder(id),
                text \(text) NOT NULL,
                received_at \(text) NOT NULL,
                outcome \(text) NOT NULL CHECK (outcome IN
                    ('acknowledged', 'declined', 'completed', 'nothing_open', 'ambiguous', 'help', 'ignored')),
                callout_id \(text) REFERENCES callout(id),
                followup_id \(text) REFERENCES followup(id),
                erased_at \(text),
                PRIMARY KEY (provider, message_id)
            )
            """,
            "CREATE INDEX sms_inbound_by_sender ON sms_inbound(sender, received_at)",
            "CREATE INDEX sms_inbound_by_time ON sms_inbound(received_at)",
        ])

    /// SQLite's `v15-reports-by-text`: reports may arrive by text (transport `sms`), and a
    /// responder's text may be a report (outcome `reported`, with the report it made).
    static let reportsByText = Migration(
        name: "pg-v2-reports-by-text",
        statements: [
            "ALTER TABLE report DROP CONSTRAINT report_transport_check",
            """
            ALTER TABLE report ADD CONSTRAINT report_transport_check
                CHECK (transport IN ('tcp', 'unix', 'internal', 'sms'))
            """,
            "ALTER TABLE sms_inbound DROP CONSTRAINT sms_inbound_outcome_check",
            """
            ALTER TABLE sms_inbound ADD CONSTRAINT sms_inbound_outcome_check CHECK (outcome IN
                ('acknowledged', 'declined', 'completed', 'nothing_open', 'ambiguous', 'help', 'ignored', 'reported'))
            """,
            "ALTER TABLE sms_inbound ADD COLUMN report_id \(text) REFERENCES report(id)",
            """
            ALTER TABLE sms_inbound ADD CONSTRAINT sms_inbound_report_check
                CHECK ((outcome = 'reported') = (report_id IS NOT NULL))
            """,
        ])

    /// SQLite's `v16-responder-language`: the language a responder's texts are written in (NULL:
    /// by their number).
    static let responderLanguage = Migration(
        name: "pg-v3-responder-language",
        statements: ["ALTER TABLE responder ADD COLUMN language \(text) CHECK (language IN ('sv', 'en'))"])

    /// SQLite's `v17-incident-language`: the languages of an incident's reports (`so sv`), and the
    /// index `?language=` reads (a row per incident and language); existing incidents get the
    /// languages their reports' stored classifications name.
    static let incidentLanguage = Migration(
        name: "pg-v4-incident-language",
        statements: [
            "ALTER TABLE incident ADD COLUMN language \(text) CHECK (language IS NULL OR length(language) > 0)",
            """
            CREATE TABLE incident_language (
                language \(text) NOT NULL CHECK (length(language) BETWEEN 2 AND 3),
                incident_id \(text) NOT NULL REFERENCES incident(id),
                PRIMARY KEY (language, incident_id)
            )
            """,
            """
            INSERT INTO incident_language (language, incident_id)
            SELECT DISTINCT classification::jsonb ->> 'language', incident_id FROM report
            WHERE classification IS NOT NULL AND length(classification::jsonb ->> 'language') BETWEEN 2 AND 3
            """,
            """
            UPDATE incident SET language = found.codes
            FROM (SELECT incident_id, string_agg(language, ' ' ORDER BY language) AS codes
                  FROM incident_language GROUP BY incident_id) AS found
            WHERE incident.id = found.incident_id
            """,
        ])

    /// SQLite's `v18-stats-indexes`: the trends count a period's rows from one index each.
    static let statsIndexes = Migration(
        name: "pg-v5-stats-indexes",
        statements: [
            "CREATE INDEX incident_stats ON incident(opened_at, area_id, phase)",
            "CREATE INDEX callout_stats ON callout(created_at, area_id, state, updated_at, incident_id)",
            "CREATE INDEX followup_stats ON followup(due_at, area_id, state, updated_at, incident_id)",
            "CREATE INDEX staffing_unstaffed ON staffing(incident_id) WHERE unstaffed_at IS NOT NULL",
        ])

    /// SQLite's `v19-console-sessions`: the console's sessions and sign-in codes.
    static let consoleSessions = Migration(
        name: "pg-v6-console-sessions",
        statements: ConsoleSessionTables.sql(text: text).components(separatedBy: ";\n").filter {
            !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        })

    /// SQLite's `v20-stats-rollup`: the trends' roll-up and the call-outs' answer times, filled and
    /// kept by triggers (`StatsRollup`).
    static let statsRollup = Migration(
        name: "pg-v7-stats-rollup",
        statements: StatsRollup.tables(text: text) + StatsRollup.fill(.postgresql) + StatsRollup.postgresql
            + StatsAnswerIndex.v20Triggers(.postgresql))

    /// SQLite's `v21-answer-index`: the answers' phase beside their time (`StatsAnswerIndex`).
    static let answerIndex = Migration(
        name: "pg-v8-answer-index", statements: StatsAnswerIndex.migration(.postgresql, text: text))

    /// Runs every migration not applied yet, each in its own transaction, under the advisory lock.
    /// Throws `PostgresSchemaTooNew` when the database has a migration this deskd does not know
    /// (a newer deskd migrated it): it must not write to a schema it does not understand. With
    /// `last`, stops after the migration of that name (as GRDB's `migrate(_:upTo:)`: a database
    /// as an earlier deskd left it, for the tests of a migration).
    ///
    /// A migration that rewrites a large table takes as long as it takes (`pg-v8-answer-index`
    /// updates every acknowledged call-out: a minute or more on a desk of millions), and so does
    /// another deskd's, which this one waits for: both run with no `statement_timeout` and wait
    /// up to `longestStatement` for each answer, where a request may wait 30 s; the connection's
    /// own limits are back when this returns. `migrations` is every migration but in the tests of
    /// this function.
    static func migrate(
        _ db: PostgresSQLConnection, upTo last: String? = nil, migrations all: [Migration] = all
    ) throws -> [String] {
        let timeout = try db.value(String.self, "SHOW statement_timeout") ?? "0"
        let limit = db.answerLimit
        try db.execute("SET statement_timeout = 0", [])
        db.answerLimit = longestStatement
        defer {
            db.answerLimit = limit
            _ = try? db.execute("SELECT set_config('statement_timeout', ?, false)", [timeout])
        }
        try db.execute("SELECT pg_advisory_lock(?)", [lockKey])
        defer { _ = try? db.execute("SELECT pg_advisory_unlock(?)", [lockKey]) }
        try db.execute(
            "CREATE TABLE IF NOT EXISTS desk_migration (name TEXT COLLATE \"C\" PRIMARY KEY, applied_at TEXT NOT NULL)",
            [])
        let applied = try db.values(String.self, "SELECT name FROM desk_migration ORDER BY applied_at, name")
        let known = Set(all.map(\.name))
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw PostgresSchemaTooNew(unknown: unknown) }
        var ran: [String] = []
        var wanted = all[...]
        if let last {
            guard let end = all.firstIndex(where: { $0.name == last }) else {
                throw StorageFailure("there is no migration \(last)")
            }
            wanted = all[...end]
        }
        for migration in wanted where !applied.contains(migration.name) {
            try db.transaction { db in
                for statement in migration.statements { try db.execute(statement, []) }
                try db.execute(
                    "INSERT INTO desk_migration (name, applied_at) VALUES (?, ?)",
                    [migration.name, Timestamp.format(Date())])
            }
            ran.append(migration.name)
        }
        return ran
    }
}

/// The database was migrated by a newer deskd.
public struct PostgresSchemaTooNew: Error, CustomStringConvertible, Sendable {
    public let unknown: [String]
    public var description: String {
        "the database's schema is newer than this deskd (it has migrations \(unknown.joined(separator: ", ")) "
            + "this deskd does not know); upgrade deskd, or point [storage] url at another database"
    }
}
