"""The reminder job's first level at city scale, and the inbox count on every page, on PostgreSQL;
each figure printed next to a ceiling measured in the same run. Not a test: nothing is asserted
as wall time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_rem \
        .venv/bin/python bench/reminders.py --scale 0.2          # generates the city first
    DATABASE_URL=… .venv/bin/python bench/reminders.py --reuse   # a city already generated

Without --reuse the city is generated first at --scale (bench/city_generator.py: the database
named by DATABASE_URL is DROPPED and created again; its morning slot is ~95% reported). The
generated day is the reminder day (the job is called with it: it need not be today).

Setup, not timed (skipped where a --reuse'd city already has it): every `--accounts-every`-th
household (by id) gets a resident account (unusable password "!", the phone of its first
resident's person, linked to that person) with a Grant(role resident, household), every
`--optin-every`-th of those accounts switches text messages on for the reminder kind (a
Preference row: a resident's default is the app only), every `--phones-every`-th household
(id mod n = 1) a mobile contact number ('133' + 8 digits) and every other household a landline
(not texted); all by set-based INSERT … SELECT / UPDATE.

Timed, `--repeats` times (the median is printed), each repeat on a clean slot (that day's
ReportReminder rows, its reminder inbox lines and its texts deleted, then VACUUM ANALYZE):
  ceiling    INSERT INTO a scratch table (no index) SELECT the same household rows, same WHERE
             (present residents, grids not complete by the counters, no report in the slot)
  remember   health.reminders.households_remember(city, day, "am", 1, now): the same select
             into ReportReminder, ON CONFLICT DO NOTHING
  remind     health.reminders._residents_remind(city, day, "am", schedule, now): inbox lines for
             the households' resident accounts, texts where they switched them on, texts to the
             contact numbers of households with no account (notifications.bulk)
Then once: the job's level 1 again right after (health.reminders.level_send, what
`reminders_run` calls): it must write no row (idempotent); its time and the rows counted.

The inbox count (`--calls` calls, p50/p95 ms): notifications.selectors.unread_count(actor) for a
bench user with `--inbox` notifications (a quarter unread) among at least `--min-rows` rows
(the reminders just written, topped up with filler lines spread over the resident accounts by
INSERT … SELECT generate_series, three in four read); ceiling: a bare one-row
`SELECT … WHERE id = %s` by primary key on the same connection. Target (issue 17): p95 ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import drop_database, log  # noqa: E402
from bench.timing import timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/linli_bench_rem"
SLOT = "am"
SCRATCH = "bench_reminder_ceiling"
ACCOUNT_PREFIX = "bench_hh_"
INBOX_USER = "bench_inbox"


def scalar(sql: str, params: list[Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]  # type: ignore[index]


def execute(sql: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount)


def setup_households(accounts_every: int, optin_every: int, phones_every: int) -> None:
    """Resident accounts, text switches and contact numbers, set-based (not timed)."""
    have = scalar(
        "SELECT COUNT(*) FROM accounts_user WHERE username LIKE %s", [ACCOUNT_PREFIX + "%"]
    )
    if have:
        log(f"setup: {have:,} resident accounts already there (reused)")
        return
    t = time.perf_counter()
    users = execute(
        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined, display_name, phone, language, person_id) "
        "SELECT '!', FALSE, %s || f.household_id, '', '', '', FALSE, TRUE, now(), '', p.phone, "
        "'', f.person_id FROM (SELECT DISTINCT ON (r.household_id) r.household_id, r.person_id "
        "FROM people_resident r WHERE r.household_id %% %s = 0 AND r.status = 'present' "
        "ORDER BY r.household_id, r.id) f JOIN people_person p ON p.id = f.person_id",
        [ACCOUNT_PREFIX, accounts_every],
    )
    grants = execute(
        "INSERT INTO accounts_grant (role, created_at, household_id, user_id) "
        "SELECT 'resident', now(), CAST(substr(u.username, %s) AS bigint), u.id "
        "FROM accounts_user u WHERE u.username LIKE %s",
        [len(ACCOUNT_PREFIX) + 1, ACCOUNT_PREFIX + "%"],
    )
    optins = execute(
        "INSERT INTO notifications_preference (user_id, kind, channel, enabled) "
        "SELECT u.id, 'report_reminder', 'text', TRUE FROM accounts_user u "
        "WHERE u.username LIKE %s AND u.id %% %s = 0",
        [ACCOUNT_PREFIX + "%", optin_every],
    )
    phones = execute(
        "UPDATE places_household SET phone = CASE WHEN id %% %s = 1 "
        "THEN '133' || lpad(CAST(id %% 100000000 AS text), 8, '0') "
        "ELSE '027' || lpad(CAST(id %% 100000000 AS text), 8, '0') END",
        [phones_every],
    )
    execute("VACUUM ANALYZE accounts_user")
    execute("VACUUM ANALYZE accounts_grant")
    execute("VACUUM ANALYZE notifications_preference")
    execute("VACUUM ANALYZE places_household")
    mobiles = scalar("SELECT COUNT(*) FROM places_household WHERE phone LIKE '133%'")
    log(
        f"setup: {users:,} resident accounts, {grants:,} grants, {optins:,} text switches on, "
        f"{phones:,} household numbers ({mobiles:,} mobile) in {time.perf_counter() - t:.1f} s"
    )


def reset(day: datetime.date) -> None:
    """That day's level-1 reminders gone: ReportReminder rows, inbox lines, texts."""
    prefix = f"report-reminder:{day}:{SLOT}:%"
    execute("DELETE FROM health_reportreminder WHERE day = %s", [day])
    execute("DELETE FROM notifications_notification WHERE dedupe_key LIKE %s", [prefix])
    execute("DELETE FROM notifications_delivery WHERE dedupe_key LIKE %s", [prefix])
    execute(f"TRUNCATE {SCRATCH}")
    for table in ("health_reportreminder", "notifications_notification", "notifications_delivery"):
        execute(f"VACUUM ANALYZE {table}")


def written(day: datetime.date) -> tuple[int, int, int]:
    prefix = f"report-reminder:{day}:{SLOT}:%"
    return (
        scalar("SELECT COUNT(*) FROM health_reportreminder WHERE day = %s", [day]),
        scalar(
            "SELECT COUNT(*) FROM notifications_notification WHERE dedupe_key LIKE %s", [prefix]
        ),
        scalar("SELECT COUNT(*) FROM notifications_delivery WHERE dedupe_key LIKE %s", [prefix]),
    )


def ceiling_sql() -> str:
    from health.reminders import _missing_households_sql

    return (
        f"INSERT INTO {SCRATCH} (household_id, grid_id, community_id, city_id, day, slot, level, "
        "sent_at) SELECT m.household_id, m.grid_id, m.community_id, m.city_id, %s, %s, %s, %s "
        f"FROM ({_missing_households_sql()}) m"
    )


def measure_job(args: argparse.Namespace, city_id: int, day: datetime.date) -> list[Any]:
    from django.db import connection
    from django.utils import timezone

    from health.reminders import (
        LEVEL_RESIDENT,
        _residents_remind,
        households_remember,
        level_send,
        schedule_for,
    )

    schedule = schedule_for(city_id)
    execute(
        f"CREATE TABLE IF NOT EXISTS {SCRATCH} (household_id bigint, grid_id bigint, "
        "community_id bigint, city_id bigint, day date, slot varchar(2), level smallint, "
        "sent_at timestamptz)"
    )
    runs: list[dict[str, float]] = []
    for n in range(args.repeats):
        reset(day)
        now = timezone.now()
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                ceiling_sql(),
                [day, SLOT, LEVEL_RESIDENT, now, city_id, city_id, day, SLOT, day, SLOT],
            )
            bare_rows = cur.rowcount
        bare = time.perf_counter() - t
        t = time.perf_counter()
        households = households_remember(city_id, day, SLOT, LEVEL_RESIDENT, now)
        remember = time.perf_counter() - t
        t = time.perf_counter()
        sent = _residents_remind(city_id, day, SLOT, schedule, now)
        remind = time.perf_counter() - t
        run = {
            "bare": bare,
            "bare_rows": bare_rows,
            "remember": remember,
            "remind": remind,
            "households": households,
            "lines": sent["lines"],
            "texts": sent["texts"],
        }
        runs.append(run)
        log(
            f"  repeat {n + 1}: {households:,} households ({bare_rows:,} in the ceiling), "
            f"{sent['lines']:,} inbox lines, {sent['texts']:,} texts; ceiling {bare:.2f} s, "
            f"remember {remember:.2f} s, remind {remind:.2f} s"
        )
    # Once more right after, as the job does: nothing new may be written.
    before = written(day)
    t = time.perf_counter()
    again = level_send(city_id, day, SLOT, LEVEL_RESIDENT, schedule, timezone.now())
    second = time.perf_counter() - t
    after = written(day)
    t = time.perf_counter()
    resent = _residents_remind(city_id, day, SLOT, schedule, timezone.now())
    remind_again = time.perf_counter() - t
    log(
        f"  run again: level_send {second:.2f} s → {again or 'nothing'}; rows before {before}, "
        f"after {after}; the queueing alone again {remind_again:.2f} s → {resent}"
    )

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    last = runs[-1]
    bare, remember, remind = med("bare"), med("remember"), med("remind")
    same = all(r["households"] == r["bare_rows"] for r in runs)
    return [
        (
            "households selected (level 1, am)",
            f"{last['households']:,}",
            f"ceiling rows {last['bare_rows']:,} ({'same' if same else 'DIFFERENT'})",
            "",
        ),
        ("inbox lines written", f"{last['lines']:,}", "", ""),
        ("texts queued", f"{last['texts']:,}", "", ""),
        (
            f"households_remember (median of {len(runs)})",
            f"{remember:.2f} s",
            f"bare INSERT … SELECT {bare:.2f} s ({remember / bare:.2f}×)",
            "",
        ),
        (
            f"_residents_remind (median of {len(runs)})",
            f"{remind:.2f} s",
            f"{remind / bare:.2f}× the bare INSERT … SELECT",
            "",
        ),
        (
            "level 1 in all",
            f"{remember + remind:.2f} s",
            f"{(remember + remind) / bare:.2f}× the bare INSERT … SELECT",
            "",
        ),
        (
            "the job again right after (level_send)",
            f"{second:.2f} s",
            f"rows before {before}, after {after}",
            "idempotent" if before == after and not again else "WROTE ROWS",
        ),
        (
            "_residents_remind again (same rows)",
            f"{remind_again:.2f} s",
            f"wrote {resent['lines']} lines, {resent['texts']} texts",
            "idempotent" if not resent["lines"] and not resent["texts"] else "WROTE ROWS",
        ),
    ]


def setup_inbox(inbox: int, min_rows: int) -> int:
    """A bench user with `inbox` lines (a quarter unread) among at least `min_rows` lines."""
    from accounts.models import User

    user, _new = User.objects.get_or_create(
        username=INBOX_USER, defaults={"password": "!", "display_name": INBOX_USER}
    )
    execute(
        "INSERT INTO notifications_notification (recipient_id, kind, params, link, dedupe_key, "
        "created_at, read_at) SELECT %s, 'notice_published', '{}', '', 'bench-inbox:' || g, "
        "now() - g * interval '1 hour', CASE WHEN g %% 4 = 0 THEN NULL ELSE now() END "
        "FROM generate_series(1, %s) g ON CONFLICT DO NOTHING",
        [user.pk, inbox],
    )
    total = scalar("SELECT COUNT(*) FROM notifications_notification")
    if total < min_rows:
        t = time.perf_counter()
        need = min_rows - total
        fillers = scalar(
            "SELECT COUNT(*) FROM notifications_notification WHERE dedupe_key LIKE %s",
            ["bench-filler:%"],
        )
        added = execute(
            "INSERT INTO notifications_notification (recipient_id, kind, params, link, "
            "dedupe_key, created_at, read_at) "
            "SELECT u.ids[1 + g %% cardinality(u.ids)], 'notice_published', '{}', '', "
            "'bench-filler:' || g, now() - g * interval '1 second', "
            "CASE WHEN g %% 4 = 0 THEN NULL ELSE now() END "
            "FROM (SELECT array_agg(id) AS ids FROM accounts_user WHERE username LIKE %s) u, "
            "generate_series(%s, %s) g ON CONFLICT DO NOTHING",
            [ACCOUNT_PREFIX + "%", fillers + 1, fillers + need],
        )
        log(f"inbox: {added:,} filler lines in {time.perf_counter() - t:.1f} s")
    execute("VACUUM ANALYZE notifications_notification")
    return int(user.pk)


def measure_inbox(args: argparse.Namespace) -> list[Any]:
    from django.db import connection

    from accounts.models import User
    from accounts.selectors import actor_for_user
    from notifications.selectors import unread_count

    user_id = setup_inbox(args.inbox, args.min_rows)
    actor = actor_for_user(User.objects.get(pk=user_id))
    total = scalar("SELECT COUNT(*) FROM notifications_notification")
    mine = scalar(
        "SELECT COUNT(*) FROM notifications_notification WHERE recipient_id = %s", [user_id]
    )
    unread = unread_count(actor)
    one_id = scalar(
        "SELECT id FROM notifications_notification WHERE recipient_id = %s LIMIT 1", [user_id]
    )
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM notifications_notification "
            "WHERE recipient_id = %s AND read_at IS NULL",
            [user_id],
        )
        plan = [r[0] for r in cur.fetchall()]
    log("  " + "\n  ".join(plan))
    count = timed(lambda: unread_count(actor), args.calls)

    def bare() -> None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, recipient_id, read_at FROM notifications_notification WHERE id = %s",
                [one_id],
            )
            cur.fetchone()

    ceiling = timed(bare, args.calls)
    return [
        (
            f"unread_count(actor), {args.calls:,} calls",
            f"p50 {count['p50']:.2f} ms, p95 {count['p95']:.2f} ms ({unread} unread of {mine})",
            f"one row by id p50 {ceiling['p50']:.2f} ms, p95 {ceiling['p95']:.2f} ms; "
            f"{total:,} lines",
            ("met" if count["p95"] <= 5 else "MISSED") + " (p95 ≤ 5 ms)",
        )
    ]


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    p.add_argument("--reuse", action="store_true", help="use the city already generated")
    p.add_argument("--scale", type=float, default=0.2, help="city to generate (no --reuse)")
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    p.add_argument("--accounts-every", type=int, default=3, help="1 household in n has an account")
    p.add_argument("--optin-every", type=int, default=10, help="1 account in n wants texts")
    p.add_argument("--phones-every", type=int, default=3, help="1 household in n: a mobile")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--calls", type=int, default=1000)
    p.add_argument("--inbox", type=int, default=200, help="the bench user's lines")
    p.add_argument("--min-rows", type=int, default=1_000_000, help="inbox lines in all")
    p.add_argument("--only", default="", help="job or inbox")
    args = p.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database that may be dropped")
    started = time.perf_counter()
    if not args.reuse:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "city_generator.py"), "--scale", str(args.scale)],
            check=True,
        )
    from bench.harness import django_setup

    django_setup("config.urls")
    from django.db import connection

    try:
        day = scalar("SELECT MAX(day) FROM health_coveragecount")
        city_id = scalar("SELECT id FROM places_place WHERE kind = 'city' ORDER BY id LIMIT 1")
        residents = scalar("SELECT COUNT(*) FROM people_resident")
        households = scalar("SELECT COUNT(*) FROM places_household")
        reports = scalar(
            "SELECT COUNT(*) FROM health_healthreport WHERE day = %s AND slot = %s", [day, SLOT]
        )
        log(
            f"city {city_id}: {residents:,} residents, {households:,} households, {reports:,} "
            f"morning reports of {day}; database {url}"
        )
        setup_households(args.accounts_every, args.optin_every, args.phones_every)
        rows: list[Any] = []
        if args.only in ("", "job"):
            rows += measure_job(args, city_id, day)
        if args.only in ("", "inbox"):
            rows += measure_inbox(args)
        header = ("case", "figure", "ceiling / check", "target")
        widths = [max(len(line[i]) for line in [header, *rows]) for i in range(4)]
        log("")
        for line in [header, *rows]:
            log("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    finally:
        connection.close()
        if args.drop:
            drop_database(url)
    log(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
