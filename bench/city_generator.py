"""A whole city in PostgreSQL, for the health benchmarks: places, households, people, residents,
one day of health reports and their counters, loaded with COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_city \
        .venv/bin/python bench/city_generator.py [--scale 1.0] [--workers 2] [--day YYYY-MM-DD]

At scale 1.0: 15 districts, ~200 streets, ~3,400 communities, ~17,000 grids (4–6 per community,
600–800 residents each), ~100,000 buildings (30–50 households), ~4.1 million households
(1–6 people, 2.9 on average), ~12 million people and residents (96% living here, 3% away,
1% moved out), and the morning slot of `--day` (default: today in Beijing) reported by ~95% of
those living here, ~1% abnormal; the afternoon slot is left empty for the benchmark to post
into. CoverageCount rows for both slots: expected = residents living here per grid, reported /
abnormal = exact counts of the generated rows.

The database named by DATABASE_URL is DROPPED and created again (it must be a throw-away one;
default linli_bench_city). Phases: `migrate` (so the report table is the day-partitioned one of
health/migrations/0002), partitions for the day (core.partitioning.day_partitions_ensure), the
secondary indexes of the big tables dropped, the top of the tree (city to grids) copied, then
`--workers` processes each stream their share of the grids — buildings, households, people,
residents, reports — through five COPY streams at once (one connection per table, FK triggers
off with session_replication_role=replica; the place columns are right by construction), the
counters copied, the indexes built again, id sequences set, accounts created, ANALYZE. Nothing
holds the city in memory: a grid is generated, formatted as COPY text, written and forgotten.

Ids are explicit. Worker w of W numbers its rows n*W + w + 1, so ids stay dense without any
coordination; places are numbered level by level (city 1, districts 2–16, …, buildings last).

Accounts (password "linli-bench"): bench_city_admin, bench_district_admin (first district),
bench_street_admin (first street), bench_grid_worker (first grid), bench_resident (first
household, linked to its head), and bench_ca_<n> — community admins of the first `--posters`
communities, the staff the report benchmarks post as.

`--copy-mode rows` writes rows with psycopg's `copy.write_row` instead of pre-formatted text
blocks. Measured (one worker): scale 0.01 text 1.4 s / rows 1.6 s, scale 0.1 text 14.7 s / rows
12.9 s — a wash: the server side (parsing, heap, primary keys, WAL) is the bottleneck, not the
formatting, and a second worker gains little on 2 cores. Text stays the default. Full scale
(2 workers): COPY ~125 s, index rebuild ~100 s, about 4 minutes in all, 9.4 GB.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import functools
import multiprocessing
import os
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Plain Python (the COPY workers skip Django): the natural order columns the models keep.
from core.sorting import natural_key, sort_path  # noqa: E402

# Rooms repeat (1单元101): each key is computed once.
room_key = functools.lru_cache(maxsize=100_000)(natural_key)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/linli_bench_city"
PASSWORD = "linli-bench"
REPORT_TABLE = "health_healthreport"

# Wuhan's 13 districts and 2 development zones.
DISTRICTS = (
    "江岸区",
    "江汉区",
    "硚口区",
    "汉阳区",
    "武昌区",
    "青山区",
    "洪山区",
    "东西湖区",
    "汉南区",
    "蔡甸区",
    "江夏区",
    "黄陂区",
    "新洲区",
    "东湖新技术开发区",
    "武汉经济技术开发区",
)
COMMUNITIES_AT_FULL_SCALE = 3400
STREETS_AT_FULL_SCALE = 200
GRIDS_PER_COMMUNITY = (4, 6)
RESIDENTS_PER_GRID = (600, 800)
HOUSEHOLDS_PER_BUILDING = (30, 50)
# Household sizes 1..6 and their weights: 2.91 people on average (12 M in 4.1 M households).
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_WEIGHTS = (17, 25, 27, 16, 11, 4)
PRESENT, AWAY, MOVED_OUT = 0.96, 0.03, 0.01
REPORTED_SHARE = 0.95
ABNORMAL_SHARE = 0.01

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞宇浩然子涵梓轩欣怡"

# COPY column lists (text format; every value is formatted by hand below).
PLACE_COLS = (
    "id",
    "kind",
    "variant",
    "name",
    "code",
    "parent_id",
    "path",
    "depth",
    "created_at",
    "sort_path",
)
HOUSEHOLD_COLS = (
    "id",
    "city_id",
    "district_id",
    "street_id",
    "community_id",
    "grid_id",
    "building_id",
    "room",
    "phone",
    "created_at",
    "updated_at",
    "room_sort_key",
)
PERSON_COLS = (
    "id",
    "name",
    "id_number",
    "phone",
    "birth_date",
    "sex",
    "search_key",
    "phone_last4",
    "id_last4",
    "created_at",
)
RESIDENT_COLS = (
    "id",
    "city_id",
    "district_id",
    "street_id",
    "community_id",
    "grid_id",
    "building_id",
    "person_id",
    "household_id",
    "relation",
    "status",
    "status_since",
    "status_note",
    "is_elderly_alone",
    "is_disabled",
    "has_chronic_illness",
    "is_pregnant",
    "in_hardship",
    "is_child_without_carer",
    "care_note",
    "created_at",
    "updated_at",
)
# The columns of health.reporting.REPORT_COLUMNS plus the id, in the order the rows below are
# written (that module needs Django set up, which the COPY workers skip).
REPORT_COLS = (
    "id",
    "city_id",
    "district_id",
    "street_id",
    "community_id",
    "grid_id",
    "building_id",
    "household_id",
    "resident_id",
    "day",
    "slot",
    "presence",
    "temperature",
    "symptoms",
    "contact",
    "declared",
    "abnormal",
    "source",
    "reported_by_id",
    "idempotency_key",
    "created_at",
)
COVERAGE_COLS = (
    "id",
    "grid_id",
    "community_id",
    "street_id",
    "district_id",
    "city_id",
    "day",
    "slot",
    "expected",
    "reported",
    "abnormal",
)
# Tables whose secondary indexes are dropped before the load and built again after it.
BIG_TABLES = ("places_household", "people_person", "people_resident", REPORT_TABLE)


@dataclass(frozen=True)
class Grid:
    id: int
    city: int
    district: int
    street: int
    community: int
    path: str
    seed: int
    sort_path: str = ""


def log(message: str) -> None:
    print(message, flush=True)


# ---- the plan: city to grids -----------------------------------------------------------------


def plan_city(scale: float, seed: int) -> tuple[list[tuple[Any, ...]], list[Grid]]:
    """Place rows from the city down to the grids (their sort path last), and the grids to
    fill. Deterministic."""
    rng = random.Random(seed)
    n_communities = max(len(DISTRICTS), round(COMMUNITIES_AT_FULL_SCALE * scale))
    n_streets = min(n_communities, max(len(DISTRICTS), round(STREETS_AT_FULL_SCALE * scale)))
    rows: list[tuple[Any, ...]] = []
    next_id = 1
    city = next_id
    rows.append((city, "city", "", "武汉市", "4201", None, f"/{city}/", 0))
    next_id += 1
    districts = []
    for i, name in enumerate(DISTRICTS):
        pk = next_id
        next_id += 1
        variant = "development_zone" if "开发区" in name else ""
        rows.append((pk, "district", variant, name, f"4201{i + 2:02d}", city, f"/{city}/{pk}/", 1))
        districts.append(pk)
    # Streets spread over districts, communities over streets, round robin.
    streets: list[tuple[int, int]] = []  # (street, district)
    per_district: dict[int, int] = {}
    for s in range(n_streets):
        d = districts[s % len(districts)]
        per_district[d] = per_district.get(d, 0) + 1
        pk = next_id
        next_id += 1
        name = f"{DISTRICTS[s % len(districts)][:2]}第{per_district[d]}街道"
        rows.append((pk, "street", "", name, "", d, f"/{city}/{d}/{pk}/", 2))
        streets.append((pk, d))
    communities: list[tuple[int, int, int]] = []  # (community, street, district)
    per_street: dict[int, int] = {}
    for c in range(n_communities):
        street, d = streets[c % len(streets)]
        per_street[street] = per_street.get(street, 0) + 1
        pk = next_id
        next_id += 1
        name = f"第{per_street[street]}社区"
        rows.append((pk, "community", "", name, "", street, f"/{city}/{d}/{street}/{pk}/", 3))
        communities.append((pk, street, d))
    grids: list[Grid] = []
    for community, street, d in communities:
        for g in range(rng.randint(*GRIDS_PER_COMMUNITY)):
            pk = next_id
            next_id += 1
            path = f"/{city}/{d}/{street}/{community}/{pk}/"
            rows.append((pk, "grid", "", f"第{g + 1}网格", "", community, path, 4))
            grids.append(Grid(pk, city, d, street, community, path, rng.randrange(2**62)))
    paths: dict[int, str] = {}
    for row in rows:  # parents come first
        paths[row[0]] = sort_path(paths.get(row[5], ""), row[3])
    grids = [dataclasses.replace(g, sort_path=paths[g.id]) for g in grids]
    return [(*row, paths[row[0]]) for row in rows], grids


# ---- COPY text --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def text_line(row: tuple[Any, ...]) -> str:
    return "\t".join(_text(v) for v in row) + "\n"


def copy_sql(table: str, cols: tuple[str, ...]) -> str:
    return f"COPY {table} ({', '.join(cols)}) FROM STDIN"


# ---- a worker: its share of the grids ---------------------------------------------------------


def _names(seed: int) -> list[tuple[str, str]]:
    """A few thousand synthetic names with their search keys (pinyin computed once each)."""
    from people.search import name_search_key

    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < 3000:
        names.add(rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))))
    return [(n, name_search_key(n)) for n in sorted(names)]


def fill_grids(
    grids: list[Grid],
    *,
    worker: int,
    workers: int,
    first_building_id: int,
    day: datetime.date,
    url: str,
    mode: str,
) -> dict[str, Any]:
    """Generate and COPY everything below `grids`; returns per-grid counts and row totals."""
    import psycopg

    names = _names(2020)
    n_names = len(names)
    births = [
        (datetime.date(1935, 1, 1) + datetime.timedelta(days=d)).isoformat()
        for d in range(0, 85 * 365, 7)
    ]
    n_births = len(births)
    created = "2026-01-15 09:00:00+08"
    day_s = day.isoformat()
    morning = [
        f"{day_s} {h:02d}:{m:02d}:{s:02d}+08"
        for h in range(6, 12)
        for m in range(60)
        for s in (7, 31)
    ]
    n_morning = len(morning)
    normal_t = [f"{36 + t / 10:.1f}" for t in range(1, 12)]  # 36.1–37.1
    fever_t = [f"{37.3 + t / 10:.1f}" for t in range(0, 16)]  # 37.3–38.8
    relations = ("head", "spouse", "child", "parent", "child", "grandchild")

    counters = {"building": 0, "household": 0, "person": 0, "report": 0}

    def next_id(kind: str, base: int = 0) -> int:
        n = counters[kind]
        counters[kind] = n + 1
        return base + n * workers + worker + 1

    per_grid: dict[int, tuple[int, int, int]] = {}
    totals = {"buildings": 0, "households": 0, "people": 0, "reports": 0}
    sizes = HOUSEHOLD_SIZES
    weights = HOUSEHOLD_WEIGHTS

    with ExitStack() as stack:
        conns = {}
        copies = {}
        specs = {
            "place": ("places_place", PLACE_COLS),
            "household": ("places_household", HOUSEHOLD_COLS),
            "person": ("people_person", PERSON_COLS),
            "resident": ("people_resident", RESIDENT_COLS),
            "report": (REPORT_TABLE, REPORT_COLS),
        }
        for key, (table, cols) in specs.items():
            conn = stack.enter_context(psycopg.connect(url))
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
            conns[key] = conn
            cur = stack.enter_context(conn.cursor())
            copies[key] = stack.enter_context(cur.copy(copy_sql(table, cols)))

        buf: dict[str, list[Any]] = {k: [] for k in specs}

        def flush() -> None:
            for k, lines in buf.items():
                if not lines:
                    continue
                if mode == "text":
                    copies[k].write("".join(lines))
                else:
                    write_row = copies[k].write_row
                    for row in lines:
                        write_row(row)
                lines.clear()

        fmt = mode == "text"
        for gi, g in enumerate(grids):
            rng = random.Random(g.seed)
            rnd = rng.random
            target = rng.randint(*RESIDENTS_PER_GRID)
            # Household sizes for this grid, then buildings of 30–50 households.
            hh_sizes: list[int] = []
            total = 0
            while total < target:
                size = rng.choices(sizes, weights)[0]
                hh_sizes.append(size)
                total += size
            place_cols = (g.city, g.district, g.street, g.community, g.id)
            pc = "\t".join(map(str, place_cols))
            expected = reported = abnormal = 0
            h = 0
            b_no = 0
            while h < len(hh_sizes):
                b_no += 1
                per_building = rng.randint(*HOUSEHOLDS_PER_BUILDING)
                building = next_id("building", first_building_id)
                bpath = f"{g.path}{building}/"
                bname = f"{b_no}栋"
                if fmt:
                    buf["place"].append(
                        f"{building}\tbuilding\t\t{bname}\t\t{g.id}\t{bpath}\t5\t{created}"
                        f"\t{sort_path(g.sort_path, bname)}\n"
                    )
                else:
                    buf["place"].append(
                        (
                            building,
                            "building",
                            "",
                            bname,
                            "",
                            g.id,
                            bpath,
                            5,
                            created,
                            sort_path(g.sort_path, bname),
                        )
                    )
                totals["buildings"] += 1
                for room_no in range(min(per_building, len(hh_sizes) - h)):
                    size = hh_sizes[h]
                    h += 1
                    household = next_id("household")
                    room = f"{room_no // 16 + 1}单元{(room_no % 16) // 2 + 1}0{room_no % 2 + 1}"
                    hh_phone = f"139{household:08d}"
                    if fmt:
                        buf["household"].append(
                            f"{household}\t{pc}\t{building}\t{room}\t{hh_phone}\t{created}\t{created}"
                            f"\t{room_key(room)}\n"
                        )
                    else:
                        row = (household, *place_cols, building, room, hh_phone, created, created)
                        buf["household"].append((*row, room_key(room)))
                    totals["households"] += 1
                    for member in range(size):
                        pid = next_id("person")
                        name, key = names[int(rnd() * n_names)]
                        phone = f"13{pid:09d}"
                        birth = births[int(rnd() * n_births)]
                        sex = "M" if rnd() < 0.5 else "F"
                        x = rnd()
                        status = (
                            "present"
                            if x < PRESENT
                            else ("away" if x < PRESENT + AWAY else "moved_out")
                        )
                        relation = relations[member]
                        alone = "t" if size == 1 and rnd() < 0.2 else "f"
                        if fmt:
                            buf["person"].append(
                                f"{pid}\t{name}\t\\N\t{phone}\t{birth}\t{sex}\t{key}\t{phone[-4:]}\t\t{created}\n"
                            )
                            buf["resident"].append(
                                f"{pid}\t{pc}\t{building}\t{pid}\t{household}\t{relation}\t{status}"
                                f"\t\\N\t\t{alone}\tf\tf\tf\tf\tf\t\t{created}\t{created}\n"
                            )
                        else:
                            buf["person"].append(
                                (pid, name, None, phone, birth, sex, key, phone[-4:], "", created)
                            )
                            buf["resident"].append(
                                (
                                    *(pid, *place_cols, building, pid, household, relation),
                                    *(status, None, "", alone == "t", False, False, False),
                                    *(False, False, False, "", created, created),
                                )
                            )
                        totals["people"] += 1
                        if status != "present":
                            continue
                        expected += 1
                        if rnd() >= REPORTED_SHARE:
                            continue
                        rid = next_id("report")
                        reported += 1
                        y = rnd()
                        symptoms = 0
                        if y < ABNORMAL_SHARE:
                            abnormal += 1
                            ab = "t"
                            if y < ABNORMAL_SHARE / 2:
                                temp = fever_t[int(rnd() * 16)]
                            else:
                                temp = normal_t[int(rnd() * 11)]
                                symptoms = 2
                        else:
                            ab = "f"
                            temp = normal_t[int(rnd() * 11)]
                        source = "self" if member == 0 else "household"
                        at = morning[int(rnd() * n_morning)]
                        if fmt:
                            buf["report"].append(
                                f"{rid}\t{pc}\t{building}\t{household}\t{pid}\t{day_s}\tam\tpresent"
                                f"\t{temp}\t{symptoms}\tf\t\t{ab}\t{source}\t\\N\t\\N\t{at}\n"
                            )
                        else:
                            buf["report"].append(
                                (
                                    *(rid, *place_cols, building, household, pid, day_s, "am"),
                                    *("present", temp, symptoms, False, "", ab == "t", source),
                                    *(None, None, at),
                                )
                            )
                        totals["reports"] += 1
            per_grid[g.id] = (expected, reported, abnormal)
            if gi % 5 == 4:
                flush()
        flush()
    # Leaving the ExitStack ends each COPY and commits each connection.
    return {"per_grid": per_grid, "totals": totals, "counters": counters}


def _fill_worker(kwargs: dict[str, Any]) -> dict[str, Any]:
    _django_setup()
    return fill_grids(**kwargs)


# ---- database setup ---------------------------------------------------------------------------


def _django_setup() -> None:
    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def secondary_indexes(cur: Any, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, definition) of each index of `tables` that backs no constraint."""
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
        "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [list(tables)],
    )
    return [(n, d.replace(" ON ONLY ", " ON ")) for n, d in cur.fetchall()]


def setval(cur: Any, table: str) -> None:
    cur.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
    )


def create_accounts(grids: list[Grid], day: datetime.date, posters: int) -> list[str]:
    """The benchmark's accounts, through the accounts models (one password hash shared)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Grant, User
    from core.roles import Role
    from people.models import Resident
    from places.models import Household, Place, PlaceKind

    password = make_password(PASSWORD)
    first = grids[0]
    household = Household.objects.order_by("pk").first()
    assert household is not None
    head = Resident.objects.filter(household=household).order_by("pk").first()
    assert head is not None
    specs: list[tuple[str, str, int | None, int | None, int | None]] = [
        ("bench_city_admin", Role.CITY_ADMIN, first.city, None, None),
        ("bench_district_admin", Role.DISTRICT_ADMIN, first.district, None, None),
        ("bench_street_admin", Role.STREET_ADMIN, first.street, None, None),
        ("bench_grid_worker", Role.GRID_WORKER, first.id, None, None),
        ("bench_resident", Role.RESIDENT, None, household.pk, head.person_id),
    ]
    communities = list(
        Place.objects.filter(kind=PlaceKind.COMMUNITY).order_by("pk").values_list("pk", flat=True)
    )
    for n, community in enumerate(communities[:posters]):
        specs.append((f"bench_ca_{n}", Role.COMMUNITY_ADMIN, community, None, None))
    users = User.objects.bulk_create(
        [
            User(username=u, password=password, display_name=u, person_id=person)
            for u, _r, _p, _h, person in specs
        ]
    )
    Grant.objects.bulk_create(
        [
            Grant(user=user, role=role, place_id=place, household_id=hh)
            for user, (_u, role, place, hh, _person) in zip(users, specs, strict=True)
        ]
    )
    return [u.username for u in users]


# ---- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--day", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--posters", type=int, default=300, help="community admin accounts")
    parser.add_argument("--copy-mode", choices=("text", "rows"), default="text")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database that may be dropped")
    phases: list[tuple[str, float]] = []
    started = time.perf_counter()
    t = started

    def phase(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        phases.append((name, now - t))
        log(f"  {name:<34} {now - t:8.1f} s")
        t = now

    log(f"city at scale {args.scale} into {url} ({args.workers} workers, {args.copy_mode} COPY)")
    recreate_database(url)
    _django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from core.partitioning import day_partitions_ensure

    day = args.day or timezone.localdate()
    phase("drop and create database")
    call_command("migrate", verbosity=0)
    day_partitions_ensure(REPORT_TABLE, day, 1)
    phase("migrate, day partition")

    with connection.cursor() as cur:
        dropped = secondary_indexes(cur, BIG_TABLES)
        for name, _definition in dropped:
            cur.execute(f'DROP INDEX "{name}"')
    phase(f"drop {len(dropped)} secondary indexes")

    top, grids = plan_city(args.scale, args.seed)
    first_building_id = top[-1][0]
    import psycopg

    created = "2026-01-15 09:00:00+08"
    with (
        psycopg.connect(url) as pg,
        pg.cursor() as pg_cur,
        pg_cur.copy(copy_sql("places_place", PLACE_COLS)) as cp,
    ):
        cp.write("".join(text_line((*row[:8], created, row[8])) for row in top))
    phase(f"places city..grid ({len(top):,})")

    W = max(1, args.workers)
    jobs = [
        {
            "grids": grids[w::W],
            "worker": w,
            "workers": W,
            "first_building_id": first_building_id,
            "day": day,
            "url": url,
            "mode": args.copy_mode,
        }
        for w in range(W)
    ]
    if W == 1:
        results = [fill_grids(**jobs[0])]
    else:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(W) as pool:
            results = pool.map(_fill_worker, jobs)
    totals = {k: sum(r["totals"][k] for r in results) for k in results[0]["totals"]}
    per_grid: dict[int, tuple[int, int, int]] = {}
    for r in results:
        per_grid.update(r["per_grid"])
    phase(
        f"COPY {totals['people']:,} people+residents, {totals['households']:,} households, "
        f"{totals['buildings']:,} buildings, {totals['reports']:,} reports"
    )

    day_s = day.isoformat()
    with (
        psycopg.connect(url) as pg,
        pg.cursor() as pg_cur,
        pg_cur.copy(copy_sql("health_coveragecount", COVERAGE_COLS)) as cp,
    ):
        pk = 0
        lines = []
        for g in grids:
            expected, reported, abnormal = per_grid[g.id]
            for slot, n, a in (("am", reported, abnormal), ("pm", 0, 0)):
                pk += 1
                lines.append(
                    f"{pk}\t{g.id}\t{g.community}\t{g.street}\t{g.district}\t{g.city}\t{day_s}"
                    f"\t{slot}\t{expected}\t{n}\t{a}\n"
                )
        cp.write("".join(lines))
    phase(f"COPY coverage counters ({2 * len(grids):,})")

    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("SET maintenance_work_mem = '1GB'")
        pg.execute("SET max_parallel_maintenance_workers = 2")
        for _name, definition in dropped:
            pg.execute(definition)
    phase(f"rebuild {len(dropped)} indexes")

    with connection.cursor() as cur:
        for table in (
            "places_place",
            "places_household",
            "people_person",
            "people_resident",
            REPORT_TABLE,
            "health_coveragecount",
        ):
            setval(cur, table)
    users = create_accounts(grids, day, args.posters)
    phase(f"sequences, {len(users)} accounts")

    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("SET maintenance_work_mem = '1GB'")
        pg.execute("VACUUM ANALYZE")
    phase("VACUUM ANALYZE")

    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]  # type: ignore[index]
    total = time.perf_counter() - started
    log(
        f"done in {total:.1f} s: {len(grids):,} grids, {totals['households']:,} households, "
        f"{totals['people']:,} residents, {totals['reports']:,} reports for {day} am; "
        f"database {size}"
    )


if __name__ == "__main__":
    main()
