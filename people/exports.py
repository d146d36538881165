"""The registry (or a filtered part of it) as an .xlsx file, scoped to the exporter.

ID numbers and phones are masked unless the exporter's role may export them in full
(core.roles.EXPORT_FULL_ROLES), which takes a reason. A masked file carries the birth year, not
the birth date: the date is the hidden middle of the ID number (digits 7–14), so a date column
beside a masked ID would give it back. Every export is written to the access log
(action "export" in full, "export_masked" otherwise) with the count and the filters — never the
data. Rows are streamed from the database into openpyxl's write-only workbook, so a community of
tens of thousands of residents does not sit in memory.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core.actor import Actor
from core.audit import audit_record
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.masking import mask_id_number, mask_phone
from core.roles import EXPORT_FULL_ROLES
from core.scoping import place_columns_q
from core.spreadsheets import new_workbook
from core.validators import normalize_line
from people.models import VULNERABILITY_FIELDS, Relation, ResidentStatus, Sex
from people.policies import REGISTRY_EXPORT_ROLES, may_export_full, may_export_registry
from people.selectors import RegistryFilters, registry_residents
from places.models import Place
from places.selectors import place_roots

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000

# (query field, Chinese header, column width). The headers are the users' spreadsheet format,
# data rather than UI text, and the columns the import template shares are named as it names
# them (楼栋, 房号, 姓名, 身份证号, 联系电话, 与户主关系, the flags, 备注).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("grid__name", "网格", 12),
    ("building__name", "楼栋", 12),
    ("household__room", "房号", 14),
    ("person__name", "姓名", 10),
    ("person__sex", "性别", 6),
    ("person__birth_date", "出生日期", 12),
    ("person__id_number", "身份证号", 22),
    ("person__phone", "联系电话", 16),
    ("relation", "与户主关系", 12),
    ("status", "状态", 10),
    ("status_since", "状态起始日期", 12),
    ("status_note", "状态说明", 24),
    ("is_elderly_alone", "独居老人", 10),
    ("is_disabled", "残疾", 8),
    ("has_chronic_illness", "慢性病需定期治疗", 16),
    ("is_pregnant", "孕产妇", 8),
    ("in_hardship", "生活困难家庭", 12),
    ("is_child_without_carer", "无人照料儿童", 12),
    ("care_note", "备注", 30),
)
assert {c[0] for c in COLUMNS} >= set(VULNERABILITY_FIELDS)
# What a masked file shows instead of the full birth date.
MASKED_HEADERS = {"person__birth_date": "出生年份"}


@dataclass
class RegistryExport:
    file: IO[bytes]
    filename: str
    count: int
    full: bool


@transaction.atomic
def registry_export(
    *, actor: Actor, filters: RegistryFilters, full: bool = False, reason: str = ""
) -> RegistryExport:
    """Write the actor's registry, narrowed by `filters`, to a temporary .xlsx file."""
    if not may_export_registry(actor):
        raise NotAllowed(_("Your role may not export the registry."))
    reason = normalize_line(reason)
    if full:
        if not may_export_full(actor):
            raise NotAllowed(_("Your role may export personal data only masked."))
        if len(reason) < 2:
            raise field_error(
                "reason", _("Say why you need ID numbers and phones in full."), CoreError.REQUIRED
            )
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed on
    count = _write(out, actor, filters, full)
    out.seek(0)
    place = _export_place(actor, filters)
    detail: dict[str, Any] = {"count": count, "filters": filters.describe(), "full": full}
    if filters.q:
        detail["filters"]["q"] = True  # that a search narrowed it, not what was typed
    if reason:
        detail["reason"] = reason[:200]
    audit_record(
        actor=actor,
        action="export" if full else "export_masked",
        target_type="registry",
        target_id=place.pk if place else "",
        place_path=place.path if place else "",
        detail=detail,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{place.name if place else ''}实有人口-{stamp}.xlsx"
    return RegistryExport(file=out, filename=name, count=count, full=full)


def _write(out: IO[bytes], actor: Actor, filters: RegistryFilters, full: bool) -> int:
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet("实有人口")
    from openpyxl.utils import get_column_letter

    for i, (_f, _h, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for field, title, _w in COLUMNS:
        cell = WriteOnlyCell(ws, value=title if full else MASKED_HEADERS.get(field, title))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    with translation.override("zh-hans"):  # the file's values speak the headers' language
        relation = {k: str(v) for k, v in Relation.choices}
        status = {k: str(v) for k, v in ResidentStatus.choices}
        sex = {k: str(v) for k, v in Sex.choices}
    yes, no = "是", "否"
    fields = [c[0] for c in COLUMNS]
    residents = registry_residents(actor, filters)
    if not actor.is_superuser:
        # Only the areas of the grants that allow this kind of export (a community admin who is
        # also a building head elsewhere exports the community, not that building).
        roles = EXPORT_FULL_ROLES if full else REGISTRY_EXPORT_ROLES
        q = place_columns_q(actor, roles)
        residents = residents.filter(q) if q is not None else residents.none()
    rows = residents.values_list(*fields)
    count = 0
    for values in rows.iterator(chunk_size=CHUNK):
        row = dict(zip(fields, values, strict=True))
        id_number = row["person__id_number"] or ""
        phone = row["person__phone"] or ""
        row["person__id_number"] = id_number if full else mask_id_number(id_number)
        row["person__phone"] = phone if full else mask_phone(phone)
        birth = row["person__birth_date"]
        if birth is not None and not full:
            row["person__birth_date"] = birth.year
        row["person__sex"] = sex.get(row["person__sex"], "")
        row["relation"] = relation.get(row["relation"], row["relation"])
        row["status"] = status.get(row["status"], row["status"])
        for f in VULNERABILITY_FIELDS:
            row[f] = yes if row[f] else no
        # ID numbers and phones are written as text cells (strings), so Excel never turns them
        # into 4.2E+17.
        ws.append([row[f] for f in fields])
        count += 1
    wb.save(out)  # type: ignore[arg-type]
    return count


def _export_place(actor: Actor, filters: RegistryFilters) -> Place | None:
    """The narrowest place the export covers: the filtered building or grid, else the actor's
    area (so city and district admins find the event in their part of the access log)."""
    for pk in (filters.building_id, filters.grid_id):
        if pk:
            place = Place.objects.for_actor(actor).filter(pk=pk).first()
            if place is not None:
                return place
    roots = place_roots(actor)
    return roots[0] if roots else None
