"""One-time text codes: 6 digits, one use, a few minutes, stored hashed; and their limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from core.errors import field_errors
from core.fields import index_of
from notifications.codes import code_check, code_hash, code_send
from notifications.error_codes import NotificationsError
from notifications.models import CodePurpose, Delivery, PhoneCode
from notifications.texts import TextTemplate

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
NUMBER = "13912345678"
OTHER = "13987654321"
LOGIN = CodePurpose.LOGIN


def sent_code(phone: str = NUMBER) -> str:
    delivery = Delivery.objects.filter(phone=phone, template=TextTemplate.CODE).first()
    assert delivery is not None
    return str(delivery.params["code"])


def error_of(e: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    (only,) = field_errors(e.value)
    return only["field"], only["code"]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_is_six_digits_sent_once_and_stored_only_as_a_hash() -> None:
    with time_machine.travel(NOW, tick=False):
        assert code_send(phone="139 1234 5678", purpose=LOGIN, address="10.0.0.1") == NUMBER
    code = sent_code()
    assert len(code) == 6 and code.isdigit()
    row = PhoneCode.objects.get()
    assert row.phone == NUMBER and row.purpose == LOGIN
    assert code not in row.code_hash and row.code_hash == code_hash(NUMBER, LOGIN, code)
    assert "10.0.0.1" not in row.address_hash and row.address_hash
    assert row.expires_at == NOW + timedelta(minutes=5)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert code_check(phone=NUMBER, purpose=LOGIN, code=f" {code[:3]} {code[3:]} ") == NUMBER
    assert PhoneCode.objects.get().used_at is not None


def test_a_number_that_is_not_a_mainland_mobile_gets_no_code() -> None:
    for bad in ["027-85551234", "12345", ""]:
        with pytest.raises(ValidationError) as e:
            code_send(phone=bad, purpose=LOGIN, address="10.0.0.1")
        assert error_of(e)[0] == "phone"
    assert not PhoneCode.objects.exists() and not Delivery.objects.exists()


def test_a_used_code_does_not_work_again() -> None:
    with time_machine.travel(NOW, tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.1")
        code = sent_code()
        code_check(phone=NUMBER, purpose=LOGIN, code=code)
        with pytest.raises(ValidationError) as e:
            code_check(phone=NUMBER, purpose=LOGIN, code=code)
    assert error_of(e) == ("code", NotificationsError.CODE_EXPIRED)


def test_a_code_expires_after_five_minutes() -> None:
    with time_machine.travel(NOW, tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.1")
    code = sent_code()
    with (
        time_machine.travel(NOW + timedelta(minutes=5, seconds=1), tick=False),
        pytest.raises(ValidationError) as e,
    ):
        code_check(phone=NUMBER, purpose=LOGIN, code=code)
    assert error_of(e) == ("code", NotificationsError.CODE_EXPIRED)
    assert PhoneCode.objects.get().used_at is None


def test_another_numbers_code_or_another_purposes_code_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Distinct codes, so that "another number's code" cannot be right by one chance in a million.
    drawn = iter([111111, 222222, 333333])
    monkeypatch.setattr("notifications.codes.secrets.randbelow", lambda _n: next(drawn))
    with time_machine.travel(NOW, tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.1")
        code_send(phone=OTHER, purpose=LOGIN, address="10.0.0.1")
        code_send(phone="13711112222", purpose=CodePurpose.JOIN, address="10.0.0.1")
        other_code = sent_code(OTHER)
        assert other_code != sent_code()
        with pytest.raises(ValidationError) as e:
            code_check(phone=NUMBER, purpose=LOGIN, code=other_code)
        assert error_of(e) == ("code", NotificationsError.CODE_WRONG)
        # A join code does not log in, even on its own number.
        with pytest.raises(ValidationError) as e:
            code_check(phone="13711112222", purpose=LOGIN, code=sent_code("13711112222"))
        assert error_of(e) == ("code", NotificationsError.CODE_EXPIRED)
        # Both stay usable by their owners.
        assert code_check(phone=OTHER, purpose=LOGIN, code=other_code) == OTHER
        assert code_check(phone=NUMBER, purpose=LOGIN, code=sent_code()) == NUMBER


def test_five_wrong_tries_void_the_code() -> None:
    with time_machine.travel(NOW, tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.1")
        code = sent_code()
        codes = []
        for _ in range(5):
            with pytest.raises(ValidationError) as e:
                code_check(phone=NUMBER, purpose=LOGIN, code=wrong(code))
            codes.append(error_of(e)[1])
        assert codes == [NotificationsError.CODE_WRONG] * 4 + [
            NotificationsError.CODE_TOO_MANY_TRIES
        ]
        with pytest.raises(ValidationError) as e:
            code_check(phone=NUMBER, purpose=LOGIN, code=code)
        assert error_of(e) == ("code", NotificationsError.CODE_TOO_MANY_TRIES)
    row = PhoneCode.objects.get()
    assert row.tries == 5 and row.used_at is None


def test_one_send_per_number_every_sixty_seconds() -> None:
    with time_machine.travel(NOW, tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.1")
    with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
        with pytest.raises(ValidationError) as e:
            code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.2")
        assert error_of(e) == ("phone", NotificationsError.CODE_TOO_SOON)
        # Another number is not held up.
        code_send(phone=OTHER, purpose=LOGIN, address="10.0.0.1")
    assert PhoneCode.objects.filter(phone_hash=index_of("phone", NUMBER)).count() == 1
    assert Delivery.objects.filter(phone=NUMBER).count() == 1
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.2")
    assert PhoneCode.objects.filter(phone_hash=index_of("phone", NUMBER)).count() == 2


def test_a_new_code_replaces_the_one_before() -> None:
    with time_machine.travel(NOW, tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.1")
    first = sent_code()
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.1")
        second = sent_code()
        if first != second:
            with pytest.raises(ValidationError):
                code_check(phone=NUMBER, purpose=LOGIN, code=first)
        assert code_check(phone=NUMBER, purpose=LOGIN, code=second) == NUMBER


@override_settings(TEXT_CODE_PER_NUMBER_PER_DAY=3)
def test_at_most_n_codes_per_number_per_day() -> None:
    for i in range(3):
        with time_machine.travel(NOW + timedelta(minutes=2 * i), tick=False):
            code_send(phone=NUMBER, purpose=LOGIN, address=f"10.0.0.{i}")
    with (
        time_machine.travel(NOW + timedelta(minutes=10), tick=False),
        pytest.raises(ValidationError) as e,
    ):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.9")
    assert error_of(e) == ("phone", NotificationsError.CODE_DAILY_LIMIT)
    assert PhoneCode.objects.count() == 3 and Delivery.objects.count() == 3
    # A day after the first, the number may ask again.
    with time_machine.travel(NOW + timedelta(days=1, seconds=1), tick=False):
        code_send(phone=NUMBER, purpose=LOGIN, address="10.0.0.9")
    assert PhoneCode.objects.count() == 4


@override_settings(TEXT_CODE_PER_ADDRESS_PER_HOUR=3)
def test_at_most_m_codes_per_address_per_hour() -> None:
    with time_machine.travel(NOW, tick=False):
        for i in range(3):
            code_send(phone=f"1391234000{i}", purpose=LOGIN, address="10.9.9.9")
        with pytest.raises(ValidationError) as e:
            code_send(phone="13912340009", purpose=LOGIN, address="10.9.9.9")
        assert error_of(e) == ("phone", NotificationsError.CODE_ADDRESS_LIMIT)
        # Another address is not held up.
        code_send(phone="13912340009", purpose=LOGIN, address="10.1.1.1")
    assert PhoneCode.objects.count() == 4 and Delivery.objects.count() == 4
    with time_machine.travel(NOW + timedelta(hours=1, seconds=1), tick=False):
        code_send(phone="13912340008", purpose=LOGIN, address="10.9.9.9")
    assert PhoneCode.objects.count() == 5
