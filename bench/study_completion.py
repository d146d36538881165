"""Themed party day completion (主题党日, M3) for a city of 100,000 party members: the figures
next to a bare grouped SQL statement measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_study \\
        .venv/bin/python bench/study_completion.py [--districts 10] [--communities 10] \\
        [--branches 10] [--members 100] [--drop]

The database named by DATABASE_URL is DROPPED and created again (unless --reuse), migrated, and
given the tiny city of the tests (an account per role) plus --districts new districts of the
city, each with one street and --communities communities; each community a party committee with
--branches grid branches of --members members (bulk_create): 100,000 members by default. The
seed's programme (eight materials) is published by the city admin for every committee; 60% of
the members started, half of those studied all eight, the others 1 to 7.

Then --runs timed rounds after a warm-up (in-process django.test.Client with a session; p50 /
p95 / max in ms):
  API, city admin           GET /api/study/programmes/<id>/completion (per committee, district)
  API, one committee        … ?org=<committee> (per branch, with who has not started)
  ceiling                   one grouped SQL statement over members and records, no scoping
  page                      GET /study/<id>/completion/ (city admin)
with the number of queries of the API call and EXPLAIN ANALYZE of its grouped query. Not a test.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT_DIR))

from bench import harness  # noqa: E402
from bench.harness import log  # noqa: E402
from bench.timing import timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_study"
BATCH = 5000
URLCONF = "bench.study_completion"


def __getattr__(name: str) -> Any:
    """This module is also the benchmark's URLconf: the project's URLs plus the bare view. Built
    on first use (Django is set up by then)."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.contrib.auth.decorators import login_not_required
    from django.urls import path

    from config.urls import urlpatterns as project_urlpatterns

    return [
        path("bench/bare-study/<int:programme_id>/", login_not_required(bare)),
        *project_urlpatterns,
    ]


def bare(request: Any, programme_id: int) -> Any:
    """The least completion could do: members per organisation taking part with started and
    completed, one grouped statement over members and their record counts; no scoping."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cur:
        cur.execute(
            "WITH n AS (SELECT count(*) c FROM party_studymaterial WHERE programme_id = %s), "
            "r AS (SELECT member_id, count(*) c FROM party_studyrecord WHERE programme_id = %s "
            "GROUP BY member_id), "
            "tops AS (SELECT o.id, o.path FROM party_studyprogramme_orgs po "
            "JOIN party_partyorg o ON o.id = po.partyorg_id WHERE po.studyprogramme_id = %s) "
            "SELECT tops.id, count(m.id), count(r.member_id), "
            "count(r.member_id) FILTER (WHERE r.c >= (SELECT c FROM n)) "
            "FROM tops JOIN party_partyorg o ON o.path LIKE tops.path || '%%' "
            "JOIN party_partymember m ON m.org_id = o.id "
            "LEFT JOIN r ON r.member_id = m.id GROUP BY tops.id",
            [programme_id, programme_id, programme_id],
        )
        rows = cur.fetchall()
    return JsonResponse({"rows": rows})


def generate(args: argparse.Namespace) -> dict[str, Any]:
    import datetime

    from django.utils import timezone

    from outreach.models import StudyRecord
    from outreach.study_seed import programme_from_seed
    from party import services as party_services
    from party.models import PartyMember, PartyOrgKind
    from people.models import Person
    from places.models import PlaceKind
    from places.services import place_create
    from testkit import ROOT, build_tiny_city

    rng = random.Random(args.seed)
    now = timezone.now()
    tc = build_tiny_city()
    t = time.perf_counter()
    committees, branches = [], []
    for d in range(args.districts):
        district = place_create(
            actor=ROOT, kind=PlaceKind.DISTRICT, name=f"压测区{d + 1}", parent=tc.city
        )
        street = place_create(
            actor=ROOT, kind=PlaceKind.STREET, name=f"压测街道{d + 1}", parent=district
        )
        for c in range(args.communities):
            community = place_create(
                actor=ROOT, kind=PlaceKind.COMMUNITY, name=f"压测社区{d + 1}-{c + 1}", parent=street
            )
            committee = party_services.party_org_create(
                actor=ROOT,
                name=f"{community.name}党委",
                kind=PartyOrgKind.COMMITTEE,
                parent=None,
                place=community,
            )
            committees.append(committee)
            for b in range(args.branches):
                branches.append(
                    party_services.party_org_create(
                        actor=ROOT,
                        name=f"{community.name}第{b + 1}支部",
                        kind=PartyOrgKind.BRANCH,
                        parent=committee,
                        place=None,
                    )
                )
    log(f"  {len(committees)} committees, {len(branches)} branches {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    n = len(branches) * args.members
    people = Person.objects.bulk_create(
        [Person(name=f"党员{i:06d}") for i in range(n)], batch_size=BATCH
    )
    members = PartyMember.objects.bulk_create(
        [PartyMember(person=people[i], org=branches[i // args.members]) for i in range(n)],
        batch_size=BATCH,
    )
    today = timezone.localdate(now)
    programme = programme_from_seed(
        place=tc.city,
        published_by=tc.users["city_admin"],
        orgs=committees,
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=20),
    )
    materials = list(programme.materials.order_by("position"))
    user = tc.users["city_admin"]  # stands in for the members' own accounts
    records = []
    for i, m in enumerate(members):
        if rng.random() >= 0.6:
            continue
        k = len(materials) if rng.random() < 0.5 else rng.randint(1, len(materials) - 1)
        org = branches[i // args.members]
        for material in materials[:k]:
            records.append(
                StudyRecord(
                    programme=programme,
                    material=material,
                    member=m,
                    org=org,
                    org_path=org.path,
                    scope_path=org.scope_path,
                    user=user,
                    studied_at=now,
                )
            )
    StudyRecord.objects.bulk_create(records, batch_size=BATCH)
    log(f"  {n:,} members, {len(records):,} records {time.perf_counter() - t:.1f} s")
    return {
        "programme": programme.pk,
        "committee": committees[0].pk,
        "city": tc.users["city_admin"].pk,
    }


def _reused() -> dict[str, Any]:
    from accounts.models import User
    from outreach.models import StudyProgramme

    programme = StudyProgramme.objects.filter(title__startswith="全市2月份").get()
    committee = programme.orgs.order_by("path").first()
    assert committee is not None
    return {
        "programme": programme.pk,
        "committee": committee.pk,
        "city": User.objects.get(username="city_admin").pk,
    }


def measure(args: argparse.Namespace, made: dict[str, Any]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from outreach.models import StudyRecord
    from party.models import PartyMember

    city = Client()
    city.force_login(User.objects.get(pk=made["city"]))
    anon = Client()
    p = made["programme"]
    log(
        f"{PartyMember.objects.count():,} members, "
        f"{StudyRecord.objects.filter(programme_id=p).count():,} study records"
    )

    def must(c: Client, url: str) -> Callable[[], Any]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:300])
        return lambda: c.get(url)

    api = f"/api/study/programmes/{p}/completion"
    top = city.get(api).json()["total"]
    bare_rows = anon.get(f"/bench/bare-study/{p}/").json()["rows"]
    bare_total = [sum(r[i] for r in bare_rows) for i in (1, 2, 3)]
    log(
        f"  API total {top['members']:,} / {top['started']:,} / {top['completed']:,}; "
        f"bare SQL {bare_total[0]:,} / {bare_total[1]:,} / {bare_total[2]:,}"
    )
    cases = [
        ("API: completion, city admin (top)", must(city, api)),
        ("API: completion, one committee (?org=)", must(city, f"{api}?org={made['committee']}")),
        ("ceiling: bare grouped SQL (top)", must(anon, f"/bench/bare-study/{p}/")),
        ("page: /study/<id>/completion/ (city admin)", must(city, f"/study/{p}/completion/")),
    ]
    for label, call in cases:
        figures = timed(call, args.runs, warmup=3)
        log(
            f"  {label:<48} p50 {figures['p50']:7.1f}  p95 {figures['p95']:7.1f}  "
            f"max {figures['max']:7.1f} ms"
        )
    with CaptureQueriesContext(connection) as ctx:
        city.get(api)
    log(f"  API completion: {len(ctx.captured_queries)} queries")
    grouped = next(
        q["sql"]
        for q in ctx.captured_queries
        if "GROUP BY" in q["sql"] and q["sql"].count('FROM "party_partymember"')
    )
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE) " + grouped)
        for (line,) in cur.fetchall():
            if any(k in line for k in ("Scan", "Aggregate", "Join", "Sort", "Time", "SubPlan")):
                log(f"     {line.rstrip()[:150]}")


def main() -> None:
    parser = harness.parser(__doc__, runs=20)
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--branches", type=int, default=10)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    harness.run(
        args,
        default_url=DEFAULT_URL,
        urlconf=URLCONF,
        generate=generate,
        reused=_reused,
        measure=measure,
    )


if __name__ == "__main__":
    main()
