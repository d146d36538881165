"""The key ring, AES-GCM values bound to their column, and the keyed lookup hashes."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core import encryption
from core.encryption import Undecryptable, decrypt, encrypt, index_hash, new_key, parse_keys
from core.fields import index_of
from testkit.city import synthetic_id_number

K1, K2, INDEX = new_key(), new_key(), new_key()


def test_round_trip_and_format() -> None:
    number = synthetic_id_number()
    stored = encrypt(number, table="people_person", column="id_number")
    assert stored.startswith(f"v1:{encryption.key_ring().current}:")
    assert number not in stored
    assert decrypt(stored, table="people_person", column="id_number") == number
    # A fresh nonce each time: equal values do not give equal ciphertexts.
    assert stored != encrypt(number, table="people_person", column="id_number")


def test_a_value_copied_to_another_column_does_not_decrypt() -> None:
    stored = encrypt("13812345678", table="people_person", column="phone")
    with pytest.raises(Undecryptable):
        decrypt(stored, table="places_household", column="phone")
    with pytest.raises(Undecryptable):
        decrypt(stored, table="people_person", column="id_number")


def test_a_flipped_byte_is_refused_never_misread() -> None:
    stored = encrypt("13812345678", table="people_person", column="phone")
    prefix, _, b64 = stored.rpartition(":")
    blob = bytearray(base64.b64decode(b64))
    for i in (0, 15, len(blob) - 1):  # nonce, ciphertext, tag
        tampered = bytearray(blob)
        tampered[i] ^= 0x01
        with pytest.raises(Undecryptable) as caught:
            decrypt(
                f"{prefix}:{base64.b64encode(tampered).decode()}",
                table="people_person",
                column="phone",
            )
        assert "13812345678" not in str(caught.value)


def test_values_under_an_older_key_read_after_a_new_one_becomes_current() -> None:
    with override_settings(LINLI_DATA_KEYS=f"k1:{K1}", LINLI_INDEX_KEY=INDEX):
        old = encrypt("13812345678", table="t", column="c")
    with override_settings(LINLI_DATA_KEYS=f"k2:{K2},k1:{K1}", LINLI_INDEX_KEY=INDEX):
        assert encryption.key_id_of(old) == "k1"
        assert decrypt(old, table="t", column="c") == "13812345678"
        assert encryption.key_id_of(encrypt("x", table="t", column="c")) == "k2"
    # Once k1 is removed, what was left under it is refused, not guessed.
    with (
        override_settings(LINLI_DATA_KEYS=f"k2:{K2}", LINLI_INDEX_KEY=INDEX),
        pytest.raises(Undecryptable),
    ):
        decrypt(old, table="t", column="c")


def test_index_hashes_are_keyed_and_separated_by_purpose() -> None:
    with override_settings(LINLI_INDEX_KEY=INDEX):
        a = index_hash("phone", "13812345678")
        assert a == index_hash("phone", "13812345678") and len(a) == 32
        assert a != index_hash("id_number", "13812345678")
    with override_settings(LINLI_INDEX_KEY=new_key()):
        assert index_hash("phone", "13812345678") != a


def test_index_of_normalises_as_the_lookups_do() -> None:
    assert index_of("phone", None) is None and index_of("phone", "") == ""
    # A lower-case check letter is the upper-case one (synthetic number, its last character x).
    number = synthetic_id_number()[:-1] + "x"
    assert index_of("id_last4", number) == index_of("id_last4", number[-4:-1] + "X")
    assert index_of("phone_last4", "027-85551234") == index_of("phone_last4", "1234")
    assert index_of("phone_last4", "123") == ""


@pytest.mark.parametrize(
    ("keys", "index"),
    [
        ("", INDEX),
        ("k1", INDEX),
        ("k1:not base64!", INDEX),
        (f"k1:{base64.b64encode(b'short').decode()}", INDEX),
        (f"k1:{K1},k1:{K2}", INDEX),
        (f"k1:{K1}", ""),
    ],
    # Named, not by value: the keys are random, and every xdist worker must collect the same ids.
    ids=["no-keys", "no-colon", "not-base64", "short-key", "id-twice", "no-index-key"],
)
def test_bad_key_settings_refuse_to_start(keys: str, index: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_keys(keys, index)


def _settings_error(env: dict[str, str]) -> str:
    root = Path(__file__).resolve().parents[2]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=root,
        env={**clean, "LINLI_PRODUCTION": "1", "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stderr


def test_production_refuses_to_start_without_keys() -> None:
    assert "LINLI_DATA_KEYS must be set" in _settings_error({})
    assert "LINLI_INDEX_KEY must be set" in _settings_error({"LINLI_DATA_KEYS": f"k1:{K1}"})
    past_keys = _settings_error({"LINLI_DATA_KEYS": f"k1:{K1}", "LINLI_INDEX_KEY": INDEX})
    assert "LINLI_DATA_KEYS" not in past_keys and "LINLI_INDEX_KEY" not in past_keys
