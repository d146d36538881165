"""Personal data is masked on pages; a full view is for roles that need it, with a reason,
and every one is audited (M20)."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import AuditEvent
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def test_resident_page_masks_id_and_phone(tiny_city: TinyCity) -> None:
    person = tiny_city.inside.residents[0].person
    client = Client()
    client.force_login(tiny_city.users["grid_worker"])
    html = client.get(f"/residents/{tiny_city.inside.residents[0].pk}/").content.decode()
    assert (person.id_number or "") not in html
    assert person.phone not in html
    assert (person.id_number or "")[:6] + "********" + (person.id_number or "")[-4:] in html


def test_grid_worker_reveals_with_a_reason_and_it_is_audited(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    client = Client()
    client.force_login(tiny_city.users["grid_worker"])
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(f"/residents/{resident.pk}/reveal/", {"reason": "电话联系上门走访"})
    assert response.status_code == 200
    assert (resident.person.id_number or "") in response.content.decode()
    event = AuditEvent.objects.exclude(pk__in=before).get()
    assert event.user == tiny_city.users["grid_worker"]
    assert event.action == "reveal" and event.target_id == str(resident.pk)
    assert (resident.person.id_number or "") not in str(event.detail)


def test_reveal_without_reason_is_refused_and_not_audited(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    client = Client()
    client.force_login(tiny_city.users["grid_worker"])
    before = AuditEvent.objects.count()
    response = client.post(f"/residents/{resident.pk}/reveal/", {"reason": " "})
    assert response.status_code == 400
    assert (resident.person.id_number or "") not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_building_head_may_not_reveal(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    client = Client()
    client.force_login(tiny_city.users["building_head"])
    before = AuditEvent.objects.count()
    response = client.post(f"/residents/{resident.pk}/reveal/", {"reason": "想看看"})
    assert response.status_code == 403
    assert (resident.person.id_number or "") not in response.content.decode()
    assert AuditEvent.objects.count() == before
