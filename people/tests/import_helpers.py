"""Real .xlsx files for the import tests, built with openpyxl the way users' files look."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import date
from typing import Any

from openpyxl import Workbook, load_workbook

from accounts.selectors import actor_for_user
from core.actor import Actor
from core.validators import id_check_digit
from people.models import Person, Resident
from testkit import TinyCity

HEADER = [
    "楼栋",
    "房号",
    "姓名",
    "身份证号",
    "联系电话",
    "与户主关系",
    "独居老人",
    "残疾",
    "慢性病需定期治疗",
    "孕产妇",
    "生活困难家庭",
    "无人照料儿童",
    "备注",
]
_seq = itertools.count(1)


def new_id(born: date = date(1985, 3, 4), region: str = "420106") -> str:
    first17 = f"{region}{born:%Y%m%d}{next(_seq) % 1000:03d}"
    return first17 + id_check_digit(first17)


def new_numeric_id() -> str:
    """One that Excel could hold as an integer: no X check character."""
    while True:
        number = new_id()
        if number.isdigit():
            return number


def xlsx(
    rows: list[list[Any]],
    *,
    header: list[str] | None = None,
    title: str | None = None,
    trailing_empty: int = 0,
) -> bytes:
    """A workbook: optional merged title row and a blank row, the header, rows, then
    `trailing_empty` rows that look empty but exist (spaces, formatted cells)."""
    header = header or HEADER
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    if trailing_empty:
        last = ws.max_row
        for i in range(1, trailing_empty + 1):
            ws.cell(row=last + i, column=2, value="  ")
        ws.cell(row=last + trailing_empty + 50, column=4).number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_integer_cells(content: bytes, numbers: dict[int, str]) -> bytes:
    """Store long digit strings as integer cells, as some registry systems export them
    (openpyxl, like Excel, would write a float): each placeholder int becomes the digits."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for placeholder, digits in numbers.items():
                    data = data.replace(
                        f"<v>{placeholder}</v>".encode(), f"<v>{digits}</v>".encode()
                    )
            target.writestr(item, data)
    return out.getvalue()


def plain_names(tc: TinyCity) -> list[Resident]:
    """The tiny city's inside residents, renamed without the digits a real name never has."""
    residents = tc.inside.residents
    for resident, name in zip(residents, ("张内甲", "张内乙"), strict=False):
        Person.objects.filter(pk=resident.person_id).update(name=name)
        resident.person.refresh_from_db()
    return residents


def row(
    building: str = "1栋",
    room: Any = "1单元101",
    name: str = "李新",
    id_number: Any = "",
    phone: Any = "",
    relation: str = "",
    flags: tuple[str, ...] = ("", "", "", "", "", ""),
    note: str = "",
) -> list[Any]:
    return [building, room, name, id_number, phone, relation, *flags, note]


def admin(tc: TinyCity, role: str = "community_admin") -> Actor:
    return actor_for_user(tc.users[role])


def read_xlsx(content: bytes) -> list[list[Any]]:
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


_INLINE = re.compile(
    rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S
)


def excel_style(content: bytes, rich: dict[str, bytes] | None = None) -> bytes:
    """The same workbook as Excel or WPS would store it: text in a shared-strings part (found
    through the workbook's relationships) and, for the texts in `rich`, rich-text runs with
    a phonetic guide."""
    rich = rich or {}
    source = zipfile.ZipFile(io.BytesIO(content))
    strings: list[bytes] = []

    def share(match: re.Match[bytes]) -> bytes:
        text = match.group(3)
        strings.append(rich.get(text.decode(), b"<t>" + text + b"</t>"))
        style = match.group(2) or b""
        return (
            b'<c r="' + match.group(1) + b'"' + style + b' t="s"><v>%d</v></c>' % (len(strings) - 1)
        )

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = _INLINE.sub(share, data)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="strings/shared.xml"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/strings/shared.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(item, data)
        items = b"".join(b"<si>" + s + b"</si>" for s in strings)
        target.writestr(
            "xl/strings/shared.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="%d" uniqueCount="%d">' % (len(strings), len(strings)) + items + b"</sst>",
        )
    return out.getvalue()
