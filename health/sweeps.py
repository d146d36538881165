"""Sweep campaigns (拉网式排查): a district or city admin opens one over a place and a few days;
every household in it is to be screened once; closing it freezes the campaign report — the
households reached and not reached (by reason), the residents screened, and the four categories
found (confirmed, suspected, febrile, close contact), as in Wuhan's 17–19 February 2020 sweep.
A campaign past its last day is closed by a daily job (health.sweep_tasks)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill

from core.actor import Actor
from core.errors import NotAllowed
from core.spreadsheets import new_workbook, workbook_bytes
from core.validators import normalize_line
from health.models import SweepCampaign, SweepStatus
from health.policies import SWEEP_ROLES, may_close_sweep, may_open_sweeps
from health.sweep_selectors import (
    CATEGORIES,
    Figures,
    SweepProgress,
    figures_by,
    frozen_order,
    sweep_progress,
)
from places.models import PLACE_ORDER, Place, PlaceKind, path_ids

MAX_DAYS = 14
NAME_MAX = 100
NOTE_MAX = 500
SCOPE_KINDS = (PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY)
REPORT_VERSION = 1


@transaction.atomic
def sweep_open(
    *,
    actor: Actor,
    name: str,
    scope: Place | None,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    note: str = "",
) -> SweepCampaign:
    """Open a campaign over `scope` (inside the actor's area) from `start_date` (not in the past)
    to `end_date` (at most MAX_DAYS days in all)."""
    if not may_open_sweeps(actor):
        raise NotAllowed(_("Only a district or city admin opens a sweep."))
    errors: dict[str, list[ValidationError]] = {}

    def add(name_: str, message: str, code: str) -> None:
        errors.setdefault(name_, []).append(ValidationError(message, code=code))

    name = normalize_line(name)
    note = normalize_line(note)
    if not name:
        add("name", _("Give the sweep a name."), "required")
    elif len(name) > NAME_MAX:
        add("name", _("Keep the name under %(n)s characters.") % {"n": NAME_MAX}, "too_long")
    if len(note) > NOTE_MAX:
        add(
            "note", _("Keep the instructions under %(n)s characters.") % {"n": NOTE_MAX}, "too_long"
        )
    if scope is None:
        add("scope", _("Choose the area to sweep."), "required")
    elif scope.kind not in SCOPE_KINDS:
        add("scope", _("Choose a city, district, street or community."), "invalid")
    elif not actor.is_superuser and not any(
        scope.path.startswith(g.place_path) for g in actor.place_grants(SWEEP_ROLES)
    ):
        add("scope", _("This place is outside your area."), "outside")
    today = timezone.localdate()
    if start_date is None:
        add("start_date", _("Enter the first day."), "required")
    elif start_date < today:
        add("start_date", _("The first day cannot be in the past."), "past")
    if end_date is None:
        add("end_date", _("Enter the last day."), "required")
    elif start_date is not None and end_date < start_date:
        add("end_date", _("The last day cannot be before the first day."), "before_start")
    elif start_date is not None and (end_date - start_date).days + 1 > MAX_DAYS:
        add(
            "end_date",
            _("A sweep lasts at most %(n)s days.") % {"n": MAX_DAYS},
            "too_long",
        )
    if not errors and scope is not None and start_date and end_date:
        # One open sweep per household and day: a visit counts for exactly one campaign.
        ancestors = [
            f"/{'/'.join(scope.path.strip('/').split('/')[: i + 1])}/"
            for i in range(scope.depth + 1)
        ]
        clash = (
            SweepCampaign.objects.filter(status=SweepStatus.OPEN, start_date__lte=end_date)
            .filter(end_date__gte=start_date)
            .filter(Q(scope_path__startswith=scope.path) | Q(scope_path__in=ancestors))
            .first()
        )
        if clash is not None:
            add(
                "scope",
                _("The open sweep “%(name)s” already covers (part of) this place on these days.")
                % {"name": clash.name},
                "overlap",
            )
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    assert scope is not None and start_date is not None and end_date is not None
    return SweepCampaign.objects.create(
        name=name,
        scope=scope,
        scope_path=scope.path,
        start_date=start_date,
        end_date=end_date,
        note=note,
        opened_by_id=actor.user_id or 0,
        opened_at=timezone.now(),
    )


@transaction.atomic
def sweep_close(*, actor: Actor | None, campaign: SweepCampaign) -> SweepCampaign:
    """Close the campaign and freeze its report. Closing a closed campaign changes nothing.
    `actor` None is the daily job closing a campaign past its last day."""
    if actor is not None and not may_close_sweep(actor, campaign):
        raise NotAllowed(_("Only a district or city admin over the whole sweep closes it."))
    locked = SweepCampaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == SweepStatus.CLOSED:
        return locked
    locked.report = sweep_report(locked)
    locked.status = SweepStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by_id = actor.user_id if actor is not None and actor.user_id else None
    locked.save(update_fields=["report", "status", "closed_at", "closed_by"])
    return locked


def sweeps_close_due(today: datetime.date | None = None) -> int:
    """Close every open campaign whose last day has passed (the daily job; idempotent)."""
    today = today or timezone.localdate()
    closed = 0
    for campaign in SweepCampaign.objects.filter(status=SweepStatus.OPEN, end_date__lt=today):
        if sweep_close(actor=None, campaign=campaign).closed_at is not None:
            closed += 1
    return closed


# ---- the campaign report ---------------------------------------------------------------------


def sweep_report(campaign: SweepCampaign) -> dict[str, Any]:
    """The campaign's figures for its scope and every district, street, community and grid in
    it: one grouped pass per grid (aggregate queries), rolled up the tree in memory."""
    scope = campaign.scope
    by_grid = figures_by(campaign, scope, "grid_id")
    places = list(
        Place.objects.filter(path__startswith=scope.path)
        .exclude(kind=PlaceKind.BUILDING)
        .order_by(*PLACE_ORDER)
        .values("pk", "name", "kind", "parent_id", "path")
    )
    totals: dict[int, Figures] = {p["pk"]: Figures() for p in places}
    scope_ids = {p["pk"] for p in places}
    for p in places:
        if p["kind"] != PlaceKind.GRID or p["pk"] not in by_grid:
            continue
        f = by_grid[p["pk"]]
        for ancestor in path_ids(p["path"]):
            if ancestor in scope_ids:
                totals[ancestor] = totals[ancestor] + f
    total = totals.get(scope.pk, Figures())
    return {
        "version": REPORT_VERSION,
        "computed_at": timezone.now().isoformat(),
        "name": campaign.name,
        "scope": {"id": scope.pk, "name": scope.name, "kind": scope.kind},
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat(),
        "totals": total.as_dict(),
        "places": {
            str(p["pk"]): {
                "name": p["name"],
                "kind": p["kind"],
                "parent": p["parent_id"] if p["pk"] != scope.pk else None,
                "path": p["path"],
                **totals[p["pk"]].as_dict(),
            }
            for p in places
        },
    }


# ---- the report as .xlsx ---------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
# (figure, Chinese header): the report is data in the users' spreadsheet format.
_LEVEL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("households", "应排查户数"),
    ("screened", "已排查户数"),
    ("percent", "完成率(%)"),
    ("not_reached", "未排查户数"),
    ("never_visited", "其中:未上门"),
    ("nobody_home", "其中:无人在家"),
    ("refused", "其中:有人拒绝"),
    ("residents_screened", "排查人数"),
    ("abnormal", "发现异常人数"),
    ("confirmed", "确诊"),
    ("suspected", "疑似"),
    ("febrile", "发热"),
    ("close_contact", "密切接触者"),
)
_KIND_LABEL = {
    PlaceKind.CITY: "市",
    PlaceKind.DISTRICT: "区",
    PlaceKind.STREET: "街道",
    PlaceKind.COMMUNITY: "社区",
    PlaceKind.GRID: "网格",
    PlaceKind.BUILDING: "楼栋",
}
_CATEGORY_LABEL = {
    "confirmed": "确诊患者",
    "suspected": "疑似患者",
    "febrile": "发热患者",
    "close_contact": "密切接触者",
}


def sweep_workbook(campaign: SweepCampaign, place: Place) -> tuple[bytes, str]:
    """The campaign report for `place` (the actor's part) as .xlsx: title, scope, dates, the
    four categories, then a table per level below `place`. Counts only, no personal data."""
    levels = _level_tables(campaign, place)
    top = levels[0][1][0][1] if levels and levels[0][1] else Figures()
    wb = new_workbook()
    ws = wb.active
    ws.title = "排查报告"
    ws.append([f"{campaign.name} 拉网式排查报告"])
    ws["A1"].font = _TITLE
    status = "已结束" if campaign.status == SweepStatus.CLOSED else "进行中"
    when = timezone.localtime(campaign.closed_at) if campaign.closed_at else timezone.localtime()
    ws.append(["排查范围", campaign.scope.name])
    ws.append(["本表范围", place.name])
    ws.append(["排查时间", f"{campaign.start_date:%Y-%m-%d} 至 {campaign.end_date:%Y-%m-%d}"])
    ws.append(["状态", status])
    ws.append(["数据截至", f"{when:%Y-%m-%d %H:%M}"])
    ws.append([])
    ws.append(["四类人员"])
    ws.cell(ws.max_row, 1).font = _BOLD
    for name in CATEGORIES:
        ws.append([_CATEGORY_LABEL[name], getattr(top, name)])
    ws.append(["发现异常人数", top.abnormal])
    ws.append([])
    ws.append(["应排查户数", top.households, "已排查户数", top.screened, "完成率(%)", top.percent])
    ws.append(
        [
            "未排查户数",
            top.not_reached,
            "未上门",
            top.never_visited,
            "无人在家",
            top.nobody_home,
            "有人拒绝",
            top.refused,
        ]
    )
    ws.append(["排查人数", top.residents_screened])
    for kind, rows in levels:
        ws.append([])
        ws.append([f"按{_KIND_LABEL.get(PlaceKind(kind), kind)}"])
        ws.cell(ws.max_row, 1).font = _BOLD
        head = [_KIND_LABEL.get(PlaceKind(kind), kind), *[h for _k, h in _LEVEL_COLUMNS]]
        ws.append(head)
        for c in range(1, len(head) + 1):
            cell = ws.cell(ws.max_row, c)
            cell.font = _BOLD
            cell.fill = _HEAD_FILL
            cell.alignment = Alignment(wrap_text=True)
        for label, f in rows:
            d = f.as_dict()
            ws.append([label, *[d[k] for k, _h in _LEVEL_COLUMNS]])
    ws.column_dimensions["A"].width = 24
    for col in "BCDEFGHIJKLMN":
        ws.column_dimensions[col].width = 12
    filename = f"sweep-{campaign.pk}-{place.pk}-{campaign.start_date:%Y%m%d}.xlsx"
    return workbook_bytes(wb), filename


def _level_tables(
    campaign: SweepCampaign, place: Place
) -> list[tuple[str, list[tuple[str, Figures]]]]:
    """[(kind, [(name, figures)])]: `place` itself, then each level below it down to grids
    (a grid: its buildings)."""
    progress: SweepProgress = sweep_progress(campaign, place)
    tables: list[tuple[str, list[tuple[str, Figures]]]] = [
        (place.kind, [(place.name, progress.total)])
    ]
    frozen = (campaign.report or {}).get("places") or {}
    if campaign.status == SweepStatus.CLOSED and str(place.pk) in frozen:
        by_kind: dict[str, list[tuple[str, Figures]]] = {}
        names = {int(k): v["name"] for k, v in frozen.items()}
        for _pk, p in sorted(frozen.items(), key=frozen_order(frozen)):
            if p["path"].startswith(place.path) and p["path"] != place.path:
                parent = names.get(p.get("parent") or 0, "")
                label = f"{parent} · {p['name']}" if p["kind"] == PlaceKind.GRID else p["name"]
                by_kind.setdefault(p["kind"], []).append((label, Figures.from_dict(p)))
        for kind in (PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY, PlaceKind.GRID):
            if kind in by_kind:
                tables.append((kind, by_kind[kind]))
        if place.kind == PlaceKind.GRID:
            tables.append((PlaceKind.BUILDING, [(r.name, r.figures) for r in progress.rows]))
        return tables
    order = [PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY, PlaceKind.GRID]
    if place.kind == PlaceKind.GRID:
        order = [PlaceKind.BUILDING]
    for kind in order:
        depth_ok = list(
            Place.objects.filter(path__startswith=place.path, kind=kind).order_by(*PLACE_ORDER)
        )
        if not depth_ok or kind == place.kind:
            continue
        column = {
            PlaceKind.DISTRICT: "district_id",
            PlaceKind.STREET: "street_id",
            PlaceKind.COMMUNITY: "community_id",
            PlaceKind.GRID: "grid_id",
            PlaceKind.BUILDING: "building_id",
        }[kind]
        by = figures_by(campaign, place, column)
        parents = dict(
            Place.objects.filter(pk__in={p.parent_id for p in depth_ok}).values_list("pk", "name")
        )
        rows = []
        for p in depth_ok:
            label = (
                f"{parents.get(p.parent_id, '')} · {p.name}" if kind == PlaceKind.GRID else p.name
            )
            rows.append((label, by.get(p.pk, Figures())))
        tables.append((kind, rows))
    return tables
