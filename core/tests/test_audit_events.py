"""What the audit trail records (issue 18, item 5): logins, failed logins and logouts with the
address and the result, Setup edits by field name only, grant changes; and who reads them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Grant
from core.actor import Actor
from core.audit import audit_record
from core.models import AuditEvent
from core.roles import Role
from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"  # TEST-NET-3, nobody's address


def _client() -> Client:
    client = Client(
        REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) " + "x" * 300
    )
    client.cookies["django_language"] = "en"
    return client


def test_login_and_logout_are_recorded_with_address_and_result(tiny_city: TinyCity) -> None:
    user = tiny_city.users["grid_worker"]
    client = _client()
    response = client.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
    assert response.status_code == 302
    login = AuditEvent.objects.filter(action="login").latest("pk")
    assert (login.user_id, login.target_id, login.result) == (user.pk, str(user.pk), "ok")
    assert login.ip == ADDRESS
    assert login.user_agent.startswith("Mozilla/5.0 (Linux; Android 14)")
    assert len(login.user_agent) <= 120
    # The grid's admins above read it: the event sits at the user's place.
    assert login.place_path == tiny_city.inside.grid.path
    client.post("/accounts/logout/")
    logout = AuditEvent.objects.filter(action="logout").latest("pk")
    assert (logout.user_id, logout.ip, logout.result) == (user.pk, ADDRESS, "ok")


def test_a_failed_login_is_recorded_without_the_password(tiny_city: TinyCity) -> None:
    user = tiny_city.users["grid_worker"]
    response = _client().post(
        "/accounts/login/", {"username": "grid_worker", "password": "wrong-1"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="login_failed").latest("pk")
    assert event.result == "failed" and event.ip == ADDRESS and event.user_id is None
    assert event.target_id == str(user.pk)
    assert event.detail == {"username": "grid_worker"}
    assert "wrong-1" not in str(event.detail)


def test_a_phone_number_typed_as_username_is_masked(tiny_city: TinyCity) -> None:
    _client().post("/accounts/login/", {"username": "13812345678", "password": "wrong-1"})
    event = AuditEvent.objects.filter(action="login_failed").latest("pk")
    assert event.detail == {"username": "138****5678"}
    assert event.target_id == "" and event.place_path == ""


def test_a_setup_edit_is_recorded_with_field_names_only(tiny_city: TinyCity) -> None:
    client = _client()
    client.force_login(tiny_city.users["district_admin"])
    street = tiny_city.inside.street
    url = f"/admin/places/place/{street.pk}/change/"
    response = client.post(
        url, {"name": "改名街道", "code": street.code, "variant": street.variant}
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.filter(action="setup_change").latest("pk")
    assert (event.target_type, event.target_id) == ("places.place", str(street.pk))
    assert event.user_id == tiny_city.users["district_admin"].pk
    assert event.place_path == street.path and event.ip == ADDRESS
    assert event.detail == {"fields": ["name"]}
    assert "改名街道" not in str(event.detail)


def test_grant_changes_are_recorded_with_who_made_them(tiny_city: TinyCity) -> None:
    user = tiny_city.users["volunteer"]
    grant = Grant.objects.create(user=user, role=Role.CADRE, place=tiny_city.inside.community)
    added = AuditEvent.objects.filter(action="grant_add").latest("pk")
    assert (added.target_type, added.target_id) == ("grant", str(grant.pk))
    assert added.detail == {"user": user.pk, "role": "cadre"}
    assert added.place_path == tiny_city.inside.community.path
    assert added.user_id is None  # no request: a service or the shell
    grant.role = Role.HEALTH_WORKER
    grant.save()
    assert AuditEvent.objects.filter(action="grant_change", target_id=str(grant.pk)).exists()
    grant_id = grant.pk
    grant.delete()
    removed = AuditEvent.objects.filter(action="grant_remove").latest("pk")
    assert removed.target_id == str(grant_id) and removed.detail["role"] == "health_worker"


def test_a_grant_taken_in_setup_names_the_admin(tiny_city: TinyCity) -> None:
    admin = tiny_city.users["district_admin"]
    volunteer = tiny_city.users["volunteer"]
    grant = Grant.objects.get(user=volunteer)
    client = _client()
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{volunteer.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(_inline_data(page, grant, delete=True))
    response = client.post(f"/admin/accounts/user/{volunteer.pk}/change/", data)
    assert response.status_code == 302, response.content[:3000]
    removed = AuditEvent.objects.get(action="grant_remove", target_id=str(grant.pk))
    assert removed.user_id == admin.pk and removed.ip == ADDRESS
    edit = AuditEvent.objects.filter(action="setup_change", target_type="accounts.user").latest(
        "pk"
    )
    assert edit.detail["inlines"]["grant"]["deleted"] == 1


def _inline_data(page, grant: Grant, *, delete: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    formset = page.context["inline_admin_formsets"][0].formset
    prefix = formset.prefix
    data: dict[str, object] = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(grant.pk),
        f"{prefix}-0-user": str(grant.user_id),
    }
    for name, value in formset.forms[0].initial.items():
        if name not in ("id", "user") and value is not None:
            data[f"{prefix}-0-{name}"] = value
    if delete:
        data[f"{prefix}-0-DELETE"] = "on"
    return data


def test_district_admin_reads_only_their_subtree(tiny_city: TinyCity) -> None:
    inside = audit_record(
        actor=Actor(user_id=tiny_city.users["grid_worker"].pk),
        action="reveal",
        target_type="resident",
        target_id=tiny_city.inside.residents[0].pk,
        place_path=tiny_city.inside.building.path,
    )
    outside = audit_record(
        actor=Actor(user_id=None),
        action="reveal",
        target_type="resident",
        target_id=tiny_city.other_district.residents[0].pk,
        place_path=tiny_city.other_district.building.path,
    )
    client = _client()
    client.force_login(tiny_city.users["district_admin"])
    shown = client.get("/admin/core/auditevent/", {"action": "reveal"}).context["cl"].result_list
    assert inside in shown and outside not in shown
    client.force_login(tiny_city.users["city_admin"])
    shown = client.get("/admin/core/auditevent/", {"action": "reveal"}).context["cl"].result_list
    assert inside in shown and outside in shown


def test_the_audit_export_gives_the_rows_shown_and_is_audited(tiny_city: TinyCity) -> None:
    from openpyxl import load_workbook

    shown = audit_record(
        actor=Actor(user_id=tiny_city.users["grid_worker"].pk),
        action="reveal",
        target_type="resident",
        target_id=tiny_city.inside.residents[0].pk,
        place_path=tiny_city.inside.building.path,
    )
    audit_record(
        actor=Actor(user_id=None),
        action="reveal",
        target_type="resident",
        target_id=tiny_city.other_district.residents[0].pk,
        place_path=tiny_city.other_district.building.path,
    )
    admin = tiny_city.users["district_admin"]
    client = _client()
    client.force_login(admin)
    page = client.get("/admin/core/auditevent/", {"action": "reveal"})
    assert 'data-testid="audit-export"' in page.content.decode()
    response = client.post("/admin/core/auditevent/export/?action=reveal&q=grid_worker")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2  # the header and the one event inside this district
    assert rows[1][1:5] == ("grid_worker", "reveal", "resident", str(shown.target_id))
    event = AuditEvent.objects.filter(action="export", target_type="audit").latest("pk")
    assert event.user_id == admin.pk and event.ip == ADDRESS
    assert event.detail == {"count": 1, "filters": ["action", "q"]}
    assert "grid_worker" not in str(event.detail)
    assert event.place_path == tiny_city.inside.district.path


def test_a_too_large_audit_export_is_refused_with_a_message(tiny_city: TinyCity, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AUDIT_EXPORT_MAX_ROWS = 1
    client = _client()
    client.force_login(tiny_city.users["city_admin"])
    response = client.post("/admin/core/auditevent/export/", follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith(
        "/admin/core/auditevent/"
    )
    assert "can be exported at once" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export", target_type="audit").exists()


def test_only_setup_admins_export_the_audit(tiny_city: TinyCity) -> None:
    for role in ("community_admin", "street_admin", "grid_worker"):
        client = _client()
        client.force_login(tiny_city.users[role])
        response = client.post("/admin/core/auditevent/export/")
        assert response.status_code in (302, 403, 404), role
        assert not response.get("Content-Type", "").startswith("application/vnd"), role
    assert not AuditEvent.objects.filter(action="export", target_type="audit").exists()


def test_the_list_searches_by_address_and_shows_beijing_time(tiny_city: TinyCity) -> None:
    client = _client()
    client.post("/accounts/login/", {"username": "city_admin", "password": PASSWORD})
    login = AuditEvent.objects.filter(action="login").latest("pk")
    found = client.get("/admin/core/auditevent/", {"q": ADDRESS}).context["cl"].result_list
    assert login in found and all(e.ip == ADDRESS for e in found)
    page = client.get("/admin/core/auditevent/", {"result__exact": "ok"})
    assert page.status_code == 200
    beijing = f"{timezone.localtime(login.at):%Y-%m-%d %H:%M:%S}"
    assert beijing in page.content.decode()
