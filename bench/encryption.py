"""The cost of encrypting ID numbers and phones on the hot paths, against the same paths with
the encryption switched off in the same run.

    .venv/bin/python bench/encryption.py [--rows 10000] [--scale 0.02] [--rounds 200]

Builds a small demo city in a throw-away database (SQLite in memory by default; DATABASE_URL
for PostgreSQL — a database you can drop), then times each path twice, "on" (AES-GCM as in
production) and "off": core.encryption.encrypt/decrypt swapped for pass-throughs, for this
process only (the switch exists nowhere else). The keyed hashes (HMAC) stay in both, since
the lookups need them either way; their own cost per value is printed apart.
  registry list   a page of 50 residents of the community, decrypted (id and phone) and masked
                  as the list shows them; the median of --rounds
  import          a registry workbook of --rows new residents: preview + run (a fresh workbook
                  each time, so both insert the same number of rows)
  join by phone   the front door's lookups for one person: the newest code by the number's
                  hash, then the residents of that name whose ID ends with the 6 typed
                  characters (decrypted and compared); the median of --rounds
  per value       AES-GCM encrypt + decrypt of one phone, HMAC of one phone
Prints a table; not a test. Target (issue 18): each path on ≤ 1.5 × off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


@contextmanager
def encryption_off() -> Iterator[None]:
    from core import encryption

    saved = encryption.encrypt, encryption.decrypt
    encryption.encrypt = lambda plain, *, table, column: plain  # type: ignore[assignment]
    encryption.decrypt = lambda stored, *, table, column: stored  # type: ignore[assignment]
    try:
        yield
    finally:
        encryption.encrypt, encryption.decrypt = saved


def median_ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args, connection, test_db)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args: argparse.Namespace, connection: object, test_db: str) -> None:
    from registry_import import synthetic_rows, workbook

    from accounts.models import User
    from accounts.selectors import actor_for_user
    from core.encryption import decrypt, encrypt, index_hash
    from core.fields import index_of
    from core.masking import mask_id_number, mask_phone
    from demo.city import build_demo_city
    from notifications.models import CodePurpose, PhoneCode
    from people.models import Resident
    from people.registry_import import run as import_job
    from people.registry_import import services
    from people.selectors import RegistryFilters, registry_residents, residents_matching
    from places.models import Place, PlaceKind

    t0 = time.perf_counter()
    build_demo_city(scale=args.scale, seed=args.seed)
    print(f"demo city at scale {args.scale} built in {time.perf_counter() - t0:.1f}s ({test_db})")
    user = User.objects.get(username="community_admin")
    actor = actor_for_user(user)
    community = user.grants.get().place
    assert isinstance(community, Place)
    buildings = {
        b.name: b
        for b in Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=community.path)
    }

    def page() -> None:
        for r in registry_residents(actor, RegistryFilters())[:50]:
            mask_id_number(r.person.id_number)
            mask_phone(r.person.phone)

    someone = (
        Resident.objects.filter(community_id=community.pk)
        .exclude(person__id_number=None)
        .exclude(person__phone="")
        .select_related("person", "building")
        .first()
    )
    assert someone is not None
    phone, name, id_number = someone.person.phone, someone.person.name, someone.person.id_number
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    PhoneCode.objects.create(
        phone=phone,
        purpose=CodePurpose.JOIN,
        code_hash="x",
        created_at=now,
        expires_at=now + timedelta(minutes=5),
    )

    def join() -> None:
        PhoneCode.objects.filter(
            phone_hash=index_of("phone", phone), purpose=CodePurpose.JOIN, used_at__isnull=True
        ).order_by("-created_at").first()
        found = residents_matching(
            place_path=someone.building.path, name=name, id_last6=(id_number or "")[-6:]
        )
        assert found, "the resident joining must be found"

    seeds = iter(range(args.seed + 1, args.seed + 100))

    def import_rows() -> float:
        rows = synthetic_rows(args.rows, sorted(buildings), next(seeds))
        # Rooms of their own per run (the synthetic rooms repeat across seeds).
        tag = f"{next(seeds)}-"
        for row in rows:
            row[1] = tag + str(row[1])
        content = workbook(rows)
        t = time.perf_counter()
        job = services.import_preview(
            actor=actor, community=community, file_name="bench.xlsx", content=content
        )
        services.import_confirm(actor=actor, registry_import=job)
        import_job.import_run(job.pk)
        elapsed = time.perf_counter() - t
        job.refresh_from_db()
        # A few synthetic ID numbers may repeat the previous run's: those rows count as known.
        assert job.status == "done" and job.new_count >= len(rows) * 0.99, (job.status, job.error)
        return elapsed * 1000

    figures: list[tuple[str, float, float]] = []
    on = median_ms(page, args.rounds)
    with encryption_off():
        off = median_ms(page, args.rounds)
    figures.append(("registry list (50 residents, masked)", on, off))
    on = median_ms(join, args.rounds)
    with encryption_off():
        someone.person.save()  # stored plain for the "off" round, as before the encryption
        off = median_ms(join, args.rounds)
    someone.person.save()
    figures.append(("join by phone (code + ID last 6)", on, off))
    on = import_rows()
    with encryption_off():
        off = import_rows()
    figures.append((f"import of {args.rows:,} rows (preview + run)", on, off))

    n = 20_000
    t = time.perf_counter()
    for _ in range(n):
        decrypt(
            encrypt(phone, table="people_person", column="phone"),
            table="people_person",
            column="phone",
        )
    aes = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for _ in range(n):
        index_hash("phone", phone)
    mac = (time.perf_counter() - t) / n * 1e6

    print(f"\n{'path':<42} {'on':>11} {'off':>11} {'on/off':>7}  target ≤ 1.5")
    for label, on_ms, off_ms in figures:
        ratio = on_ms / off_ms
        print(
            f"{label:<42} {on_ms:>9.2f}ms {off_ms:>9.2f}ms {ratio:>7.2f}  "
            f"{'ok' if ratio <= 1.5 else 'MISSED'}"
        )
    print(f"{'per value: AES-GCM encrypt + decrypt':<42} {aes:>9.2f}µs")
    print(f"{'per value: HMAC-SHA256 lookup hash':<42} {mac:>9.2f}µs")
    print(f"({connection.vendor})")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
