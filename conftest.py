import pytest

from core.testing import TinyCity, build_tiny_city


@pytest.fixture
def tiny_city(db) -> TinyCity:  # type: ignore[no-untyped-def]
    return build_tiny_city()
