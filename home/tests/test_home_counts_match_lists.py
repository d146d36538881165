"""Every home count opens a list with exactly that many rows (issue 15 item 17): the grid
worker's "2 care contacts overdue" opened /care/mine/, which showed 0 overdue."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client

from accounts.selectors import actor_for_user
from care.tests.helpers import assign, household_with
from home.scopes import home_scopes
from testkit import TinyCity

# Rows of each list a home count may open, by the list's path.
ROWS = {
    "/care/mine/": r'data-testid="mine-row"',
    "/care/": r'data-testid="household-row"',
    "/requests/": r'data-testid="request-row"',
    "/requests/mine/": r'data-testid="request-row"',
    "/health/flags/": r'data-testid="flag-row"',
    "/deployments/": r'data-testid="deployment-row"',
    "/notices/": r'data-testid="notice-row"',
    "/supplies/": r'data-testid="stock-row"',
    "/triage/follow-ups/": r'data-testid="follow-up-row"',
    "/triage/cases/": r'data-testid="case-row"',
    "/triage/transfers/": r'data-testid="queue-row"',
    "/triage/": r'data-testid="queue-row"',
    "/opinion/": r'data-testid="incident-row"',
    "/supervision/rectifications/": r'data-testid="rectification-row"',
}
# Lists that show their total (paged, or a table): the figure the page states.
TOTALS = {
    r"/health/coverage/\d+/missing/": r'data-testid="missing-count" data-count="(\d+)"',
}


def _rows(html: str, path: str) -> int:
    for pattern, total in TOTALS.items():
        if re.fullmatch(pattern, path):
            found = re.search(total, html)
            assert found, path
            return int(found.group(1))
    return len(re.findall(ROWS.get(path, r"(?!)"), html))


def _listed(path: str) -> bool:
    return path in ROWS or any(re.fullmatch(p, path) for p in TOTALS)


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
            if cnt.url.split("?")[0] in ("/care/", "/care/mine/") and cnt.value is not None
        ]
        assert counts, "the role's home has care counts"
        for cnt in counts:
            page = c.get(cnt.url)
            assert page.status_code == 200, cnt.url
            shown = _rows(page.content.decode(), cnt.url.split("?")[0])
            assert shown == cnt.value, (cnt.label, cnt.url, cnt.value, shown)
            assert cnt.value > 0, cnt.label


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "grid_worker",
        "community_admin",
        "street_admin",
        "district_admin",
        "city_admin",
        "health_worker",
        "resident",
        "cadre",
        "volunteer",
    ],
)
def test_every_listed_home_count_matches_its_list(tiny_city: TinyCity, role: str) -> None:
    """Each home count whose list has rows we can count (requests, flags, deployments, notices,
    supplies, care): the page behind it shows exactly that many, with open and overdue
    requests and an abnormal flag in the area."""
    from decimal import Decimal

    from health.reporting import ReportInput, health_reports_submit
    from service_requests.tests.test_filing import file_one

    tc = tiny_city
    now = datetime.datetime.now(datetime.UTC)
    file_one(tc, now=now - datetime.timedelta(days=2))  # overdue by now
    file_one(tc, now=now)
    health_reports_submit(
        actor=actor_for_user(tc.users["grid_worker"]),
        items=[
            ReportInput(
                resident_id=tc.inside.residents[0].pk,
                day=datetime.date.today(),
                slot="am",
                temperature=Decimal("38.5"),
            )
        ],
    )
    c = Client()
    c.force_login(tc.users[role])
    checked = 0
    for scope in home_scopes(actor_for_user(tc.users[role])):
        for cnt in scope.counts:
            path = cnt.url.split("?")[0]
            if not _listed(path) or cnt.value is None:
                continue
            page = c.get(cnt.url, follow=True)
            assert page.status_code == 200, cnt.url
            shown = _rows(page.content.decode(), page.request["PATH_INFO"])
            assert shown == cnt.value, (str(cnt.label), cnt.url, cnt.value, shown)
            checked += 1
    assert checked, f"{role}: no count checked"
