"""Tables partitioned by day on PostgreSQL (architecture.md, "The hot path").

Django has no notion of a partitioned table, so a migration creates the model as usual and then
`partition_by_day` rebuilds the (still empty) table as `PARTITION BY RANGE (<day column>)` with
the same columns, constraints and indexes; the primary key becomes (id, day), as PostgreSQL
requires. A DEFAULT partition takes days no partition was made for, and `day_partitions_ensure`
(run by the migration and by a daily job) creates the coming days ahead of time. SQLite keeps one
plain table: both functions do nothing there.
"""

from __future__ import annotations

import datetime
import logging

from django.db import DatabaseError, connection, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

log = logging.getLogger(__name__)


def partition_by_day(schema_editor: BaseDatabaseSchemaEditor, table: str, column: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY contype",
            [table],
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cur.fetchall()
        proto = f"{table}_proto"
        cur.execute(f"ALTER TABLE {q(table)} RENAME TO {q(proto)}")
        cur.execute(
            f"CREATE TABLE {q(table)} (LIKE {q(proto)} INCLUDING DEFAULTS INCLUDING IDENTITY) "
            f"PARTITION BY RANGE ({q(column)})"
        )
        cur.execute(f"DROP TABLE {q(proto)} CASCADE")
        for name, kind, definition in constraints:
            if kind == "p":
                definition = f"PRIMARY KEY (id, {q(column)})"
            cur.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")
        for _name, definition in indexes:
            cur.execute(definition)
        cur.execute(f"CREATE TABLE {q(table + '_default')} PARTITION OF {q(table)} DEFAULT")


def partition_name(table: str, day: datetime.date) -> str:
    return f"{table}_p{day:%Y%m%d}"


def day_partitions_ensure(table: str, first: datetime.date, days: int) -> list[str]:
    """Create the missing partitions for `days` days from `first`; returns the ones created.

    Running it twice creates nothing new. A day whose rows already sit in the DEFAULT partition
    cannot get its own partition (PostgreSQL refuses); it is skipped and logged, and its rows
    stay reachable through the parent table."""
    if connection.vendor != "postgresql":
        return []
    q = connection.ops.quote_name
    created: list[str] = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        existing = {r[0] for r in cur.fetchall()}
        for n in range(days):
            day = first + datetime.timedelta(days=n)
            name = partition_name(table, day)
            if name in existing:
                continue
            try:
                with transaction.atomic():
                    cur.execute(
                        f"CREATE TABLE {q(name)} PARTITION OF {q(table)} "
                        f"FOR VALUES FROM (%s) TO (%s)",
                        [day, day + datetime.timedelta(days=1)],
                    )
            except DatabaseError:
                log.warning("partition %s not created: its rows are in the default partition", name)
                continue
            created.append(name)
    return created


def day_partitions_drop_before(table: str, day: datetime.date) -> dict[str, int]:
    """Detach and drop the day partitions of `table` for days before `day` (retention,
    docs/retention.md); returns each dropped partition's row count. The DEFAULT partition is
    never dropped: its old rows are the caller's to delete. Running it twice drops nothing new."""
    if connection.vendor != "postgresql":
        return {}
    q = connection.ops.quote_name
    prefix = f"{table}_p"
    dropped: dict[str, int] = {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [table],
        )
        names = [r[0] for r in cur.fetchall()]
        for name in names:
            suffix = name.removeprefix(prefix)
            if not name.startswith(prefix) or len(suffix) != 8 or not suffix.isdigit():
                continue
            if datetime.datetime.strptime(suffix, "%Y%m%d").date() >= day:
                continue
            with transaction.atomic():
                cur.execute(f"SELECT count(*) FROM {q(name)}")  # nosec B608: a quoted partition name we listed
                dropped[name] = int(cur.fetchone()[0])
                cur.execute(f"ALTER TABLE {q(table)} DETACH PARTITION {q(name)}")
                cur.execute(f"DROP TABLE {q(name)}")
            log.info("partition %s detached and dropped (%d rows)", name, dropped[name])
    return dropped
