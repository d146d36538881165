"""The login lockout in the database (issue 18 item 2): by account from every address, by
address across usernames, the same for unknown names, surviving a restart, counted exactly when
failures arrive at once."""

from __future__ import annotations

import functools
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import LoginThrottle
from accounts.services import login_failed, login_locked
from core.models import AuditEvent
from testkit import PASSWORD, TinyCity, build_tiny_city, in_threads

LOGIN = "/accounts/login/"


def _try(username: str, password: str, ip: str = "10.1.1.1") -> tuple[Client, str]:
    """The client, and the error the login page showed ("" when it showed none)."""
    client = Client()
    r = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    found = re.search(r'data-testid="login-error">(.*?)</div>', r.content.decode(), re.S)
    return client, found.group(1) if found else ""


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_a_locked_username_is_locked_from_every_address(tiny_city: TinyCity) -> None:
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        _try("grid_worker", "guess", ip=f"10.1.1.{i}")
    client, _page = _try("grid_worker", PASSWORD, ip="10.9.9.9")
    assert not _logged_in(client)
    # Another username from the same addresses is not affected.
    client, _page = _try("street_admin", PASSWORD, ip="10.1.1.1")
    assert _logged_in(client)
    # The lock ends.
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.LOGIN_LOCK_SECONDS + 1)):
        client, _page = _try("grid_worker", PASSWORD, ip="10.9.9.9")
        assert _logged_in(client)


@pytest.mark.django_db
def test_the_page_says_the_same_for_a_name_that_exists_and_one_that_does_not(
    tiny_city: TinyCity,
) -> None:
    _c, wrong = _try("grid_worker", "guess")
    _c, unknown = _try("nobody_here", "guess")
    assert wrong and wrong == unknown
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _try("grid_worker", "guess")
        _try("nobody_here", "guess")
    _c, locked_real = _try("grid_worker", PASSWORD)
    _c, locked_unknown = _try("nobody_here", "guess")
    assert "Too many wrong passwords" in locked_real or "密码错误次数过多" in locked_real
    assert locked_real == locked_unknown


@pytest.mark.django_db
def test_many_failures_from_one_address_throttle_that_address(tiny_city: TinyCity) -> None:
    # Spread over many usernames, none reaching its own limit.
    names = [f"guess{i}" for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT)]
    for name in names:
        _try(name, "guess", ip="10.2.2.2")
    client, _page = _try("street_admin", PASSWORD, ip="10.2.2.2")
    assert not _logged_in(client)
    client, _page = _try("street_admin", PASSWORD, ip="10.3.3.3")
    assert _logged_in(client)


@pytest.mark.django_db
def test_a_lock_survives_a_restart_and_is_audited_without_the_number(tiny_city: TinyCity) -> None:
    phone = "13912345678"
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login_failed(username=phone, ip="10.4.4.4")
    cache.clear()  # a restart: nothing of the lock was in memory
    assert login_locked(username=phone, ip="10.5.5.5")
    events = list(AuditEvent.objects.filter(action="login_locked"))
    assert [(e.target_type, e.user_id) for e in events] == [("user", None)]
    assert phone not in events[0].target_id and phone not in str(events[0].detail)
    assert not LoginThrottle.objects.filter(key_hash__contains=phone).exists()


@pytest.mark.django_db
def test_the_api_token_and_the_admin_share_the_lock(tiny_city: TinyCity) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        Client().post(
            "/admin/login/?next=/admin/",
            {"username": "district_admin", "password": "guess"},
            REMOTE_ADDR="10.6.6.6",
        )
    r = Client().post(
        "/api/auth/token",
        {"username": "district_admin", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.7.7.7",
    )
    assert r.status_code == 429


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_failures_at_the_same_moment_are_all_counted() -> None:
    build_tiny_city()
    limit = settings.LOGIN_FAILURE_LIMIT
    jobs = [
        functools.partial(login_failed, username="grid_worker", ip=f"10.8.0.{i}")
        for i in range(limit)
    ]
    results = in_threads(jobs)
    assert not any(isinstance(r, Exception) for r in results), results
    assert login_locked(username="grid_worker", ip="10.8.1.1")
    assert AuditEvent.objects.filter(action="login_locked", target_type="user").count() == 1


@pytest.mark.django_db
def test_old_counts_are_purged_and_live_locks_kept(tiny_city: TinyCity) -> None:
    from accounts.tasks import purge_login_records

    login_failed(username="someone", ip="10.9.0.1")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login_failed(username="locked_one", ip="")
    later = settings.LOGIN_FAILURE_WINDOW_SECONDS + 1
    with time_machine.travel(timezone.now() + timedelta(seconds=later), tick=False):
        purge_login_records.call_local()
        assert not login_locked(username="someone", ip="10.9.0.1")
        assert LoginThrottle.objects.count() == 1  # the lock's row, its window not yet begun
