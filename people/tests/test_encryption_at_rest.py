"""ID numbers and phones are encrypted in the database, and everything workers do with them
still works: duplicate check, last-four search, a page that shows them."""

from __future__ import annotations

import base64
import importlib
import logging
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from core.encryption import key_id_of, new_key
from core.encryption_batches import encrypt_rows
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


def test_rotate_keys_rewrites_old_values_under_the_new_key(tiny_city: TinyCity) -> None:
    k1, k2, index = new_key(), new_key(), settings.LINLI_INDEX_KEY
    local = settings.LINLI_DATA_KEYS  # the tiny city's rows were written under it
    with override_settings(LINLI_DATA_KEYS=f"k1:{k1},{local}", LINLI_INDEX_KEY=index):
        resident = register(tiny_city.inside.household, "孙八", phone="13912348888")
        number = resident.person.id_number
        assert key_id_of(_raw("people_person", "phone", resident.person_id)) == "k1"
    with override_settings(LINLI_DATA_KEYS=f"k2:{k2},k1:{k1},{local}", LINLI_INDEX_KEY=index):
        # Still readable under k1 once k2 is current; then rewritten to k2.
        assert Person.objects.get(pk=resident.person_id).phone == "13912348888"
        out = StringIO()
        call_command("rotate_keys", batch=2, stdout=out)
        assert "people_person" in out.getvalue()
        assert key_id_of(_raw("people_person", "phone", resident.person_id)) == "k2"
        assert key_id_of(_raw("people_person", "id_number", resident.person_id)) == "k2"
    # After the rotation the old keys can go.
    with override_settings(LINLI_DATA_KEYS=f"k2:{k2}", LINLI_INDEX_KEY=index):
        person = Person.objects.with_id_number(number or "").get()
        assert person.phone == "13912348888" and person.pk == resident.person_id


def test_the_migration_step_encrypts_plain_rows_in_batches(tiny_city: TinyCity) -> None:
    migration = importlib.import_module("people.migrations.0004_person_encrypted")
    number = id_number()
    resident = register(tiny_city.inside.household, "周九")
    with connection.cursor() as cursor:  # as the rows were before the migration
        cursor.execute(
            "UPDATE people_person SET id_number = %s, phone = %s, id_number_hash = NULL,"
            " phone_hash = '', phone_last4_hash = '', id_last4_hash = '' WHERE id = %s",
            [number, "13912349999", resident.person_id],
        )
    lines: list[str] = []
    written = encrypt_rows(
        connection, "people_person", migration.COLUMNS, batch=2, progress=lines.append
    )
    assert written >= 1 and lines and "people_person" in lines[-1]
    assert number not in _whole_table("people_person")
    person = Person.objects.with_id_number(number).get()
    assert person.pk == resident.person_id and person.phone == "13912349999"
    assert person in Person.objects.with_phone("13912349999")
    # Run again: nothing left to encrypt.
    assert encrypt_rows(connection, "people_person", migration.COLUMNS) == 0
