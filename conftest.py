import pytest
from django.core.cache import cache

from core.testing import TinyCity, build_tiny_city


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Tests share one cache (Redis db 15 in CI): throttles and counters must not leak between them.
    cache.clear()


@pytest.fixture
def tiny_city(db) -> TinyCity:  # type: ignore[no-untyped-def]
    return build_tiny_city()


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    from core.tests.test_access_matrix import MATRIX_SUMMARY

    for line in [*MATRIX_SUMMARY, *_NOT_RUN]:
        terminalreporter.write_line(line)


_NOT_RUN: list[str] = []


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
        _NOT_RUN.append(
            f"{len(drop)} PostgreSQL-only concurrency tests not run on SQLite "
            "(run with DATABASE_URL=postgres://…; .ci/run does)"
        )
