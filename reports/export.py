"""The daily report as an .xlsx in the layout offices file and print: one community's report
(title, date, figures table, remarks, 填报人/审核人 lines), and the roll-up of a street, district
or city (one row per community or sub-level, a totals row, the status column). Headings speak
the reader's language (the active one: Chinese or English). Counts only, no personal data."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import SafeWorkbook, new_workbook
from health.models import DailyReport, DailyReportStatus
from places.models import PlaceKind
from reports.selectors import (
    FIGURES,
    HAND_MARK,
    SECTIONS,
    STATUS_LABELS,
    Overview,
    report_status,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass
class DailyExport:
    file: IO[bytes]
    filename: str


def _save(wb: SafeWorkbook, filename: str) -> DailyExport:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return DailyExport(file=out, filename=filename)


def _local(value: object) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    cell = ws.cell(row=1, column=1, value=text)
    cell.font = Font(bold=True, size=16)
    cell.alignment = _CENTER
    ws.row_dimensions[1].height = 30


def _status_text(report: DailyReport) -> str:
    status = report_status(
        report.submitted_at if report.status == DailyReportStatus.SUBMITTED else None,
        report.deadline,
        timezone.now(),
    )
    return str(STATUS_LABELS[status])


def daily_report_export(report: DailyReport) -> DailyExport:
    """One community's report (the caller has fetched it with access_daily_report)."""
    wb = new_workbook()
    ws = wb.active
    ws.title = _("Daily report")[:31]
    community = report.community.name
    _title(ws, _("%(community)s daily epidemic prevention report") % {"community": community}, 3)
    ws.append([_("Date"), report.day.isoformat(), ""])
    ws.append([_("Status"), _status_text(report), ""])
    ws.append([_("Deadline"), _local(report.deadline), ""])
    ws.append([_("Submitted at"), _local(report.submitted_at), ""])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append([_("Item"), _("Figure"), _("Source")])
    for cell in ws[header_row]:
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = _CENTER
    by_hand = set(report.figures.get(HAND_MARK, []))
    section = ""
    for f in FIGURES:
        if f.section != section:
            section = f.section
            ws.append([str(SECTIONS[section]), "", ""])
            row = ws.max_row
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            ws.cell(row=row, column=1).font = _BOLD
            for c in range(1, 4):
                ws.cell(row=row, column=c).border = _BOX
        value = report.figures.get(f.key)
        source = _("entered by hand") if f.key in by_hand or f.hand_kept else _("generated")
        ws.append([str(f.label), value if isinstance(value, int) else "", source])
        for cell in ws[ws.max_row]:
            cell.border = _BOX
    ws.append([])
    ws.append([_("Remarks"), report.note or "", ""])
    row = ws.max_row
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    ws.cell(row=row, column=1).font = _BOLD
    ws.cell(row=row, column=2).alignment = _WRAP
    ws.row_dimensions[row].height = max(30, 15 * (1 + len(report.note or "") // 40))
    ws.append([])
    filled_by = ""
    if report.submitted_by is not None:
        filled_by = report.submitted_by.display_name or report.submitted_by.username
    ws.append([_("Filled in by:"), filled_by or "________", ""])
    ws.append([_("Reviewed by:"), "________", ""])
    ws.append([_("Generated at"), _local(report.generated_at), ""])
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 16
    name = _("%(community)s daily report %(day)s") % {
        "community": community,
        "day": report.day.strftime("%Y%m%d"),
    }
    return _save(wb, f"{name}.xlsx")


def daily_overview_export(overview: Overview) -> DailyExport:
    """The roll-up of a street (a row per community), district or city (a row per sub-level)."""
    wb = new_workbook()
    ws = wb.active
    ws.title = _("Roll-up")[:31]
    street = overview.place.kind == PlaceKind.STREET
    if street:
        fixed = [_("Community"), _("Status"), _("Submitted at")]
    else:
        fixed = [
            _("Name"),
            _("Communities"),
            _("Submitted"),
            _("Late"),
            pgettext("daily report status", "Not yet"),
        ]
    fixed.append(_("Reports in the sum"))
    header = fixed + [str(f.label) for f in FIGURES]
    _title(
        ws,
        _("%(place)s daily report roll-up") % {"place": overview.place.name},
        min(len(header), 12),
    )
    ws.append([_("Date"), overview.day.isoformat()])
    if overview.deadline is not None:
        ws.append([_("Deadline"), overview.deadline.strftime("%H:%M")])
    t = overview.total
    ws.append(
        [
            _("Communities"),
            t.communities,
            _("Submitted"),
            t.submitted,
            _("Late"),
            t.late,
            pgettext("daily report status", "Not yet"),
            t.not_yet,
        ]
    )
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(header)
    for cell in ws[header_row]:
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = _CENTER
    ws.row_dimensions[header_row].height = 45
    start: list[object]
    for r in overview.rows:
        if street:
            start = [r.name, r.status_label, _local(r.submitted_at)]
        else:
            start = [r.name, r.communities, r.submitted, r.late, r.not_yet]
        ws.append(start + [r.in_sum] + [r.sums.get(f.key, "") for f in FIGURES])
        for cell in ws[ws.max_row]:
            cell.border = _BOX
    if street:
        start = [_("Total"), f"{t.submitted}/{t.communities}", ""]
    else:
        start = [_("Total"), t.communities, t.submitted, t.late, t.not_yet]
    ws.append(start + [t.in_sum] + [t.sums.get(f.key, "") for f in FIGURES])
    for cell in ws[ws.max_row]:
        cell.font = _BOLD
        cell.border = _BOX
    for i in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 18 if i == 1 else 11
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    name = _("%(place)s daily report roll-up %(day)s") % {
        "place": overview.place.name,
        "day": overview.day.strftime("%Y%m%d"),
    }
    return _save(wb, f"{name}.xlsx")
