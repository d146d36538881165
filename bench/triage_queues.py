"""The triage queues at city scale: the health centre's queue and the street's transfer queue,
through the selectors, the API and the pages, each next to a bare view measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_triage \
        .venv/bin/python bench/triage_queues.py [--open 40000] [--closed 300000] [--drop]

The database named by DATABASE_URL is DROPPED and created again (unless --reuse), migrated, and
filled with COPY (psycopg's copy.write_row, one stream per table, foreign-key triggers off):
  places    a city, --districts × --streets × --communities (16 × 10 × 21 = 3,360 communities),
            --grids grids of --buildings buildings each (67,200 buildings by default)
  people    a person, a household and a resident for each person with a case, nobody else
  cases     --open open cases in a realistic mix (below) and --closed closed ones (plus one
            earlier closed case for a tenth of the people with an open one); communities get
            their cases by a Zipf-like weight (rank^-0.7, shuffled): an outbreak has hot spots,
            the hottest community holds ~3% of the city's cases
  sites     a designated hospital per district and an isolation site per street
  accounts  a health worker of the hottest community and of the median one (by cases waiting
            for triage), a street admin of the hottest street and of the median one (by people
            waiting for a bed)
Open mix: 30% waiting for their first triage, 3% sent back to triage by a follow-up, 10%
triaged into the four categories with no disposition yet, 15% waiting for a bed (hospital or
isolation), 12% in a bed, 25% in home observation, 5% sent to a fever clinic.

Then, for each account, `--runs` timed rounds after a warm-up (in-process; p50 and p95 in ms):
  queue selectors     triage_queue(actor)[:50] evaluated + its count
  transfer selectors  transfer_queue(actor)[:50] + count, awaiting_disposition(actor)[:50] +
                      count (what the street's transfer page shows)
  API                 GET /api/triage/queue?limit=50, GET /api/triage/transfers?limit=50
                      (django.test.Client with a session: the whole Django request)
  pages               GET /triage/ and GET /triage/transfers/ (when the pages are mounted)
  fewer joins         the same selectors with only the joins a list row needs (person,
                      household, building; community and site names prefetched): what the
                      API does (triage.api.routes.listed)
  ceiling             GET /bench/bare-triage-queue/<community>/ and
                      /bench/bare-triage-transfers/<street>/: the same rows and counts with no
                      login, scoping, masking or joins but the name (bench/triage_urls.py)
`--prepared` measures everything with server-side binding and prepared statements instead.
and EXPLAIN ANALYZE of each selector query, checking that the partial indexes triagecase_queue
and triagecase_transfer are used. Target (issue 5): p95 ≤ 50 ms. Not a test.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_triage"
PASSWORD = "linli-bench"
FOUR = ("confirmed", "suspected", "febrile", "close_contact")

# The open cases' mix: (share, state).
OPEN_MIX = (
    (0.30, "awaiting_triage"),
    (0.03, "sent_back"),
    (0.10, "awaiting_disposition"),
    (0.15, "waiting_for_bed"),
    (0.12, "in_bed"),
    (0.25, "home_observation"),
    (0.05, "fever_clinic"),
)


def log(message: str) -> None:
    print(message, flush=True)


# ---- setup ---------------------------------------------------------------------------------------


def django_setup(prepared: bool = False) -> None:
    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.triage_urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    if prepared:
        # The experiment of --prepared: server-side binding, and each query prepared on its
        # connection from its 5th run (PostgreSQL then reuses a generic plan).
        from django.db import connection

        options = connection.settings_dict.setdefault("OPTIONS", {})
        options.update(server_side_binding=True, prepare_threshold=5)
        connection.close()


def copy_rows(conn: Any, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY dicts keyed by attname into the model's table; missing fields take their default
    (auto_now fields: now)."""
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        else:
            defaults[f.attname] = None
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    names = [f.attname for f in fields]
    n = 0
    with (
        conn.cursor() as cur,
        cur.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as cp,
    ):
        for row in rows:
            values = []
            for name in names:
                v = row.get(name, defaults[name])
                if name in json_fields and v is not None:
                    v = Jsonb(v)
                values.append(v)
            cp.write_row(values)
            n += 1
    return n


def setval(cur: Any, table: str) -> None:
    cur.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
    )


# ---- the city ------------------------------------------------------------------------------------


class City:
    """Place ids and paths, the community weights, and who got what."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.rng = random.Random(args.seed)
        self.places: list[dict[str, Any]] = []
        self.sort_paths: dict[int, str] = {}  # parents are placed before their children
        self.districts: list[int] = []
        self.streets: list[tuple[int, int]] = []  # (street, district)
        self.communities: list[tuple[int, int, int]] = []  # (community, street, district)
        self.grids: dict[int, list[int]] = defaultdict(list)  # community → grids
        self.buildings: dict[int, list[int]] = defaultdict(list)  # grid → buildings
        ids = itertools.count(1)
        city = next(ids)
        self.city = city
        self._place(city, "city", "武汉市", None, f"/{city}/", 0)
        for d in range(args.districts):
            district = next(ids)
            self.districts.append(district)
            self._place(district, "district", f"第{d + 1}区", city, f"/{city}/{district}/", 1)
            for s in range(args.streets):
                street = next(ids)
                self.streets.append((street, district))
                self._place(
                    street, "street", f"第{s + 1}街道", district, f"/{city}/{district}/{street}/", 2
                )
                for c in range(args.communities):
                    community = next(ids)
                    self.communities.append((community, street, district))
                    self._place(
                        community,
                        "community",
                        f"第{c + 1}社区",
                        street,
                        f"/{city}/{district}/{street}/{community}/",
                        3,
                    )
        self.path: dict[int, str] = {p["id"]: p["path"] for p in self.places}
        for community, _s, _d in self.communities:
            for g in range(args.grids):
                grid = next(ids)
                self.grids[community].append(grid)
                self._place(
                    grid, "grid", f"第{g + 1}网格", community, f"{self.path[community]}{grid}/", 4
                )
        for community, _s, _d in self.communities:
            for grid in self.grids[community]:
                grid_path = f"{self.path[community]}{grid}/"
                for b in range(args.buildings):
                    building = next(ids)
                    self.buildings[grid].append(building)
                    self._place(
                        building, "building", f"{b + 1}栋", grid, f"{grid_path}{building}/", 5
                    )
        # Outbreaks have hot spots: Zipf-like weights over the communities, in a random order.
        weights = [1 / (rank**0.7) for rank in range(1, len(self.communities) + 1)]
        self.rng.shuffle(weights)
        self.cum = list(itertools.accumulate(weights))
        self.of_community = {c: (c, s, d) for c, s, d in self.communities}

    def _place(
        self, pk: int, kind: str, name: str, parent: int | None, path: str, depth: int
    ) -> None:
        from core.sorting import sort_path

        above = self.sort_paths.get(parent, "") if parent else ""
        self.sort_paths[pk] = sort_path(above, name)
        self.places.append(
            {
                "id": pk,
                "kind": kind,
                "name": name,
                "parent_id": parent,
                "path": path,
                "depth": depth,
                "sort_path": self.sort_paths[pk],
            }
        )

    def somewhere(self) -> dict[str, int]:
        """The place columns of a random building, communities weighted."""
        i = bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])
        community, street, district = self.communities[min(i, len(self.communities) - 1)]
        grid = self.rng.choice(self.grids[community])
        return {
            "city_id": self.city,
            "district_id": district,
            "street_id": street,
            "community_id": community,
            "grid_id": grid,
            "building_id": self.rng.choice(self.buildings[grid]),
        }


def generate(args: argparse.Namespace, url: str) -> dict[str, Any]:
    """Places, people, cases and sites into the fresh database; returns who got what."""
    import psycopg
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from bench.city_generator import _names
    from people.models import Person, Resident
    from places.models import Household, Place
    from triage.models import Site, TriageCase

    city = City(args)
    rng = city.rng
    now = timezone.now()
    names = _names(2020)
    n_open, n_closed = args.open, args.closed
    again = n_open // 10  # people with an open case and an earlier closed one
    people = n_open + n_closed
    where: list[dict[str, int]] = [city.somewhere() for _ in range(people)]
    setup = User.objects.create(username="bench_setup", password=make_password(PASSWORD))
    counts = {}
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        counts["places"] = copy_rows(conn, Place, city.places)
        with conn.cursor() as cur:
            setval(cur, "places_place")

    # Sites: a designated hospital per district, an isolation site per street.
    sites: list[Site] = []
    for district in city.districts:
        sites.append(Site(kind="hospital", name=f"{district}号定点医院", place_id=district))
    for street, _district in city.streets:
        sites.append(Site(kind="isolation", name=f"{street}号隔离点", place_id=street))
    for s in sites:
        s.place_path = city.path[s.place_id]
        s.capacity = 2000 if s.kind == "hospital" else 500
        s.created_by = setup
    Site.objects.bulk_create(sites)
    hospital = {s.place_id: s.pk for s in sites if s.kind == "hospital"}
    isolation = {s.place_id: s.pk for s in sites if s.kind == "isolation"}
    occupied: Counter[int] = Counter()

    def minutes_ago(low: float, high: float) -> datetime.datetime:
        return now - datetime.timedelta(minutes=rng.uniform(low, high))

    def open_case(pk: int) -> dict[str, Any]:
        x = rng.random()
        state = OPEN_MIX[-1][1]
        for share, name in OPEN_MIX:
            if x < share:
                state = name
                break
            x -= share
        opened = minutes_ago(10, 14 * 24 * 60)
        row: dict[str, Any] = {
            "origin": rng.choice(("flag", "flag", "flag", "screening", "call", "walk_in")),
            "first_flagged_at": opened - datetime.timedelta(minutes=rng.uniform(5, 120)),
            "opened_at": opened,
            "note": "居民来电：发热38.5°C，咳嗽",
        }
        if state == "awaiting_triage":
            row["opened_at"] = row["triage_due_since"] = minutes_ago(1, 8 * 60)
            row["first_flagged_at"] = row["opened_at"]
            return row
        triaged = opened + datetime.timedelta(minutes=rng.uniform(10, 180))
        row["triaged_at"] = min(triaged, now)
        row["temperature"] = f"{rng.uniform(36.5, 39.5):.1f}"
        if state == "sent_back":
            row.update(category=rng.choice(("febrile", "close_contact")))
            row.update(disposition="home_observation", triage_due_since=minutes_ago(1, 4 * 60))
        elif state == "awaiting_disposition":
            row["category"] = rng.choice(FOUR)
            row["triaged_at"] = minutes_ago(1, 6 * 60)
        elif state in ("waiting_for_bed", "in_bed"):
            row["category"] = rng.choice(("confirmed", "suspected", "suspected"))
            kind = (
                "hospital"
                if row["category"] == "confirmed"
                else rng.choice(("hospital", "isolation"))
            )
            row["disposition"] = kind
            if state == "waiting_for_bed":
                row["bed_wanted_since"] = minutes_ago(1, 6 * 60)
                if now - row["bed_wanted_since"] > datetime.timedelta(hours=2):
                    row["queue_alarm_at"] = row["bed_wanted_since"] + datetime.timedelta(hours=2)
            else:
                site = (
                    hospital[where[pk - 1]["district_id"]]
                    if kind == "hospital"
                    else isolation[where[pk - 1]["street_id"]]
                )
                row["site_id"] = site
                occupied[site] += 1
                row["isolated_at" if kind == "isolation" else "hospitalised_at"] = row["triaged_at"]
        elif state == "home_observation":
            row["category"] = rng.choice(("febrile", "close_contact", "close_contact"))
            row["disposition"] = "home_observation"
            start = timezone.localdate(row["triaged_at"])
            row["observation_start"] = start
            row["observation_end"] = start + datetime.timedelta(days=13)
        else:
            row["category"] = rng.choice(("suspected", "febrile"))
            row["disposition"] = "fever_clinic"
        return row

    def closed_case() -> dict[str, Any]:
        opened = minutes_ago(15 * 24 * 60, 60 * 24 * 60)
        closed = opened + datetime.timedelta(days=rng.uniform(1, 16))
        reason = rng.choices(("released", "moved_out", "deceased"), (97, 2, 1))[0]
        return {
            "status": "closed",
            "origin": rng.choice(("flag", "screening", "call", "walk_in", "contact")),
            "first_flagged_at": opened,
            "opened_at": opened,
            "triaged_at": opened + datetime.timedelta(hours=1),
            "category": rng.choice(("cleared", "febrile", "close_contact", "confirmed")),
            "disposition": "released" if reason == "released" else "",
            "closed_at": closed,
            "close_reason": reason,
        }

    def persons() -> Iterator[dict[str, Any]]:
        for pk in range(1, people + 1):
            name, key = names[pk % len(names)]
            phone = f"13{pk:09d}"
            yield {
                "id": pk,
                "name": name,
                "id_number": None,
                "phone": phone,
                "birth_date": datetime.date(1940, 1, 1) + datetime.timedelta(days=pk % 25000),
                "sex": "MF"[pk % 2],
                "search_key": key,
                "phone_last4": phone[-4:],
            }

    def households() -> Iterator[dict[str, Any]]:
        for pk in range(1, people + 1):
            yield {"id": pk, **where[pk - 1], "room": f"{pk}室"}

    def residents() -> Iterator[dict[str, Any]]:
        for pk in range(1, people + 1):
            yield {
                "id": pk,
                **where[pk - 1],
                "person_id": pk,
                "household_id": pk,
                "relation": "head",
                "status": "present",
            }

    def cases() -> Iterator[dict[str, Any]]:
        pk = itertools.count(1)
        owners = itertools.chain(
            ((r, True) for r in range(1, n_open + 1)),
            ((r, False) for r in range(n_open + 1, people + 1)),
            ((r, False) for r in range(1, again + 1)),
        )
        for resident, is_open in owners:
            row = open_case(resident) if is_open else closed_case()
            yield {
                "id": next(pk),
                **where[resident - 1],
                "household_id": resident,
                "resident_id": resident,
                **row,
            }

    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        counts["people"] = copy_rows(conn, Person, persons())
        counts["households"] = copy_rows(conn, Household, households())
        counts["residents"] = copy_rows(conn, Resident, residents())
        counts["cases"] = copy_rows(conn, TriageCase, cases())
        with conn.cursor() as cur:
            for table in (
                "people_person",
                "places_household",
                "people_resident",
                "triage_triagecase",
            ):
                setval(cur, table)
    for site_id, n in occupied.items():
        site = next(s for s in sites if s.pk == site_id)
        Site.objects.filter(pk=site_id).update(occupied=n, capacity=max(site.capacity, n + 50))
    counts["sites"] = len(sites)
    counts["open"] = n_open
    counts["closed"] = n_closed + again
    return {"counts": counts, "city": city}


def create_accounts() -> dict[str, Any]:
    """Health workers of the hottest and the median community (cases waiting for triage),
    street admins of the hottest and the median street (people waiting for a bed)."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from accounts.models import Grant, User
    from core.roles import Role
    from triage.models import TriageCase

    def ranked(column: str, **filters: Any) -> list[tuple[int, int]]:
        return list(
            TriageCase.objects.filter(status="open", **filters)
            .values_list(column)
            .annotate(n=Count("pk"))
            .order_by("-n", column)
            .values_list(column, "n")
        )

    by_community = ranked("community_id", triage_due_since__isnull=False)
    by_street = ranked("street_id", bed_wanted_since__isnull=False)
    picks = {
        "hw_hot": (Role.HEALTH_WORKER, by_community[0]),
        "hw_median": (Role.HEALTH_WORKER, by_community[len(by_community) // 2]),
        "sa_hot": (Role.STREET_ADMIN, by_street[0]),
        "sa_median": (Role.STREET_ADMIN, by_street[len(by_street) // 2]),
    }
    password = make_password(PASSWORD)
    out: dict[str, Any] = {}
    for key, (role, (place, n)) in picks.items():
        user = User.objects.create(username=f"bench_{key}", password=password, display_name=key)
        Grant.objects.create(user=user, role=role, place_id=place)
        out[key] = {"user": user, "place": place, "rows": n}
    return out


# ---- timing --------------------------------------------------------------------------------------


def first50(selector: Callable[[Any], Any], actor: Any) -> list[Any]:
    return list(selector(actor)[:50])


def count(selector: Callable[[Any], Any], actor: Any) -> int:
    return int(selector(actor).count())


def explain(label: str, call: Callable[[], Any], index: str | None) -> bool:
    """EXPLAIN ANALYZE the last query `call` runs; print its plan's node lines; whether `index`
    is used."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    sql = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cur.fetchall()]
    used = index is None or any(index in line for line in plan)
    verdict = "" if index is None else (f"uses {index}" if used else f"DOES NOT USE {index}")
    log(f"  -- {label}: {verdict}")
    for line in plan:
        if any(
            k in line
            for k in ("Scan", "Sort", "Limit", "Aggregate", "Join", "Nested", "Execution Time")
        ):
            log(f"     {line.rstrip()[:150]}")
    return used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--open", type=int, default=40_000)
    parser.add_argument("--closed", type=int, default=300_000)
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets", type=int, default=10, help="per district")
    parser.add_argument("--communities", type=int, default=21, help="per street")
    parser.add_argument("--grids", type=int, default=4, help="per community")
    parser.add_argument("--buildings", type=int, default=5, help="per grid")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--reuse", action="store_true", help="measure the existing database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="measure with server-side binding and prepared statements (an experiment)",
    )
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database that may be dropped")
    from bench.city_generator import recreate_database

    started = time.perf_counter()
    if not args.reuse:
        log(f"recreating {url}")
        recreate_database(url)
    django_setup(args.prepared)
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    if not args.reuse:
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        made = generate(args, url)
        log(f"generated in {time.perf_counter() - t:.1f} s: {made['counts']}")
        t = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("VACUUM ANALYZE")
        log(f"VACUUM ANALYZE {time.perf_counter() - t:.1f} s")
        create_accounts()
    try:
        measure(args)
    finally:
        connection.close()
        if args.drop:
            from psycopg import sql

            name = url.rsplit("/", 1)[1].split("?")[0]
            admin_url = url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin_url, autocommit=True) as pg:
                pg.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            log(f"dropped {name}")
    log(f"done in {time.perf_counter() - started:.1f} s")


def measure(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from accounts.models import Grant, User
    from accounts.selectors import actor_for_user
    from triage import selectors
    from triage.api.routes import listed
    from triage.models import TriageCase

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0]  # type: ignore[index]
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('triage_triagecase'))")
        size = cur.fetchone()[0]  # type: ignore[index]
    log(f"{version.split(' on ')[0]}; triage_triagecase {size}")
    cases = TriageCase.objects
    log(
        f"cases: {cases.filter(status='open').count():,} open "
        f"({cases.filter(status='open', triage_due_since__isnull=False).count():,} waiting for "
        f"triage, {cases.filter(status='open', bed_wanted_since__isnull=False).count():,} for a "
        f"bed), {cases.filter(status='closed').count():,} closed"
    )
    try:
        pages = {"queue": reverse("triage:queue"), "transfers": reverse("triage:transfers")}
    except NoReverseMatch:
        pages = {}

    results: list[tuple[str, str, dict[str, float]]] = []

    def run(case: str, who: str, call: Callable[[], Any]) -> None:
        figures = timed(call, args.runs)
        results.append((case, who, figures))
        log(
            f"  {case:<34} {who:<26} p50 {figures['p50']:6.1f}  p95 {figures['p95']:6.1f}  "
            f"max {figures['max']:6.1f} ms"
        )

    def ok(client: Client, url: str) -> Callable[[], Any]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])

        def call() -> Any:
            return client.get(url)

        return call

    anon = Client()
    all_used = True
    for key in ("hw_hot", "hw_median", "sa_hot", "sa_median"):
        user = User.objects.get(username=f"bench_{key}")
        grant = Grant.objects.get(user=user)
        actor = actor_for_user(user)
        client = Client()
        client.force_login(user)
        if key.startswith("hw"):
            n = selectors.triage_queue(actor).count()
            who = f"community {grant.place_id} ({n} waiting)"
            log(f"health worker of {who}")

            def queue_selectors(actor: Any = actor) -> None:
                list(selectors.triage_queue(actor)[:50])
                selectors.triage_queue(actor).count()

            run("queue: selectors", who, queue_selectors)

            def queue_narrowed(actor: Any = actor) -> None:
                list(listed(selectors.triage_queue(actor))[:50])
                selectors.triage_queue(actor).count()

            run("queue: selectors, fewer joins", who, queue_narrowed)
            run("queue: GET /api/triage/queue", who, ok(client, "/api/triage/queue?limit=50"))
            if pages:
                run(f"queue: GET {pages['queue']}", who, ok(client, pages["queue"]))
            run(
                "queue: bare view (ceiling)",
                who,
                ok(anon, f"/bench/bare-triage-queue/{grant.place_id}/"),
            )
            if key == "hw_hot":
                all_used &= explain(
                    "queue page",
                    partial(first50, selectors.triage_queue, actor),
                    "triagecase_queue",
                )
                all_used &= explain(
                    "queue count",
                    partial(count, selectors.triage_queue, actor),
                    "triagecase_queue",
                )
        else:
            waiting = selectors.transfer_queue(actor).count()
            awaiting = selectors.awaiting_disposition(actor).count()
            who = f"street {grant.place_id} ({waiting} + {awaiting})"
            log(f"street admin of {who} (waiting for a bed + awaiting a disposition)")

            def transfer_selectors(actor: Any = actor) -> None:
                list(selectors.transfer_queue(actor)[:50])
                selectors.transfer_queue(actor).count()
                list(selectors.awaiting_disposition(actor)[:50])
                selectors.awaiting_disposition(actor).count()

            run("transfers: selectors", who, transfer_selectors)

            def transfer_narrowed(actor: Any = actor) -> None:
                list(listed(selectors.transfer_queue(actor))[:50])
                selectors.transfer_queue(actor).count()
                list(listed(selectors.awaiting_disposition(actor))[:50])
                selectors.awaiting_disposition(actor).count()

            run("transfers: selectors, fewer joins", who, transfer_narrowed)
            run(
                "transfers: GET /api/triage/transfers",
                who,
                ok(client, "/api/triage/transfers?limit=50"),
            )
            if pages:
                run(f"transfers: GET {pages['transfers']}", who, ok(client, pages["transfers"]))
            run(
                "transfers: bare view (ceiling)",
                who,
                ok(anon, f"/bench/bare-triage-transfers/{grant.place_id}/"),
            )
            if key == "sa_hot":
                all_used &= explain(
                    "transfer page",
                    partial(first50, selectors.transfer_queue, actor),
                    "triagecase_transfer",
                )
                all_used &= explain(
                    "transfer count",
                    partial(count, selectors.transfer_queue, actor),
                    "triagecase_transfer",
                )
                explain(
                    "awaiting page",
                    partial(first50, selectors.awaiting_disposition, actor),
                    None,
                )
                explain(
                    "awaiting count",
                    partial(count, selectors.awaiting_disposition, actor),
                    None,
                )
    worst = max(r[2]["p95"] for r in results)
    log(
        f"worst p95 {worst:.1f} ms (target 50 ms: {'met' if worst <= 50 else 'MISSED'}); "
        f"partial indexes {'used' if all_used else 'NOT ALWAYS USED'}"
    )


if __name__ == "__main__":
    main()
