"""Edit forms never show an ID number or phone in full (issue 15, item 22): the household form
showed `<input name="phone" value="1334737…">` to a grid worker, unrecorded, while the household
page masks it. Every edit form shows the masked value as the page does; saving without typing a
new one keeps the stored value; typing a new one saves it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from core.forms import kept_phone_field
from core.models import AuditEvent
from people.models import Person
from people.tests.registry_helpers import client_for, id_number, register
from places.models import Household
from testkit import TinyCity

pytestmark = pytest.mark.django_db

EDITORS = ("community_admin", "grid_worker")


def _inputs(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)


def _token(html: str) -> str:
    match = re.search(r'name="once" value="([^"]+)"', html)
    assert match
    return match.group(1)


@pytest.mark.parametrize("role", EDITORS)
def test_household_edit_form_masks_the_phone_and_keeps_it(tiny_city: TinyCity, role: str) -> None:
    household = tiny_city.inside.household
    Household.objects.filter(pk=household.pk).update(phone="13347370001")
    client = client_for(tiny_city, role)
    url = f"/registry/households/{household.pk}/edit/"
    audits = AuditEvent.objects.count()
    form = client.get(url).content.decode()
    assert "13347370001" not in form and "7370001" not in form
    assert "133****0001" in form  # as the household page shows it
    (phone_input,) = _inputs(form, "phone")
    assert "value=" not in phone_input.replace('placeholder="133****0001"', "")
    assert AuditEvent.objects.count() == audits  # nothing shown, nothing to record
    # Saved without a new number (empty, or the mask sent back): the number stays.
    for sent in ("", "133****0001"):
        response = client.post(url, {"room": "1单元101", "phone": sent, "once": _token(form)})
        assert response.status_code == 302, sent
        household.refresh_from_db()
        assert household.phone == "13347370001", sent
        form = client.get(url).content.decode()
    # A new number is saved (and validated as any new number).
    response = client.post(url, {"room": "1单元101", "phone": "12", "once": _token(form)})
    assert response.status_code == 400 and 'data-testid="error-phone"' in response.content.decode()
    assert "13347370001" not in response.content.decode()
    response = client.post(url, {"room": "1单元101", "phone": "13912340000", "once": _token(form)})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.phone == "13912340000"


@pytest.mark.parametrize("role", EDITORS)
def test_resident_edit_form_masks_id_and_phone_and_keeps_them(
    tiny_city: TinyCity, role: str
) -> None:
    resident = register(tiny_city.inside.household, "陈静", phone="13911112222")
    person = resident.person
    stored_id = person.id_number or ""
    client = client_for(tiny_city, role)
    url = f"/registry/residents/{resident.pk}/edit/"
    form = client.get(url).content.decode()
    assert stored_id not in form and "13911112222" not in form
    assert f"{stored_id[:6]}********{stored_id[-4:]}" in form and "139****2222" in form
    data = {"name": "陈静", "relation": "other", "care_note": ""}
    for sent_id, sent_phone in (
        ("", ""),
        (f"{stored_id[:6]}********{stored_id[-4:]}", "139****2222"),
    ):
        response = client.post(
            url, data | {"id_number": sent_id, "phone": sent_phone, "once": _token(form)}
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert (person.id_number, person.phone) == (stored_id, "13911112222")
        form = client.get(url).content.decode()
    new_id = id_number()
    response = client.post(
        url, data | {"id_number": new_id, "phone": "13955556666", "once": _token(form)}
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert (person.id_number, person.phone) == (new_id, "13955556666")


def test_staff_account_form_masks_the_phone_and_keeps_it(tiny_city: TinyCity) -> None:
    staff = tiny_city.users["grid_worker"]
    User.objects.filter(pk=staff.pk).update(phone="13347370002")
    client = Client()
    client.force_login(tiny_city.users["city_admin"])
    url = f"/admin/accounts/user/{staff.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "13347370002" not in html and "133****0002" in html
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "phone"}
    data |= {"username": staff.username, "display_name": staff.display_name, "is_active": "on"}
    grants = page.context["inline_admin_formsets"][0].formset  # no grant changes
    data |= {f"{grants.prefix}-TOTAL_FORMS": "0", f"{grants.prefix}-INITIAL_FORMS": "0"}
    response = client.post(url, data | {"phone": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.phone == "13347370002"
    response = client.post(url, data | {"phone": "13912340001"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.phone == "13912340001"


def test_the_field_never_renders_the_stored_value() -> None:
    """Whatever way the stored value reaches the form (initial data, an instance), it is not
    rendered; a value typed that is not the stored one is shown back as typed."""
    from django import forms

    class F(forms.Form):
        phone = kept_phone_field(label="phone")

    form = F(initial={"phone": "13812345678"})
    form.fields["phone"].keep("13812345678")  # type: ignore[attr-defined]
    html = str(form["phone"])
    assert "13812345678" not in html and 'placeholder="138****5678"' in html
    bound = F({"phone": "139"})
    bound.fields["phone"].keep("13812345678")  # type: ignore[attr-defined]
    assert bound.is_valid() and bound.cleaned_data["phone"] == "139"
    assert 'value="139"' in str(bound["phone"])
