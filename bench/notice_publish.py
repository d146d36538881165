"""Notices (M14) at a city's scale: publishing to the whole city is one notice and one target
row however many residents live there, and the reach page counts reads per community with
grouped queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_notice \\
        .venv/bin/python bench/notice_publish.py [--communities 1100] [--residents 100] \\
        [--read-share 0.2] [--notices 50] [--drop]

The database named by DATABASE_URL is DROPPED and created again (unless --reuse), migrated, and
given the tiny city of the tests (an account per role) plus --communities communities in 11 new
streets of the first district (place services), each with one building and household and
--residents residents (bulk_create). Then --notices whole-city notices are published through
notices.publishing.notice_publish (timed; rows and queries per notice reported), and for the
first of them a --read-share of each community's residents has read it (NoticeRead rows with
accounts of their own, bulk_create) and every tenth community relayed it.

Measured (in-process, django.test.Client with a session; p50 / p95 / max in ms):
  ceiling                   a bare view: one grouped SQL statement of residents and reads per
                            community, as JSON (no scoping, relays or paging)
  publish, city admin       notice_publish to the whole city (rows written, queries)
  reach API, city admin     GET /api/notices/{id}/reach (totals over every community + 50 rows)
  reach API, street admin   GET /api/notices/{id}/reach (one street's communities)
  reach page, city admin    GET /notices/{id}/reach/
  list, resident            GET /api/notices (the resident's notices with unread markers)
  home, resident            notices_for_home + unread_count (the home page card)
with the number of queries of each. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT_DIR))

from bench import harness  # noqa: E402
from bench.harness import log  # noqa: E402
from bench.timing import timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_notice"
URLCONF = "bench.notice_publish"


def __getattr__(name: str) -> Any:
    """This module is also the benchmark's URLconf: the project's URLs plus the bare view (the
    ceiling). Built on first use (Django is set up by then)."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.contrib.auth.decorators import login_not_required
    from django.urls import path

    from config.urls import urlpatterns as project_urlpatterns

    return [
        path("bench/bare-reach/<int:notice_id>/", login_not_required(bare_reach)),
        *project_urlpatterns,
    ]


def bare_reach(request: Any, notice_id: int) -> Any:
    """The least reach could do: living residents and reads per community in one grouped
    statement, as JSON; no scoping, no relays, no paging."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cur:
        cur.execute(
            "WITH r AS (SELECT community_id, count(*) c FROM notices_noticeread "
            "WHERE notice_id = %s GROUP BY community_id) "
            "SELECT p.community_id, count(*), coalesce(max(r.c), 0) FROM people_resident p "
            "LEFT JOIN r ON r.community_id = p.community_id "
            "WHERE p.status IN ('present', 'away') GROUP BY p.community_id",
            [notice_id],
        )
        rows = cur.fetchall()
    return JsonResponse({"rows": rows})


BATCH = 2000


def generate(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from accounts.selectors import actor_for_user
    from notices.models import NoticeKind, NoticeRead, NoticeRelay, NoticeTarget
    from notices.publishing import notice_publish
    from people.models import Person, Resident
    from places.models import PlaceKind
    from places.services import ancestor_columns, household_create, place_create
    from testkit import ROOT, build_tiny_city

    tc = build_tiny_city()
    t = time.perf_counter()
    streets = [
        place_create(
            actor=ROOT, kind=PlaceKind.STREET, name=f"压测街道{s + 1}", parent=tc.inside.district
        )
        for s in range(11)
    ]
    homes = []
    for i in range(args.communities):
        c = place_create(
            actor=ROOT, kind=PlaceKind.COMMUNITY, name=f"压测社区{i + 1}", parent=streets[i % 11]
        )
        g = place_create(actor=ROOT, kind=PlaceKind.GRID, name="网格", parent=c)
        b = place_create(actor=ROOT, kind=PlaceKind.BUILDING, name="1栋", parent=g)
        homes.append((c, household_create(actor=ROOT, building=b, room="101"), b))
    log(f"  places {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    people = Person.objects.bulk_create(
        [Person(name=f"居民{i:07d}") for i in range(args.communities * args.residents)],
        batch_size=BATCH,
    )
    rows = []
    for i, (_c, h, b) in enumerate(homes):
        cols = ancestor_columns(b)
        for j in range(args.residents):
            rows.append(Resident(person=people[i * args.residents + j], household=h, **cols))
    Resident.objects.bulk_create(rows, batch_size=BATCH)
    log(f"  {len(rows)} residents {time.perf_counter() - t:.1f} s")

    city_admin = actor_for_user(tc.users["city_admin"])
    published = []
    t = time.perf_counter()
    for n in range(args.notices):
        before = NoticeTarget.objects.count()
        with CaptureQueriesContext(connection) as ctx:
            notice = notice_publish(
                actor=city_admin,
                kind=NoticeKind.ORDER,
                title=f"全市通令第{n + 1}号",
                body="全市所有小区实行封闭式管理。",
                issuer=tc.city,
                targets=[tc.city],
            )
        published.append(notice.pk)
        if n == 0:
            log(
                f"  publish: {NoticeTarget.objects.count() - before} target row, "
                f"{len(ctx.captured_queries)} queries"
            )
    log(f"  {args.notices} notices {time.perf_counter() - t:.2f} s")

    t = time.perf_counter()
    readers_per = int(args.residents * args.read_share)
    users = User.objects.bulk_create(
        [User(username=f"reader{i:07d}") for i in range(len(homes) * readers_per)],
        batch_size=BATCH,
    )
    now = timezone.now()
    admin = tc.users["community_admin"]
    reads = []
    relays = []
    for i, (c, _h, _b) in enumerate(homes):
        for j in range(readers_per):
            reads.append(
                NoticeRead(
                    notice_id=published[0],
                    user=users[i * readers_per + j],
                    community=c,
                    community_path=c.path,
                    read_at=now,
                )
            )
        if i % 10 == 0:
            relays.append(
                NoticeRelay(
                    notice_id=published[0],
                    community=c,
                    community_path=c.path,
                    channels=["broadcast"],
                    explanation="请居民知悉",
                    relayed_by=admin,
                    relayed_at=now,
                )
            )
    NoticeRead.objects.bulk_create(reads, batch_size=BATCH)
    NoticeRelay.objects.bulk_create(relays, batch_size=BATCH)
    log(f"  {len(reads)} reads, {len(relays)} relays {time.perf_counter() - t:.1f} s")
    return {"notice": published[0]}


def _reused() -> dict[str, Any]:
    from notices.models import Notice

    first = Notice.objects.filter(title="全市通令第1号").first()
    assert first is not None, "no notices in this database: generate it first"
    return {"notice": first.pk}


def measure(args: argparse.Namespace, made: dict[str, Any]) -> None:
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from accounts.selectors import actor_for_user
    from notices.models import NoticeKind
    from notices.notice_selectors import notices_for_home, unread_count
    from notices.publishing import notice_publish
    from places.models import Place

    def client(username: str) -> Client:
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    nid = made["notice"]
    city, street, resident = client("city_admin"), client("street_admin"), client("resident")
    city_actor = actor_for_user(User.objects.get(username="city_admin"))
    resident_actor = actor_for_user(User.objects.get(username="resident"))
    the_city = Place.objects.get(kind="city", parent=None, name="测试市")

    def publish() -> None:
        notice_publish(
            actor=city_actor,
            kind=NoticeKind.ANNOUNCEMENT,
            title="压测通告",
            body="正文",
            issuer=the_city,
            targets=[the_city],
        )

    def must(c: Client, url: str) -> Any:
        def call() -> None:
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)

        return call

    def home() -> None:
        notices_for_home(resident_actor)
        unread_count(resident_actor)

    anon = Client()
    cases = [
        ("ceiling: bare grouped SQL view (reach)", must(anon, f"/bench/bare-reach/{nid}/")),
        ("publish to the whole city (service)", publish),
        ("API: reach, city admin", must(city, f"/api/notices/{nid}/reach")),
        ("API: reach, street admin", must(street, f"/api/notices/{nid}/reach")),
        ("page: reach, city admin", must(city, f"/notices/{nid}/reach/")),
        ("API: notice list, resident", must(resident, "/api/notices")),
        ("home: latest 5 + unread count, resident", home),
    ]
    for label, call in cases:
        count = [0]

        def counter(
            execute: Any, sql: str, params: Any, many: bool, context: Any, count: list[int] = count
        ) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        # Counted by a wrapper: a request resets connection.queries when it starts.
        with connection.execute_wrapper(counter):
            call()
        figures = timed(call, args.runs)
        log(
            f"  {label:<42} p50 {figures['p50']:7.1f}  p95 {figures['p95']:7.1f}  "
            f"max {figures['max']:7.1f} ms  ({count[0]} queries)"
        )
    body = city.get(f"/api/notices/{nid}/reach").json()
    log(
        f"  reach: {body['communities']} communities, {body['relayed']} relayed, "
        f"{body['reads']} reads of {body['residents']} residents ({body['percent']}%)"
    )


def main() -> None:
    parser = harness.parser(__doc__, runs=30)
    parser.add_argument("--communities", type=int, default=1100)
    parser.add_argument("--residents", type=int, default=100)
    parser.add_argument("--read-share", type=float, default=0.2)
    parser.add_argument("--notices", type=int, default=50)
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
