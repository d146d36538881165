"""Rewriting encrypted columns in batches: the migrations that encrypt existing rows (and decrypt
them again when reversed) and `manage.py rotate_keys`.

Raw SQL by primary key, not the ORM: the migrations run before the model's fields are the
encrypted ones, and the batches must not load a whole table. Each batch is its own UPDATE of
up to `batch` rows, so a city's registry is rewritten with progress and bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from core import encryption
from core.fields import index_of

__all__ = ["BATCH", "Column", "decrypt_rows", "encrypt_rows", "rotate_rows"]

BATCH = 2000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Column:
    """One encrypted column and the hash columns kept from it: [(hash column, purpose)]."""

    name: str
    hashes: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _quiet(_: str) -> None:
    pass


def _rewrite(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[Column],
    change: Callable[[Column, Any], tuple[Any, list[Any]] | None],
    *,
    batch: int,
    progress: Progress,
) -> int:
    """Walk the table by pk; `change(column, stored)` gives (new value, new hashes) or None to
    leave the column. Returns how many rows were rewritten."""
    qn = connection.ops.quote_name
    names = [c.name for c in columns]
    select = (
        f"SELECT id, {', '.join(qn(n) for n in names)} FROM {qn(table)} "  # nosec B608: quoted names from the models; values are parameters
        "WHERE id > %s ORDER BY id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")  # nosec B608: a quoted model table
        total = cursor.fetchone()[0]
    last, seen, written = 0, 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select, [last, batch])
            rows = cursor.fetchall()
        if not rows:
            break
        updates: dict[tuple[str, ...], list[list[Any]]] = {}
        for pk, *values in rows:
            sets: list[str] = []
            params: list[Any] = []
            for column, stored in zip(columns, values, strict=True):
                changed = change(column, stored)
                if changed is None:
                    continue
                new_value, hashes = changed
                sets.append(column.name)
                params.append(new_value)
                for (hash_column, _), hashed in zip(column.hashes, hashes, strict=True):
                    sets.append(hash_column)
                    params.append(hashed)
            if sets:
                updates.setdefault(tuple(sets), []).append([*params, pk])
            last = pk
        with connection.cursor() as cursor:
            for sets_key, param_rows in updates.items():
                assignments = ", ".join(f"{qn(s)} = %s" for s in sets_key)
                cursor.executemany(
                    f"UPDATE {qn(table)} SET {assignments} WHERE id = %s",  # nosec B608: quoted model names; values are parameters
                    param_rows,
                )
                written += len(param_rows)
        seen += len(rows)
        progress(f"{table}: {seen}/{total} rows read, {written} rewritten")
    return written


def encrypt_rows(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[Column],
    *,
    batch: int = BATCH,
    progress: Progress = _quiet,
) -> int:
    """Encrypt plain values (those already encrypted are left: running it twice is safe) and
    fill their hash columns."""

    def change(column: Column, stored: Any) -> tuple[Any, list[Any]] | None:
        if stored is None or stored == "" or encryption.key_id_of(stored) is not None:
            return None
        sealed = encryption.encrypt(stored, table=table, column=column.name)
        return sealed, [index_of(purpose, stored) for _, purpose in column.hashes]

    return _rewrite(connection, table, columns, change, batch=batch, progress=progress)


def decrypt_rows(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[Column],
    *,
    batch: int = BATCH,
    progress: Progress = _quiet,
) -> int:
    """Back to plain text (a migration reversed). Hash columns are left to the schema."""

    def change(column: Column, stored: Any) -> tuple[Any, list[Any]] | None:
        if stored is None or stored == "" or encryption.key_id_of(stored) is None:
            return None
        plain = encryption.decrypt(stored, table=table, column=column.name)
        return plain, [index_of(purpose, plain) for _, purpose in column.hashes]

    return _rewrite(connection, table, columns, change, batch=batch, progress=progress)


def rotate_rows(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[Column],
    *,
    batch: int = BATCH,
    progress: Progress = _quiet,
) -> int:
    """Re-encrypt under the current key every value under another key. A value that does not
    decrypt stops the rotation (Undecryptable): its old key must stay until it is dealt with."""
    current = encryption.key_ring().current

    def change(column: Column, stored: Any) -> tuple[Any, list[Any]] | None:
        if stored is None or stored == "" or encryption.key_id_of(stored) == current:
            return None
        plain = encryption.decrypt(stored, table=table, column=column.name)
        return encryption.encrypt(plain, table=table, column=column.name), []

    rotated = [Column(c.name) for c in columns]  # the hashes do not change with the data key
    return _rewrite(connection, table, rotated, change, batch=batch, progress=progress)
