"""ID numbers and phones are encrypted in the database, and everything workers do with them
still works: duplicate check, last-four search, a page that shows them."""

from __future__ import annotations

import base64
import logging

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from core.encryption import key_id_of
from core.unreadable import unreadable
from people.models import Person
from people.selectors import RegistryFilters, registry_residents
from people.tests.registry_helpers import actor, client_for, id_number, register
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def _whole_table(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return repr(cursor.fetchall())


def test_the_raw_table_holds_no_id_or_phone(tiny_city: TinyCity) -> None:
    numbers = [id_number() for _ in range(3)]
    phones = ["13912345678", "027-85551234", "13800001111"]
    names = ["甲居民", "乙居民", "丙居民"]
    for name, number, phone in zip(names, numbers, phones, strict=True):
        register(tiny_city.inside.household, name, id_no=number, phone=phone)
    everything = Person.objects.exclude(id_number=None).exclude(phone="")
    samples = [(p.id_number, p.phone) for p in everything]
    assert len(samples) >= 3
    raw = _whole_table("people_person")
    for number, phone in samples:
        assert number and number not in raw
        assert phone and phone not in raw
        # Nor the parts people quote: the birth date and the digits after the area code.
        assert number[6:14] not in raw and phone[-8:] not in raw
    # Through the ORM the values read back as typed.
    assert {p.phone for p in everything} >= set(phones)


def test_a_tampered_value_is_logged_and_shown_as_unreadable(
    tiny_city: TinyCity, caplog: pytest.LogCaptureFixture
) -> None:
    resident = register(tiny_city.inside.household, "王芳", phone="13912345678")
    stored = _raw("people_person", "phone", resident.person_id)
    head, _, b64 = stored.rpartition(":")
    blob = bytearray(base64.b64decode(b64))
    blob[-1] ^= 0x01
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET phone = %s WHERE id = %s",
            [f"{head}:{base64.b64encode(blob).decode()}", resident.person_id],
        )
    with caplog.at_level(logging.ERROR, logger="core.fields"):
        person = Person.objects.get(pk=resident.person_id)
    assert unreadable(person.phone) and person.phone != "13912345678"
    assert "people_person.phone" in caplog.text and "13912345678" not in caplog.text
    html = (
        client_for(tiny_city, "community_admin").get("/registry/", {"q": "王芳"}).content.decode()
    )
    assert "(cannot be read)" in html or "无法读取" in html
    # Saving the person again (another field edited) keeps the stored text, not the marker.
    person.name = "王芳芳"
    person.save()
    assert _raw("people_person", "phone", resident.person_id) == (
        f"{head}:{base64.b64encode(blob).decode()}"
    )


def test_a_value_moved_to_another_column_does_not_read(tiny_city: TinyCity) -> None:
    resident = register(tiny_city.inside.household, "李娜", phone="13912345678")
    phone = _raw("people_person", "phone", resident.person_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET id_number = %s WHERE id = %s", [phone, resident.person_id]
        )
    assert unreadable(Person.objects.get(pk=resident.person_id).id_number)


def test_the_duplicate_id_check_still_works(tiny_city: TinyCity) -> None:
    number = id_number()
    register(tiny_city.inside.household, "张三", id_no=number)
    with pytest.raises(ValidationError) as caught:
        register(tiny_city.other_street.household, "张三", id_no=number.lower())
    assert "id_number" in caught.value.message_dict


def test_last_four_search_goes_through_the_hashes(tiny_city: TinyCity) -> None:
    number = id_number()
    register(tiny_city.inside.household, "赵老伯", id_no=number, phone="027-85559876")
    found = registry_residents(actor(tiny_city, "grid_worker"), RegistryFilters(q="9876"))
    assert [r.person.name for r in found] == ["赵老伯"]
    found = registry_residents(actor(tiny_city, "grid_worker"), RegistryFilters(q=number[-4:]))
    assert "赵老伯" in {r.person.name for r in found}


def test_values_are_written_under_the_current_key(tiny_city: TinyCity) -> None:
    resident = register(tiny_city.inside.household, "钱七", phone="13912340000")
    assert key_id_of(_raw("people_person", "phone", resident.person_id)) is not None


def test_a_lookup_by_the_plain_value_is_refused() -> None:
    # It would compare plain text with ciphertext and silently find nothing.
    with pytest.raises(FieldError):
        list(Person.objects.filter(phone="13912345678"))
    with pytest.raises(FieldError):
        list(Person.objects.filter(id_number__endswith="1234"))
    assert list(Person.objects.filter(phone="")) is not None  # "no phone" still filters
