"""Deployment coverage (应下尽下) and the duty roster at Wuhan's February 2020 scale: "over 34,000
cadres reported to about 1,100 communities". Each figure next to a bare Django view measured in
the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_deploy \\
        .venv/bin/python bench/deployment_coverage.py [--units 300] [--members 120] \\
        [--communities 1100] [--drop]

The database named by DATABASE_URL is DROPPED and created again (unless --reuse), migrated, and
given the tiny city of the tests (testkit.build_tiny_city: an account per role) plus
--communities communities in 11 new streets of the first district (place services), --units
units (organs, enterprises, institutions) each with a party committee and --members members
(bulk_create): 92% marked "should deploy", 4% exempt (unwell, pregnant, essential post, other),
4% not decided. Nearly every member marked "should" (99%) and three in four of the undecided have
a deployment with an account of their own, active (1% of them still pending), spread over the
communities at random; the community admin account's community gets 80 of them and a week of
roster: 20 posts × 3 shifts a day (08–14, 14–20, 20–08) × 7 days, 2 or 3 people needed, 2 on
each (so the 3s are gaps).

Then --runs timed rounds after a warm-up (in-process, django.test.Client with a session: the
whole Django request; p50 / p95 / max in ms):
  coverage, city admin      GET /api/deployment-coverage/units (every unit)
  coverage, unit admin      GET /api/deployment-coverage/units (the unit 【UNA】)
  ceilings                  bench/deployment_urls.py: one grouped SQL statement, no scoping
  roster, community admin   GET /api/duty/roster?community=…&day=… (the 4th day of the week)
  ceiling                   the day's shifts and people in two queries, no scoping
  the pages                 GET /coverage/ and GET /duty/roster/?day=… when they answer 200
with the number of queries of each API call and EXPLAIN ANALYZE of the coverage's grouped query.
Not a test.
"""

from __future__ import annotations

import argparse
import datetime
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_deploy"
UNIT_KINDS = ("organ", "enterprise", "institution")
EXEMPT_REASONS = ("unwell", "pregnant", "essential_post", "other")
PATTERN = ((8, 6), (14, 6), (20, 12))  # start hour, hours
ROSTER_POSTS = 20
ROSTER_DAYS = 7
ROSTER_CADRES = 80
BATCH = 2000


def _communities(tc: Any, n: int) -> list[Any]:
    from places.models import PlaceKind
    from places.services import place_create
    from testkit import ROOT

    streets = [
        place_create(
            actor=ROOT, kind=PlaceKind.STREET, name=f"压测街道{s + 1}", parent=tc.inside.district
        )
        for s in range(11)
    ]
    return [
        place_create(
            actor=ROOT, kind=PlaceKind.COMMUNITY, name=f"压测社区{i + 1}", parent=streets[i % 11]
        )
        for i in range(n)
    ]


def _units(tc: Any, n: int) -> list[tuple[Any, Any]]:
    from party import services as party_services
    from party.models import PartyOrgKind, Unit
    from testkit import ROOT

    out = []
    for i in range(n):
        unit = party_services.unit_save(
            actor=ROOT,
            unit=Unit(),
            name=f"压测单位{i + 1:03d}",
            kind=UNIT_KINDS[i % 3],
            place=tc.inside.district,
        )
        org = party_services.party_org_create(
            actor=ROOT,
            name=f"压测单位{i + 1:03d}党委",
            kind=PartyOrgKind.COMMITTEE,
            parent=None,
            unit=unit,
        )
        out.append((unit, org))
    return out


def generate(args: argparse.Namespace) -> dict[str, Any]:
    from django.utils import timezone

    from accounts.models import User
    from mobilisation.models import Deployment
    from party.models import PartyMember
    from people.models import Person
    from testkit import build_tiny_city

    rng = random.Random(args.seed)
    now = timezone.now()
    tc = build_tiny_city()
    admin = tc.users["community_admin"]
    home = tc.inside.community
    t = time.perf_counter()
    communities = _communities(tc, args.communities)
    units = _units(tc, args.units)
    log(f"  places and units {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    n = args.units * args.members
    people = Person.objects.bulk_create(
        [Person(name=f"干部{i:05d}") for i in range(n)], batch_size=BATCH
    )
    calls: list[tuple[str, str]] = []
    for _i in range(n):
        r = rng.random()
        if r < 0.92:
            calls.append(("should", ""))
        elif r < 0.96:
            calls.append(("exempt", rng.choice(EXEMPT_REASONS)))
        else:
            calls.append(("", ""))
    members = PartyMember.objects.bulk_create(
        [
            PartyMember(
                person=people[i],
                org=units[i // args.members][1],
                unit=units[i // args.members][0],
                is_cadre=True,
                deploy_call=calls[i][0],
                exempt_reason=calls[i][1],
                deploy_marked_at=now if calls[i][0] else None,
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    going = [
        i
        for i in range(n)
        if (calls[i][0] == "should" and rng.random() < 0.99)
        or (calls[i][0] == "" and rng.random() < 0.75)
    ]
    users = User.objects.bulk_create(
        [
            User(
                username=f"cadre{i:05d}",
                password="!",
                display_name=people[i].name,
                person=people[i],
            )
            for i in going
        ],
        batch_size=BATCH,
    )
    rng.shuffle(going)
    places = [home] * ROSTER_CADRES + [
        rng.choice(communities) for _ in range(len(going) - ROSTER_CADRES)
    ]
    deployments = []
    for user, i, place in zip(users, going, places, strict=True):
        pending = place is not home and rng.random() < 0.01
        at = now - datetime.timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
        deployments.append(
            Deployment(
                user=user,
                person=people[i],
                member=members[i],
                unit=members[i].unit,
                community=place,
                community_path=place.path,
                status="pending" if pending else "active",
                requested_at=at,
                decided_at=None if pending else at + datetime.timedelta(hours=2),
                decided_by=None if pending else admin,
            )
        )
    Deployment.objects.bulk_create(deployments, batch_size=BATCH)
    home_cadres = [u for u, p in zip(users, places, strict=True) if p is home]
    log(f"  {n:,} members, {len(deployments):,} deployments {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    day0 = _roster(tc, home_cadres, now, rng)
    log(f"  roster {time.perf_counter() - t:.1f} s")
    return {
        "community": home.pk,
        "admin": admin.pk,
        "city": tc.users["city_admin"].pk,
        "unit_admin": tc.users["unit_admin"].pk,
        "unit": tc.unit.pk,
        "day": (day0 + datetime.timedelta(days=3)).isoformat(),
    }


def _roster(tc: Any, cadres: list[Any], now: datetime.datetime, rng: random.Random) -> Any:
    from django.utils import timezone

    from accounts.models import Grant
    from core.roles import Role
    from mobilisation.models import Post, PostKind, Shift, ShiftAssignment

    admin = tc.users["community_admin"]
    home = tc.inside.community
    at = {"community": home, "community_path": home.path}
    Grant.objects.bulk_create(
        [Grant(user=u, role=Role.CADRE, place=home, created_by=admin) for u in cadres]
    )
    kinds = list(PostKind.values)
    posts = Post.objects.bulk_create(
        [
            Post(
                **at,
                name=f"压测岗位{p + 1:02d}",
                kind=kinds[p % len(kinds)],
                needed_per_shift=2 + p % 2,
                created_by=admin,
                created_at=now,
            )
            for p in range(ROSTER_POSTS)
        ]
    )
    tz = timezone.get_current_timezone()
    day0 = timezone.localdate(now)
    shifts = []
    for d in range(ROSTER_DAYS):
        day = day0 + datetime.timedelta(days=d)
        for post in posts:
            for hour, hours in PATTERN:
                start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), tz)
                shifts.append(
                    Shift(
                        **at,
                        post=post,
                        starts_at=start,
                        ends_at=start + datetime.timedelta(hours=hours),
                        needed=post.needed_per_shift,
                        created_by=admin,
                        created_at=now,
                    )
                )
    shifts = Shift.objects.bulk_create(shifts, batch_size=BATCH)
    assignments = []
    by_start: dict[datetime.datetime, list[Any]] = {}
    for s in shifts:
        by_start.setdefault(s.starts_at, []).append(s)
    for _start, same_time in by_start.items():
        free = list(cadres)
        rng.shuffle(free)
        for s in same_time:
            for _k in range(2):
                user = free.pop()
                assignments.append(
                    ShiftAssignment(
                        **at,
                        shift=s,
                        user=user,
                        starts_at=s.starts_at,
                        ends_at=s.ends_at,
                        assigned_by=admin,
                        assigned_at=now,
                    )
                )
    ShiftAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    return day0


def measure(args: argparse.Namespace, made: dict[str, Any]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from mobilisation.models import Deployment, Shift, ShiftAssignment
    from party.models import PartyMember, Unit

    def client(pk: int) -> Client:
        c = Client()
        c.force_login(User.objects.get(pk=pk))
        return c

    city, unit_admin, admin = (
        client(made["city"]),
        client(made["unit_admin"]),
        client(made["admin"]),
    )
    anon = Client()
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0]  # type: ignore[index]
    day = made["day"]
    community = made["community"]
    log(
        f"{version.split(' on ')[0]}; {Unit.objects.count():,} units, "
        f"{PartyMember.objects.count():,} members, "
        f"{Deployment.objects.filter(status='active').count():,} active deployments in "
        f"{Deployment.objects.values('community_id').distinct().count():,} communities; "
        f"roster: {Shift.objects.filter(community_id=community).count():,} shifts, "
        f"{ShiftAssignment.objects.filter(community_id=community).count():,} people on them"
    )

    def ok(c: Client, url: str) -> Callable[[], Any] | None:
        response = c.get(url)
        if response.status_code != 200:
            return None

        def call() -> Any:
            return c.get(url)

        return call

    def must(c: Client, url: str) -> Callable[[], Any]:
        call = ok(c, url)
        assert call is not None, (url, c.get(url).status_code, c.get(url).content[:300])
        return call

    roster_url = f"/api/duty/roster?community={community}&day={day}"
    cases: list[tuple[str, Callable[[], Any] | None]] = [
        ("API: coverage, city admin (every unit)", must(city, "/api/deployment-coverage/units")),
        ("ceiling: bare grouped SQL, every unit", must(anon, "/bench/bare-coverage/0/")),
        (
            "API: coverage, unit admin (one unit)",
            must(unit_admin, "/api/deployment-coverage/units"),
        ),
        (
            "ceiling: bare grouped SQL, one unit",
            must(anon, f"/bench/bare-coverage/{made['unit']}/"),
        ),
        ("API: roster of one community's day", must(admin, roster_url)),
        ("ceiling: bare shifts + people", must(anon, f"/bench/bare-roster/{community}/{day}/")),
        ("page: /coverage/ (city admin)", ok(city, "/coverage/")),
        ("page: /duty/roster/?day= (community admin)", ok(admin, f"/duty/roster/?day={day}")),
    ]
    for label, call in cases:
        if call is None:
            log(f"  {label:<48} (not 200: skipped)")
            continue
        figures = timed(call, args.runs)
        log(
            f"  {label:<48} p50 {figures['p50']:7.1f}  p95 {figures['p95']:7.1f}  "
            f"max {figures['max']:7.1f} ms"
        )
    for label, c, url in (
        ("coverage, city admin", city, "/api/deployment-coverage/units"),
        ("roster", admin, roster_url),
    ):
        with CaptureQueriesContext(connection) as ctx:
            c.get(url)
        log(f"  {label}: {len(ctx.captured_queries)} queries")
        if label.startswith("coverage"):
            grouped = max(ctx.captured_queries, key=lambda q: len(q["sql"]))["sql"]
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE) " + grouped)
                for (line,) in cur.fetchall():
                    if any(k in line for k in ("Scan", "Aggregate", "Join", "Sort", "Time")):
                        log(f"     {line.rstrip()[:150]}")


def _reused() -> dict[str, Any]:
    """What --reuse measures: the accounts and places the generator made earlier."""
    import datetime as _dt

    from accounts.models import User
    from mobilisation.models import Shift
    from party.models import Unit

    admin = User.objects.get(username="community_admin")
    community = admin.grants.get().place_id
    first = Shift.objects.filter(community_id=community).order_by("starts_at").first()
    assert first is not None, "no roster in this database: generate it first"
    from django.utils import timezone

    made = {
        "community": community,
        "admin": admin.pk,
        "city": User.objects.get(username="city_admin").pk,
        "unit_admin": User.objects.get(username="unit_admin").pk,
        "unit": Unit.objects.get(name="【UNA】单位").pk,
        "day": (timezone.localdate(first.starts_at) + _dt.timedelta(days=3)).isoformat(),
    }
    return made


def main() -> None:
    parser = harness.parser(__doc__, runs=50)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--members", type=int, default=120)
    parser.add_argument("--communities", type=int, default=1100)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    harness.run(
        args,
        default_url=DEFAULT_URL,
        urlconf="bench.deployment_urls",
        generate=generate,
        reused=_reused,
        measure=measure,
    )


if __name__ == "__main__":
    main()
