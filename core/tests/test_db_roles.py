"""On PostgreSQL: `manage.py db_roles` leaves an application role that reads and writes rows,
cannot create tables, and can only add to the audit trail — never change or empty it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from core.models import AuditEvent
from people.models import Person

ROOT = Path(__file__).resolve().parents[2]


def url_for(database: str, user: str | None = None) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    netloc = parts.netloc
    if user is not None:
        host = parts.hostname or ""
        netloc = f"{user}@{host}:{parts.port}" if parts.port else f"{user}@{host}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{database}"))


@pytest.fixture
def scratch() -> Iterator[tuple[str, str, str]]:
    """A copy of the migrated test database and two role names unique to this run (roles are
    cluster-wide: other runs share the server), all dropped at the end."""
    tag = f"linli_roles_{os.getpid()}_{secrets.token_hex(3)}"
    database, owner, app = f"{tag}_db", f"{tag}_owner", f"{tag}_app"
    template = connection.settings_dict["NAME"]
    connection.close()  # a template database must have no other session
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(database), sql.Identifier(template)
            )
        )
        try:
            yield database, owner, app
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
            for role in (app, owner):
                admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def db_roles(database: str, owner: str, app: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "db_roles", "--owner", owner, "--app", app],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url_for(database)},
        capture_output=True,
        text=True,
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_app_role_writes_rows_and_only_adds_to_the_audit_trail(
    scratch: tuple[str, str, str],
) -> None:
    database, owner, app = scratch
    done = db_roles(database, owner, app)
    assert done.returncode == 0, done.stderr
    assert db_roles(database, owner, app).returncode == 0  # again after a migrate: idempotent

    audit = sql.Identifier(AuditEvent._meta.db_table)
    person = sql.Identifier(Person._meta.db_table)
    with psycopg.connect(url_for(database, app), autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "INSERT INTO {} (at, action, target_type, target_id, place_path, detail, "
                "user_agent, result) VALUES (now(), 'view', 'person', '1', '', '{{}}', '', 'ok')"
            ).format(audit)
        )
        assert conn.execute(sql.SQL("SELECT count(*) FROM {}").format(audit)).fetchone() == (1,)
        for refused in (
            sql.SQL("UPDATE {} SET action = 'edit'").format(audit),
            sql.SQL("DELETE FROM {}").format(audit),
            sql.SQL("TRUNCATE {}").format(audit),
            sql.SQL("TRUNCATE {}").format(person),
            sql.SQL("CREATE TABLE linli_roles_probe (id int)"),
            sql.SQL("ALTER TABLE {} ADD COLUMN probe int").format(person),
            sql.SQL("DROP TABLE {}").format(person),
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(refused)

        (person_id,) = conn.execute(
            sql.SQL(
                "INSERT INTO {} (name, phone, sex, search_key, phone_hash, phone_last4_hash, "
                "id_last4_hash, created_at) VALUES ('王芳', '', '', '', '', '', '', now()) "
                "RETURNING id"
            ).format(person)
        ).fetchone() or (None,)
        conn.execute(
            sql.SQL("UPDATE {} SET name = '王小芳' WHERE id = %s").format(person), [person_id]
        )
        conn.execute(sql.SQL("DELETE FROM {} WHERE id = %s").format(person), [person_id])
        attributes = conn.execute(
            "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
            "WHERE rolname IN (%s, %s) ORDER BY rolname",
            [app, owner],
        ).fetchall()
    assert attributes == [(app, False, False, False), (owner, False, False, False)]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_tables_a_later_migration_creates_get_the_same_grants(
    scratch: tuple[str, str, str],
) -> None:
    database, owner, app = scratch
    assert db_roles(database, owner, app).returncode == 0
    with psycopg.connect(url_for(database, owner), autocommit=True) as conn:
        conn.execute("CREATE TABLE linli_roles_later (id bigint GENERATED BY DEFAULT AS IDENTITY)")
    with psycopg.connect(url_for(database, app), autocommit=True) as conn:
        conn.execute("INSERT INTO linli_roles_later DEFAULT VALUES")
        conn.execute("DELETE FROM linli_roles_later")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("TRUNCATE linli_roles_later")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_superuser_is_never_taken_as_one_of_the_roles(scratch: tuple[str, str, str]) -> None:
    database, _owner, app = scratch
    done = db_roles(database, "postgres", app)
    assert done.returncode != 0
    assert "superuser" in done.stderr
