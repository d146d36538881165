"""Registry import pages and API: upload → preview → confirm → progress → rejected rows, the
same scoping (404 outside), field-named errors, masked personal data, and the real queue."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from huey.contrib.djhuey import HUEY
from openpyxl import load_workbook

from accounts.services import api_token_issue
from core.models import AuditEvent
from people.models import ImportStatus, RegistryImport, Resident
from people.registry_import import run, services
from people.tests.import_helpers import admin, new_id, row, xlsx
from testkit import TinyCity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_file(content: bytes, name: str = "名单.xlsx") -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def web(tc: TinyCity, role: str = "community_admin") -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def bearer(tc: TinyCity, role: str = "community_admin") -> dict[str, str]:
    token, _t = api_token_issue(user=tc.users[role])
    return {"Authorization": f"Bearer {token}"}


def sample(tc: TinyCity) -> tuple[bytes, str]:
    bad = new_id()
    content = xlsx(
        [
            row(name="李新", id_number=new_id(), phone="13912340000", relation="子女"),
            row(room="8-801", name="周全", id_number=new_id(), relation="户主"),
            row(name="错号", id_number=bad[:17] + ("1" if bad[17] != "1" else "2"), phone="12345"),
        ],
        title="甲社区居民登记",
    )
    return content, bad[:17]


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_preview_confirm_and_rejected_download_through_the_pages(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    c = web(tc)
    page = c.get(reverse("people_import:start"))
    assert page.status_code == 200
    assert "甲社区" in page.content.decode()
    template = c.get(reverse("people_import:template") + f"?community={tc.inside.community.pk}")
    assert template["Content-Type"] == XLSX
    assert "attachment" in template["Content-Disposition"]
    buildings = load_workbook(io.BytesIO(template.content))["楼栋列表"]
    assert {r[0] for r in buildings.iter_rows(values_only=True)} == {"1栋", "【SIB】楼"}

    content, bad_prefix = sample(tc)
    r = c.post(
        reverse("people_import:start"),
        {"community": tc.inside.community.pk, "file": upload_file(content)},
    )
    assert r.status_code == 302
    ri = RegistryImport.objects.latest("pk")
    assert r["Location"] == reverse("people_import:detail", args=[ri.pk])
    page = c.get(r["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert (ri.new_count, ri.rejected_count) == (2, 1)
    assert 'data-testid="count-new">2<' in html and 'data-testid="count-rejected">1<' in html
    assert bad_prefix not in html  # the ID shown masked
    assert bad_prefix[:6] + "********" in html
    assert 'data-testid="confirm"' in html

    with django_capture_on_commit_callbacks(execute=False) as queued:
        r = c.post(reverse("people_import:confirm", args=[ri.pk]))
    assert r.status_code == 302 and len(queued) == 1
    ri.refresh_from_db()
    assert ri.status == ImportStatus.QUEUED
    confirmed = AuditEvent.objects.get(action="import", target_id=str(ri.pk))
    assert confirmed.detail == {"rows": 2} and confirmed.place_path == tc.inside.community.path
    # While it waits, the page polls a small progress partial.
    html = c.get(reverse("people_import:detail", args=[ri.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    partial = c.get(reverse("people_import:progress", args=[ri.pk]), headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<progress" in partial.content.decode()

    run.import_run(ri.pk)  # what the consumer does
    finished = c.get(
        reverse("people_import:progress", args=[ri.pk]), headers={"HX-Request": "true"}
    )
    assert finished["HX-Refresh"] == "true"  # the page reloads to show the final counts
    html = c.get(reverse("people_import:detail", args=[ri.pk])).content.decode()
    assert 'data-testid="import-done"' in html and "every 1s" not in html
    assert Resident.objects.filter(person__name__in=["李新", "周全"]).count() == 2

    download = c.get(reverse("people_import:rejected", args=[ri.pk]))
    assert download["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(download.content)).worksheets[0].values)
    assert len(rows) == 2 and rows[1][0] == 6 and rows[1][3] == "错号"
    assert AuditEvent.objects.filter(action="export_rejected", target_id=str(ri.pk)).exists()


@pytest.mark.django_db
def test_the_same_file_again_says_so_and_offers_nothing_to_confirm(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    c = web(tc)
    content, _p = sample(tc)
    url = reverse("people_import:start")
    c.post(url, {"community": tc.inside.community.pk, "file": upload_file(content)})
    first = RegistryImport.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=False):
        c.post(reverse("people_import:confirm", args=[first.pk]))
    run.import_run(first.pk)
    r = c.post(url, {"community": tc.inside.community.pk, "file": upload_file(content)})
    html = c.get(r["Location"]).content.decode()
    assert 'data-testid="same-file"' in html
    assert 'data-testid="nothing-to-import"' in html and 'data-testid="confirm"' not in html
    second = RegistryImport.objects.latest("pk")
    r = c.post(reverse("people_import:confirm", args=[second.pk]))
    assert r.status_code == 400
    second.refresh_from_db()
    assert second.status == ImportStatus.PREVIEWED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty."),
        (b"just text", "This is not an Excel .xlsx file."),
        (None, "No header row found"),
    ],
)
def test_a_bad_file_is_refused_on_the_page_naming_the_field(
    tiny_city: TinyCity, content: bytes | None, expected: str
) -> None:
    c = web(tiny_city)
    c.cookies["django_language"] = "en"
    if content is None:
        content = xlsx([["x"]], header=["序号", "说明"])
    imports = RegistryImport.objects.count()
    r = c.post(
        reverse("people_import:start"),
        {"community": tiny_city.inside.community.pk, "file": upload_file(content, "list.csv")},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-testid="file-error"' in html and "File: " + expected in html
    assert RegistryImport.objects.count() == imports


@pytest.mark.django_db
def test_import_pages_outside_the_actors_area_are_404(tiny_city: TinyCity) -> None:
    tc = tiny_city
    ri = services.import_preview(
        actor=admin(tc),
        community=tc.inside.community,
        file_name="a.xlsx",
        content=xlsx([row(id_number=new_id())]),
    )
    names = ["detail", "progress", "rejected"]
    odi = web(tc, "【ODI】_admin")
    for name in names:
        assert odi.get(reverse(f"people_import:{name}", args=[ri.pk])).status_code == 404
    assert odi.post(reverse("people_import:confirm", args=[ri.pk])).status_code == 404
    ri.refresh_from_db()
    assert ri.status == ImportStatus.PREVIEWED
    # A street admin sees it (and its list) but may not confirm it or upload.
    street = web(tc, "street_admin")
    assert street.get(reverse("people_import:detail", args=[ri.pk])).status_code == 200
    assert street.post(reverse("people_import:confirm", args=[ri.pk])).status_code == 403
    page = street.get(reverse("people_import:start")).content.decode()
    assert "a.xlsx" in page and 'data-testid="upload-form"' not in page
    assert web(tc, "grid_worker").get(reverse("people_import:start")).status_code == 403


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_upload_read_confirm_and_rejected(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    c = Client()
    auth = bearer(tc)
    content, bad_prefix = sample(tc)
    r = c.post(
        "/api/registry-imports",
        {"community": tc.inside.community.pk, "file": upload_file(content)},
        headers=auth,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["new_count"], body["rejected_count"], body["status"]) == (2, 1, "previewed")
    [rejected] = body["rejected"]
    assert rejected["row"] == 6 and rejected["name"] == "错号"
    assert rejected["id_number_masked"].startswith(bad_prefix[:6] + "********")
    assert {e["code"] for e in rejected["errors"]} == {"id_check_digit", "phone_invalid"}
    assert bad_prefix not in r.content.decode()
    assert "values" not in rejected

    import_id = body["id"]
    assert c.get(f"/api/registry-imports/{import_id}", headers=auth).json()["id"] == import_id
    listed = c.get("/api/registry-imports", headers=auth).json()
    assert import_id in [i["id"] for i in listed["items"]]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        r = c.post(f"/api/registry-imports/{import_id}/confirm", headers=auth)
    assert r.status_code == 202 and r.json()["status"] == "queued" and len(queued) == 1
    r = c.post(f"/api/registry-imports/{import_id}/confirm", headers=auth)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "already_confirmed"
    run.import_run(import_id)
    body = c.get(f"/api/registry-imports/{import_id}", headers=auth).json()
    assert (body["status"], body["processed_rows"], body["total_rows"]) == ("done", 3, 3)
    r = c.get(f"/api/registry-imports/{import_id}/rejected", headers=auth)
    assert r.status_code == 200 and r["Content-Type"] == XLSX

    # Outside the caller's area: 404, nothing changes.
    other = bearer(tc, "【ODI】_admin")
    for url in (
        f"/api/registry-imports/{import_id}",
        f"/api/registry-imports/{import_id}/rejected",
    ):
        assert c.get(url, headers=other).status_code == 404
    assert c.post(f"/api/registry-imports/{import_id}/confirm", headers=other).status_code == 404
    r = c.post(
        "/api/registry-imports",
        {"community": tc.other_district.community.pk, "file": upload_file(content)},
        headers=auth,
    )
    assert r.status_code == 404
    r = c.post(
        "/api/registry-imports",
        {"community": tc.inside.community.pk, "file": upload_file(content)},
        headers=bearer(tc, "street_admin"),
    )
    assert r.status_code == 403


@pytest.mark.django_db
def test_api_errors_name_the_field(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = Client()
    auth = bearer(tc) | {"Accept-Language": "en"}
    r = c.post(
        "/api/registry-imports",
        {"community": tc.inside.community.pk, "file": upload_file(b"not a spreadsheet")},
        headers=auth,
    )
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert (error["field"], error["code"]) == ("file", "file_not_xlsx")
    r = c.post("/api/registry-imports", {"community": tc.inside.community.pk}, headers=auth)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["file"]
    r = c.post(
        "/api/registry-imports",
        data=json.dumps({"file": "x"}),
        content_type="application/json",
        headers=auth,
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["community"]
    with override_settings(API_DOCS_PUBLIC=True):  # the document's content, not its login
        schema = c.get("/api/openapi.json").json()
    post = schema["paths"]["/api/registry-imports"]["post"]
    assert {"201", "403", "404", "422"} <= set(post["responses"])


# --- the real queue -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_confirm_queues_the_job_and_a_worker_runs_it(tiny_city: TinyCity) -> None:
    """Confirming never runs the import in the request: it is queued for the consumer."""
    tc = tiny_city
    HUEY.flush()
    ri = services.import_preview(
        actor=admin(tc),
        community=tc.inside.community,
        file_name="a.xlsx",
        content=xlsx([row(name="排队", id_number=new_id())]),
    )
    services.import_confirm(actor=admin(tc), registry_import=ri)
    assert HUEY.pending_count() == 1
    assert not Resident.objects.filter(person__name="排队").exists()
    task = HUEY.dequeue()
    assert task is not None
    result: Any = HUEY.execute(task)
    assert result["new"] == 1
    ri.refresh_from_db()
    assert ri.status == ImportStatus.DONE
    assert Resident.objects.filter(person__name="排队").exists()


@pytest.mark.django_db
def test_the_template_offers_the_communitys_buildings_even_without_choosing(
    tiny_city: TinyCity,
) -> None:
    """Issue 15 item 18: the page promises a building dropdown; a link without ?community= gave
    a template with none. An admin of one community gets their buildings, in natural order."""

    from places.services import place_create
    from testkit import ROOT

    for name in ("10栋", "2栋"):
        place_create(actor=ROOT, kind="building", name=name, parent=tiny_city.inside.grid)
    c = Client()
    c.force_login(tiny_city.users["community_admin"])
    r = c.get("/registry/imports/template/")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    names = [row[0].value for row in wb["楼栋列表"].iter_rows()]
    assert names[:3] == ["1栋", "2栋", "10栋"]
    validations = wb.worksheets[0].data_validations.dataValidation
    assert any("楼栋列表" in (v.formula1 or "") for v in validations)
