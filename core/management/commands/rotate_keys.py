"""Re-encrypt every encrypted column under the current key (the first of LINLI_DATA_KEYS).

Values under older key ids stay readable meanwhile; once this has run, the old keys can be
taken out of LINLI_DATA_KEYS (docs/security.md). Batches by primary key, with progress; safe to
run again or to stop and restart (rows already under the current key are skipped).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from core.encryption import key_ring
from core.encryption_batches import BATCH, Column, rotate_rows
from core.fields import EncryptedCharField


def encrypted_tables() -> dict[str, list[Column]]:
    """Every table with encrypted columns, and those columns."""
    tables: dict[str, list[Column]] = {}
    for model in apps.get_models():
        columns = [
            Column(f.column)
            for f in model._meta.local_concrete_fields
            if isinstance(f, EncryptedCharField)
        ]
        if columns and not model._meta.proxy:
            tables.setdefault(model._meta.db_table, []).extend(columns)
    return tables


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column under the current key, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="rows per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        current = key_ring().current
        self.stdout.write(f"Current key: {current}")
        total = 0
        for table, columns in sorted(encrypted_tables().items()):
            total += rotate_rows(
                connection,
                table,
                columns,
                batch=options["batch"],
                progress=lambda line: self.stdout.write(f"  {line}"),
            )
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted under key {current}."))
