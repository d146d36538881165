"""Health reports at city scale: writes over HTTP against gunicorn, reads and the roll-up
in-process, each figure next to its ceiling measured in the same run.

    .venv/bin/python bench/city_generator.py --scale 1.0          # once (minutes)
    .venv/bin/python bench/health_reports.py --reuse              # the figures

Without --reuse it first generates the city at --scale (bench/city_generator.py). DATABASE_URL
names the city's database (default postgres://postgres@127.0.0.1:5432/linli_bench_city); the
benchmark writes into it (afternoon reports of the generated day, which must be today in Beijing:
the morning slot is full, the afternoon one open) and puts it back at the start of every run
(afternoon reports, their counters, flags, bench tokens and sessions removed).

Writes (gunicorn with config.wsgi and bench/health_settings.py, `--gunicorn-workers` gthread
workers × `--gunicorn-threads` threads; `--clients` client processes × `--client-threads`
keep-alive connections each, closed loop; every report is a distinct (resident, afternoon) so
each is a real insert; staff are community admins of the generated city, each posting for
residents of their own community; the three cases alternate over `--rounds` rounds and each
figure is its median round, so a neighbour's load on a shared machine hits them alike):
  bare          ceiling: POST /bench/bare-report, no auth, one ORM insert (bench/health_urls.py)
  single        POST /api/health-reports, session cookie + CSRF token, as community admins
  single/bearer the same with a bearer token
  sync          POST /api/health-reports/sync, `--batch` reports a request, bearer tokens
  COPY          ceiling of sync: COPY of the same rows into the report table, rolled back
Reads (in-process, django.test.Client, city admin; server time = the whole Django request):
  not-reported  GET /api/coverage/<grid>/not-reported?slot=am on `--grids` random grids (and
                slot=pm, where nearly everyone is missing); ceiling: its SQL alone
  coverage      GET /api/coverage/<city | district | street>; ceiling: the counter SUM alone
Roll-up: health.counters.coverage_recount(day) timed; counters compared with a recount before
and after. Targets (issue 4): single ≥ 1,000/s and ≥ 60% of bare; sync ≥ 50,000/s; not-reported
p95 ≤ 30 ms; coverage p95 ≤ 200 ms; recount ≤ 30 s. Not a test.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/linli_bench_city"
REPORT_TABLE = "health_healthreport"
PLACE = ("city_id", "district_id", "street_id", "community_id", "grid_id", "building_id")
# The columns health.reporting writes, in the order the COPY ceiling's lines carry them.
COPY_COLUMNS = (
    *PLACE,
    *("household_id", "resident_id", "day", "slot", "presence", "temperature", "symptoms"),
    *("contact", "declared", "abnormal", "source", "reported_by_id", "idempotency_key"),
    "created_at",
)
CSRF = "benchcsrfsecret0123456789abcdefg"  # 32 characters: a valid CSRF secret

Request = tuple[str, bytes, dict[str, str]]


def log(message: str) -> None:
    print(message, flush=True)


# ---- HTTP load: client processes, each with keep-alive connections ----------------------------


def _client_process(host: str, port: int, batches: list[list[Request]], go: Any, out: Any) -> None:
    """Send each batch on its own connection (one thread each), in order; report back."""
    results: list[tuple[Counter[int], list[float], float]] = []
    lock = threading.Lock()

    def run(batch: list[Request]) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=120)
        statuses: Counter[int] = Counter()
        latencies: list[float] = []
        go.wait()
        for path, body, headers in batch:
            t = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            data = response.read()
            latencies.append(time.perf_counter() - t)
            statuses[response.status] += 1
            if response.status >= 300 and statuses[response.status] == 1:
                print(f"  {response.status} {path}: {data[:300]!r}", flush=True)
        end = time.perf_counter()
        conn.close()
        with lock:
            results.append((statuses, latencies, end))

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(results)


def http_load(port: int, connections: list[list[Request]], clients: int) -> dict[str, Any]:
    """Run the connections' request lists at once from `clients` processes; wall-clock rate."""
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    out = ctx.Queue()
    groups = [connections[i::clients] for i in range(clients)]
    procs = [
        ctx.Process(target=_client_process, args=("127.0.0.1", port, g, go, out))
        for g in groups
        if g
    ]
    for p in procs:
        p.start()
    time.sleep(0.5)  # every thread connected and waiting
    start = time.perf_counter()
    go.set()
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    end = start
    for _ in procs:
        for s, lat, e in out.get():
            statuses.update(s)
            latencies.extend(lat)
            end = max(end, e)
    for p in procs:
        p.join()
    wall = end - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "wall": wall,
        "rate": len(latencies) / wall,
        "statuses": dict(statuses),
        "p50": latencies[len(latencies) // 2],
        "p95": latencies[int(len(latencies) * 0.95)],
    }


# ---- gunicorn -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.health_settings")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "60",
            "--backlog",
            "256",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/openapi.json")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


# ---- residents to report for ------------------------------------------------------------------


class Pool:
    """Living residents with no afternoon report yet, community by community (the community
    admins' own), handed out in chunks that never overlap."""

    def __init__(self, communities: list[int]) -> None:
        from django.db import connection

        self.by_community: dict[int, list[tuple[int, ...]]] = {c: [] for c in communities}
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id, household_id, {', '.join(PLACE)} FROM people_resident "
                "WHERE community_id = ANY(%s) AND status = 'present' ORDER BY id",
                [communities],
            )
            for row in cur.fetchall():
                self.by_community[row[5]].append(row)
        self.order = communities
        self.at = 0

    def take(self, n: int) -> tuple[int, list[tuple[int, ...]]]:
        while self.at < len(self.order):
            community = self.order[self.at]
            rows = self.by_community[community]
            if len(rows) >= n:
                chunk, self.by_community[community] = rows[:n], rows[n:]
                return community, chunk
            self.at += 1
        raise SystemExit(f"not enough residents left for a chunk of {n}: fewer requests, please")


def report_item(row: tuple[int, ...], day: str, n: int, run: str) -> dict[str, Any]:
    abnormal = n % 100 == 37  # 1% abnormal: a flag is raised for each
    return {
        "resident": row[0],
        "temperature": "37.8" if abnormal else "36.6",
        "symptoms": ["none"],
        "contact": False,
        "slot": "pm",
        "day": day,
        "idempotency_key": f"{run}-{row[0]}",
    }


# ---- the run ----------------------------------------------------------------------------------


def reset(day: datetime.date) -> None:
    """Put the city back as generated: no afternoon reports, no flags, no bench sessions."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {REPORT_TABLE} WHERE day = %s AND slot = 'pm'", [day])
        cur.execute(
            "UPDATE health_coveragecount SET reported = 0, abnormal = 0 "
            "WHERE day = %s AND slot = 'pm'",
            [day],
        )
        cur.execute("DELETE FROM health_healthflag")
        cur.execute("DELETE FROM accounts_apitoken")
        cur.execute("DELETE FROM django_session")
        cur.execute(f"VACUUM ANALYZE {REPORT_TABLE}")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def timed_gets(client: Any, urls: list[str]) -> list[float]:
    out = []
    for url in urls:
        t = time.perf_counter()
        response = client.get(url)
        out.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return out


def timed_sql(sql: str, params_list: list[list[Any]]) -> list[float]:
    from django.db import connection

    out = []
    with connection.cursor() as cur:
        for params in params_list:
            t = time.perf_counter()
            cur.execute(sql, params)
            cur.fetchall()
            out.append(time.perf_counter() - t)
    return out


NOT_REPORTED_SQL = (
    "SELECT r.id, p.name, p.phone, p.birth_date, r.household_id, b.name, h.room, h.phone, "
    "r.is_elderly_alone, r.is_disabled FROM people_resident r "
    "JOIN people_person p ON p.id = r.person_id JOIN places_place b ON b.id = r.building_id "
    "JOIN places_household h ON h.id = r.household_id "
    "WHERE r.grid_id = %s AND r.status = 'present' AND r.id NOT IN (SELECT resident_id FROM "
    f"{REPORT_TABLE} WHERE grid_id = %s AND day = %s AND slot = %s) ORDER BY b.name, h.room, r.id"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="use the city already generated")
    parser.add_argument("--scale", type=float, default=1.0, help="city to generate (no --reuse)")
    parser.add_argument("--single", type=int, default=24000, help="single POSTs (and bare)")
    parser.add_argument("--sync-requests", type=int, default=400)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--gunicorn-threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--client-threads", type=int, default=4, help="connections per client")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of writes")
    parser.add_argument("--grids", type=int, default=200)
    parser.add_argument("--only", default="", help="comma-separated cases to run")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))

    def wanted(case: str) -> bool:
        return not only or case in only

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("LINLI_VAR_DIR", tempfile.mkdtemp(prefix="linli-bench-"))
    if not args.reuse:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "city_generator.py"), "--scale", str(args.scale)],
            check=True,
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.health_settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import api_token_issue
    from health.counters import coverage_recount, coverage_recount_rows
    from health.models import CoverageCount
    from places.models import Place, PlaceKind

    setup_test_environment()
    with connection.cursor() as cur:
        cur.execute("SELECT MAX(day), COUNT(DISTINCT grid_id) FROM health_coveragecount")
        gen_day, n_grids = cur.fetchone()  # type: ignore[misc]
        cur.execute("SELECT COUNT(*) FROM people_resident")
        n_residents = cur.fetchone()[0]  # type: ignore[index]
    today = timezone.localdate()
    if gen_day != today:
        raise SystemExit(
            f"the city's reports are for {gen_day}, today is {today}: generate it again "
            "(bench/city_generator.py, or this without --reuse)"
        )
    day = today.isoformat()
    log(f"city: {n_residents:,} residents, {n_grids:,} grids, reports of {day}; database {url}")
    t = time.perf_counter()
    reset(today)
    log(f"reset afternoon slot in {time.perf_counter() - t:.1f} s")

    rows: list[tuple[str, str, str, str]] = []  # case, figure, ceiling, verdict

    posters = list(
        User.objects.filter(username__startswith="bench_ca_")
        .order_by("pk")
        .values_list("username", "grants__place_id")
    )
    community_user = {c: u for u, c in posters}
    run = f"r{int(time.time())}"

    def session_cookie(username: str) -> str:
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c.cookies["sessionid"].value

    tokens: dict[str, str] = {}

    def bearer(username: str) -> str:
        if username not in tokens:
            tokens[username] = api_token_issue(user=User.objects.get(username=username))[0]
        return tokens[username]

    pool = Pool([c for _u, c in posters])
    connections_n = args.clients * args.client_threads
    per_conn = max(1, args.single // connections_n)

    def json_headers(extra: dict[str, str]) -> dict[str, str]:
        return {"Content-Type": "application/json", "Host": "127.0.0.1", **extra}

    def bare_requests(n: int) -> list[Request]:
        _c, chunk = pool.take(n)
        out = []
        for i, r in enumerate(chunk):
            item = report_item(r, day, i, run + "b")
            body = {"resident": r[0], "household": r[1], "day": day, "slot": "pm"}
            body |= {c[:-3]: v for c, v in zip(PLACE, r[2:], strict=True)}
            body |= {"temperature": item["temperature"], "idempotency_key": item["idempotency_key"]}
            out.append(("/bench/bare-report", json.dumps(body).encode(), json_headers({})))
        return out

    def single_requests(n: int, auth: str) -> list[Request]:
        community, chunk = pool.take(n)
        user = community_user[community]
        if auth == "session":
            headers = json_headers(
                {
                    "Cookie": f"sessionid={session_cookie(user)}; csrftoken={CSRF}",
                    "X-CSRFToken": CSRF,
                }
            )
        else:
            headers = json_headers({"Authorization": f"Bearer {bearer(user)}"})
        return [
            ("/api/health-reports", json.dumps(report_item(r, day, i, run)).encode(), headers)
            for i, r in enumerate(chunk)
        ]

    port = free_port()
    t = time.perf_counter()
    server = start_gunicorn(port, args.gunicorn_workers, args.gunicorn_threads)
    log(
        f"gunicorn: {args.gunicorn_workers} gthread workers × {args.gunicorn_threads} threads on "
        f"port {port} (up in {time.perf_counter() - t:.1f} s); load: {args.clients} client "
        f"processes × {args.client_threads} keep-alive connections"
    )
    try:
        write: dict[str, dict[str, Any]] = {}
        # Warm every worker and thread (imports, connections, URL resolvers) before timing.
        http_load(port, [bare_requests(30) for _ in range(connections_n)], args.clients)
        http_load(
            port, [single_requests(30, "session") for _ in range(connections_n)], args.clients
        )
        # Rounds alternate the cases, so a neighbour's load (a shared machine) hits each alike;
        # each case's figure is the median of its rounds.
        per_round = max(1, per_conn // args.rounds)
        makers = {
            "bare": lambda: [bare_requests(per_round) for _ in range(connections_n)],
            "single": lambda: [single_requests(per_round, "session") for _ in range(connections_n)],
            "single/bearer": lambda: [
                single_requests(per_round, "bearer") for _ in range(connections_n)
            ],
        }
        cases = [c for c in makers if wanted(c.split("/")[0]) or wanted(c)]
        rounds: dict[str, list[dict[str, Any]]] = {c: [] for c in cases}
        for _round in range(args.rounds):
            for case in cases:
                rounds[case].append(http_load(port, makers[case](), args.clients))
        for case in cases:
            by_rate = sorted(rounds[case], key=lambda one: one["rate"])
            result = by_rate[len(by_rate) // 2]
            write[case] = result
            statuses: Counter[int] = Counter()
            for one in rounds[case]:
                statuses.update(one["statuses"])
            rates = ", ".join(f"{one['rate']:.0f}" for one in rounds[case])
            log(
                f"  {case:<14} {sum(one['requests'] for one in rounds[case]):>7,} requests, "
                f"{args.rounds} rounds ({rates}/s): median {result['rate']:5.0f}/s  "
                f"p50 {result['p50'] * 1000:5.1f} ms  p95 {result['p95'] * 1000:5.1f} ms  "
                f"{dict(statuses)}"
            )

        # Re-sending a report stored above returns the first one (200, created false).
        if "single" in write:
            again = single_requests(1, "session")
            http_load(port, [again], 1)
            dup = http_load(port, [again * 20], 1)
            log(f"  resend of one report 20 times: {dup['statuses']} (200 = duplicate)")

        if wanted("sync"):
            now = timezone.now().isoformat()
            batches: list[tuple[str, list[tuple[int, ...]], list[dict[str, Any]]]] = []
            for _ in range(args.sync_requests):
                community, chunk = pool.take(args.batch)
                items = []
                for i, r in enumerate(chunk):
                    item = report_item(r, day, i, run + "s")
                    item["recorded_at"] = now
                    items.append(item)
                batches.append((community_user[community], chunk, items))
            # The ceiling: COPY of the same rows (the columns the service writes), rolled back.
            import psycopg

            lines = []
            created_at = timezone.now().isoformat()
            for _u, chunk, items in batches:
                for r, item in zip(chunk, items, strict=True):
                    abnormal = "t" if item["temperature"] == "37.8" else "f"
                    lines.append(
                        "\t".join(map(str, r[2:]))
                        + f"\t{r[1]}\t{r[0]}\t{day}\tpm\tpresent\t{item['temperature']}\t0\tf\t"
                        f"\t{abnormal}\tscreening\t\\N\t{item['idempotency_key']}\t{created_at}\n"
                    )
            cols = ", ".join(COPY_COLUMNS)
            with psycopg.connect(url) as pg, pg.cursor() as pg_cur:
                t = time.perf_counter()
                with pg_cur.copy(f"COPY {REPORT_TABLE} ({cols}) FROM STDIN") as cp:
                    for start in range(0, len(lines), 5000):
                        cp.write("".join(lines[start : start + 5000]))
                copy_s = time.perf_counter() - t
                pg.rollback()
            copy_rate = len(lines) / copy_s
            log(f"  COPY ceiling   {len(lines):>7,} rows in {copy_s:6.2f} s = {copy_rate:7.0f}/s")
            requests = [
                (
                    "/api/health-reports/sync",
                    json.dumps({"reports": items}).encode(),
                    json_headers({"Authorization": f"Bearer {bearer(user)}"}),
                )
                for user, _chunk, items in batches
            ]
            result = http_load(
                port, [requests[i::connections_n] for i in range(connections_n)], args.clients
            )
            reports = result["requests"] * args.batch
            result["reports_rate"] = reports / result["wall"]
            result["copy_rate"] = copy_rate
            write["sync"] = result
            log(
                f"  sync           {result['requests']:>7,} requests ({reports:,} reports) in "
                f"{result['wall']:6.2f} s = {result['reports_rate']:7.0f} reports/s  "
                f"p95 {result['p95'] * 1000:5.0f} ms  {result['statuses']}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    # The bare view's rows are no reports of the service: out, so counters equal a recount.
    with connection.cursor() as cur:
        cur.execute(
            f"DELETE FROM {REPORT_TABLE} WHERE day = %s AND slot = 'pm' "
            "AND idempotency_key LIKE %s",
            [today, f"{run}b-%"],
        )

    if "bare" in write and "single" in write:
        bare = write["bare"]["rate"]
        for case in ("single", "single/bearer"):
            if case in write:
                rate = write[case]["rate"]
                ok = rate >= 1000 and rate >= 0.6 * bare
                auth = "bearer" if case.endswith("bearer") else "session"
                rows.append(
                    (
                        f"POST /api/health-reports ({auth})",
                        f"{rate:,.0f} reports/s",
                        f"bare view {bare:,.0f}/s ({rate / bare:.0%})",
                        ("met" if ok else "MISSED") + " (≥ 1,000/s, ≥ 60%)",
                    )
                )
    if "sync" in write:
        s = write["sync"]
        rows.append(
            (
                f"POST /api/health-reports/sync ×{args.batch}",
                f"{s['reports_rate']:,.0f} reports/s",
                f"COPY {s['copy_rate']:,.0f} rows/s ({s['reports_rate'] / s['copy_rate']:.0%})",
                ("met" if s["reports_rate"] >= 50000 else "MISSED") + " (≥ 50,000/s)",
            )
        )

    # ---- reads, in-process ---------------------------------------------------------------
    admin = Client()
    admin.force_login(User.objects.get(username="bench_city_admin"))
    rng = random.Random(7)
    grid_ids = list(Place.objects.filter(kind=PlaceKind.GRID).values_list("pk", flat=True))
    if wanted("not-reported"):
        for slot in ("am", "pm"):
            grids = rng.sample(grid_ids, min(args.grids if slot == "am" else 50, len(grid_ids)))
            timed_gets(admin, [f"/api/coverage/{g}/not-reported?slot={slot}" for g in grids[:5]])
            times = timed_gets(
                admin, [f"/api/coverage/{g}/not-reported?slot={slot}&day={day}" for g in grids]
            )
            sql = timed_sql(NOT_REPORTED_SQL, [[g, g, today, slot] for g in grids])
            p95 = percentile(times, 0.95)
            rows.append(
                (
                    f"not-reported, one grid, slot {slot} ({len(grids)} grids)",
                    f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms",
                    f"its SQL p95 {percentile(sql, 0.95) * 1000:.1f} ms",
                    ("met" if p95 <= 0.030 else "MISSED") + " (p95 ≤ 30 ms)",
                )
            )
            log(f"  not-reported {slot}: p95 {p95 * 1000:.1f} ms")
    if wanted("coverage"):
        levels = {
            "city": list(Place.objects.filter(kind=PlaceKind.CITY).values_list("pk", flat=True)),
            "district": list(
                Place.objects.filter(kind=PlaceKind.DISTRICT).values_list("pk", flat=True)
            ),
            "street": list(
                Place.objects.filter(kind=PlaceKind.STREET).values_list("pk", flat=True)
            ),
        }
        column = {"city": "city_id", "district": "district_id", "street": "street_id"}
        child = {"city": "district_id", "district": "street_id", "street": "community_id"}
        for level, ids in levels.items():
            picks = [rng.choice(ids) for _ in range(50)]
            timed_gets(admin, [f"/api/coverage/{p}" for p in picks[:3]])
            times = timed_gets(admin, [f"/api/coverage/{p}?day={day}" for p in picks])
            sql = timed_sql(
                f"SELECT {child[level]}, slot, SUM(expected), SUM(reported), SUM(abnormal) "
                f"FROM health_coveragecount WHERE {column[level]} = %s AND day = %s "
                f"GROUP BY 1, 2",
                [[p, today] for p in picks],
            )
            p95 = percentile(times, 0.95)
            rows.append(
                (
                    f"coverage of a {level} (50 requests)",
                    f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms",
                    f"counter SUM p95 {percentile(sql, 0.95) * 1000:.1f} ms",
                    ("met" if p95 <= 0.200 else "MISSED") + " (p95 ≤ 200 ms)",
                )
            )
            log(f"  coverage {level}: p95 {p95 * 1000:.1f} ms")

    if wanted("recount"):

        def counters_equal() -> tuple[bool, int]:
            recount = coverage_recount_rows(today)
            bad = 0
            for g, s, r, a in CoverageCount.objects.filter(day=today).values_list(
                "grid_id", "slot", "reported", "abnormal"
            ):
                if recount.pop((g, s), (0, 0)) != (r, a):
                    bad += 1
            return bad == 0 and not recount, bad + len(recount)

        before, bad_before = counters_equal()
        t = time.perf_counter()
        changed = coverage_recount(today)
        recount_s = time.perf_counter() - t
        after, _bad = counters_equal()
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM {REPORT_TABLE} WHERE day = %s", [today])
            n_reports = cur.fetchone()[0]  # type: ignore[index]
        rows.append(
            (
                f"coverage_recount(day), {n_reports:,} reports",
                f"{recount_s:.1f} s",
                f"counters = recount before: {'yes' if before else f'NO ({bad_before} grids)'}, "
                f"after: {'yes' if after else 'NO'}; changed {changed}",
                ("met" if recount_s <= 30 else "MISSED") + " (≤ 30 s)",
            )
        )

    header = ("case", "figure", "ceiling / check", "target")
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(4)]
    log("")
    for line in [header, *rows]:
        log("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))


if __name__ == "__main__":
    main()
