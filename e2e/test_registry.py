"""The registry on a phone: a grid worker finds a resident by pinyin and marks them away; a
community admin adds a resident (a wrong ID first) and exports the registry to Excel."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import User
from accounts.selectors import actor_for_user
from core.validators import id_check_digit
from e2e.conftest import PHONE
from e2e.test_foundation import granted_place, login, ui, url_path
from people.models import Person, RegistryChange, Resident
from people.selectors import RegistryFilters, flag_label, registry_residents
from places.models import Household

pytestmark = pytest.mark.browser


def _pinyin_target(username: str) -> tuple[Resident, str]:
    """A resident of the user's area whose full pinyin finds them alone."""
    actor = actor_for_user(User.objects.get(username=username))
    for r in registry_residents(actor, RegistryFilters(status="present"))[:300]:
        key = r.person.search_key.split()[0]
        if registry_residents(actor, RegistryFilters(q=key)).count() == 1:
            return r, key
    raise AssertionError("no resident with a unique pinyin in the demo grid")


def test_grid_worker_marks_a_resident_away(demo_city: Any, new_page: Any, shot: Any) -> None:
    resident, key = _pinyin_target("grid_worker")
    page = new_page(PHONE)
    login(page, "grid_worker")
    page.get_by_test_id("nav-registry").click()
    expect(page).to_have_url(url_path("/registry/"))
    rows = page.get_by_test_id("registry-row")
    expect(rows.first).to_be_visible()
    shot(page, "01-registry")
    masked = page.get_by_test_id("registry-rows").inner_text()
    assert resident.person.id_number not in masked

    # The filters: only residents who are away (htmx on change).
    page.locator("#more-filters summary").click()
    page.get_by_test_id("filter-status").select_option("away")
    expect(page).to_have_url(re.compile(r"[?&]status=away"))
    away = Resident.objects.filter(grid=resident.grid, status="away").count()
    expect(rows).to_have_count(away)
    shot(page, "01b-filter-away")
    page.get_by_test_id("filter-status").select_option("")
    expect(page).to_have_url(re.compile(r"[?&]status=(&|$)"))

    page.locator("#q").fill(key)  # htmx: the rows follow as one types
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(resident.person.name)
    expect(page).to_have_url(re.compile(r"[?&]q=" + key))
    shot(page, "02-search-pinyin")

    rows.first.get_by_role("link", name=resident.person.name, exact=True).click()
    expect(page).to_have_url(url_path(f"/residents/{resident.pk}/"))
    expect(page.get_by_test_id("resident-name")).to_have_text(resident.person.name)
    shot(page, "03-resident")

    page.get_by_test_id("mark-away").click()
    expect(page).to_have_url(re.compile(rf"/registry/residents/{resident.pk}/status/"))
    expect(page.locator("#id_status")).to_have_value("away")
    # A date in the future is refused, naming the field.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#id_since").fill(tomorrow.isoformat())
    page.locator("#id_note").fill("春节回黄冈老家，滞留武汉以外")
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("error-since")).to_be_visible()
    shot(page, "04-future-date-refused")
    since = timezone.localdate() - datetime.timedelta(days=2)
    page.locator("#id_since").fill(since.isoformat())
    page.get_by_test_id("form-submit").click()
    expect(page).to_have_url(url_path(f"/residents/{resident.pk}/"))
    expect(page.get_by_test_id("status")).to_contain_text(ui("Temporarily away"))
    expect(page.get_by_test_id("status")).to_contain_text("滞留武汉以外")
    history = page.get_by_test_id("history-row")
    expect(history.first).to_contain_text(ui("Status changed"))
    expect(history.first).to_contain_text("滞留武汉以外")
    expect(history.first).to_contain_text(since.isoformat())
    shot(page, "05-away-in-history")
    resident.refresh_from_db()
    assert (resident.status, resident.status_since) == ("away", since)
    assert RegistryChange.objects.filter(resident=resident, action="status").count() == 1


def _id_number(born: datetime.date) -> str:
    first17 = f"420103{born:%Y%m%d}778"  # even: a woman
    return first17 + id_check_digit(first17)


def test_community_admin_adds_a_resident_and_exports(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    community = granted_place("community_admin")
    household = Household.objects.filter(community=community).order_by("pk").first()
    assert household is not None
    good = _id_number(datetime.date(1988, 6, 9))
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with translation.override("zh-hans"):
        pregnant = flag_label("is_pregnant")
    page = new_page(PHONE)
    login(page, "community_admin")
    page.goto(f"/households/{household.pk}/")
    page.get_by_test_id("add-resident").click()
    expect(page).to_have_url(url_path(f"/registry/households/{household.pk}/residents/new/"))
    page.locator("#id_name").fill("欧阳 娜娜")
    page.locator("#id_id_number").fill(bad)
    page.locator("#id_phone").fill("13907151234")
    page.locator("#id_relation").select_option("child")
    page.get_by_label(pregnant).check()
    page.locator("#id_care_note").fill("预产期三月，需定期产检")
    shot(page, "01-form")
    page.get_by_test_id("form-submit").click()
    error = page.get_by_test_id("error-id_number")
    expect(error).to_be_visible()
    expect(error).to_contain_text(ui("ID number"))
    expect(page.locator("#id_name")).to_have_value("欧阳 娜娜")  # nothing typed is lost
    shot(page, "02-bad-id")
    assert not Resident.objects.filter(person__name="欧阳娜娜").exists()

    page.locator("#id_id_number").fill(good)
    page.get_by_test_id("form-submit").click()
    resident = Resident.objects.get(person__in=Person.objects.with_id_number(good))
    expect(page).to_have_url(url_path(f"/residents/{resident.pk}/"))
    expect(page.get_by_test_id("resident-name")).to_have_text("欧阳娜娜")
    expect(page.get_by_test_id("id-number")).to_have_text(f"{good[:6]}********{good[-4:]}")
    expect(page.get_by_test_id("flags")).to_contain_text(pregnant)
    expect(page.get_by_test_id("history-row").first).to_contain_text(ui("Registered"))
    shot(page, "03-added")

    # The registry finds her by pinyin; the export downloads an .xlsx of the filtered list.
    page.get_by_test_id("nav-registry").click()
    page.locator("#q").fill("ouyang")
    expect(page).to_have_url(re.compile(r"[?&]q=ouyang"))  # pushed once the rows are in
    rows = page.get_by_test_id("registry-row")
    expect(rows.filter(has_text="欧阳娜娜")).to_have_count(1)
    shot(page, "04-registry")
    page.goto(f"/households/{household.pk}/")
    expect(page.get_by_test_id("members")).to_contain_text("欧阳娜娜")
    expect(page.get_by_test_id("history-row").first).to_contain_text("欧阳娜娜")
    shot(page, "04b-household")
    page.go_back()
    page.get_by_test_id("export-link").click()
    expect(page).to_have_url(re.compile(r"/registry/export/\?q=ouyang"))
    shot(page, "05-export")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-submit").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    content = Path(download.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values[0]
    names = [row[header.index("姓名")] for row in values[1:]]
    assert "欧阳娜娜" in names
    ours = values[1 + names.index("欧阳娜娜")]
    assert ours[header.index("身份证号")] == f"{good[:6]}********{good[-4:]}"
    # Masked, so the birth date (the hidden middle of the ID) is its year only.
    assert "出生日期" not in header and ours[header.index("出生年份")] == int(good[6:10])


def test_household_edit_form_shows_the_phone_masked(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    """Issue 15, item 22: the form showed the full number the household page masks."""
    grid = granted_place("grid_worker")
    household = Household.objects.filter(grid_id=grid.pk).exclude(phone="").order_by("pk")[0]
    phone = household.phone
    masked = f"{phone[:3]}****{phone[-4:]}"
    page = new_page(PHONE)
    login(page, "grid_worker")
    page.goto(f"/registry/households/{household.pk}/edit/")
    field = page.locator("#id_phone")
    expect(field).to_have_value("")
    expect(field).to_have_attribute("placeholder", masked)
    assert phone not in page.content()
    shot(page, "06-household-edit-masked")
    page.get_by_test_id("form-submit").click()
    expect(page).to_have_url(url_path(f"/households/{household.pk}/"))
    assert phone not in page.content() and masked in page.content()
    household.refresh_from_db()
    assert household.phone == phone  # saved without a new number: kept
