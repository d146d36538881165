"""Pages no other browser test opens, under the Content-Security-Policy (issue 18, item 3).

The `new_page` fixture fails a test on anything the policy blocks; these tests visit Setup
(Django's admin with our own template), the API's Swagger page, the join poster and the pages
whose inline handlers and bar widths moved to static/js/page.js, and check that what those
handlers did still happens.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import Grant, User
from e2e.conftest import DESK, PHONE, CspWatch
from e2e.test_foundation import login

pytestmark = pytest.mark.browser


def place_of(username: str) -> int:
    place_id = Grant.objects.filter(user__username=username).values_list("place_id", flat=True)[0]
    assert place_id is not None
    return place_id


def test_setup_and_api_docs_work_under_the_policy(new_page: Any, demo_city: Any, shot: Any) -> None:
    page = new_page(DESK)
    login(page, "city_admin")
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto("/admin/accounts/user/")
    expect(page.locator("#result_list")).to_be_visible()
    # A staff account's page: our template adds the invite button, styled from a static file.
    staff = User.objects.get(username="grid_worker")
    page.goto(f"/admin/accounts/user/{staff.pk}/change/")
    invite = page.get_by_test_id("invite-by-text")
    expect(invite).to_be_visible()
    assert invite.evaluate("f => getComputedStyle(f).display") == "inline"
    assert invite.locator("button").evaluate("b => getComputedStyle(b).borderTopStyle") == "none"
    shot(page, "01-setup-user")
    page.goto("/api/docs")
    # The whole OpenAPI document loads first (seconds on a busy machine).
    expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=60_000)
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, "02-api-docs")


def test_handlers_and_bars_from_the_static_script(new_page: Any, demo_city: Any, shot: Any) -> None:
    page = new_page(PHONE)
    login(page, "community_admin")
    # Coverage of a community, a bar per grid: the bars get their widths from data-width;
    # changing the day submits the form.
    page.goto(f"/health/coverage/{place_of('community_admin')}/")
    fill = page.locator(".bar-cell .fill").first
    expect(fill).to_have_attribute("data-width", re.compile(r"^\d"))
    expect(fill).to_have_attribute("style", re.compile(r"width: \d+(\.\d+)?%"))
    day = page.locator("#day")
    yesterday = page.evaluate(
        "() => { const d = new Date(document.querySelector('#day').value);"
        " d.setDate(d.getDate() - 1); return d.toISOString().slice(0, 10); }"
    )
    with page.expect_navigation():
        day.fill(yesterday)
    expect(page).to_have_url(re.compile(rf"[?&]day={yesterday}"))
    shot(page, "01-coverage")
    # The grid worker's call list: choosing a building submits the filter.
    page = new_page(PHONE)
    login(page, "grid_worker")
    page.goto(f"/health/coverage/{place_of('grid_worker')}/missing/")
    building = page.locator("#building")
    if building.count():
        value = building.locator("option").nth(1).get_attribute("value")
        with page.expect_navigation():
            building.select_option(value)
        expect(page).to_have_url(re.compile(rf"[?&]building={value}"))
    shot(page, "02-not-reported")


def test_join_poster_under_the_policy(new_page: Any, demo_city: Any, shot: Any) -> None:
    page = new_page(DESK)
    login(page, "community_admin")
    page.goto(f"/join-codes/place/{place_of('community_admin')}/posters/")
    expect(page.get_by_test_id("poster-print")).to_have_attribute("data-print", "")
    # The poster's own stylesheet: the toolbar is laid out as a row.
    toolbar = page.locator(".toolbar")
    assert toolbar.evaluate("t => getComputedStyle(t).display") == "flex"
    shot(page, "01-poster")


def test_the_csp_watch_reports_what_the_policy_blocks(
    transactional_db: None, browser: Any, live_server: Any
) -> None:
    """The watch every browser test runs under sees an inline style and an inline script the
    policy blocks, on a page it was not told about."""
    watch = CspWatch()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    watch.watch(context)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.wait_for_timeout(300)
    assert watch.found == []  # the login page breaks no rule
    page.evaluate(
        """() => {
        document.querySelector('main').insertAdjacentHTML('beforeend',
          '<div id="painted" style="color: red">red</div>');
        const s = document.createElement('script');
        s.textContent = 'window.ran = true';
        document.body.append(s);
        }"""
    )
    expect(page.locator("#painted")).to_be_attached()
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.ran") is None  # the inline script did not run
    context.close()
    assert any("style-src" in line and "/accounts/login/" in line for line in watch.found)
    assert any("script-src" in line for line in watch.found), watch.found
