"""Natural order for names people number: 9栋 before 10栋, 1单元101 before 1单元1001, 二号楼
before 十号楼.

`natural_key(text)` is a plain string that sorts naturally by plain string comparison, so the
database can order by it and index it: it is stored beside the name it is made from
(`Place.sort_path`, `Household.room_sort_key`) and kept in step by the models' save paths.
"""

from __future__ import annotations

import re
import unicodedata

# Digit runs are left-padded with zeros to this width: numbers up to ten digits (rooms, building
# numbers, years) then compare as numbers; a longer run (an ID number) keeps its digits.
NUMBER_WIDTH = 10
# The stored key's length (the longest name, its digit runs padded, fits; longer keys are cut).
KEY_LENGTH = 255

_DIGITS = re.compile(r"[0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f]+")
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CHINESE_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_NUMBER = re.compile("[" + "".join(_CHINESE_DIGITS) + "".join(_CHINESE_UNITS) + "]+")


def chinese_number(text: str) -> int | None:
    """The value of a run of Chinese numerals: 十二 → 12, 二十 → 20, 一百零一 → 101, 二〇二〇 →
    2020; None when the run is not a number as written (e.g. 十十)."""
    if not any(c in _CHINESE_UNITS for c in text):
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    total, digit, last_unit = 0, None, 10_000
    for c in text:
        if c in _CHINESE_DIGITS:
            if digit is not None and _CHINESE_DIGITS[c] != 0:
                return None  # two digits in a row with units around: not a number
            digit = _CHINESE_DIGITS[c] or None
        else:
            unit = _CHINESE_UNITS[c]
            if unit >= last_unit:
                return None
            total += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


def _chinese_to_digits(match: re.Match[str]) -> str:
    value = chinese_number(match.group())
    return match.group() if value is None else str(value)


def _pad(match: re.Match[str]) -> str:
    digits = match.group().lstrip("0") or "0"
    return digits.rjust(NUMBER_WIDTH, "0")


def natural_key(text: str) -> str:
    """The sort key of a name: full-width characters folded (１０ is 10), case ignored, Chinese
    numerals read as numbers, every number padded to the same width."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().strip()
    folded = _CONTROL.sub(" ", folded)  # nothing may sort below SEPARATOR
    folded = _CHINESE_NUMBER.sub(_chinese_to_digits, folded)
    return _DIGITS.sub(_pad, folded)[:KEY_LENGTH]


# A tree's natural order: the natural keys of a node's ancestors and its own, each cut to this
# many characters and ended by a separator that sorts below every character of a key, so that
# ordering by it lists every parent before its children and siblings naturally (第9网格 and its
# buildings before 第10网格 and its own).
SEGMENT_LENGTH = 60
SEPARATOR = "\x1f"  # the ASCII unit separator: below the space and every printable character
SORT_PATH_LENGTH = 6 * (SEGMENT_LENGTH + 1) + 34  # six levels of places, with room to spare


def sort_path(parent_sort_path: str, name: str) -> str:
    """A node's sort path: its parent's (empty for a root) and its own name's natural key."""
    return f"{parent_sort_path}{natural_key(name)[:SEGMENT_LENGTH]}{SEPARATOR}"
