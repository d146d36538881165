"""On a phone (issue 18 item 2): the same account logged in on two phones sees both on the
sessions page, logs out everywhere, and the other phone is back at the login page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.test_foundation import login
from testkit import PASSWORD, build_tiny_city

pytestmark = pytest.mark.browser


def test_log_out_everywhere_from_the_sessions_page(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    build_tiny_city()
    mine, other = new_page(), new_page()
    login(other, "grid_worker", PASSWORD)
    login(mine, "grid_worker", PASSWORD)
    mine.get_by_test_id("my-sessions").click()
    expect(mine.get_by_test_id("session-row")).to_have_count(2)
    expect(mine.get_by_test_id("session-current")).to_have_count(1)
    shot(mine, "two-sessions")
    with mine.expect_navigation():
        mine.get_by_test_id("logout-others").click()
    expect(mine.get_by_test_id("session-row")).to_have_count(1)
    other.reload()
    expect(other.get_by_test_id("login-submit")).to_be_visible()
    shot(other, "other-logged-out")
