"""What the request-level benchmarks share: set Django up on a bench URLconf, (re)create the
PostgreSQL database, generate or reuse the data, measure, and drop it when asked."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any


def log(message: str) -> None:
    print(message, flush=True)


def django_setup(urlconf: str) -> None:
    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = urlconf
    settings.ALLOWED_HOSTS = ["testserver"]


def parser(doc: str | None, *, runs: int) -> argparse.ArgumentParser:
    """The options every request-level benchmark takes; each adds its own sizes."""
    p = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    p.add_argument("--runs", type=int, default=runs)
    p.add_argument("--reuse", action="store_true", help="measure the existing database")
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    return p


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    log(f"dropped {name}")


def run(
    args: argparse.Namespace,
    *,
    default_url: str,
    urlconf: str,
    generate: Callable[[argparse.Namespace], dict[str, Any]],
    reused: Callable[[], dict[str, Any]],
    measure: Callable[[argparse.Namespace, dict[str, Any]], None],
) -> None:
    """Generate into a fresh database (or take what `reused` finds with --reuse), ANALYZE,
    measure, and drop the database at the end with --drop."""
    url = os.environ.setdefault("DATABASE_URL", default_url)
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database that may be dropped")
    from bench.city_generator import recreate_database

    started = time.perf_counter()
    if not args.reuse:
        log(f"recreating {url}")
        recreate_database(url)
    django_setup(urlconf)
    from django.core.management import call_command
    from django.db import connection

    if args.reuse:
        made = reused()
    else:
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        made = generate(args)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        log(f"generated in {time.perf_counter() - t:.1f} s")
    try:
        measure(args, made)
    finally:
        connection.close()
        if args.drop:
            drop_database(url)
    log(f"done in {time.perf_counter() - started:.1f} s")
