"""`python manage.py db_roles --owner linli_owner --app linli_app`: least privilege in PostgreSQL.

Run as a superuser (DATABASE_URL of the superuser, on Linli's database), once at installation
and again after every `migrate` (it is idempotent). It makes

- the owner role: owns the schema, its tables, sequences and functions; `migrate` runs as it;
- the application role: CONNECT, USAGE on the schema, SELECT/INSERT/UPDATE/DELETE on tables and
  USAGE/SELECT on sequences, nothing else — no CREATE, no TRUNCATE, not a superuser — and on the
  audit table (and any partition of it) only SELECT and INSERT: the trail is append-only even for
  a process that is taken over. Default privileges give tables the owner creates later the same
  grants; re-running after `migrate` takes UPDATE/DELETE off a new audit partition.

Neither role gets a password here (it would sit in the shell's history and in `ps`): set them
with psql's `\\password`, which sends only a hash, or use certificate authentication.
docs/deployment.md, "Database roles".
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from core.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
ROLE_LIMITS = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


class Command(BaseCommand):
    help = (
        "Create or bring up to date the owner role (owns the schema; migrations run as it) and "
        "the application role (reads and writes rows only; the audit table is append-only) on "
        "PostgreSQL. Run as a superuser, again after every migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", required=True, help="owner role, e.g. linli_owner")
        parser.add_argument("--app", required=True, help="application role, e.g. linli_app")
        parser.add_argument("--schema", default="public", help="schema (default public)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL: DATABASE_URL must be postgres://…")
        owner, app, schema = options["owner"], options["app"], options["schema"]
        for option, name in (("--owner", owner), ("--app", app), ("--schema", schema)):
            if not ROLE_NAME.match(name):
                raise CommandError(
                    f"{option}: use lower-case letters, digits and _ (at most 63), not {name!r}."
                )
        if owner == app:
            raise CommandError("--owner and --app must be two different roles.")
        with transaction.atomic(), connection.cursor() as cur:
            for role in (owner, app):
                role_ensure(cur, role)
            database_grants(cur, owner, app)
            schema_owned_by(cur, schema, owner)
            app_grants(cur, schema, owner, app)
        self.stdout.write(
            self.style.SUCCESS(
                f"Roles ready: {owner} owns schema {schema} (run migrate as it), {app} reads and "
                f"writes rows ({AuditEvent._meta.db_table}: SELECT and INSERT only)."
            )
        )


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def role_ensure(cur: Any, role: str) -> None:
    cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    row = cur.fetchone()
    if row is None:
        cur.execute(f"CREATE ROLE {q(role)} {ROLE_LIMITS}")
        return
    if row[0]:
        # Taking superuser away from an existing role (postgres?) is not this command's call.
        raise CommandError(f"Role {role} is a superuser: choose another name for Linli's roles.")
    cur.execute(f"ALTER ROLE {q(role)} {ROLE_LIMITS}")


def database_grants(cur: Any, owner: str, app: str) -> None:
    cur.execute("SELECT current_database()")
    database = q(cur.fetchone()[0])
    cur.execute(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC")
    cur.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {q(owner)}")
    cur.execute(f"REVOKE ALL ON DATABASE {database} FROM {q(app)}")
    cur.execute(f"GRANT CONNECT ON DATABASE {database} TO {q(app)}")


def schema_owned_by(cur: Any, schema: str, owner: str) -> None:
    """The schema and everything in it to the owner (a database migrated by a superuser until
    now is taken over). Sequences of identity and serial columns follow their table."""
    cur.execute(f"ALTER SCHEMA {q(schema)} OWNER TO {q(owner)}")
    cur.execute(f"REVOKE ALL ON SCHEMA {q(schema)} FROM PUBLIC")
    cur.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
        "AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = %s) "
        "AND (c.relkind <> 'S' OR NOT EXISTS (SELECT 1 FROM pg_depend d "
        "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))",
        [schema, owner],
    )
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for name, kind in cur.fetchall():
        cur.execute(f"ALTER {kinds[kind]} {q(schema)}.{q(name)} OWNER TO {q(owner)}")
    cur.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
        "ON n.oid = p.pronamespace WHERE n.nspname = %s AND p.prokind IN ('f', 'p')",
        [schema],
    )
    for (signature,) in cur.fetchall():
        # regprocedure text is already quoted and schema-qualified where needed.
        cur.execute(f"ALTER ROUTINE {signature} OWNER TO {q(owner)}")


def app_grants(cur: Any, schema: str, owner: str, app: str) -> None:
    s, o, a = q(schema), q(owner), q(app)
    cur.execute(f"GRANT USAGE ON SCHEMA {s} TO {a}")
    # Whatever was granted before (ALL, TRUNCATE…) goes, then exactly what the app needs.
    cur.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {a}")
    cur.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {a}")
    cur.execute(f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {a}")
    cur.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {a}")
    cur.execute(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {a}"
    )
    cur.execute(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {a}"
    )
    audit = AuditEvent._meta.db_table
    # The table itself (pg_partition_tree lists nothing for a plain table) and its partitions.
    cur.execute(
        "SELECT %s::regclass::text UNION SELECT relid::regclass::text "
        "FROM pg_partition_tree(%s::regclass)",
        [f"{s}.{q(audit)}"] * 2,
    )
    for (table,) in cur.fetchall():
        cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {a}")
