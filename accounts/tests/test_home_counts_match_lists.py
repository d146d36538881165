"""Every home count opens a list with exactly that many rows (issue 15 item 17): the grid
worker's "2 care contacts overdue" opened /care/mine/, which showed 0 overdue."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client

from accounts.selectors import actor_for_user, home_scopes
from care.tests.helpers import assign, household_with
from core.testing import TinyCity

# Rows of each list a home count may open, by the list's path.
ROWS = {
    "/care/mine/": r'data-testid="mine-row"',
    "/care/": r'data-testid="household-row"',
}


def _rows(html: str, path: str) -> int:
    return len(re.findall(ROWS[path], html))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["grid_worker", "community_admin", "cadre"])
def test_care_counts_on_the_home_match_their_list(tiny_city: TinyCity, role: str) -> None:
    tc = tiny_city
    start = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        # Contacts of the grid worker, of a cadre, and of another household, all due daily.
        for carer in ("grid_worker", "grid_worker", "cadre"):
            assign(tc, household_with(tc.inside.building), carer)
    c = Client()
    c.force_login(tc.users[role])
    with time_machine.travel(start + datetime.timedelta(days=3), tick=False):
        counts = [
            cnt
            for scope in home_scopes(actor_for_user(tc.users[role]))
            for cnt in scope.counts
            if cnt.url.split("?")[0] in ROWS and cnt.value is not None
        ]
        assert counts, "the role's home has care counts"
        for cnt in counts:
            page = c.get(cnt.url)
            assert page.status_code == 200, cnt.url
            shown = _rows(page.content.decode(), cnt.url.split("?")[0])
            assert shown == cnt.value, (cnt.label, cnt.url, cnt.value, shown)
            assert cnt.value > 0, cnt.label
