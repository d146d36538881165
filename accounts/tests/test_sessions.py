"""Sessions (issue 18 item 2): idle and absolute timeouts, and sessions and tokens that die at
once when a user is switched off, loses a grant or changes password; the sessions page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, Grant, User, UserSession
from accounts.services import api_token_issue
from core.models import AuditEvent
from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/health/"
RESIDENT_PAGE = "/"


@pytest.fixture(autouse=True)
def configured_timeouts(settings: Any) -> None:
    """The suite lengthens the timeouts for tests that move the clock (conftest.py): these tests
    are about the timeouts, so they run with the values the settings configure."""
    import config.settings as configured

    for name in (
        "SESSION_IDLE_SECONDS",
        "SESSION_ABSOLUTE_SECONDS",
        "SESSION_RESIDENT_IDLE_SECONDS",
        "SESSION_RESIDENT_ABSOLUTE_SECONDS",
    ):
        setattr(settings, name, getattr(configured, name))


def _login(username: str, agent: str = "Mozilla/5.0 (Linux; Android 14) Chrome/130") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    r = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.content.decode()[:500]
    return client


def _sent_to_login(r) -> bool:  # type: ignore[no-untyped-def]
    return r.status_code == 302 and "/accounts/login/" in r["Location"]


def _later(**delta: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


# --- timeouts ------------------------------------------------------------------------------------


def test_a_staff_session_ends_after_30_idle_minutes(tiny_city: TinyCity) -> None:
    client = _login("grid_worker")
    with _later(minutes=29):
        assert client.get(STAFF_PAGE).status_code == 200
    with _later(minutes=29 + 31):
        r = client.get(STAFF_PAGE)
        assert _sent_to_login(r)
        page = client.get(r["Location"]).content.decode()
        assert "session has ended" in page or "会话已结束" in page or "重新登录" in page
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.exists()


def test_a_busy_staff_session_still_ends_after_12_hours(tiny_city: TinyCity) -> None:
    client = _login("grid_worker")
    for minutes in range(20, 12 * 60, 20):
        with _later(minutes=minutes):
            assert client.get(STAFF_PAGE).status_code == 200, minutes
    with _later(hours=12, minutes=1):
        assert _sent_to_login(client.get(STAFF_PAGE))


def test_a_resident_on_their_phone_stays_logged_in_for_days(tiny_city: TinyCity) -> None:
    client = _login("resident")
    with _later(days=6):
        r = client.get(RESIDENT_PAGE)  # their household's page
        assert r.status_code == 302 and not _sent_to_login(r)
    with _later(days=6 + 8):
        assert _sent_to_login(client.get(RESIDENT_PAGE))


def test_the_api_with_an_ended_session_answers_401(tiny_city: TinyCity) -> None:
    client = _login("grid_worker")
    assert client.get("/api/me").status_code == 200
    with _later(minutes=31):
        r = client.get("/api/me")
    assert r.status_code == 401
    assert r.json()["errors"][0]["code"] == "session_expired"


def test_activity_is_written_at_most_once_a_minute(tiny_city: TinyCity) -> None:
    client = _login("grid_worker")
    first = UserSession.objects.get().last_seen_at
    with _later(seconds=30):
        client.get(STAFF_PAGE)
    assert UserSession.objects.get().last_seen_at == first
    with _later(seconds=90):
        client.get(STAFF_PAGE)
    assert UserSession.objects.get().last_seen_at > first


# --- killed at once ------------------------------------------------------------------------------


def _session_and_token(username: str) -> tuple[Client, Client]:
    browser = _login(username)
    assert browser.get(STAFF_PAGE).status_code == 200  # the actor is cached now
    raw, _token = api_token_issue(user=User.objects.get(username=username))
    program = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert program.get("/api/me").status_code == 200
    return browser, program


def _both_refused(browser: Client, program: Client) -> None:
    assert _sent_to_login(browser.get(STAFF_PAGE))
    assert program.get("/api/me").status_code == 401


def test_switching_a_user_off_in_the_shell_ends_their_session_and_token(
    tiny_city: TinyCity,
) -> None:
    browser, program = _session_and_token("grid_worker")
    user = User.objects.get(username="grid_worker")
    user.is_active = False
    user.save()
    _both_refused(browser, program)
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_removed_grant_ends_the_session_and_token(tiny_city: TinyCity) -> None:
    browser, program = _session_and_token("grid_worker")
    Grant.objects.filter(user__username="grid_worker").get().delete()
    _both_refused(browser, program)


def test_a_new_password_ends_the_session_and_token(tiny_city: TinyCity) -> None:
    browser, program = _session_and_token("grid_worker")
    user = User.objects.get(username="grid_worker")
    user.set_password("a-new-river-stone")
    user.save()
    _both_refused(browser, program)


def test_a_restart_clearing_the_cache_does_not_bring_a_killed_session_back(
    tiny_city: TinyCity,
) -> None:
    browser, _program = _session_and_token("grid_worker")
    user = User.objects.get(username="grid_worker")
    user.is_active = False
    user.save()
    cache.clear()
    assert _sent_to_login(browser.get(STAFF_PAGE))


def test_saving_a_user_without_changes_keeps_their_session(tiny_city: TinyCity) -> None:
    browser, program = _session_and_token("grid_worker")
    user = User.objects.get(username="grid_worker")
    user.display_name = "网格员小李"
    user.save()
    assert browser.get(STAFF_PAGE).status_code == 200
    assert program.get("/api/me").status_code == 200


# --- the sessions page ---------------------------------------------------------------------------


def test_the_sessions_page_lists_both_devices_and_logs_out_the_other(tiny_city: TinyCity) -> None:
    phone = _login("grid_worker")
    desk = _login("grid_worker", agent="Mozilla/5.0 (Windows NT 10.0) Firefox/133")
    api_token_issue(user=User.objects.get(username="grid_worker"))
    page = phone.get("/accounts/sessions/").content.decode()
    assert page.count('data-testid="session-row"') == 2
    assert page.count('data-testid="session-current"') == 1
    assert "Chrome · Android" in page and "Firefox · Windows" in page
    assert page.count('data-testid="token-row"') == 1
    other = UserSession.objects.exclude(session_key=phone.session.session_key).get()
    phone.post("/accounts/sessions/", {"session": str(other.pk)})
    assert _sent_to_login(desk.get(STAFF_PAGE))
    assert phone.get(STAFF_PAGE).status_code == 200
    assert AuditEvent.objects.filter(action="sessions_revoked").count() == 1


def test_log_out_everywhere_keeps_this_device_only_if_asked(tiny_city: TinyCity) -> None:
    phone = _login("grid_worker")
    desk = _login("grid_worker")
    raw, _t = api_token_issue(user=User.objects.get(username="grid_worker"))
    phone.post("/accounts/sessions/", {"everywhere": "others"})
    assert _sent_to_login(desk.get(STAFF_PAGE))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me").status_code == 401
    assert phone.get(STAFF_PAGE).status_code == 200
    r = phone.post("/accounts/sessions/", {"everywhere": "all"})
    assert _sent_to_login(r)
    assert _sent_to_login(phone.get(STAFF_PAGE))


def test_nobody_ends_another_users_session_or_token(tiny_city: TinyCity) -> None:
    victim = _login("street_admin")
    _raw, token = api_token_issue(user=User.objects.get(username="street_admin"))
    theirs = UserSession.objects.get(user__username="street_admin")
    attacker = _login("grid_worker")
    assert "street_admin" not in attacker.get("/accounts/sessions/").content.decode()
    attacker.post("/accounts/sessions/", {"session": str(theirs.pk)})
    attacker.post("/accounts/sessions/", {"token": str(token.pk)})
    assert victim.get("/health/").status_code == 200
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_sessions_page_needs_a_login() -> None:
    r = Client().get("/accounts/sessions/")
    assert _sent_to_login(r)
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
