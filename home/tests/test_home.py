"""Every role lands on its home page, in Chinese by default and in English on request."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from core.roles import Role
from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_role_home_shows_scope_and_counts(tiny_city: TinyCity, language: str) -> None:
    for role in Role:
        client = Client()
        client.cookies["django_language"] = language
        assert client.login(username=str(role), password=PASSWORD)
        response = client.get("/", follow=True)
        assert response.status_code == 200, role
        html = response.content.decode()
        expected_lang = "zh-Hans" if language == "zh-hans" else "en"
        assert f'<html lang="{expected_lang}">' in html, role
        if role == Role.RESIDENT:
            # A resident lands on their household.
            assert response.redirect_chain[-1][0] == f"/households/{tiny_city.inside.household.pk}/"
            assert tiny_city.inside.residents[0].person.name in html
        elif role == Role.UNIT_ADMIN:
            assert "【UNA】单位" in html
        else:
            assert 'data-testid="scope-label"' in html, role
            assert "甲区" in html or role == Role.CITY_ADMIN, role


def test_grid_worker_home_counts_their_grid(tiny_city: TinyCity) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(tiny_city.users["grid_worker"])
    (scope,) = client.get("/").context["scopes"]
    assert scope.label == "甲区 · 甲街道 · 甲社区 · 第3网格"
    counts = {c.label: c.value for c in scope.counts}
    assert counts["Households"] == 1
    assert counts["Residents"] == 2
    assert counts["Buildings"] == 1


def test_home_is_english_after_switching_and_stays_so(tiny_city: TinyCity) -> None:
    client = Client()
    client.force_login(tiny_city.users["community_admin"])
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get("/").content.decode().count('lang="en"') == 1
    tiny_city.users["community_admin"].refresh_from_db()
    assert tiny_city.users["community_admin"].language == "en"
    # A new browser: the saved choice comes back at login.
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": "community_admin", "password": PASSWORD})
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in fresh.get("/").content.decode()


def test_unknown_language_is_ignored(tiny_city: TinyCity) -> None:
    client = Client()
    client.force_login(tiny_city.users["grid_worker"])
    client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    tiny_city.users["grid_worker"].refresh_from_db()
    assert tiny_city.users["grid_worker"].language == ""


def test_language_switch_refuses_foreign_redirect(tiny_city: TinyCity) -> None:
    client = Client()
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(tiny_city: TinyCity) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "grid_worker", "password": "nope"})
    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(tiny_city: TinyCity) -> None:
    response = Client().get(f"/households/{tiny_city.inside.household.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _home_counts(tiny_city: TinyCity, role: str) -> dict[str, int | None]:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(tiny_city.users[role])
    (scope,) = client.get("/").context["scopes"]
    return {c.label: c.value for c in scope.counts}


def test_home_counts_requests_care_and_supplies_by_role(tiny_city: TinyCity) -> None:
    from django.utils import timezone

    from service_requests.escalation import escalations_due_run
    from supplies.models import Stock

    # The tiny city: one open request per household; the cadre cares for both households of
    # 甲社区 (due today); the volunteer was sent to the inside request.
    admin = _home_counts(tiny_city, "community_admin")
    assert admin["Requests open"] == 2 and admin["Requests overdue"] == 0
    assert admin["Care contacts overdue"] == 0 and admin["Supplies running low"] == 0
    cadre = _home_counts(tiny_city, "cadre")
    assert cadre["Households I care for"] == 2
    assert cadre["Care contacts due today or overdue"] == 2
    assert cadre["Requests I was sent to"] == 0
    assert _home_counts(tiny_city, "volunteer")["Requests I was sent to"] == 1
    assert _home_counts(tiny_city, "grid_worker")["Requests open"] == 1
    # A day later the clocks have run out: overdue, and escalated to the street.
    later = timezone.now() + datetime.timedelta(days=3)
    escalations_due_run(later)
    Stock.objects.filter(place=tiny_city.inside.community).update(quantity=3, low_since=later)
    street = _home_counts(tiny_city, "street_admin")
    assert street["Escalated to the street"] == 2  # 甲社区's two; 【OST】 is another street
    assert _home_counts(tiny_city, "community_admin")["Supplies running low"] == 1


def test_home_counts_mobilisation_by_role(tiny_city: TinyCity) -> None:
    """Issue 7: the tiny city's post needs two a shift and has the cadre alone on today's; the
    grid worker asked for meals; nobody waits to be accepted."""
    from health.models import WorkerHealth
    from party.models import DeployCall

    tc = tiny_city
    admin = _home_counts(tc, "community_admin")
    assert admin["Check-ins waiting"] == 0
    assert admin["Shifts short of people today"] == 1
    assert admin["Unwell people on today's shifts"] == 0
    assert admin["Workers' needs waiting"] == 1
    assert _home_counts(tc, "street_admin")["Workers' needs waiting"] == 1
    # District A holds the first community and 【OST】's: one deployment in each.
    assert _home_counts(tc, "district_admin")["Cadres deployed"] == 2
    cadre = _home_counts(tc, "cadre")
    assert cadre["My shifts today"] == 1 and "My deployment" in cadre
    assert _home_counts(tc, "volunteer")["My shifts today"] == 0

    # The cadre reports a fever: the community admin's home shows them on today's shift.
    from django.utils import timezone

    WorkerHealth.objects.create(
        user=tc.users["cadre"],
        community=tc.inside.community,
        community_path=tc.inside.community.path,
        day=timezone.localdate(),
        temperature="38.1",
        fit=False,
        created_at=timezone.now(),
    )
    assert _home_counts(tc, "community_admin")["Unwell people on today's shifts"] == 1

    # The unit marks its cadre as one who should deploy: the first community's deployment is theirs.
    tc.unit_member.deploy_call = DeployCall.SHOULD
    tc.unit_member.save(update_fields=["deploy_call"])
    unit = _home_counts(tc, "unit_admin")
    assert unit["Should deploy"] == 1 and unit["Deployed"] == 1 and unit["Not yet deployed"] == 0
