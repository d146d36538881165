"""The access log (M20): append-only for the application, read by city and district admins in
the admin, filterable by user and by person."""

from __future__ import annotations

import pytest
from django.test import Client

from core.actor import Actor
from core.audit import audit_record
from core.models import AuditEvent, AuditTrailIsAppendOnly
from people.search import person_search_fields
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _event(tc: TinyCity) -> AuditEvent:
    return audit_record(
        actor=Actor(user_id=tc.users["grid_worker"].pk),
        action="reveal",
        target_type="resident",
        target_id=tc.inside.residents[0].pk,
        place_path=tc.inside.building.path,
        detail={"fields": ["id_number"], "reason": "上门"},
    )


def test_an_event_cannot_be_changed(tiny_city: TinyCity) -> None:
    event = _event(tiny_city)
    event.action = "nothing happened"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing happened")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "reveal"


def test_an_event_cannot_be_deleted(tiny_city: TinyCity) -> None:
    event = _event(tiny_city)
    count = AuditEvent.objects.count()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == count


def _admin(tc: TinyCity, role: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(tc.users[role])
    return client


def test_district_admin_filters_by_user_and_person(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    person = resident.person
    for k, v in person_search_fields(
        name=person.name, phone=person.phone, id_number=person.id_number
    ).items():
        setattr(person, k, v)
    person.save()
    _event(tiny_city)
    client = _admin(tiny_city, "district_admin")
    url = "/admin/core/auditevent/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # Users offered in the filter are those in the rows this admin may see, not all users.
    assert "grid_worker" in html and "【ODI】admin" not in html
    by_user = client.get(url, {"user__id__exact": tiny_city.users["grid_worker"].pk})
    assert [e.user_id for e in by_user.context["cl"].result_list] == [
        tiny_city.users["grid_worker"].pk
    ]
    # By person: the record number, or the resident's name, or the last 4 of their phone.
    for term in (str(resident.pk), person.name, person.phone[-4:]):
        found = client.get(url, {"q": term}).context["cl"].result_list
        assert found and all(e.target_id == str(resident.pk) for e in found), term
    # Another district's events stay out of sight, even searched for.
    other = tiny_city.other_district.residents[0]
    found = client.get(url, {"q": str(other.pk)}).context["cl"].result_list
    assert not [e for e in found if e.target_type == "resident"]  # (a grant may share the number)


def test_only_city_and_district_admins_open_the_log(tiny_city: TinyCity) -> None:
    for role in ("community_admin", "street_admin", "grid_worker"):
        response = _admin(tiny_city, role).get("/admin/core/auditevent/")
        assert response.status_code in (302, 403, 404), role
    assert _admin(tiny_city, "city_admin").get("/admin/core/auditevent/").status_code == 200
    event = _event(tiny_city)
    change = _admin(tiny_city, "city_admin").get(f"/admin/core/auditevent/{event.pk}/change/")
    assert change.status_code == 200
    assert 'class="deletelink"' not in change.content.decode()
    post = _admin(tiny_city, "city_admin").post(
        f"/admin/core/auditevent/{event.pk}/change/", {"action": "x"}
    )
    assert post.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "reveal"
    delete = _admin(tiny_city, "city_admin").post(
        f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# ---- free text in the access log (issue 15, item 24) -----------------------------------------

TYPED_ID = "11010519491231002X"  # the GB 11643 standard's own example, not a person


def test_numbers_typed_into_a_reason_are_masked_in_the_log(tiny_city: TinyCity) -> None:
    """The reason of a reveal and of a full export, as typed, with a phone and an ID in it."""
    resident = tiny_city.inside.residents[0]
    reason = f"家属来电 138-1234-5678 要求核对 {TYPED_ID}"
    grid = _admin(tiny_city, "grid_worker")
    assert grid.post(f"/residents/{resident.pk}/reveal/", {"reason": reason}).status_code == 200
    community = _admin(tiny_city, "community_admin")
    response = community.post("/registry/export/", {"full": "on", "reason": reason})
    assert response.status_code == 200
    for action in ("reveal", "export"):
        detail = AuditEvent.objects.filter(action=action).latest("pk").detail
        assert detail["reason"] == "家属来电 138****5678 要求核对 110105********002X", action
        assert "5678" in detail["reason"] and "1234-5678" not in detail["reason"]


def test_every_text_in_a_detail_is_masked(tiny_city: TinyCity) -> None:
    event = audit_record(
        actor=Actor(user_id=tiny_city.users["grid_worker"].pk),
        action="reveal",
        target_type="resident",
        target_id=tiny_city.inside.residents[0].pk,
        detail={
            "reason": "call 13812345678",
            "filters": {"q": TYPED_ID, "rows": [1, "13912345678"]},
            "count": 2,
        },
    )
    event.refresh_from_db()
    assert event.detail == {
        "reason": "call 138****5678",
        "filters": {"q": "110105********002X", "rows": [1, "139****5678"]},
        "count": 2,
    }
