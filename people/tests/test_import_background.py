"""A big upload is checked in the background: stored CHECKING at once, the page and the API
follow the check's progress, the queued job leaves the preview (or a clear failure), and
nothing can be confirmed before. Small files keep the check within the upload."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from core.errors import field_errors
from people.models import ImportStatus, RegistryImport
from people.registry_import import run, services
from people.tests.import_helpers import admin, new_id, row, xlsx
from people.tests.test_import_web import bearer, upload_file, web
from testkit import TinyCity

# The consumer closes its database connection after a job, as in production: no wrapping
# test transaction may hold it.
pytestmark = pytest.mark.django_db(transaction=True)

BIG = services.BACKGROUND_CHECK_ROWS + 200


def big_file(rows: int = BIG, bad: int = 3) -> bytes:
    good = [
        row(
            room=f"{i // 10}-{i % 10}",
            name="李新",
            id_number=new_id(born=date(1960, 1, 1) + timedelta(days=i)),  # all different
            phone=f"139{i:08d}",
        )
        for i in range(rows - bad)
    ]
    wrong = [row(room=f"9-{i}", name="错号", id_number="123") for i in range(bad)]
    return xlsx(good + wrong)


def run_queued_job() -> None:
    assert HUEY.pending_count() == 1
    task = HUEY.dequeue()
    assert task is not None
    HUEY.execute(task)  # what a consumer does
    assert HUEY.pending_count() == 0


def upload(tc: TinyCity, content: bytes) -> RegistryImport:
    return services.import_upload(
        actor=admin(tc), community=tc.inside.community, file_name="大名单.xlsx", content=content
    )


def test_big_file_is_checked_in_the_background_and_refused_until_checked(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    HUEY.flush()
    ri = upload(tc, big_file())
    assert ri.status == ImportStatus.CHECKING
    assert ri.total_rows == BIG and ri.processed_rows == 0  # the estimate, for the bar
    assert ri.new_count == ri.rejected_count == 0
    with pytest.raises(ValidationError) as refused:
        services.import_confirm(actor=admin(tc), registry_import=ri)
    assert [e["code"] for e in field_errors(refused.value)] == ["still_checking"]

    run_queued_job()
    ri.refresh_from_db()
    assert ri.status == ImportStatus.PREVIEWED
    assert (ri.total_rows, ri.new_count, ri.rejected_count) == (BIG, BIG - 3, 3)
    assert ri.processed_rows == 0 and len(ri.rejected) == 3
    assert {r["name"] for r in ri.rejected} == {"错号"}
    # A second delivery of the same job does nothing.
    assert run.import_check(ri.pk) == {"import_id": ri.pk, "skipped": True}


def test_small_file_is_still_checked_within_the_upload(tiny_city: TinyCity) -> None:
    HUEY.flush()
    ri = upload(tiny_city, xlsx([row(name="李新", id_number=new_id())]))
    assert ri.status == ImportStatus.PREVIEWED and ri.new_count == 1
    assert HUEY.pending_count() == 0


def test_cheap_file_errors_are_refused_at_once_even_for_big_files(
    tiny_city: TinyCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BACKGROUND_CHECK_ROWS", -1)
    monkeypatch.setattr(services, "BACKGROUND_CHECK_BYTES", -1)
    HUEY.flush()
    before = RegistryImport.objects.count()
    for content, code in (
        (b"", "file_empty"),
        (b"not a workbook", "file_not_xlsx"),
        (xlsx([["a", "b", "c"]] * 20, header=["甲", "乙", "丙"]), "file_no_header"),
    ):
        with pytest.raises(ValidationError) as refused:
            upload(tiny_city, content)
        assert [e["code"] for e in field_errors(refused.value)] == [code]
    assert RegistryImport.objects.count() == before
    assert HUEY.pending_count() == 0


def test_a_file_that_fails_its_background_check_says_why(
    tiny_city: TinyCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BACKGROUND_CHECK_ROWS", -1)
    HUEY.flush()
    ri = upload(tiny_city, xlsx([]))  # a header and nothing under it
    assert ri.status == ImportStatus.CHECKING
    run_queued_job()
    ri.refresh_from_db()
    assert ri.status == ImportStatus.FAILED
    assert "no rows under it" in ri.error or "表头下方没有数据" in ri.error  # uploader language
    with pytest.raises(ValidationError):
        services.import_confirm(actor=admin(tiny_city), registry_import=ri)


def test_pages_show_the_check_progress_then_the_preview(
    tiny_city: TinyCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BACKGROUND_CHECK_ROWS", 1)
    HUEY.flush()
    tc = tiny_city
    c: Client = web(tc)
    content = xlsx([row(name="李新", id_number=new_id()), row(name="周全", id_number=new_id())])
    r = c.post(
        reverse("people_import:start"),
        {"community": tc.inside.community.pk, "file": upload_file(content)},
    )
    assert r.status_code == 302
    ri = RegistryImport.objects.latest("pk")
    assert ri.status == ImportStatus.CHECKING
    html = c.get(r["Location"]).content.decode()
    assert 'data-status="checking"' in html and 'hx-trigger="every 1s"' in html
    assert 'data-testid="confirm"' not in html and 'data-testid="counts"' not in html
    refused = c.post(reverse("people_import:confirm", args=[ri.pk]))
    assert refused.status_code == 400
    assert "文件仍在校验中" in refused.content.decode()  # the page speaks the default zh-Hans
    progress = reverse("people_import:progress", args=[ri.pk])
    partial = c.get(progress, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and 'data-testid="checking"' in partial.content.decode()

    run_queued_job()
    assert c.get(progress, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    html = c.get(r["Location"]).content.decode()
    assert 'data-testid="count-new">2<' in html and 'data-testid="confirm"' in html
    # Someone outside the community sees nothing of it.
    other = web(tc, "grid_worker")
    assert other.get(progress).status_code == 404


def test_api_answers_checking_then_the_preview(
    tiny_city: TinyCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BACKGROUND_CHECK_ROWS", 1)
    HUEY.flush()
    tc = tiny_city
    auth = bearer(tc)
    c = Client()
    content = xlsx([row(name="李新", id_number=new_id()), row(name="错号", id_number="1")])
    r = c.post(
        "/api/registry-imports",
        {"community": tc.inside.community.pk, "file": upload_file(content)},
        headers=auth,
    )
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "checking" and body["total_rows"] == 2
    assert body["processed_rows"] == 0
    confirm = c.post(f"/api/registry-imports/{body['id']}/confirm", headers=auth)
    assert confirm.status_code == 422
    run_queued_job()
    done = c.get(f"/api/registry-imports/{body['id']}", headers=auth).json()
    assert done["status"] == "previewed"
    assert (done["new_count"], done["rejected_count"]) == (1, 1)
