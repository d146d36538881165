"""The registry spreadsheet (实有人口登记表): the import template, reading an uploaded .xlsx the way
communities really fill them in, and checking each row on its own.

Pure functions over openpyxl: nothing here reads or writes the database. What needs the
database — whether a building belongs to the community, whether an ID number is registered
elsewhere — is decided in people.flows.

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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import iterparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.errors import field_error
from core.masking import mask_id_number, mask_in_text, mask_phone
from core.spreadsheets import new_workbook, workbook_bytes
from core.validators import (
    id_check_digit,
    normalize_line,
    normalize_text,
    validate_id_number,
)
from people.models import VULNERABILITY_FIELDS, Relation

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
FLAG_CHOICES = ("是", "否")

# The template's example row carries this synthetic ID (valid check digit, born 1980-05-17):
# a row that still has it was left in by mistake and is rejected, never imported.
_EXAMPLE_FIRST17 = "42010219800517123"
EXAMPLE_ID_NUMBER = _EXAMPLE_FIRST17 + id_check_digit(_EXAMPLE_FIRST17)
EXAMPLE_PHONE = "13800000000"


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------


def build_template(building_names: Iterable[str] = ()) -> bytes:
    """The import template: Chinese headers, one example row, dropdowns where values are fixed.

    With the community's building names, the 楼栋 column offers them as a dropdown too.
    """
    buildings = list(dict.fromkeys(building_names))
    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "居民信息"
    ws.append([c.header for c in COLUMNS])
    example = {
        "building": buildings[0] if buildings else "1栋",
        "room": "1单元101",
        "name": "张三",
        "id_number": EXAMPLE_ID_NUMBER,
        "phone": EXAMPLE_PHONE,
        "relation": RELATION_CHOICES[0],
        "care_note": "示例行，填写前请删除",
    }
    ws.append([example.get(c.key, "否" if c.key in FLAG_KEYS else "") for c in COLUMNS])
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="C8102E")
    example_font = Font(italic=True, color="808080")
    for index, column in enumerate(COLUMNS, 1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.required:
            cell.comment = Comment("必填", "邻里")
        ws.cell(row=2, column=index).font = example_font
        ws.column_dimensions[letter].width = column.width
        if column.key in ("id_number", "phone", "room"):
            # Text cells: Excel keeps all 18 characters and leading zeros (0 27-…).
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=index).number_format = "@"
    ws.freeze_panes = "A2"

    def letter_of(key: str) -> str:
        return get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.key == key))

    last = 20000
    relation = DataValidation(
        type="list",
        formula1='"' + ",".join(RELATION_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="与户主关系",
        error="请从下拉列表中选择：" + "、".join(RELATION_CHOICES),
    )
    relation.add(f"{letter_of('relation')}2:{letter_of('relation')}{last}")
    ws.add_data_validation(relation)
    flags = DataValidation(
        type="list",
        formula1='"' + ",".join(FLAG_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="是/否",
        error="请填写“是”或“否”",
    )
    flags.add(f"{letter_of(FLAG_KEYS[0])}2:{letter_of(FLAG_KEYS[-1])}{last}")
    ws.add_data_validation(flags)
    if buildings:
        sheet = wb.create_sheet("楼栋列表")
        for name in buildings:
            sheet.append([name])
        sheet.sheet_state = "hidden"
        building = DataValidation(
            type="list",
            formula1=f"'楼栋列表'!$A$1:$A${len(buildings)}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="楼栋",
            error="这个楼栋不在本社区的楼栋列表中。",
        )
        building.add(f"{letter_of('building')}2:{letter_of('building')}{last}")
        ws.add_data_validation(building)

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in (
        "填写说明",
        "1. 每行一位居民；第2行是示例，填写前请删除。",
        "2. 楼栋、房号、姓名必填。楼栋须是本社区已有的楼栋；同一楼栋的新房号会新建一户。",
        "3. 身份证号须为18位，请保持单元格为“文本”格式，否则Excel会把它变成 4.20106E+17 "
        "并丢失末几位。",
        "4. 联系电话填11位手机号，或带区号的固定电话，如 027-85551234。",
        "5. 与户主关系从下拉列表选择：" + "、".join(RELATION_CHOICES) + "。",
        "6. 独居老人、残疾等标记填“是”或“否”；留空表示不修改已登记的值。",
        "7. 同一个身份证号已在本社区登记的，按本表更新；已在其他社区登记的，不会导入。",
        "8. 表格上方可以有标题行；表头须在前10行内。",
    ):
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    return workbook_bytes(wb)


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


_HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.header, _c.english, _c.key, *_c.aliases):
        _HEADER_LOOKUP.setdefault(header_key(_name), _c.key)


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
        raise field_error("file", _("The file is empty."), "file_empty")
    if len(content) > MAX_FILE_BYTES:
        raise field_error(
            "file",
            _("The file is larger than %(limit)d MB; split it into several files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)},
            "file_too_large",
        )
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise field_error(
            "file",
            _(
                "This is an old .xls file or a password-protected workbook. In Excel or WPS "
                "choose Save As, 'Excel Workbook (*.xlsx)', without a password, and upload that."
            ),
            "file_xls",
        )
    not_xlsx = field_error(
        "file",
        _(
            "This is not an Excel .xlsx file. In Excel or WPS choose Save As, 'Excel Workbook "
            "(*.xlsx)', and upload that."
        ),
        "file_not_xlsx",
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
            "file_too_large",
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
                        "file_no_rows",
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
        "file_not_xlsx",
    )


def _no_header() -> ValidationError:
    return field_error(
        "file",
        _(
            "No header row found: one of the first %(rows)d rows must name the columns, "
            "e.g. %(columns)s. Download the template to see them."
        )
        % {"rows": HEADER_SEARCH_ROWS, "columns": "、".join(c.header for c in COLUMNS[:4])},
        "file_no_header",
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


def _dimension_last_row(archive: zipfile.ZipFile, path: str) -> int | None:
    """The last row of the worksheet's <dimension ref="A1:M5000">, read before its data."""
    for _event, el in iterparse(archive.open(path), events=("start",)):
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
        for _event, el in iterparse(archive.open("xl/_rels/workbook.xml.rels")):
            if _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                target = target[1:] if target.startswith("/") else "xl/" + target
                targets[el.get("Id", "")] = target
                if el.get("Type", "").endswith("/sharedStrings"):
                    shared_path = target
    sheets: list[str] = []
    for _event, el in iterparse(archive.open("xl/workbook.xml")):
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
    for _event, el in iterparse(archive.open(path)):
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
    for _event, el in iterparse(archive.open(path)):
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
                "file_too_many_rows",
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
        key = _HEADER_LOOKUP.get(header_key(cell_text(value)))
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
            "file_missing_columns",
        )
    last = max(i for i, v in enumerate(values) if cell_text(v).strip()) + 1
    headers = [normalize_text(cell_text(v)) for v in values[:last]]
    return Sheet(headers=headers, columns=columns, header_row=number)


# --------------------------------------------------------------------------------------------
# Checking one row (no database)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Giving rejected rows back
# --------------------------------------------------------------------------------------------


def build_rejected_workbook(
    rejected: list[dict[str, Any]],
    *,
    row_header: str,
    reason_header: str,
    masked: bool = False,
) -> bytes:
    """The rejected rows as the uploader typed them, with their row number and the reason."""
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet("未导入")
    headers: list[str] = []
    for entry in rejected:
        for header, _value in entry.get("values", []):
            if header not in headers:
                headers.append(header)
    if not headers:
        headers = [c.header for c in COLUMNS]
    id_headers = {h for h in headers if _HEADER_LOOKUP.get(header_key(h)) == "id_number"}
    phone_headers = {h for h in headers if _HEADER_LOOKUP.get(header_key(h)) == "phone"}
    birth_headers = {h for h in headers if is_birth_header(h)}
    for index, header in enumerate(headers, 2):
        letter = get_column_letter(index)
        width = max(10, min(30, 2 * len(header) + 4))
        if header in id_headers:
            width = 22
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions[get_column_letter(len(headers) + 2)].width = 60
    ws.append([row_header, *headers, reason_header])
    for entry in rejected:
        values = dict((h, v) for h, v in entry.get("values", []))
        cells: list[Any] = [entry["row"]]
        for header in headers:
            value = values.get(header, "")
            if masked and value:
                value = _masked_cell(header, value, id_headers, phone_headers, birth_headers)
            cells.append(_text_cell(ws, value) if header in id_headers | phone_headers else value)
        reasons = "；".join(f"{e['column']}：{e['message']}" for e in entry.get("errors", []))
        cells.append(reasons or entry.get("reason", ""))
        ws.append(cells)
    return workbook_bytes(wb)


# Columns a file may carry besides the template's that hold a birth date (出生日期, 出生年月,
# 生日, date of birth…): the hidden middle of a masked ID number.
_BIRTH_WORDS = ("出生", "生日", "birth", "dob")
_YEAR = re.compile(r"(?<![0-9])((?:18|19|20)[0-9]{2})(?:[0-9]{4})?(?![0-9])")  # 1983, 19830306


def is_birth_header(header: str) -> bool:
    key = header_key(header)
    return any(word in key for word in _BIRTH_WORDS)


def _masked_cell(
    header: str, value: str, id_headers: set[str], phone_headers: set[str], birth: set[str]
) -> str:
    """A typed cell as a masked copy shows it: ID and phone masked, a birth date as its year
    (or nothing, when no year can be read from it), and any ID or phone number typed into
    another column (a guardian's, in a note) masked too."""
    if header in id_headers:
        return mask_id_number(value)
    if header in phone_headers:
        return mask_phone(value)
    if header in birth:
        year = _YEAR.search(normalize_text(value))
        return year.group(1) if year else ""
    return mask_in_text(value)


def _text_cell(ws: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "@"
    return cell
