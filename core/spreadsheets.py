"""The one writer of every .xlsx the application gives out (exports, templates, rejected rows).

Formula injection (OWASP "CSV injection"): text that users typed — a care note, a remark, a
campaign name, a cell of an uploaded file given back — must never run as a formula when the file
is opened. openpyxl turns any string starting with "=" into a formula, and Excel or WPS re-read a
text cell starting with "=", "+", "-", "@", a tab or a carriage return as a formula as soon as
someone edits it. So every such text cell is written as a *string* cell with Excel's "quote
prefix" set: the sheet shows exactly what was typed (no apostrophe added to the value, so the
file still reads back, and re-imports, as typed), and editing the cell keeps it text — it is what
Excel itself stores when a user types '=1+1. Prefixing the value with a "'" character, OWASP's
advice for CSV, would instead show and re-import the apostrophe.

Numbers stay numbers (a negative number is not text and is safe); only text is neutralised.

Use `new_workbook()` instead of openpyxl's `Workbook` (a house rule test checks this):
- a normal workbook is neutralised as a whole when saved (whatever way cells were set);
- a write-only workbook streams its rows, so its sheets neutralise each row as it is appended.

No export writes CSV; one that does must add its writer here, quoting the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.cell.rich_text import CellRichText
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "FORMULA_TRIGGERS",
    "SafeWorkbook",
    "is_risky_text",
    "literal_text",
    "new_workbook",
    "workbook_bytes",
]

# What a spreadsheet may read as the start of a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky_text(value: object) -> bool:
    """Text a spreadsheet could run as a formula, or read as an error value ("#N/A")."""
    return isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES)


def literal_text(cell: Cell) -> None:
    """Make a cell holding text a plain string cell, shown and kept as typed."""
    if not isinstance(cell.value, str):
        return
    if cell.data_type != "s" or is_risky_text(cell.value):
        # openpyxl made it "f" (a formula) or "e" (an error value), or Excel would on an edit.
        cell.data_type = "s"
        cell.quotePrefix = True


class SafeWriteOnlyWorksheet(WriteOnlyWorksheet):
    """A streamed sheet whose appended rows have their text cells made literal."""

    def append(self, row: Iterable[Any]) -> None:  # type: ignore[override]
        super().append([self._safe(value) for value in row])

    def _safe(self, value: Any) -> Any:
        if isinstance(value, Cell):
            literal_text(value)
            return value
        if is_risky_text(value):
            cell = WriteOnlyCell(self, value=value)
            literal_text(cell)
            return cell
        return value


class SafeWorkbook(Workbook):
    """openpyxl's Workbook, with every text cell that could run as a formula written as text."""

    def create_sheet(self, title: str | None = None, index: int | None = None) -> Any:
        if not self.write_only:
            return super().create_sheet(title, index)
        sheet = SafeWriteOnlyWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename: str | IO[bytes]) -> None:
        if not self.write_only:
            for sheet in self.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if not isinstance(cell.value, CellRichText):
                            literal_text(cell)
        super().save(filename)  # type: ignore[arg-type]


def new_workbook(*, write_only: bool = False) -> SafeWorkbook:
    return SafeWorkbook(write_only=write_only)


def workbook_bytes(wb: SafeWorkbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
