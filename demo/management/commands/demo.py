"""`python manage.py demo [--scale 1.0] [--seed 2020] [--if-empty]`: load the demo city."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.city import build_demo_city, demo_accounts_table
from places.models import Place


class Command(BaseCommand):
    help = (
        "Load the demo city (武汉市: 江汉区 and 武昌区 down to households and residents, party "
        "organisations, units) and one demo account per role into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiplies the number of households (1.0: about 13,000 residents).",
        )
        parser.add_argument(
            "--seed", type=int, default=2020, help="Same seed, same city (default 2020)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds places (used by `make run`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: float = options["scale"]
        if scale <= 0:
            raise CommandError("--scale must be a positive number, e.g. 0.5 or 1.0.")
        if Place.objects.exists():
            if options["if_empty"]:
                self.stdout.write(
                    "The demo city already exists (the database holds places); nothing loaded."
                )
                return
            raise CommandError(
                "The database already holds places; the demo city is only loaded into an empty "
                "database. Use --if-empty to skip quietly, or start afresh: delete "
                "var/linli.sqlite3 (embedded run) and run `make run` again."
            )
        self.stdout.write(f"Loading the demo city (scale {scale:g}, seed {options['seed']})…")
        city = build_demo_city(scale=scale, seed=options["seed"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo city loaded: {city.summary()}"))
        self.stdout.write("")
        self.stdout.write(demo_accounts_table())
