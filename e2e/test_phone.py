"""Pages on a 360 px phone (issue 15, item 15): every destination of every role is reachable from
the menu, and the pages users found broken fit the phone (and the desk at 1366 px).

Every page these tests open is also checked by the layout watch of `new_page` (e2e/conftest.py):
no page wider than its window, no content wider than its box.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.models import Grant, User
from demo.city import DEMO_USERNAMES
from e2e.conftest import DESK, PHONE, LayoutWatch
from e2e.test_foundation import login
from health.models import CoverageCount
from people.models import ImportStatus, RegistryImport
from places.models import Place
from service_requests.models import OPEN_STATUSES, ServiceRequest

pytestmark = pytest.mark.browser

WIDE_DESK = {"width": 1366, "height": 768}
OPEN_ALL_DETAILS = "document.querySelectorAll('main details').forEach((d) => { d.open = true; })"


def ui(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def granted(username: str) -> Place:
    place = Grant.objects.select_related("place").get(user__username=username).place
    assert place is not None
    return place


def hrefs(scope: Any) -> list[str]:
    return [a.get_attribute("href") for a in scope.locator("a").all()]


def asked_for(response: Any) -> str:
    """The path the navigation asked for, before any redirect (a list may redirect to a tab)."""
    request = response.request
    while request.redirected_from is not None:
        request = request.redirected_from
    return re.sub(r"^https?://[^/]+", "", request.url)


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


def test_the_layout_watch_reports_a_page_wider_than_the_phone_and_clipped_content(
    transactional_db: None, browser: Any, live_server: Any
) -> None:
    """The watch every browser test runs under finds both kinds of fault, on a page it was not
    told about: it is hooked into the browser context, not called by the test."""
    watch = LayoutWatch()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    watch.watch(context)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.wait_for_timeout(300)
    assert watch.found == {}, watch.found  # the login page fits
    # Styled through the CSSOM: the Content-Security-Policy blocks style="" attributes.
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        const wide = document.createElement('div');
        wide.id = 'too-wide'; wide.textContent = 'wide'; wide.style.width = '532px';
        const tile = document.createElement('div');
        tile.id = 'tile'; tile.style.width = '80px'; tile.style.overflow = 'hidden';
        const b = document.createElement('b');
        b.style.display = 'block'; b.style.whiteSpace = 'nowrap';
        b.textContent = '8219/13457 8219/13457';
        tile.append(b);
        main.append(wide, tile);
        }"""
    )
    expect(page.locator("#too-wide")).to_be_attached()
    page.wait_for_timeout(300)  # the watch reports after the next frame
    context.close()
    [message] = watch.found.values()
    assert "/accounts/login/" in message
    assert "px wide in a 360 px window" in message and "<div#too-wide>" in message
    assert "content wider than its box" in message and "<div#tile>" in message


def test_every_destination_of_every_role_from_the_phone_menu(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    """Each demo role on a 360 px phone: the menu lists exactly the destinations of the tab bar
    (which shows only a few of them at this width) and leads to every one of them; each page,
    with its folded sections opened, fits the phone."""
    for username in DEMO_USERNAMES:
        page = new_page(PHONE)
        login(page, username)
        tabs = hrefs(page.get_by_test_id("tabs"))
        menu = page.get_by_test_id("menu-list")
        expect(menu).to_be_hidden()
        page.get_by_test_id("menu-open").click()
        expect(menu).to_be_visible()
        assert hrefs(menu) == tabs, username
        links = menu.locator("a")
        for i in range(links.count()):  # every item on screen, inside the phone's width
            item = box(links.nth(i))
            assert item["x"] >= 0 and item["x"] + item["width"] <= PHONE["width"], username
        if username in ("city_admin", "grid_worker", "resident"):
            shot(page, f"{username}-menu")
        for i, href in enumerate(tabs):
            if i:
                page.get_by_test_id("menu-open").click()
            with page.expect_navigation() as nav:
                menu.locator("a").nth(i).click()
            response = nav.value
            assert response is not None and response.status == 200, (username, href)
            assert asked_for(response) == href, (username, href)  # the item's own page
            page.evaluate(OPEN_ALL_DETAILS)  # folded forms must fit too (the watch sees it)
            page.wait_for_timeout(50)
        assert asked_for(response) == tabs[-1]  # the last destination, reached from the menu
        page.context.close()


@pytest.mark.parametrize("viewport", [DESK, WIDE_DESK], ids=["1280", "1366"])
def test_every_destination_of_the_offices_at_a_desk(
    demo_city: Any, new_page: Any, viewport: dict[str, int]
) -> None:
    """The same pages at a desk fit the window too (the watch checks each one)."""
    for username in ("city_admin", "street_admin", "community_admin", "grid_worker"):
        page = new_page(viewport)
        login(page, username)
        for href in hrefs(page.get_by_test_id("tabs")):
            response = page.goto(href)
            assert response is not None and response.status == 200, (username, href)
            page.evaluate(OPEN_ALL_DETAILS)
            page.wait_for_timeout(50)
        page.context.close()


def test_booking_a_vehicle_fits_the_phone(demo_city: Any, new_page: Any, shot: Any) -> None:
    """The vehicle form's start and end times (datetime fields) stay inside a 360 px phone."""
    community = granted("community_admin")
    request = (
        ServiceRequest.objects.filter(
            community=community, level="community", status__in=OPEN_STATUSES
        )
        .order_by("pk")
        .first()
    )
    assert request is not None
    page = new_page(PHONE)
    login(page, "community_admin")
    page.goto(f"/requests/{request.pk}/")
    page.get_by_test_id("vehicle-box").locator("summary").click()
    form = page.get_by_test_id("vehicle-form")
    for name in ("dispatch_vehicle-slot_start", "dispatch_vehicle-slot_end"):
        field = box(form.locator(f"input[name={name}]"))
        assert field["x"] >= 0 and field["x"] + field["width"] <= PHONE["width"], name
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    shot(page, "vehicle-form")


# Where a chip's tick box lies against the chip's rounded border: "" when well inside.
TICK_INSIDE_JS = """
(label) => {
  const tick = label.querySelector("input");
  const cs = getComputedStyle(tick);
  if (cs.paddingLeft !== "0px" || cs.paddingTop !== "0px") return "padded " + cs.padding;
  const o = label.getBoundingClientRect(), t = tick.getBoundingClientRect();
  if (Math.abs(t.width - t.height) > 1) return "squashed to " + t.width + "x" + t.height;
  const r = Math.min(parseFloat(getComputedStyle(label).borderTopLeftRadius), o.height / 2);
  const inside = (x, y) => {  // inside the pill: its rectangle less the rounded corners
    if (x < o.left + 1 || x > o.right - 1 || y < o.top + 1 || y > o.bottom - 1) return false;
    const cx = Math.min(Math.max(x, o.left + r), o.right - r);
    const cy = Math.min(Math.max(y, o.top + r), o.bottom - r);
    return Math.hypot(x - cx, y - cy) <= r - 1;
  };
  const corners = [[t.left, t.top], [t.right, t.top], [t.left, t.bottom], [t.right, t.bottom]];
  return corners.every(([x, y]) => inside(x, y)) ? "" : "over the border";
}
"""


def test_symptom_chips_hold_their_checkbox_inside_the_border(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    """Each chip's tick box keeps its square size, lies inside the chip's rounded border and
    has no padding of its own, also in a chip whose label wraps on a phone (the box shrank to a
    sliver there, a flex item like its label)."""
    page = new_page(PHONE)
    login(page, "resident")
    page.goto("/health/report/")
    page.locator("details.symptoms summary").first.click()
    chips = page.locator("label.chip")
    expect(chips.first).to_be_visible()
    long_label = " 14 天内与确诊病例、疑似病例或无症状感染者有过密切接触"
    chips.nth(1).evaluate("(l, text) => { l.lastChild.textContent = text; }", long_label)
    assert box(chips.nth(1))["height"] > 40  # it wraps
    checked = 0
    for i in range(chips.count()):
        chip = chips.nth(i)
        if chip.is_visible():
            assert chip.evaluate(TICK_INSIDE_JS) == "", chip.inner_text()
            checked += 1
    assert checked >= 5
    chips.first.click()
    shot(page, "chips")


def test_daily_roll_ups_on_a_phone_show_both_rounds_in_cards(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    """The street's and the city's roll-up tables: on a phone each row is a card (no header
    hundreds of pixels tall), and the morning and afternoon reports are both there."""
    for username in ("street_admin", "city_admin"):
        place = granted(username)
        page = new_page(PHONE)
        login(page, username)
        page.goto(f"/daily/places/{place.pk}/")
        table = page.get_by_test_id("overview-rows")
        expect(table.locator("thead")).to_be_hidden()  # each cell carries its label
        row = table.get_by_test_id("overview-row").first
        expect(row).to_be_visible()
        assert box(row)["height"] < 480  # one line per figure, no header
        for label in ("Morning: reported", "Afternoon: reported"):
            expect(row.locator(f"td[data-label='{ui(label)}']")).to_have_count(1)
        shot(page, f"{username}-rollup")
        desk = new_page(DESK)
        login(desk, username)
        desk.goto(f"/daily/places/{place.pk}/")
        head = desk.get_by_test_id("overview-rows").locator("thead")
        expect(head).to_contain_text(ui("Morning: reported"))
        expect(head).to_contain_text(ui("Afternoon: reported"))
        assert box(head)["height"] < 200


def _rejected(n: int) -> list[dict[str, Any]]:
    """Rejected rows as the import stores them: two reasons, one of them on every other row."""
    rows = []
    for i in range(n):
        errors = [{"column": "身份证号", "code": "check_digit", "message": "身份证号校验位不对"}]
        if i % 2:
            errors.append(
                {"column": "楼栋", "code": "building_unknown", "message": "不是本社区的楼栋"}
            )
        rows.append(
            {
                "row": i + 3,
                "column": errors[0]["column"],
                "reason": errors[0]["message"],
                "errors": errors,
                "building": "99栋",
                "room": f"1单元{i + 101}",
                "name": "张三",
                "id_number_masked": "420106********1234",
                "phone_masked": "139****5678",
                "values": [],
            }
        )
    return rows


def test_import_rejected_rows_summarised_and_paged_on_a_phone(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    community = granted("community_admin")
    rejected = _rejected(230)
    ri = RegistryImport.objects.create(
        community=community,
        community_path=community.path,
        uploaded_by=User.objects.get(username="community_admin"),
        file_name="摸排表.xlsx",
        file_sha256="0" * 64,
        content=b"",
        status=ImportStatus.PREVIEWED,
        total_rows=400,
        new_count=170,
        rejected_count=len(rejected),
        rejected=rejected,
    )
    page = new_page(PHONE)
    login(page, "community_admin")
    page.goto(f"/registry/imports/{ri.pk}/")
    reasons = page.get_by_test_id("rejected-reason")
    expect(reasons).to_have_count(2)
    expect(reasons.nth(0).get_by_test_id("reason-rows")).to_have_text("230")
    expect(reasons.nth(1).get_by_test_id("reason-rows")).to_have_text("115")
    rows = page.get_by_test_id("rejected-rows").locator("tbody tr")
    expect(rows).to_have_count(50)
    assert box(rows.first)["height"] < 300
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 15_000, height  # 230 rows of ~900 px each made it 200,000 px before
    expect(page.get_by_test_id("rejected-download")).to_be_visible()
    shot(page, "rejected-page-1")
    page.locator(".pager a").last.click()
    expect(rows.first).to_have_attribute("data-row", "53")
    page.goto(f"/registry/imports/{ri.pk}/?page=5")
    expect(rows).to_have_count(30)
    expect(rows.last).to_have_attribute("data-row", "232")


@pytest.mark.parametrize("viewport", [PHONE, WIDE_DESK], ids=["360", "1366"])
def test_coverage_headline_with_city_sized_numbers_is_never_clipped(
    demo_city: Any, new_page: Any, shot: Any, viewport: dict[str, int]
) -> None:
    city = granted("city_admin")
    page = new_page(viewport)
    login(page, "city_admin")
    page.goto(f"/health/coverage/{city.pk}/")  # the day's counters exist from here on
    CoverageCount.objects.filter(day=timezone.localdate()).update(expected=13457, reported=8219)
    page.reload()
    for slot in ("am", "pm"):
        tile = page.get_by_test_id(f"total-{slot}")
        number = tile.locator("strong")
        expect(number).to_contain_text("/")
        outer, inner = box(tile), box(number)
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"], slot
        assert number.evaluate("n => n.scrollWidth <= n.clientWidth"), slot
    shot(page, "coverage")
