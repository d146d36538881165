"""A community admin imports the registry from Excel at a desk: template, upload, preview,
confirm, progress while the background job runs, the rejected rows back as .xlsx.

The Huey consumer is not running here: the test takes the queued job and runs it the way the
consumer would (HUEY.dequeue / HUEY.execute), while the page polls its progress.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from huey.contrib.djhuey import HUEY
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from accounts.models import Grant
from core.fields import index_of
from core.models import AuditEvent
from core.validators import id_check_digit
from e2e.conftest import DESK
from e2e.test_foundation import login
from people.models import ImportStatus, RegistryImport, Resident
from people.registry_import.selectors import community_building_names
from places.models import Place

pytestmark = pytest.mark.browser

HEADER = ["楼栋", "房号", "姓名", "身份证号", "联系电话", "与户主关系", "独居老人", "备注"]


def ui(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def an_id(seq: int, born: str = "19760311") -> str:
    first17 = f"420106{born}{seq:03d}"
    return first17 + id_check_digit(first17)


def registry_file(path: Path, building: str) -> dict[str, Any]:
    """A file as communities send them: a merged title row, numbers typed as numbers, a
    full-width phone, spaces in a name, and three rows that cannot be imported."""
    good = [an_id(i) for i in (11, 13)]
    bad_check = an_id(15)
    bad_check = bad_check[:17] + ("0" if bad_check[17] != "0" else "1")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2020年2月 实有人口摸排表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    room = "导入1单元101"
    ws.append([building, room, "欧阳 明", good[0], "１３９１２３４５６７８", "户主", "是", ""])
    ws.append([building, room, "欧阳晓", good[1], 13912345679, "子女", "否", "在外地上学"])
    ws.append([building, "导入1单元102", "钱错号", bad_check, "13912345670", "户主", "", ""])
    ws.append(["不存在的楼", "1-101", "孙无楼", an_id(17), "027-85551234", "户主", "", ""])
    ws.append([building, "导入1单元103", "李科学", 4.2010619760311e17, "", "户主", "", ""])
    ws.append([None, "  ", None])  # a trailing row that only looks empty
    wb.save(path)
    return {"good": good, "bad_check": bad_check}


def test_community_admin_imports_the_registry(
    demo_city: Any, new_page: Any, shot: Any, tmp_path: Path
) -> None:
    HUEY.flush()
    grant = Grant.objects.select_related("place").get(user__username="community_admin")
    community = grant.place
    assert isinstance(community, Place)
    building = community_building_names(community)[0]
    page = new_page(DESK)
    login(page, "community_admin")

    # The start page: the template, then the upload.
    page.goto("/registry/imports/")
    expect(page.locator("main h1")).to_have_text(ui("Import residents from Excel"))
    expect(page.get_by_test_id("upload-form")).to_contain_text(community.name)
    shot(page, "01-start")
    with page.expect_download() as download:
        page.get_by_test_id("template-link").first.click()
    template = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert download.value.suggested_filename.endswith(".xlsx")
    assert [c.value for c in template.worksheets[0][1]][:4] == ["楼栋", "房号", "姓名", "身份证号"]
    assert building in [c.value for c in template["楼栋列表"]["A"]]

    # Upload a real-world file: the preview counts and explains, nothing is imported yet.
    made = registry_file(tmp_path / "摸排表.xlsx", building)
    page.get_by_test_id("file-input").set_input_files(str(tmp_path / "摸排表.xlsx"))
    with page.expect_navigation():
        page.get_by_test_id("upload").click()
    registry_import = RegistryImport.objects.get()
    expect(page).to_have_url(re.compile(rf"/registry/imports/{registry_import.pk}/$"))
    expect(page.get_by_test_id("count-total")).to_have_text("5")
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("count-rejected")).to_have_text("3")
    rejected = page.get_by_test_id("rejected-rows")
    expect(rejected.locator("tbody tr")).to_have_count(3)
    bad = made["bad_check"]
    expect(rejected.locator("tr[data-row='5']")).to_contain_text(bad[:6] + "********" + bad[-4:])
    expect(rejected.locator("tr[data-row='6']")).to_contain_text("不存在的楼")
    expect(rejected.locator("tr[data-row='7']")).to_contain_text("4.20106")
    assert bad not in page.content()  # full ID numbers are never on the page
    good_hashes = [index_of("id_number", n) for n in made["good"]]
    assert not Resident.objects.filter(person__id_number_hash__in=good_hashes).exists()
    shot(page, "02-preview")

    # Confirm: the job is queued and the page shows its progress without blocking.
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("progress")).to_be_visible()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-status", "queued")
    shot(page, "03-queued")
    assert HUEY.pending_count() == 1
    task = HUEY.dequeue()
    assert task is not None
    HUEY.execute(task)  # the consumer's work; the page's polling notices and reloads
    expect(page.get_by_test_id("import-done")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("progress")).to_have_count(0)
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    registry_import.refresh_from_db()
    assert registry_import.status == ImportStatus.DONE
    assert registry_import.processed_rows == registry_import.total_rows == 5
    names = set(
        Resident.objects.filter(person__id_number_hash__in=good_hashes).values_list(
            "person__name", flat=True
        )
    )
    assert names == {"欧阳明", "欧阳晓"}
    shot(page, "04-done")

    # The rejected rows come back as .xlsx with a reason column; the download is recorded.
    with page.expect_download() as download:
        page.get_by_test_id("rejected-download").click()
    content = Path(download.value.path()).read_bytes()
    sheet = list(load_workbook(io.BytesIO(content)).worksheets[0].values)
    assert len(sheet) == 4
    assert sheet[0][1:-1] == tuple(HEADER)
    assert [r[0] for r in sheet[1:]] == [5, 6, 7]
    assert sheet[1][4] == bad  # what the uploader typed, in full: it is their own file
    assert all(r[-1] for r in sheet[1:])  # every row says why
    assert AuditEvent.objects.filter(action="export_rejected").count() == 1

    # The same file again: everything is unchanged and there is nothing to confirm.
    page.goto("/registry/imports/")
    page.get_by_test_id("file-input").set_input_files(str(tmp_path / "摸排表.xlsx"))
    with page.expect_navigation():
        page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("same-file")).to_be_visible()
    expect(page.get_by_test_id("count-unchanged")).to_have_text("2")
    expect(page.get_by_test_id("nothing-to-import")).to_be_visible()
    expect(page.get_by_test_id("confirm")).to_have_count(0)
    shot(page, "05-same-file-again")
