"""`manage.py retention_purge [--dry-run]`: the daily retention job by hand (docs/retention.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.retention_runs import retention_run


class Command(BaseCommand):
    help = "Delete or anonymise personal data past its retention (--dry-run: only count)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        result = retention_run(dry_run=dry_run)
        verb = "would go" if dry_run else "went"
        for o in result.outcomes:
            kept = f"{o.purger.days} days" if o.purger.setting else "until its purpose ends"
            count = "FAILED (see the log)" if o.failed else f"{o.count} {verb}"
            self.stdout.write(f"{o.purger.kind:<28} kept {kept:<22} {count}")
        if result.run is not None:
            self.stdout.write(f"recorded as retention run #{result.run.pk}")
