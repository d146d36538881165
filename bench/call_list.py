"""The call list of a big grid (issue 15 item 4) against a bare Django view.

    .venv/bin/python bench/call_list.py [--people 2100] [--requests 200]

Builds the test city in a throw-away database (SQLite by default; DATABASE_URL for PostgreSQL —
it must name a database you can drop) and adds `--people` residents to one grid in 12 buildings
(nobody has reported: the longest list). Then times in-process requests (Django's test client):
  ceiling    a bare view: the grid's first 120 residents with phones, one query, no login
  page       GET /health/coverage/<grid>/missing/ as the grid worker (first page, 40 households)
  building   the same with ?building=<one building>
  office     the first page as the city admin (phones masked)
Prints p50 and p95 per case, bytes of each answer and the cost relative to the ceiling.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2100)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]

    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from people.models import Person, Resident
        from places.models import Household, PlaceKind
        from places.services import ancestor_columns, place_create
        from testkit import ROOT as SETUP
        from testkit import build_tiny_city

        tc = build_tiny_city()
        grid = tc.inside.grid
        buildings = [
            place_create(actor=SETUP, kind=PlaceKind.BUILDING, name=f"{b + 2}栋", parent=grid)
            for b in range(12)
        ]
        persons, rows = [], []
        for i in range(args.people):
            building = buildings[i % len(buildings)]
            columns = ancestor_columns(building)
            columns.pop("building_id")
            household = Household.objects.create(
                building=building, room=f"{i // len(buildings) + 1}01", **columns
            )
            person = Person(name=f"居民{i}", phone=f"139{i:08d}")
            persons.append(person)
            rows.append((household, building, person))
        Person.objects.bulk_create(persons)
        Resident.objects.bulk_create(
            Resident(person=p, household=h, **ancestor_columns(b)) for h, b, p in rows
        )
        print(
            f"grid with {args.people + 2} people in 13 buildings on {connection.vendor} ({test_db})"
        )
        worker, office, anon = Client(), Client(), Client()
        worker.force_login(tc.users["grid_worker"])
        office.force_login(tc.users["city_admin"])
        url = f"/health/coverage/{grid.pk}/missing/"
        cases = {
            "ceiling": lambda: anon.get(f"/bench/bare-call-list/{grid.pk}/"),
            "page": lambda: worker.get(url),
            "building": lambda: worker.get(f"{url}?building={buildings[8].pk}"),
            "office": lambda: office.get(url),
        }
        print(f"{'case':<9} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>8} {'p95 × ceiling':>14}")
        figures: dict[str, tuple[float, float, int]] = {}
        for name, call in cases.items():
            response = call()
            assert response.status_code == 200, (name, response.status_code)
            for _ in range(10):
                call()
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                call()
                times.append(time.perf_counter() - start)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            figures[name] = (statistics.median(times), p95, len(response.content))
        ceiling = figures["ceiling"][1]
        for name, (p50, p95, size) in figures.items():
            print(
                f"{name:<9} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {size:>8} {p95 / ceiling:>14.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
