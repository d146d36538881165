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

    for line in MATRIX_SUMMARY:
        terminalreporter.write_line(line)
