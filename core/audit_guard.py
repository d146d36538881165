"""The database's own guard on the audit trail (issue 18, items 5 and 9).

Triggers refuse UPDATE, DELETE and (on PostgreSQL) TRUNCATE on `core_auditevent` and
`core_auditarchive`, whoever connects: raw SQL, a shell, a forgotten `.delete()`.

One way out, written into the trigger itself: a DELETE of an audit event older than the legal
minimum (LEGAL_MINIMUM_DAYS, the Cybersecurity Law's six months) whose id lies inside a month
recorded in `core_auditarchive`. That row is only written by `audit_archive` after the month's
file is on disk with its SHA-256, and the database refuses to change or delete it: whoever
deletes audit rows leaves a permanent, checkable record of it.

Test databases are emptied between transactional tests by Django's flush (TRUNCATE on
PostgreSQL, DELETE on SQLite): `flush_statements` wraps those in `session_replication_role =
replica` on PostgreSQL — a superuser-only setting that silences triggers for one transaction, so
an application role that is not a superuser (the deployment's roles) cannot use it — and on
SQLite drops the triggers and puts them back in the same transaction. Only the test set-up
(conftest.py) calls it.
"""

from __future__ import annotations

from typing import Any

LEGAL_MINIMUM_DAYS = 180

_TABLES = ("core_auditevent", "core_auditarchive")

_PG_CREATE = [
    """
    CREATE OR REPLACE FUNCTION linli_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION linli_auditevent_delete_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.at < now() - interval '{LEGAL_MINIMUM_DAYS} days' AND EXISTS (
            SELECT 1 FROM core_auditarchive a WHERE OLD.id BETWEEN a.first_id AND a.last_id
        ) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the audit trail is append-only: DELETE of an unarchived event refused'
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,  # nosec B608: only the constant LEGAL_MINIMUM_DAYS is formatted in; no input
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION linli_audit_refuse()""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION linli_auditevent_delete_guard()""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION linli_audit_refuse()""",
    """CREATE TRIGGER core_auditarchive_no_change BEFORE UPDATE OR DELETE ON core_auditarchive
    FOR EACH ROW EXECUTE FUNCTION linli_audit_refuse()""",
    """CREATE TRIGGER core_auditarchive_no_truncate BEFORE TRUNCATE ON core_auditarchive
    FOR EACH STATEMENT EXECUTE FUNCTION linli_audit_refuse()""",
]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_change ON core_auditarchive",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_truncate ON core_auditarchive",
    "DROP FUNCTION IF EXISTS linli_audit_refuse()",
    "DROP FUNCTION IF EXISTS linli_auditevent_delete_guard()",
]

# Django stores SQLite datetimes as UTC text "YYYY-MM-DD HH:MM:SS.ffffff": compared as text.
_SQLITE_CREATE = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on core_auditevent refused');
    END""",
    f"""CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    WHEN OLD.at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-{LEGAL_MINIMUM_DAYS} days')
        OR NOT EXISTS (
            SELECT 1 FROM core_auditarchive a WHERE OLD.id BETWEEN a.first_id AND a.last_id
        )
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on core_auditevent refused');
    END""",  # nosec B608: only the constant LEGAL_MINIMUM_DAYS is formatted in; no input
    """CREATE TRIGGER core_auditarchive_no_update BEFORE UPDATE ON core_auditarchive
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: archive UPDATE refused');
    END""",
    """CREATE TRIGGER core_auditarchive_no_delete BEFORE DELETE ON core_auditarchive
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: archive DELETE refused');
    END""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_update",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_delete",
]


def create_statements(vendor: str) -> list[str]:
    return {"postgresql": _PG_CREATE, "sqlite": _SQLITE_CREATE}.get(vendor, [])


def drop_statements(vendor: str) -> list[str]:
    return {"postgresql": _PG_DROP, "sqlite": _SQLITE_DROP}.get(vendor, [])


def install(apps: Any, schema_editor: Any) -> None:
    """Migration step: put the triggers in place (run once per database)."""
    for sql in create_statements(schema_editor.connection.vendor):
        # params=None: the SQL is run as written (no "%" placeholders to expand).
        schema_editor.execute(sql, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def flush_statements(vendor: str, statements: list[str]) -> list[str]:
    """Django's flush of a *test* database, let through the triggers (see the module's doc)."""
    if not any(table in sql for sql in statements for table in _TABLES):
        return statements
    if vendor == "postgresql":
        return ["SET LOCAL session_replication_role = replica", *statements]
    if vendor == "sqlite":
        return [*_SQLITE_DROP, *statements, *_SQLITE_CREATE]
    return statements
