"""How much the access mechanism, masking and page rendering cost, against a bare Django view.

    .venv/bin/python bench/scoped_reads.py [--scale 1.0] [--requests 300]

Builds the demo city in a throw-away database (SQLite by default; DATABASE_URL for PostgreSQL —
it must name a database you can drop), then times in-process requests (Django's test client, no
network) for the same 50 residents of one community:
  ceiling   a bare view: one query, no login, no scoping, no masking
  api       GET /api/residents?place=<community>&limit=50 as community_admin (bearer token)
  page      GET /places/<community>/ as community_admin (session), the grid table with counts
  home      GET / as street_admin (the counts of a whole street)
Prints requests per second and each one's cost relative to the ceiling. Not a test.
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
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.models import User
        from accounts.services import api_token_issue
        from demo.city import build_demo_city
        from places.models import Place

        t0 = time.perf_counter()
        build_demo_city(scale=args.scale, seed=2020)
        print(
            f"demo city at scale {args.scale} built in {time.perf_counter() - t0:.1f}s "
            f"on {connection.vendor} ({test_db})"
        )
        call_command("check", verbosity=0)
        admin = User.objects.get(username="community_admin")
        community = admin.grants.get().place
        assert isinstance(community, Place)
        token, _t = api_token_issue(user=admin)
        session = Client()
        session.force_login(admin)
        street = Client()
        street.force_login(User.objects.get(username="street_admin"))
        anon = Client()
        bearer = {"Authorization": f"Bearer {token}"}

        cases = {
            "ceiling": lambda: anon.get(f"/bench/bare-residents/{community.pk}/"),
            "api": lambda: anon.get(
                f"/api/residents?place={community.pk}&limit=50", headers=bearer
            ),
            "page": lambda: session.get(f"/places/{community.pk}/"),
            "home": lambda: street.get("/"),
        }
        results: dict[str, float] = {}
        for name, call in cases.items():
            response = call()
            assert response.status_code == 200, (name, response.status_code)
            for _ in range(20):
                call()
            rounds = []
            per_round = max(1, args.requests // 5)
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(per_round):
                    call()
                rounds.append((time.perf_counter() - start) / per_round)
            results[name] = statistics.median(rounds)
        ceiling = results["ceiling"]
        print(f"{'case':<8} {'ms/request':>11} {'req/s':>8} {'× ceiling':>10}")
        for name, seconds in results.items():
            print(
                f"{name:<8} {seconds * 1000:>11.2f} {1 / seconds:>8.0f} {seconds / ceiling:>10.2f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
