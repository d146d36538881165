"""Resident requests read by a community office: Open311 requests.json, the JSON API list and
the figures, each next to a bare Django view measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_requests \
        .venv/bin/python bench/requests_open311.py [--requests 20000] [--others 20000] [--drop]

The database named by DATABASE_URL is DROPPED and created again (unless --reuse), migrated, and
given the tiny city of the tests (testkit.build_tiny_city: four chains in three streets of
two districts, an account per role) plus --requests requests in the community of the community
admin account (its two households) and --others in the other street and district, filed over
the last 60 days (bulk_create) in a realistic mix: 25% new, 10% accepted, 10% dispatched, 10%
done, 40% closed, 5% cancelled; 15% escalated to the street.

Then, for the community admin, --runs timed rounds after a warm-up (in-process,
django.test.Client: the whole Django request; p50 / p95 / max in ms):
  open311             GET /open311/v2/requests.json?api_key=… (the last 90 days, 1,000 rows)
  open311, one        GET /open311/v2/requests.json?service_request_id=<id>&api_key=…
  API list            GET /api/requests?limit=50 (session)
  API list, filtered  GET /api/requests?status=open&category=medicine&limit=50
  API figures         GET /api/requests/stats (medians in Python over the scope)
  ceilings            bench/requests_urls.py: the same rows (1,000 / 50 + count) with values()
                      and no key, scoping or mapping; the figures in one SQL with
                      percentile_cont
and EXPLAIN ANALYZE of the API list's page query. Not a test.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT_DIR))

from bench import harness  # noqa: E402
from bench.harness import log  # noqa: E402
from bench.timing import timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_requests"
MIX = (
    (0.25, "new"),
    (0.10, "accepted"),
    (0.10, "dispatched"),
    (0.10, "done"),
    (0.40, "closed"),
    (0.05, "cancelled"),
)
CATEGORIES = ("urgent_trip", "treatment_trip", "medicine", "food", "care", "psychological", "other")


def _requests_for(
    chains: list[Any], n: int, rng: random.Random, now: datetime.datetime
) -> list[Any]:
    from service_requests.models import ServiceRequest
    from service_requests.rules import DEFAULT_TARGETS

    weights = [w for w, _s in MIX]
    statuses = [s for _w, s in MIX]
    rows = []
    for i in range(n):
        chain = chains[i % len(chains)]
        resident = chain.residents[i % 2]
        category = rng.choice(CATEGORIES)
        status = rng.choices(statuses, weights)[0]
        created = now - datetime.timedelta(minutes=rng.randint(10, 60 * 24 * 60))
        respond, done = (datetime.timedelta(minutes=m) for m in DEFAULT_TARGETS[category])
        responded = (
            created + datetime.timedelta(minutes=rng.randint(2, 180)) if status != "new" else None
        )
        finished = (
            created + datetime.timedelta(minutes=rng.randint(30, 3000))
            if status in ("done", "closed")
            else None
        )
        escalated = rng.random() < 0.15
        rows.append(
            ServiceRequest(
                city_id=resident.city_id,
                district_id=resident.district_id,
                street_id=resident.street_id,
                community_id=resident.community_id,
                grid_id=resident.grid_id,
                building_id=resident.building_id,
                household_id=resident.household_id,
                resident_id=resident.pk,
                category=category,
                details=f"测试需求 {i}",
                source="staff",
                status=status,
                level="street" if escalated else "community",
                created_at=created,
                respond_due_at=created + respond,
                done_due_at=created + done,
                responded_at=responded,
                done_at=finished,
                escalated_at=created + respond if escalated else None,
                closed_at=finished + datetime.timedelta(hours=2)
                if status == "closed" and finished
                else (created + datetime.timedelta(hours=1) if status == "cancelled" else None),
                confirmed=status == "closed",
            )
        )
    return rows


def generate(args: argparse.Namespace) -> dict[str, Any]:
    from django.utils import timezone

    from service_requests.models import ServiceRequest
    from testkit import build_tiny_city

    tc = build_tiny_city()
    rng = random.Random(args.seed)
    now = timezone.now()
    mine = _requests_for([tc.inside, tc.sibling], args.requests, rng, now)
    others = _requests_for([tc.other_street, tc.other_district], args.others, rng, now)
    ServiceRequest.objects.bulk_create(mine + others, batch_size=2000)
    return {
        "community": tc.inside.community.pk,
        "user": tc.users["community_admin"].pk,
    }


def measure(args: argparse.Namespace, made: dict[str, Any]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.services import api_token_issue
    from service_requests.models import ServiceRequest

    community = made["community"]
    user = User.objects.get(pk=made["user"])
    key, _token = api_token_issue(user=user)
    session = Client()
    session.force_login(user)
    anon = Client()
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0]  # type: ignore[index]
    scope = ServiceRequest.objects.filter(community_id=community)
    log(
        f"{version.split(' on ')[0]}; {ServiceRequest.objects.count():,} requests, "
        f"{scope.count():,} in community {community}, "
        f"{scope.filter(status__in=['new', 'accepted', 'dispatched']).count():,} open"
    )
    one = scope.order_by("-created_at").values_list("pk", flat=True)[500]

    def ok(client: Client, url: str) -> Callable[[], Any]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])

        def call() -> Any:
            return client.get(url)

        return call

    cases = [
        (
            "open311: GET requests.json (1,000 rows)",
            ok(anon, f"/open311/v2/requests.json?api_key={key}"),
        ),
        ("ceiling: bare 1,000 rows", ok(anon, f"/bench/bare-open311/{community}/")),
        (
            "open311: GET requests.json?service_request_id",
            ok(anon, f"/open311/v2/requests.json?service_request_id={one}&api_key={key}"),
        ),
        ("API: GET /api/requests?limit=50", ok(session, "/api/requests?limit=50")),
        (
            "API: same, status=open&category=medicine",
            ok(session, "/api/requests?status=open&category=medicine&limit=50"),
        ),
        ("ceiling: bare 50 rows + count", ok(anon, f"/bench/bare-requests/{community}/")),
        ("API: GET /api/requests/stats", ok(session, "/api/requests/stats")),
        ("ceiling: bare figures in SQL", ok(anon, f"/bench/bare-request-stats/{community}/")),
    ]
    for label, call in cases:
        figures = timed(call, args.runs)
        log(
            f"  {label:<48} p50 {figures['p50']:7.1f}  p95 {figures['p95']:7.1f}  "
            f"max {figures['max']:7.1f} ms"
        )
    # The queries of one API list call and the plan of its page query.
    with CaptureQueriesContext(connection) as ctx:
        session.get("/api/requests?limit=50")
    log(f"  API list: {len(ctx.captured_queries)} queries")
    page_sql = next(q["sql"] for q in ctx.captured_queries if "LIMIT 50" in q["sql"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE) " + page_sql)
        for (line,) in cur.fetchall():
            if any(k in line for k in ("Scan", "Sort", "Limit", "Join", "Nested", "Time")):
                log(f"     {line.rstrip()[:150]}")


def _reused() -> dict[str, Any]:
    """What --reuse measures: the accounts and places the generator made earlier."""
    from accounts.models import User

    user = User.objects.get(username="community_admin")
    grant = user.grants.get()
    made = {"community": grant.place_id, "user": user.pk}
    return made


def main() -> None:
    parser = harness.parser(__doc__, runs=50)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--others", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    harness.run(
        args,
        default_url=DEFAULT_URL,
        urlconf="bench.requests_urls",
        generate=generate,
        reused=_reused,
        measure=measure,
    )


if __name__ == "__main__":
    main()
