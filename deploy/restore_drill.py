"""`make restore-drill`: prove that a backup of Linli's database restores (docs/deployment.md).

On the PostgreSQL server of DATABASE_URL: builds the demo city into a fresh database (`manage.py
migrate`, `manage.py demo --scale S`), dumps it with `pg_dump -Fc`, restores the dump into a
second fresh database with `pg_restore`, and checks the copy:

- every table's row count and every sequence's value match;
- a sample of rows of every model (up to --sample per model, Person included), read through the
  Django ORM from both databases, match field by field — reading through the ORM compares what
  the application sees, so encrypted columns are compared decrypted;
- `manage.py migrate --check` passes on the copy.

A check that never fails proves nothing: the drill then spoils the copy (one person's name, one
applied-migration row) and each check must notice. It prints timings and sizes, drops both
databases, and exits 0 when everything matched, 1 on a mismatch, 2 when a step could not run.
Differences name the model, the primary key and the field, never a value (personal data).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python deploy/restore_drill.py --scale 0.1
    … --source linli   # drill an existing database instead of the demo city (it is not dropped)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SOURCE_ALIAS = "drill_source"
RESTORED_ALIAS = "drill_restored"


class DrillError(Exception):
    """A step could not run (a tool failed, the server refused): not a mismatch."""


@dataclass
class Server:
    """The PostgreSQL server of a URL; `url(name)` points at one of its databases."""

    base: str

    def url(self, name: str) -> str:
        parts = urlsplit(self.base)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def url_without_password(self, name: str) -> str:
        # Tools get the password through PGPASSWORD: a command line is visible to `ps`.
        parts = urlsplit(self.url(name))
        netloc = parts.hostname or ""
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        if parts.port:
            netloc = f"{netloc}:{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def tool_env(self, name: str) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": self.url(name)}
        password = urlsplit(self.base).password
        if password:
            env["PGPASSWORD"] = password
        return env

    @contextmanager
    def connect(self, name: str) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            yield conn


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    def add(self, step: str, text: str) -> None:
        self.lines.append((step, text))
        print(f"  {step:<18}{text}", flush=True)


def create_database(server: Server, name: str) -> None:
    # The C collation, as in production (docs/deployment.md): natural order compares code points.
    with server.connect("postgres") as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'").format(
                sql.Identifier(name)
            )
        )


def drop_database(server: Server, name: str) -> None:
    with server.connect("postgres") as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise DrillError(f"{' '.join(command[:3])} failed:\n{done.stderr[-2000:]}")
    return done


def manage(server: Server, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", *args], server.tool_env(name))


def migrate_check(server: Server, name: str) -> bool:
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env=server.tool_env(name),
        capture_output=True,
        text=True,
    )
    return done.returncode == 0


def table_counts(server: Server, name: str) -> dict[str, int]:
    """Rows per table (partitioned parents and their partitions alike), every user schema."""
    with server.connect(name) as conn:
        tables = conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2"
        ).fetchall()
        counts: dict[str, int] = {}
        for schema, table in tables:
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(table)
                )
            ).fetchone()
            counts[f"{schema}.{table}"] = row[0] if row else 0
    return counts


def sequence_values(server: Server, name: str) -> dict[str, int | None]:
    with server.connect(name) as conn:
        rows = conn.execute(
            "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
        ).fetchall()
    return {seq: value for seq, value in rows}


def compare_maps(what: str, source: dict[str, Any], restored: dict[str, Any]) -> list[str]:
    found = [f"{what}: {key} missing from the copy" for key in sorted(source.keys() - restored)]
    found += [f"{what}: {key} only in the copy" for key in sorted(restored.keys() - source)]
    found += [
        f"{what}: {key} differs ({source[key]} in the source, {restored[key]} in the copy)"
        for key in sorted(source.keys() & restored.keys())
        if source[key] != restored[key]
    ]
    return found


def setup_django(server: Server, source: str, restored: str) -> None:
    """Django with two more connections, one per database of the drill."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import dj_database_url
    from django.conf import settings
    from django.db import connections

    default = settings.DATABASES["default"]
    extra = {
        SOURCE_ALIAS: dj_database_url.parse(server.url(source)),
        RESTORED_ALIAS: dj_database_url.parse(server.url(restored)),
    }
    configured = connections.configure_settings({"default": dict(default), **extra})
    for alias in extra:
        connections.settings[alias] = configured[alias]


@dataclass
class Sample:
    mismatches: list[str] = field(default_factory=list)
    rows: int = 0
    per_model: dict[str, int] = field(default_factory=dict)


def read_rows(model: type[Any], alias: str, pks: set[Any]) -> dict[Any, dict[str, Any]]:
    fields = model._meta.concrete_fields
    return {
        obj.pk: {f.attname: f.value_from_object(obj) for f in fields}
        for obj in model._base_manager.using(alias).filter(pk__in=pks)
    }


def orm_sample(per_model: int) -> Sample:
    """Up to `per_model` rows of every model, random plus the first and the last, read through
    the ORM from both databases and compared field by field (values as the app sees them)."""
    from django.apps import apps

    sample = Sample()
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        manager = model._base_manager
        source = manager.using(SOURCE_ALIAS)
        pks = {
            edge
            for end in ("pk", "-pk")
            if (edge := source.order_by(end).values_list("pk", flat=True).first()) is not None
        }
        more = source.exclude(pk__in=pks).order_by("?").values_list("pk", flat=True)
        pks.update(more[: max(per_model - len(pks), 0)])
        if not pks:
            continue
        before, after = (read_rows(model, alias, pks) for alias in (SOURCE_ALIAS, RESTORED_ALIAS))
        for pk, values in before.items():
            copy = after.get(pk)
            if copy is None:
                sample.mismatches.append(f"{meta.label} #{pk}: missing from the copy")
                continue
            differing = [name for name, value in values.items() if copy.get(name) != value]
            if differing:
                sample.mismatches.append(f"{meta.label} #{pk}: {', '.join(differing)} differ")
        sample.rows += len(before)
        sample.per_model[meta.label] = len(before)
    return sample


@dataclass
class Checks:
    found: dict[str, list[str]]
    tables: dict[str, int]
    sequences: int
    sample: Sample


def check_copy(server: Server, source: str, restored: str, per_model: int) -> Checks:
    """Each check's mismatches (an empty list: it passed), with what was compared."""
    tables = table_counts(server, source)
    sequences = sequence_values(server, source)
    sample = orm_sample(per_model)
    found = {
        "row counts": compare_maps("rows", tables, table_counts(server, restored)),
        "sequences": compare_maps("sequence", sequences, sequence_values(server, restored)),
        "ORM sample": sample.mismatches,
        "migrate --check": [] if migrate_check(server, restored) else ["unapplied migrations"],
    }
    return Checks(found, tables, len(sequences), sample)


def spoil(server: Server, restored: str) -> None:
    """The first person's name changed, their id sequence moved on, the last applied-migration
    row gone: every check must notice (the sample always reads the first row of each model)."""
    from people.models import Person

    with server.connect(restored) as conn:
        conn.execute(
            sql.SQL(
                "UPDATE {t} SET name = name || '·' WHERE id = (SELECT min(id) FROM {t})"
            ).format(t=sql.Identifier(Person._meta.db_table))
        )
        conn.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Person._meta.db_table])
        conn.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
        )


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def drill(server: Server, args: argparse.Namespace, report: Report, names: list[str]) -> None:
    tag = f"linli_drill_{os.getpid()}_{int(time.time())}"
    restored = f"{tag}_restored"
    if args.source:
        source = args.source
    else:
        source = f"{tag}_source"
        names.append(source)
        create_database(server, source)
        started = time.monotonic()
        manage(server, source, "migrate", "--noinput")
        manage(server, source, "demo", "--scale", f"{args.scale:g}", "--seed", str(args.seed))
        report.add("source built", f"{time.monotonic() - started:,.1f} s (migrate + demo)")
    with server.connect(source) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        report.add("source database", megabytes(row[0] if row else 0))

    with tempfile.TemporaryDirectory(prefix="linli-drill-") as tmp:
        dump = Path(tmp) / "linli.dump"
        started = time.monotonic()
        run(
            ["pg_dump", "--format=custom", f"--file={dump}", server.url_without_password(source)],
            server.tool_env(source),
        )
        report.add(
            "pg_dump -Fc",
            f"{time.monotonic() - started:,.1f} s, {megabytes(dump.stat().st_size)}",
        )
        names.append(restored)
        create_database(server, restored)
        started = time.monotonic()
        run(
            [
                "pg_restore",
                "--exit-on-error",
                f"--jobs={args.jobs}",
                f"--dbname={server.url_without_password(restored)}",
                str(dump),
            ],
            server.tool_env(restored),
        )
        report.add("pg_restore", f"{time.monotonic() - started:,.1f} s (--jobs={args.jobs})")

    setup_django(server, source, restored)
    checks = check_copy(server, source, restored, args.sample)
    person = checks.sample.per_model.get("people.Person", 0)
    texts = {
        "row counts": f"{len(checks.tables)} tables, {sum(checks.tables.values()):,} rows",
        "sequences": f"{checks.sequences} sequences",
        "ORM sample": (
            f"{checks.sample.rows:,} rows of {len(checks.sample.per_model)} models "
            f"(people.Person: {person})"
        ),
        "migrate --check": "no unapplied migration on the copy",
    }
    for check, found in checks.found.items():
        report.add(check, f"{texts[check]}: {'match' if not found else 'MISMATCH'}")
        report.mismatches += found

    spoil(server, restored)
    spoiled = check_copy(server, source, restored, 0)
    blind = [check for check, found in spoiled.found.items() if not found]
    if blind:
        report.mismatches.append(f"a spoiled copy passed: {', '.join(blind)}")
    report.add("spoiled copy", "caught by every check" if not blind else "NOT CAUGHT")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=0.1, help="demo city scale (0.1)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--sample", type=int, default=200, help="rows per model compared (200)")
    parser.add_argument("--jobs", type=int, default=2, help="pg_restore --jobs (2)")
    parser.add_argument("--source", help="drill this existing database instead of the demo city")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at a PostgreSQL server (postgres://…).", file=sys.stderr)
        return 2
    if args.scale <= 0 or args.sample < 2 or args.jobs < 1:
        print("--scale must be positive, --sample at least 2, --jobs at least 1.", file=sys.stderr)
        return 2
    server = Server(url)
    report = Report()
    names: list[str] = []
    print(f"Restore drill ({args.source or f'demo city, scale {args.scale:g}'})", flush=True)
    try:
        drill(server, args, report, names)
    except (DrillError, psycopg.Error) as exc:
        print(f"The drill could not run: {exc}", file=sys.stderr)
        return 2
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        for name in names:
            drop_database(server, name)
    for line in report.mismatches:
        print(f"  ! {line}")
    print("FAILED: the copy differs" if report.mismatches else "OK: the copy matches")
    return 1 if report.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
