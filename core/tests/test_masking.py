"""Masking: exact shapes for canonical values, and nothing extra revealed for odd ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42010219900307123X", "420102********123X"),
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("420102********123X", "420102********123X"),  # already masked stays the same
        ("420102199003071", "420*********071"),  # legacy 15 digits: a quarter at each end
        ("1234", "1**4"),
        ("123", "***"),
        ("1", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value: str | None, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("138****5678", "138****5678"),
        ("027-85551234", "027-****1234"),
        ("027-****1234", "027-****1234"),
        ("0710-3251234", "0710-***1234"),
        ("027-85551234-123", "027-****1234-***"),  # the extension identifies a desk
        ("85551234", "******34"),  # unknown shape: only the last quarter
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value: str | None, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张伟", "张*"),
        ("欧阳娜娜", "欧***"),
        ("阿依古丽·买买提", "阿*******"),
        ("Li Ming", "L******"),
        ("张*", "张*"),
        ("张", "*"),  # a one-character name would be shown whole
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value: str | None, expected: str) -> None:
    assert mask_name(value) == expected


def _shown(masked: str) -> int:
    return sum(1 for c in masked if c not in "*-")


@settings(database=None)
@given(st.text(max_size=40))
def test_masks_never_raise_are_idempotent_and_show_little(value: str) -> None:
    # At most: ID region code + last four; landline area code + last four; a name's first char.
    for mask, limit in ((mask_id_number, 10), (mask_phone, 8), (mask_name, 1)):
        once = mask(value)
        assert mask(once) == once
        assert _shown(once) <= limit
        assert _shown(once) <= len(value)
