"""How fast a registry spreadsheet imports, against a raw bulk insert of the same rows.

    .venv/bin/python bench/registry_import.py [--rows 10000] [--scale 0.05]

Builds a small demo city in a throw-away database (SQLite by default; DATABASE_URL for
PostgreSQL — it must name a database you can drop), writes an .xlsx in memory with `--rows`
residents (synthetic valid ID numbers, mobiles, names with pinyin to index) in new rooms of the
demo community's own buildings, then times, as community_admin:
  preview       read the file, check every row, classify it against the registry, store it
  run           the background job: read and check again; build the new rows (search keys,
                history entries); the database phase (classify against the registry as it is
                now, insert households, persons, residents and their history in batches of
                1000, progress after each batch)
  end to end    preview + confirm + run
then uploads the same file again (everything unchanged, nothing to confirm), and, in the same
run, times a raw bulk insert of the same number of rows (households, persons, residents:
bulk_create of objects built beforehand, no checks, no history), the ceiling the database
phase is measured against. Prints the figures; not a test.
Targets (issue 3): end to end ≤ 10 s, database phase ≤ 2 × raw bulk insert.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞宇浩然子涵梓轩欣怡"
RELATIONS = ("户主", "配偶", "子女", "子女", "父母")


def synthetic_rows(rows: int, buildings: list[str], seed: int) -> list[list[object]]:
    from core.validators import id_check_digit

    rng = random.Random(seed)
    out: list[list[object]] = []
    used: set[str] = set()
    household = 0
    while len(out) < rows:
        household += 1
        building = buildings[household % len(buildings)]
        room = f"新{household // 100 + 1}单元{household % 100 + 1:03d}"
        for member in range(min(rng.randint(1, 5), rows - len(out))):
            while True:
                born = f"{rng.randint(1930, 2019)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                first17 = f"420102{born}{rng.randrange(1000):03d}"
                number = first17 + id_check_digit(first17)
                if number not in used:
                    used.add(number)
                    break
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            flags = ["是" if rng.random() < 0.03 else "否" for _ in range(6)]
            out.append([building, room, name, number, phone, RELATIONS[min(member, 4)], *flags, ""])
    return out


def workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    from people.registry_import.xlsx import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民信息")
    ws.append(["某社区实有人口登记表"])
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def raw_bulk_insert(rows: list[list[object]], community_buildings: dict[str, Any]) -> float:
    """The ceiling: the same number of households, persons and residents, objects built
    beforehand (search keys included), inserted with bulk_create; other ID numbers and rooms so
    that they do not collide with the import."""
    from django.db import transaction

    from core.validators import id_check_digit
    from people.models import Person, Resident
    from people.search import person_search_fields
    from places.models import Household
    from places.services import ancestor_columns

    households: dict[tuple[str, str], Household] = {}
    persons: list[Person] = []
    members: list[tuple[tuple[str, str], Resident]] = []
    for building_name, room, name, number, phone, *_rest in rows:
        building = community_buildings[str(building_name)]
        key = (str(building_name), "raw-" + str(room))
        columns = ancestor_columns(building)
        if key not in households:
            hh_columns = dict(columns)
            hh_columns.pop("building_id")
            households[key] = Household(building=building, room=key[1], **hh_columns)
        first17 = "420103" + str(number)[6:17]
        id_number = first17 + id_check_digit(first17)
        persons.append(
            Person(
                name=str(name),
                id_number=id_number,
                phone=str(phone),
                **person_search_fields(name=str(name), phone=str(phone), id_number=id_number),
            )
        )
        members.append((key, Resident(relation="other", **columns)))
    start = time.perf_counter()
    with transaction.atomic():
        Household.objects.bulk_create(households.values(), batch_size=1000)
        Person.objects.bulk_create(persons, batch_size=1000)
        for person, (key, resident) in zip(persons, members, strict=True):
            resident.person = person
            resident.household = households[key]
        Resident.objects.bulk_create([r for _k, r in members], batch_size=1000)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--on-disk",
        action="store_true",
        help="SQLite in a file (WAL, as `make run` uses) instead of the in-memory test database",
    )
    args = parser.parse_args()

    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if args.on_disk and connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = os.path.join(
            os.environ["LINLI_VAR_DIR"], "bench-import.sqlite3"
        )
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.models import User
        from accounts.selectors import actor_for_user
        from demo.city import build_demo_city
        from people.models import RegistryChange, Resident
        from people.registry_import import run, services
        from places.models import Place, PlaceKind

        t0 = time.perf_counter()
        build_demo_city(scale=args.scale, seed=args.seed)
        print(
            f"demo city at scale {args.scale} built in {time.perf_counter() - t0:.1f}s "
            f"on {connection.vendor} ({test_db})"
        )
        user = User.objects.get(username="community_admin")
        actor = actor_for_user(user)
        community = user.grants.get().place
        assert isinstance(community, Place)
        buildings = {
            b.name: b
            for b in Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=community.path)
        }
        rows = synthetic_rows(args.rows, sorted(buildings), args.seed)
        content = workbook(rows)
        print(
            f"file: {len(rows)} rows, {len(content) / 1024:.0f} KiB, into {community.name} "
            f"({len(buildings)} buildings)"
        )

        raw = raw_bulk_insert(rows, buildings)
        residents_before = Resident.objects.count()
        changes_before = RegistryChange.objects.count()

        t_start = time.perf_counter()
        registry_import = services.import_preview(
            actor=actor, community=community, file_name="bench.xlsx", content=content
        )
        t_preview = time.perf_counter() - t_start
        # Queues; not run here.
        services.import_confirm(actor=actor, registry_import=registry_import)
        t_run_start = time.perf_counter()
        figures = run.import_run(registry_import.pk)
        t_run = time.perf_counter() - t_run_start
        end_to_end = time.perf_counter() - t_start
        registry_import.refresh_from_db()

        imported = Resident.objects.count() - residents_before
        history = RegistryChange.objects.count() - changes_before
        assert registry_import.status == "done", registry_import.error
        assert imported == len(rows), (imported, registry_import.rejected[:3])
        db = float(figures["db_seconds"])
        print(
            f"preview {t_preview:.2f}s: {registry_import.new_count} new, "
            f"{registry_import.rejected_count} rejected"
        )
        print(
            f"run {t_run:.2f}s: read and check {figures['read_seconds']:.2f}s, build rows "
            f"{figures['prepare_seconds']:.2f}s, database phase {db:.2f}s "
            f"({imported} residents, {history} history rows)"
        )
        print(f"raw bulk insert of the same rows: {raw:.2f}s")
        print(
            f"end to end {end_to_end:.2f}s "
            f"(target ≤ 10 s: {'ok' if end_to_end <= 10 else 'MISSED'})"
            f"; database phase {db / raw:.2f} × raw bulk insert "
            f"(target ≤ 2: {'ok' if db <= 2 * raw else 'MISSED'})"
        )
        t_again = time.perf_counter()
        again = services.import_preview(
            actor=actor, community=community, file_name="bench.xlsx", content=content
        )
        print(
            f"the same file again: preview {time.perf_counter() - t_again:.2f}s, "
            f"{again.new_count} new, {again.changed_count} changed, "
            f"{again.unchanged_count} unchanged (nothing to confirm)"
        )
        assert again.unchanged_count == len(rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
