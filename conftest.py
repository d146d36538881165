import os
import shutil

import pytest
from django.core.cache import cache

from testkit import SUMMARY_DIR, TinyCity, build_tiny_city, summary_line


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    # One profile for every property test: no per-example deadline (a busy CI machine made a
    # 200 ms deadline flaky), no .hypothesis/ database written into the project.
    hypothesis_settings.register_profile(
        "linli",
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    hypothesis_settings.load_profile("linli")

    # Tests create and log in thousands of accounts: PBKDF2's deliberate slowness (about half a
    # second a hash here) was most of the suite's time. Production keeps the default hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests log staff in by the hundred: no role needs a second factor unless a test says so
    # (second_factor's own tests and browser test turn SECOND_FACTOR_ROLES on). Production's
    # default asks it of street, district, city and unit admins.
    settings.SECOND_FACTOR_ROLES = frozenset()
    # Tests move the clock by hours and days (a morning, a deadline, day 14 of an observation)
    # with a client logged in before: the session timeouts would log it out. They have their own
    # tests (accounts/tests/test_sessions.py), which put the configured values back.
    for name in SESSION_TIMEOUTS:
        setattr(settings, name, 10 * 365 * 24 * 3600)

    _let_test_flush_through_the_audit_guard()


SESSION_TIMEOUTS = (
    "SESSION_IDLE_SECONDS",
    "SESSION_ABSOLUTE_SECONDS",
    "SESSION_RESIDENT_IDLE_SECONDS",
    "SESSION_RESIDENT_ABSOLUTE_SECONDS",
)


def _let_test_flush_through_the_audit_guard() -> None:
    """Transactional tests empty every table between tests (Django's flush); the audit tables'
    triggers refuse that by design, so the test flush alone goes through core.audit_guard's
    test-only door (a superuser-only setting on PostgreSQL)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from core.audit_guard import flush_statements

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):  # type: ignore[no-untyped-def]
        return original(self, flush_statements(self.connection.vendor, list(sql_list)))

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Tests share one cache (Redis db 15 in CI): throttles and counters must not leak between them.
    cache.clear()


@pytest.fixture
def tiny_city(db) -> TinyCity:  # type: ignore[no-untyped-def]
    return build_tiny_city()


def pytest_sessionstart(session) -> None:  # type: ignore[no-untyped-def]
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(SUMMARY_DIR, ignore_errors=True)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """The lines tests left for the log (testkit.summary_line), from every worker, once."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    seen: list[str] = []
    for f in sorted(SUMMARY_DIR.glob("*.txt")):
        seen += [line for line in f.read_text(encoding="utf-8").splitlines() if line not in seen]
    for line in seen:
        terminalreporter.write_line(line)


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    """Concurrency tests need PostgreSQL's real concurrency: on SQLite they are deselected (not
    skipped) and the summary says so; `.ci/run` runs the suite on PostgreSQL too."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        summary_line(
            f"{len(drop)} PostgreSQL-only concurrency tests not run on SQLite "
            "(run with DATABASE_URL=postgres://…; .ci/run does)"
        )
