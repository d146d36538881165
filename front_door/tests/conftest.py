from __future__ import annotations

from typing import Any

import pytest

from people.models import Person
from testkit import TinyCity, build_tiny_city


@pytest.fixture
def tiny_city(db) -> TinyCity:  # type: ignore[no-untyped-def]
    """The tiny city, its residents named as people are (the skeleton's "张内0" has a digit,
    which a typed name may not)."""
    tc = build_tiny_city()
    for chain in (tc.inside, tc.sibling):
        for resident, given in zip(chain.residents, ("甲", "乙"), strict=False):
            name = resident.person.name.rstrip("0123456789").replace("【SIB】", "萧") + given
            Person.objects.filter(pk=resident.person_id).update(name=name)
            resident.person.name = name
    return tc


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    """These tests read the pages' messages in English (their Chinese is the catalogue's, and
    core/tests/test_i18n.py checks it is complete)."""
    settings.LANGUAGE_CODE = "en"
