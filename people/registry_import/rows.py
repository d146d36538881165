"""Checking each row of a sheet on its own, then the rows repeated inside the file: no
database. What needs the database (whether a building belongs to the community, whether an ID
number is registered elsewhere) is decided in people.registry_import.selectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.masking import mask_id_number, mask_phone
from core.validators import (
    id_check_digit,
    normalize_line,
    normalize_text,
    validate_id_number,
)
from people.models import Relation
from people.registry_import.xlsx import FLAG_KEYS, Sheet

# 与户主关系: the template's dropdown words first, then what people also write.
RELATION_WORDS: dict[str, tuple[str, ...]] = {
    Relation.HEAD: ("户主", "本人", "户主本人", "head", "head of household", "self"),
    Relation.SPOUSE: (
        "配偶",
        "妻子",
        "丈夫",
        "妻",
        "夫",
        "老伴",
        "爱人",
        "spouse",
        "wife",
        "husband",
    ),
    Relation.CHILD: (
        "子女",
        "儿子",
        "女儿",
        "子",
        "女",
        "长子",
        "长女",
        "次子",
        "次女",
        "child",
        "son",
        "daughter",
    ),
    Relation.PARENT: ("父母", "父亲", "母亲", "父", "母", "parent", "father", "mother"),
    Relation.GRANDCHILD: (
        "孙子女",
        "孙子",
        "孙女",
        "外孙",
        "外孙子",
        "外孙女",
        "grandchild",
        "grandson",
        "granddaughter",
    ),
    Relation.OTHER: ("其他", "其它", "other"),
}
RELATION_CHOICES = tuple(words[0] for words in RELATION_WORDS.values())
_RELATION_LOOKUP = {w.lower(): code for code, words in RELATION_WORDS.items() for w in words}
_RELATION_LOOKUP.update({str(code): code for code in Relation.values})

YES_WORDS = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "对"})
NO_WORDS = frozenset({"否", "无", "不是", "没有", "n", "no", "false", "0", "×", "x", "✗"})

# The template's example row carries this synthetic ID (valid check digit, born 1980-05-17):
# a row that still has it was left in by mistake and is rejected, never imported.
_EXAMPLE_FIRST17 = "42010219800517123"
EXAMPLE_ID_NUMBER = _EXAMPLE_FIRST17 + id_check_digit(_EXAMPLE_FIRST17)


@dataclass(frozen=True)
class RowError:
    column: str  # the header as the file names it
    code: str
    message: str


@dataclass
class CheckedRow:
    number: int
    values: list[list[str]]  # [[header, text as typed], …] for giving the row back
    errors: list[RowError] = field(default_factory=list)
    building: str = ""
    room: str = ""
    name: str = ""
    id_number: str = ""  # canonical, or "" when none was given
    phone: str | None = None  # None: not given (an existing phone is kept)
    relation: str | None = None  # None: not given
    flags: dict[str, bool] = field(default_factory=dict)  # only the flags the row states
    care_note: str | None = None
    raw_id: str = ""
    raw_phone: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def reject(self, column: str, code: str, message: object) -> None:
        self.errors.append(RowError(column, code, str(message)))

    def shown(self) -> dict[str, str]:
        """What a preview may show of the row: ID and phone masked."""
        return {
            "building": self.building,
            "room": self.room,
            "name": self.name,
            "id_number_masked": mask_id_number(self.raw_id) if self.raw_id else "",
            "phone_masked": mask_phone(self.raw_phone) if self.raw_phone else "",
        }

    def as_rejected(self) -> dict[str, Any]:
        first = self.errors[0]
        return {
            "row": self.number,
            "column": first.column,
            "reason": first.message,
            "errors": [
                {"column": e.column, "code": e.code, "message": e.message} for e in self.errors
            ],
            **self.shown(),
            "values": self.values,
        }


def check_rows(sheet: Sheet) -> list[CheckedRow]:
    """Each row checked on its own, then IDs (or household + name) repeated inside the file."""
    from people.services import PersonData, clean_person

    header = sheet.header_of
    columns = list(sheet.columns.items())
    flag_columns = [(key, index) for key, index in columns if key in FLAG_KEYS]
    headers = sheet.headers
    checked: list[CheckedRow] = []
    for source in sheet.rows:
        cells = source.cells
        text = {key: cells[index] for key, index in columns}
        raw_id = text.get("id_number", "").strip()
        raw_phone = text.get("phone", "").strip()
        row = CheckedRow(
            number=source.number,
            values=[[h, v] for h, v in zip(headers, cells, strict=True)],
            raw_id=raw_id,
            raw_phone=raw_phone,
        )
        row.building = _place_name(text.get("building", ""))
        row.room = normalize_text(text.get("room", ""))[:40]
        if not row.building:
            row.reject(header("building"), "building_empty", _("Enter the building."))
        if not row.room:
            row.reject(header("room"), "room_empty", _("Enter the room."))
        relation = text.get("relation", "")
        if relation:
            code = _RELATION_LOOKUP.get(relation) or _RELATION_LOOKUP.get(
                normalize_text(relation).lower()
            )
            if code is not None:
                row.relation = code
            elif normalize_text(relation):
                row.reject(
                    header("relation"),
                    "relation_invalid",
                    _("Choose one of: %(choices)s.") % {"choices": "、".join(RELATION_CHOICES)},
                )
        # Name, phone and relation are cleaned by the same function as every form and the API;
        # the ID is checked here, and whether it is taken is decided for the whole file at once.
        try:
            clean = clean_person(
                PersonData(
                    name=text.get("name", ""), phone=raw_phone, relation=row.relation or "other"
                )
            )
        except ValidationError as error:
            for field_name, errors in error.message_dict.items():
                for e, message in zip(error.error_dict[field_name], errors, strict=True):
                    row.reject(header(field_name), e.code or "invalid", message)
            clean = {}
        row.name = clean["name"] if "name" in clean else normalize_text(text.get("name", ""))
        row.phone = clean.get("phone") or None
        if raw_id:
            try:
                row.id_number = validate_id_number(raw_id)
            except ValidationError as e:
                row.reject(header("id_number"), e.code or "invalid", e.messages[0])
            else:
                if row.id_number == EXAMPLE_ID_NUMBER:
                    row.reject(
                        header("id_number"),
                        "example_row",
                        _("This is the template's example row; delete it."),
                    )
        for key, index in flag_columns:
            word = cells[index]
            if word == "否" or word == "是":  # what the template's dropdown gives
                row.flags[key] = word == "是"
                continue
            word = normalize_text(word).lower()
            if not word:
                continue
            if word in YES_WORDS:
                row.flags[key] = True
            elif word in NO_WORDS:
                row.flags[key] = False
            else:
                row.reject(header(key), "flag_invalid", _("Enter 是 (yes) or 否 (no)."))
        note = text.get("care_note", "")
        if note:
            note = normalize_line(note)
            row.care_note = note[:200] if note else None
        checked.append(row)
    _reject_repeats(checked, sheet)
    return checked


def _reject_repeats(rows: list[CheckedRow], sheet: Sheet) -> None:
    first_by_id: dict[str, int] = {}
    first_by_person: dict[tuple[str, str, str], int] = {}
    for row in rows:
        if not row.ok:
            continue
        if row.id_number:
            first = first_by_id.setdefault(row.id_number, row.number)
            if first != row.number:
                row.reject(
                    sheet.header_of("id_number"),
                    "duplicate_in_file",
                    _("The same ID number is already in row %(row)d of this file.")
                    % {"row": first},
                )
        else:
            first = first_by_person.setdefault((row.building, row.room, row.name), row.number)
            if first != row.number:
                row.reject(
                    sheet.header_of("name"),
                    "duplicate_in_file",
                    _("The same person (building, room and name) is already in row %(row)d.")
                    % {"row": first},
                )


def _place_name(text: str) -> str:
    return normalize_text(text)[:100]


def place_key(name: str) -> str:
    """How building names are compared: NFKC, no spaces, Latin letters upper case."""
    return normalize_text(name).replace(" ", "").upper()


_BUILDING_SUFFIX = re.compile(r"(号楼|号|栋|幢|楼|座)$")


def loose_place_key(name: str) -> str:
    """ "1号楼", "1栋", "1幢" and "1" are the same building when only one of them exists."""
    return _BUILDING_SUFFIX.sub("", place_key(name))
