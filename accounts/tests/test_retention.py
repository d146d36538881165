"""Retention of expired API tokens and used or expired invitations (docs/retention.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from accounts.models import ApiToken, Invitation, User
from core.retention_runs import retention_run

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def run_at(moment: datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return retention_run().counts


def test_an_expired_token_goes_a_live_one_stays() -> None:
    user = User.objects.create_user(username="program")
    expired = ApiToken.objects.create(user=user, key_hash="a" * 64, expires_at=T0 - MINUTE)
    live = ApiToken.objects.create(user=user, key_hash="b" * 64, expires_at=T0 + MINUTE)
    assert run_at(T0)["api_tokens"] == 1
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert not ApiToken.objects.filter(pk=expired.pk).exists()


def test_an_invitation_goes_its_days_after_use_or_expiry() -> None:
    user = User.objects.create_user(username="invited")
    days = timedelta(days=settings.RETENTION_INVITATION_DAYS)

    def invitation(key: str, expires_at: datetime, used_at: datetime | None) -> Invitation:
        return Invitation.objects.create(
            user=user,
            token_hash=key * 64,
            created_at=T0 - timedelta(days=1),
            expires_at=expires_at,
            used_at=used_at,
        )

    used = invitation("a", T0 + timedelta(days=7), T0)
    expired = invitation("b", T0, None)
    used_lately = invitation("c", T0 + timedelta(days=7), T0 + 2 * MINUTE)
    waiting = invitation("d", T0 + days + timedelta(days=1), None)
    assert run_at(T0 + days + MINUTE)["invitations"] == 2
    left = set(Invitation.objects.values_list("pk", flat=True))
    assert left == {used_lately.pk, waiting.pk}
    assert not {used.pk, expired.pk} & left
