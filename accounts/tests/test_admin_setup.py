"""City and district admins set up places, organisations, units and staff — within their area."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Grant, User
from places.models import Place
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def admin_client(tc: TinyCity, role: str = "district_admin") -> Client:
    client = Client()
    client.force_login(tc.users[role])
    return client


def test_district_admin_adds_a_street_in_their_district(tiny_city: TinyCity) -> None:
    client = admin_client(tiny_city)
    response = client.post(
        "/admin/places/place/add/",
        {
            "kind": "street",
            "variant": "",
            "name": "新街道",
            "code": "",
            "parent": tiny_city.inside.district.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    street = Place.objects.get(name="新街道")
    assert street.path == f"{tiny_city.inside.district.path}{street.pk}/"
    assert street.depth == 2


def test_district_admin_cannot_add_under_another_district(tiny_city: TinyCity) -> None:
    client = admin_client(tiny_city)
    before = Place.objects.count()
    response = client.post(
        "/admin/places/place/add/",
        {"kind": "street", "name": "越界街道", "parent": tiny_city.other_district.district.pk},
    )
    assert response.status_code == 200  # the form again, with an error on parent
    assert "parent" in response.context["adminform"].form.errors
    assert Place.objects.count() == before


def test_wrong_parent_kind_is_named(tiny_city: TinyCity) -> None:
    client = admin_client(tiny_city)
    response = client.post(
        "/admin/places/place/add/",
        {"kind": "grid", "name": "错网格", "parent": tiny_city.inside.street.pk},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Place.objects.filter(name="错网格").exists()


def test_street_admin_cannot_enter_setup(tiny_city: TinyCity) -> None:
    response = admin_client(tiny_city, "street_admin").get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_district_admin_creates_a_grid_worker_account(tiny_city: TinyCity) -> None:
    client = admin_client(tiny_city)
    # Account and role in one form.
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_worker",
            "display_name": "王新",
            "password1": "a-Long-pass-2020",
            "password2": "a-Long-pass-2020",
            "grants-TOTAL_FORMS": "1",
            "grants-INITIAL_FORMS": "0",
            "grants-MIN_NUM_FORMS": "0",
            "grants-MAX_NUM_FORMS": "1000",
            "grants-0-role": "grid_worker",
            "grants-0-place": str(tiny_city.inside.grid.pk),
            "grants-0-unit": "",
            "grants-0-household": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new_worker")
    assert user.created_by == tiny_city.users["district_admin"]
    assert not user.is_superuser and not user.is_staff
    assert Grant.objects.filter(user=user, role="grid_worker", place=tiny_city.inside.grid).exists()
    # The new worker logs in and sees their grid.
    worker = Client()
    assert worker.login(username="new_worker", password="a-Long-pass-2020")
    assert "第3网格" in worker.get("/").content.decode()


def test_grant_on_wrong_kind_or_outside_area_is_refused(tiny_city: TinyCity) -> None:
    client = admin_client(tiny_city)
    user = User.objects.create(username="w2", created_by=tiny_city.users["district_admin"])
    base = {
        "username": "w2",
        "display_name": "",
        "phone": "",
        "is_active": "on",
        "grants-TOTAL_FORMS": "1",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
        "grants-0-unit": "",
        "grants-0-household": "",
        "grants-0-user": str(user.pk),
    }
    # A grid worker granted on a community: wrong kind.
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        base
        | {"grants-0-role": "grid_worker", "grants-0-place": str(tiny_city.inside.community.pk)},
    )
    assert response.status_code == 200
    # The city: outside a district admin's area.
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        base | {"grants-0-role": "city_admin", "grants-0-place": str(tiny_city.city.pk)},
    )
    assert response.status_code == 200
    assert not Grant.objects.filter(user=user).exists()


def test_no_superuser_switch_for_admins(tiny_city: TinyCity) -> None:
    client = admin_client(tiny_city)
    me = tiny_city.users["district_admin"]
    client.post(
        f"/admin/accounts/user/{me.pk}/change/",
        {
            "username": me.username,
            "is_superuser": "on",
            "is_staff": "on",
            "display_name": "x",
            "grants-TOTAL_FORMS": "0",
            "grants-INITIAL_FORMS": "0",
            "grants-MIN_NUM_FORMS": "0",
            "grants-MAX_NUM_FORMS": "1000",
        },
    )
    me.refresh_from_db()
    assert not me.is_superuser


def _change_form(user: User, grant: Grant, **extra: str) -> dict[str, str]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "phone": "",
        "grants-TOTAL_FORMS": "1",
        "grants-INITIAL_FORMS": "1",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
        "grants-0-id": str(grant.pk),
        "grants-0-user": str(user.pk),
        "grants-0-role": grant.role,
        "grants-0-place": str(grant.place_id or ""),
        "grants-0-unit": "",
        "grants-0-household": "",
    } | extra


def test_a_grant_removed_in_setup_stops_working_at_once(tiny_city: TinyCity) -> None:
    """The actor is cached between requests; Setup's change must not wait for the cache."""
    worker = tiny_city.users["grid_worker"]
    grid = tiny_city.inside.grid
    browser = Client()
    browser.force_login(worker)
    assert browser.get(f"/health/coverage/{grid.pk}/").status_code == 200
    grant = Grant.objects.get(user=worker)
    r = admin_client(tiny_city).post(
        f"/admin/accounts/user/{worker.pk}/change/",
        _change_form(worker, grant, **{"is_active": "on", "grants-0-DELETE": "on"}),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert not Grant.objects.filter(user=worker).exists()
    # Issue 18: a removed grant ends the user's sessions, so the next request logs in again.
    r = browser.get(f"/health/coverage/{grid.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_an_account_deactivated_in_setup_is_logged_out_at_once(tiny_city: TinyCity) -> None:
    worker = tiny_city.users["grid_worker"]
    browser = Client()
    browser.force_login(worker)
    assert browser.get("/health/").status_code == 200
    grant = Grant.objects.get(user=worker)
    r = admin_client(tiny_city).post(
        f"/admin/accounts/user/{worker.pk}/change/", _change_form(worker, grant)
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    worker.refresh_from_db()
    assert not worker.is_active
    r = browser.get("/health/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
