"""`manage.py audit_archive`: move the audit months past retention to checksummed files.
`--verify`: check every archived month's file against its recorded SHA-256 and row count."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit_archive import archive_due, verify_archives


class Command(BaseCommand):
    help = "Archive audit events older than AUDIT_RETENTION_DAYS (or --verify the archives)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--verify", action="store_true", help="Check the files against their SHA-256."
        )

    def handle(self, *args: Any, verify: bool = False, **options: Any) -> None:
        if verify:
            problems = verify_archives()
            for p in problems:
                self.stderr.write(f"{p.period}: {p.message}")
            if problems:
                raise CommandError(f"{len(problems)} archive(s) failed verification")
            self.stdout.write("All audit archives match their SHA-256.")
            return
        for archive in archive_due():
            self.stdout.write(f"{archive.period}: {archive.rows} events → {archive.file_name}")
