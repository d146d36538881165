from __future__ import annotations

import pytest

from accounts.selectors import actor_for_user
from core.actor import Actor
from supplies.models import ItemKind, SupplyItem
from testkit import TinyCity


def actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


@pytest.fixture
def masks(db) -> SupplyItem:  # type: ignore[no-untyped-def]
    return SupplyItem.objects.create(name="N95口罩", kind=ItemKind.PROTECTIVE, unit="个")


@pytest.fixture
def rice(db) -> SupplyItem:  # type: ignore[no-untyped-def]
    return SupplyItem.objects.create(name="大米10kg", kind=ItemKind.LIVING, unit="袋")
