"""Reading the registry spreadsheet (实有人口登记表): its columns, and an uploaded .xlsx read the
way communities really fill them in, by a streaming reader of the raw worksheet XML.

Pure functions: nothing here reads or writes the database.

Real files this must read: a title row (often merged across the columns) above the header,
trailing empty rows, numbers stored as numbers (an ID typed into a General cell becomes
4.20106E+17 and loses its last digits), full-width digits, spaces inside names, 是/否 typed in
many ways. Headers are matched by name, in Chinese as in the template or in English.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import field_error
from core.validators import normalize_text
from people.error_codes import PeopleError
from people.models import VULNERABILITY_FIELDS

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
# A 10 MB .xlsx that unpacks to more than this is not a registry but a zip bomb.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header: data, the users' spreadsheets, not UI text
    english: str
    aliases: tuple[str, ...] = ()
    width: int = 12
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "building",
        "楼栋",
        "Building",
        ("楼栋号", "楼号", "栋号", "楼栋名称", "楼宇", "栋"),
        12,
        True,
    ),
    Column(
        "room", "房号", "Room", ("房间号", "门牌号", "室号", "户号", "房屋", "单元房号"), 14, True
    ),
    Column("name", "姓名", "Name", ("居民姓名", "名字", "full name"), 10, True),
    Column(
        "id_number",
        "身份证号",
        "ID number",
        ("身份证号码", "公民身份号码", "身份证", "证件号码", "证件号", "id", "id no"),
        22,
    ),
    Column(
        "phone",
        "联系电话",
        "Phone",
        ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "联系电话号码", "mobile"),
        16,
    ),
    Column(
        "relation",
        "与户主关系",
        "Relation to head",
        ("关系", "家庭关系", "与户主的关系", "relation"),
        12,
    ),
    Column("is_elderly_alone", "独居老人", "Elderly living alone", ("独居",), 10),
    Column("is_disabled", "残疾", "Disabled", ("残疾人",), 8),
    Column(
        "has_chronic_illness",
        "慢性病需定期治疗",
        "Chronic illness needing regular treatment",
        ("慢性病", "需定期治疗", "chronic illness"),
        16,
    ),
    Column("is_pregnant", "孕产妇", "Pregnant", ("孕妇",), 8),
    Column("in_hardship", "生活困难家庭", "Family in hardship", ("困难家庭", "生活困难"), 12),
    Column(
        "is_child_without_carer",
        "无人照料儿童",
        "Child without carer",
        ("无人照料", "无人看护儿童"),
        12,
    ),
    Column("care_note", "备注", "Note", ("照护备注", "care note"), 30),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
FLAG_KEYS = VULNERABILITY_FIELDS
REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)


# --------------------------------------------------------------------------------------------
# Reading an upload
# --------------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int  # as Excel shows it, 1-based
    cells: list[str]  # the text of each header column, as typed


@dataclass
class Sheet:
    headers: list[str]  # as the file names its columns
    columns: dict[str, int]  # column key → index into headers/cells
    header_row: int
    rows: list[SheetRow] = field(default_factory=list)

    def header_of(self, key: str) -> str:
        index = self.columns.get(key)
        return self.headers[index] if index is not None else COLUMN_BY_KEY[key].header


_PARENTHESES = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
_HEADER_NOISE = re.compile(r"[\s*:：_/\\.、-]+")


def header_key(text: str) -> str:
    t = normalize_text(text).lower()
    t = _PARENTHESES.sub("", t)
    t = _HEADER_NOISE.sub("", t)
    return t.removeprefix("是否")


HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.header, _c.english, _c.key, *_c.aliases):
        HEADER_LOOKUP.setdefault(header_key(_name), _c.key)


def cell_text(value: Any, *, key: str = "") -> str:
    """A cell's value as the text a person typed (numbers stored as numbers included)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if key == "id_number":
            # A float ID has lost its last digits: keep Excel's scientific form so the
            # validator can say exactly that, instead of reporting a wrong check digit.
            return repr(value) if abs(value) >= 1e15 else _float_text(value)
        return _float_text(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _float_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def check_file(content: bytes) -> None:
    """Refuse what is not a readable .xlsx of a sensible size, naming the field "file"."""
    if not content:
        raise field_error("file", _("The file is empty."), PeopleError.FILE_EMPTY)
    if len(content) > MAX_FILE_BYTES:
        raise field_error(
            "file",
            _("The file is larger than %(limit)d MB; split it into several files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)},
            PeopleError.FILE_TOO_LARGE,
        )
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise field_error(
            "file",
            _(
                "This is an old .xls file or a password-protected workbook. In Excel or WPS "
                "choose Save As, 'Excel Workbook (*.xlsx)', without a password, and upload that."
            ),
            PeopleError.FILE_XLS,
        )
    not_xlsx = field_error(
        "file",
        _(
            "This is not an Excel .xlsx file. In Excel or WPS choose Save As, 'Excel Workbook "
            "(*.xlsx)', and upload that."
        ),
        PeopleError.FILE_NOT_XLSX,
    )
    if content[:4] != b"PK\x03\x04":
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if "xl/workbook.xml" not in names:
        raise not_xlsx
    if unpacked > MAX_UNPACKED_BYTES:
        raise field_error(
            "file",
            _("The workbook is too large to read; split it into several files."),
            PeopleError.FILE_TOO_LARGE,
        )


def read_sheet(content: bytes) -> Sheet:
    """The first worksheet with a recognisable header row, and its non-empty rows.

    Raises ValidationError on "file" for anything a person has to fix in the file itself.
    """
    check_file(content)
    try:
        for rows in _worksheets(content):
            sheet = _read_worksheet(rows)
            if sheet is not None:
                if not sheet.rows:
                    raise field_error(
                        "file",
                        _("The header row was found (row %(row)d) but there are no rows under it.")
                        % {"row": sheet.header_row},
                        PeopleError.FILE_NO_ROWS,
                    )
                return sheet
    except (KeyError, IndexError, ValueError, SyntaxError, zipfile.BadZipFile):
        # A damaged workbook (ParseError is a SyntaxError); no row data goes into the message.
        raise _damaged() from None
    raise _no_header()


# A streaming reader of the worksheet XML (ECMA-376 SpreadsheetML), three times faster than
# openpyxl's read-only mode on a 10,000-row registry and exact about numbers: a cell's number
# is kept as the digits stored in the file, so an 18-digit ID stored as an integer survives and
# one Excel stored as 4.2010619900307E+17 is recognised for what it is.
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL_NS_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_INTEGER_FLOAT = re.compile(r"^-?\d+\.0*$")


def _damaged() -> ValidationError:
    return field_error(
        "file",
        _("The file could not be read as an Excel workbook; it may be damaged."),
        PeopleError.FILE_NOT_XLSX,
    )


def _no_header() -> ValidationError:
    return field_error(
        "file",
        _(
            "No header row found: one of the first %(rows)d rows must name the columns, "
            "e.g. %(columns)s. Download the template to see them."
        )
        % {"rows": HEADER_SEARCH_ROWS, "columns": "、".join(c.header for c in COLUMNS[:4])},
        PeopleError.FILE_NO_HEADER,
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sniff(content: bytes) -> int | None:
    """A cheap first look at an upload, done before deciding whether to check it at once or
    in the background: refuses what check_file refuses and a workbook without a header row
    (or missing a required column), and estimates the data rows under the header from the
    sheet's dimension; None when the file does not say.

    Raises ValidationError on "file", as read_sheet does.
    """
    check_file(content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        sheets, shared_path = _sheet_paths(archive)
        shared = _shared_strings(archive, shared_path) if shared_path in archive.namelist() else []
        for path in sheets:
            for number, values in _rows(archive, path, shared):
                if number > HEADER_SEARCH_ROWS:
                    break
                sheet = _header(values, number)
                if sheet is not None:
                    last = _dimension_last_row(archive, path)
                    return None if last is None else max(0, last - sheet.header_row)
    except (KeyError, IndexError, ValueError, SyntaxError, zipfile.BadZipFile):
        raise _damaged() from None
    raise _no_header()


def _iterparse(source: IO[bytes], events: Sequence[str] = ("end",)) -> Iterator[tuple[str, Any]]:
    """The one way a workbook's XML is read. The upload is untrusted, and stdlib's parser is
    safe enough for it here: it fetches no external entity or DTD, the expat it is built on
    (2.4.1 and later) refuses entity amplification (billion laughs), and check_file caps the
    unpacked size before anything is parsed."""
    return ElementTree.iterparse(source, events=events)  # nosec B314: see the docstring above


def _dimension_last_row(archive: zipfile.ZipFile, path: str) -> int | None:
    """The last row of the worksheet's <dimension ref="A1:M5000">, read before its data."""
    for _event, el in _iterparse(archive.open(path), events=("start",)):
        name = _local(el.tag)
        if name == "dimension":
            ref = (el.get("ref") or "").rsplit(":", 1)[-1]
            match = _CELL_REF.match(ref)
            return int(match.group(2)) if match else None
        if name == "sheetData":
            return None
    return None


def _sheet_paths(archive: zipfile.ZipFile) -> tuple[list[str], str]:
    """The worksheets' paths in workbook order, and the shared strings' path."""
    names = set(archive.namelist())
    targets: dict[str, str] = {}
    shared_path = "xl/sharedStrings.xml"
    if "xl/_rels/workbook.xml.rels" in names:
        for _event, el in _iterparse(archive.open("xl/_rels/workbook.xml.rels")):
            if _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                target = target[1:] if target.startswith("/") else "xl/" + target
                targets[el.get("Id", "")] = target
                if el.get("Type", "").endswith("/sharedStrings"):
                    shared_path = target
    sheets: list[str] = []
    for _event, el in _iterparse(archive.open("xl/workbook.xml")):
        if _local(el.tag) == "sheet":
            rel = el.get(_REL_NS) or el.get(_REL_NS_STRICT) or ""
            if targets.get(rel) in names:
                sheets.append(targets[rel])
    return sheets, shared_path


def _worksheets(content: bytes) -> Iterator[Iterator[tuple[int, list[Any]]]]:
    """Each worksheet, in workbook order, as (row number, cell values) of its non-empty rows.

    Values are str for text and for numbers (the stored digits), None for empty cells."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    sheets, shared_path = _sheet_paths(archive)
    shared = _shared_strings(archive, shared_path) if shared_path in archive.namelist() else []
    for path in sheets:
        yield _rows(archive, path, shared)


def _shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    strings: list[str] = []
    for _event, el in _iterparse(archive.open(path)):
        if _local(el.tag) == "si":
            strings.append(_string_item(el))
            el.clear()
    return strings


def _string_item(el: Any) -> str:
    """Text of an <si> or <is>: plain <t>, or rich-text runs <r><t>; never the phonetic
    guide (<rPh>) some East Asian files carry."""
    parts: list[str] = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _rows(
    archive: zipfile.ZipFile, path: str, shared: list[str]
) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    for _event, el in _iterparse(archive.open(path)):
        if _local(el.tag) != "row":
            continue
        number = int(el.get("r") or number + 1)
        values: list[Any] = []
        for cell in el:
            if _local(cell.tag) != "c":
                continue
            ref = _CELL_REF.match(cell.get("r") or "")
            index = _column_index(ref.group(1)) if ref else len(values)
            if index >= 16384:
                continue
            while len(values) < index:
                values.append(None)
            values.append(_cell_value(cell, shared))
        el.clear()
        if any(v not in (None, "") for v in values):
            yield number, values


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _cell_value(cell: Any, shared: list[str]) -> Any:
    kind = cell.get("t", "n")
    value: str | None = None
    for child in cell:
        name = _local(child.tag)
        if name == "v":
            value = child.text
        elif name == "is":
            return _string_item(child)
    if value is None:
        return None
    if kind == "s":
        return shared[int(value)]
    if kind == "b":
        return "是" if value.strip() == "1" else "否"
    if kind == "n" and _INTEGER_FLOAT.match(value):
        return value.split(".", 1)[0]  # 502.0 is the room 502
    return value  # inline/formula strings, errors (#N/A), ISO dates, other numbers as stored


def _read_worksheet(rows: Iterator[tuple[int, list[Any]]]) -> Sheet | None:
    sheet: Sheet | None = None
    keys: list[str] = []
    for number, values in rows:
        if sheet is None:
            if number > HEADER_SEARCH_ROWS:
                return None
            sheet = _header(values, number)
            keys = sheet_keys(sheet) if sheet else []
            continue
        cells = [
            cell_text(values[i] if i < len(values) else None, key=key) for i, key in enumerate(keys)
        ]
        if not any(c.strip() for c in cells):
            continue  # empty rows between blocks and after the end
        if len(sheet.rows) >= MAX_ROWS:
            raise field_error(
                "file",
                _("The file has more than %(limit)d rows; split it into several files.")
                % {"limit": MAX_ROWS},
                PeopleError.FILE_TOO_MANY_ROWS,
            )
        sheet.rows.append(SheetRow(number, cells))
    return sheet


def sheet_keys(sheet: Sheet) -> list[str]:
    keys = [""] * len(sheet.headers)
    for key, index in sheet.columns.items():
        keys[index] = key
    return keys


def _header(values: Sequence[Any], number: int) -> Sheet | None:
    columns: dict[str, int] = {}
    for index, value in enumerate(values):
        key = HEADER_LOOKUP.get(header_key(cell_text(value)))
        if key and key not in columns:
            columns[key] = index
    if len(columns) < 3 or "name" not in columns:
        return None
    missing = [COLUMN_BY_KEY[k].header for k in REQUIRED_KEYS if k not in columns]
    if missing:
        raise field_error(
            "file",
            _("The header row (row %(row)d) has no column %(columns)s.")
            % {"row": number, "columns": "、".join(missing)},
            PeopleError.FILE_MISSING_COLUMNS,
        )
    last = max(i for i, v in enumerate(values) if cell_text(v).strip()) + 1
    headers = [normalize_text(cell_text(v)) for v in values[:last]]
    return Sheet(headers=headers, columns=columns, header_row=number)
