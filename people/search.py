"""Finding a person the way workers ask: by name, by pinyin ("zhangwei" finds 张伟), by the last
four digits of a phone or ID number, by address."""

from __future__ import annotations

import re

from django.db.models import Q
from pypinyin import Style, lazy_pinyin, pinyin

from core.fields import index_of

_DIGITS = re.compile(r"^\d{4}$")
_LATIN = re.compile(r"^[a-z ]+$")


def name_search_key(name: str) -> str:
    """ "zhangwei zw" — full pinyin and initials, with every reading of the surname, since
    surnames like 曾 (zeng/ceng) or 单 (shan/dan) are read differently from the word."""
    if not name:
        return ""
    name = name.replace("·", "").replace(" ", "")
    rest = lazy_pinyin(name[1:])
    rest_initials = "".join(p[:1] for p in rest)
    keys: list[str] = []
    for surname in pinyin(name[0], heteronym=True, style=Style.NORMAL)[0][:3]:
        full = (surname + "".join(rest)).lower()
        initials = (surname[:1] + rest_initials).lower()
        keys += [full, initials]
    return " ".join(dict.fromkeys(keys))[:255]


def person_search_fields(*, name: str, phone: str, id_number: str | None) -> dict[str, str | None]:
    """The columns kept from name, phone and ID: save() and bulk_create() fill the hashes
    themselves; bulk_update() and update() need these."""
    return {
        "search_key": name_search_key(name),
        "phone_hash": index_of("phone", phone or ""),
        "id_number_hash": index_of("id_number", id_number or None),
        "phone_last4_hash": index_of("phone_last4", phone or ""),
        "id_last4_hash": index_of("id_last4", id_number or ""),
    }


def resident_search_q(term: str, prefix: str = "person__") -> Q:
    """One condition for whatever the worker typed; the caller scopes first."""
    term = term.strip()
    lowered = term.lower()
    if _DIGITS.match(term):
        return Q(**{f"{prefix}phone_last4_hash": index_of("phone_last4", term)}) | Q(
            **{f"{prefix}id_last4_hash": index_of("id_last4", term)}
        )
    if len(term) == 4 and term[:3].isdigit() and lowered[3] == "x":
        return Q(**{f"{prefix}id_last4_hash": index_of("id_last4", term)})
    if _LATIN.match(lowered):
        compact = lowered.replace(" ", "")
        return Q(**{f"{prefix}search_key__contains": compact})
    return (
        Q(**{f"{prefix}name__contains": term.replace(" ", "")})
        | Q(household__room__contains=term)
        | Q(building__name__contains=term)
    )
