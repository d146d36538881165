"""A street admin's second factor in the browser (issue 18, item 1): the first login goes to
enrolment (QR code and typed key), the app's code, the recovery codes once, then home; the next
login asks for a code, says so when it is wrong, and lets the right one in. On a desk and on a
phone, every page fits (LayoutWatch)."""

from __future__ import annotations

from base64 import b32decode
from typing import Any

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from e2e.conftest import DESK, PHONE
from e2e.test_foundation import login, logout, url_path
from second_factor.tests.helpers import PRODUCTION_ROLES, app_code

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_a_street_admin_enrols_then_verifies_at_the_next_login(
    new_page: Any, shot: Any, demo_city: Any, viewport: dict[str, int]
) -> None:
    with override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES):
        page = new_page(viewport)
        login(page, "street_admin")
        expect(page).to_have_url(url_path("/security/enrol/"))
        expect(page.get_by_test_id("enrol-qr").locator("svg")).to_be_visible()
        expect(page.get_by_test_id("enrol-secret")).not_to_be_empty()
        shot(page, "enrol")
        typed_key = page.get_by_test_id("enrol-secret").inner_text().replace(" ", "")
        key = b32decode(typed_key + "=" * (-len(typed_key) % 8)).hex()
        device = TOTPDevice(key=key)  # what the app holds after scanning
        page.fill("#id_code", app_code(device))
        with page.expect_navigation():
            page.get_by_test_id("enrol-submit").click()
        expect(page).to_have_url(url_path("/security/recovery-codes/"))
        expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
        shot(page, "recovery-codes")
        with page.expect_navigation():
            page.get_by_test_id("recovery-done").click()
        expect(page).to_have_url(url_path("/"))
        expect(page.get_by_test_id("logout")).to_be_visible()
        shot(page, "home")
        logout(page)

        login(page, "street_admin")
        expect(page).to_have_url(url_path("/security/verify/"))
        shot(page, "verify")
        device = TOTPDevice.objects.get(user__username="street_admin", confirmed=True)
        page.fill("#id_code", "000000" if app_code(device, 1) != "000000" else "111111")
        with page.expect_navigation():
            page.get_by_test_id("verify-submit").click()
        expect(page.get_by_test_id("code-error")).to_be_visible()
        shot(page, "wrong-code")
        # The enrolment code's time step is used: the app's next code (within the tolerance).
        page.fill("#id_code", app_code(device, 1))
        with page.expect_navigation():
            page.get_by_test_id("verify-submit").click()
        expect(page).to_have_url(url_path("/"))
        shot(page, "home-again")
