"""The resident's front door on a phone (360x740, Chinese): a resident scans their building's
link, gets a text code (read from the console gateway's outbox page, as a visitor of the demo
does, in a second tab), says who they are, lands on the report form and reports; a person the
registry does not have asks to join, their grid worker confirms, and they log in with a text code
and see their household; and the morning reminder reaches the inbox once, at its time.

Time is moved (time_machine, ticking) to the next weekday's morning, a little after the
residents' reminder (09:00 Beijing by default): near enough to the real clock that the browser
keeps the cookies the server sets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import Grant, User
from core.fields import index_of
from core.masking import mask_phone
from core.roles import Role
from e2e.conftest import PHONE
from e2e.test_foundation import granted_place, login, url_path
from front_door.models import JoinCode, JoinRequest, JoinRequestStatus
from health.models import HealthReport
from health.reminders import reminders_run
from notifications.kinds import Kind
from notifications.models import Notification
from people.models import Resident, ResidentStatus
from places.models import Place, PlaceKind
from testkit import synthetic_id_number

pytestmark = pytest.mark.browser

BEIJING = ZoneInfo("Asia/Shanghai")
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
OUTBOX = "/inbox/outbox/"


def next_weekday_at(hour: int, minute: int) -> dt.datetime:
    """The next weekday after today (Beijing), at hour:minute Beijing time."""
    day = dt.datetime.now(BEIJING).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), BEIJING)


@dataclass(frozen=True)
class Morning:
    at: dt.datetime  # where the clock was moved to
    traveller: time_machine.Traveller


@pytest.fixture
def morning() -> Iterator[Morning]:
    """The clock (server and test) at 09:05 Beijing on the next weekday, running."""
    at = next_weekday_at(9, 5)
    with time_machine.travel(at, tick=True) as traveller:
        yield Morning(at, traveller)


@pytest.fixture
def console_outbox(settings: Any) -> None:
    """The console gateway, with its outbox page open to visitors (as `make run` shows it)."""
    settings.TEXT_GATEWAY = "console"
    settings.TEXT_CONSOLE_OUTBOX_PUBLIC = True


def read_code(outbox: Any, phone: str) -> str:
    """The newest code the console outbox page shows for `phone` (the number is masked there)."""
    outbox.goto(OUTBOX)
    item = outbox.locator(f"[data-testid=text-outbox-item][data-phone='{mask_phone(phone)}']")
    expect(item.first).to_be_visible()
    words = item.first.get_by_test_id("text-outbox-words").inner_text()
    found = CODE.search(words)
    assert found, f"no 6-digit code in {words!r}"
    return found.group(1)


def building_code(place: Place) -> JoinCode:
    return JoinCode.objects.get(place=place, revoked_at__isnull=True)


def send_code(page: Any, phone: str) -> None:
    page.get_by_test_id("join-phone").fill(phone)
    with page.expect_navigation():
        page.get_by_test_id("join-send").click()


def enter_code(page: Any, code: str) -> None:
    page.get_by_test_id("join-code").fill(code)
    with page.expect_navigation():
        page.get_by_test_id("join-check").click()


# --- 1. a resident of the registry joins and reports ------------------------------------------


def test_resident_scans_joins_with_a_text_code_and_reports(
    demo_city: Any, console_outbox: None, morning: Morning, new_page: Any, shot: Any
) -> None:
    # The demo resident's building, and someone living there who has no account yet.
    household = Grant.objects.select_related("household").get(user__username="resident").household
    assert household is not None
    code = building_code(household.building)
    someone = (
        Resident.objects.filter(
            building_id=code.place_id,
            status=ResidentStatus.PRESENT,
            person__users__isnull=True,
            person__id_number__isnull=False,
        )
        .select_related("person", "household")
        .order_by("pk")
        .first()
    )
    assert someone is not None, "the demo building has a resident without an account"
    name, id_number = someone.person.name, str(someone.person.id_number)
    phone = "13912345678"

    page = new_page(PHONE)
    page.goto(f"/join/{code.token}/")
    expect(page.get_by_test_id("join-place")).to_have_text(household.building.name)
    shot(page, "01-scanned")
    send_code(page, phone)
    expect(page).to_have_url(url_path(f"/join/{code.token}/code/"))
    expect(page.get_by_test_id("join-code-page")).to_contain_text(phone[-4:])
    shot(page, "02-code-asked")

    # The visitor reads the text message on the console outbox page, in a second tab.
    outbox = page.context.new_page()
    text_code = read_code(outbox, phone)
    assert phone not in outbox.content(), "the outbox page shows the number masked"
    shot(outbox, "03-console-outbox")
    outbox.close()

    enter_code(page, text_code)
    expect(page).to_have_url(url_path(f"/join/{code.token}/details/"))
    shot(page, "04-who-you-are")
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-last6").fill(id_number[-6:])
    with page.expect_navigation():
        page.get_by_test_id("join-submit").click()

    # An account with the resident role on their household; the report form is next.
    expect(page).to_have_url(url_path("/health/report/"))
    user = User.objects.get(person=someone.person)
    assert user.phone == phone
    assert Grant.objects.filter(user=user, role=Role.RESIDENT, household=someone.household).exists()
    card = page.get_by_test_id("member").filter(has_text=name)
    expect(card).to_have_count(1)
    shot(page, "05-report-form")
    card.get_by_test_id("temperature").fill("36.5")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("member-done").filter(has_text="36.5")).to_have_count(1)
    shot(page, "06-reported")
    report = HealthReport.objects.get(resident=someone)
    assert str(report.temperature) == "36.5"
    assert report.day == morning.at.date() and report.slot == "am"


# --- 2. someone the registry does not have: a join request, confirmed ------------------------


def test_unmatched_person_asks_grid_worker_confirms_person_logs_in_with_a_code(
    demo_city: Any, console_outbox: None, morning: Morning, new_page: Any, shot: Any
) -> None:
    grid = granted_place("grid_worker")
    code = (
        JoinCode.objects.filter(
            place__kind=PlaceKind.BUILDING,
            place__path__startswith=grid.path,
            revoked_at__isnull=True,
        )
        .select_related("place")
        .order_by("pk")
        .first()
    )
    assert code is not None, "the grid worker's grid has a building with a join code"
    building = code.place
    name, id_number, room, phone = "欧阳新来", synthetic_id_number(), "9单元901", "13700001234"
    assert not Resident.objects.filter(person__name=name).exists()

    # The person: the same steps, then a name the registry does not have.
    page = new_page(PHONE)
    page.goto(f"/join/{code.token}/")
    send_code(page, phone)
    outbox = page.context.new_page()
    text_code = read_code(outbox, phone)
    outbox.close()
    enter_code(page, text_code)
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-last6").fill(id_number[-6:])
    page.get_by_test_id("join-room").fill(room)
    page.get_by_test_id("join-note").fill("刚租的房子")
    shot(page, "01-details")
    with page.expect_navigation():
        page.get_by_test_id("join-submit").click()
    expect(page).to_have_url(url_path(f"/join/{code.token}/status/"))
    expect(page.get_by_test_id("join-status")).to_have_attribute("data-status", "pending")
    shot(page, "02-request-sent")
    row = JoinRequest.objects.get(phone_hash=index_of("phone", phone))
    assert (row.name, row.building_id, row.status) == (name, building.pk, JoinRequestStatus.PENDING)
    assert not User.objects.filter(phone=phone).exists()

    # The grid worker of that grid: the list, the request, confirm with the registry's fields.
    gw = new_page(PHONE)
    login(gw, "grid_worker")
    gw.goto("/join-requests/")
    listed = gw.get_by_test_id("join-request-row").filter(has_text=name)
    expect(listed).to_have_attribute("data-status", "pending")
    shot(gw, "03-join-requests")
    with gw.expect_navigation():
        listed.get_by_role("link", name=name).click()
    expect(gw.get_by_test_id("join-request-last6")).to_have_text(id_number[-6:])
    form = gw.get_by_test_id("join-confirm-form")
    expect(form.locator("[name=name]")).to_have_value(name)
    expect(form.locator("[name=room]")).to_have_value(room)
    form.locator("[name=id_number]").fill(id_number)
    form.locator("[name=relation]").select_option("head")
    shot(gw, "04-confirm-form")
    with gw.expect_navigation():
        gw.get_by_test_id("join-confirm").click()
    expect(gw.get_by_test_id("join-request-status")).to_have_attribute("data-status", "confirmed")
    shot(gw, "05-confirmed")
    resident = Resident.objects.select_related("household").get(person__name=name)
    assert (resident.building_id, resident.household.room) == (building.pk, room)
    user = User.objects.get(phone=phone)
    assert Grant.objects.filter(
        user=user, role=Role.RESIDENT, household=resident.household
    ).exists()

    # Later (past the minute between two codes to one number), the person logs in with a code.
    morning.traveller.shift(dt.timedelta(minutes=2))
    page.goto("/login/phone/")
    shot(page, "06-phone-login")
    page.get_by_test_id("login-phone").fill(phone)
    with page.expect_navigation():
        page.get_by_test_id("login-phone-submit").click()
    expect(page).to_have_url(url_path("/login/phone/code/"))
    outbox = page.context.new_page()
    text_code = read_code(outbox, phone)
    outbox.close()
    page.get_by_test_id("login-code").fill(text_code)
    shot(page, "07-login-code")
    with page.expect_navigation():
        page.get_by_test_id("login-code-submit").click()
    expect(page).to_have_url(url_path(f"/households/{resident.household_id}/"))
    title = page.get_by_test_id("household-title")
    expect(title).to_contain_text(building.name)
    expect(title).to_contain_text(room)
    expect(page.locator("main")).to_contain_text(name)
    shot(page, "08-household")


# --- 3. the morning reminder, once --------------------------------------------------------------


def test_morning_reminder_reaches_the_inbox_once(
    demo_city: Any, morning: Morning, new_page: Any, shot: Any
) -> None:
    user = User.objects.get(username="resident")
    household = Grant.objects.get(user=user, role=Role.RESIDENT).household
    assert household is not None
    assert not HealthReport.objects.filter(household=household, day=morning.at.date()).exists()

    page = new_page(PHONE)
    login(page, "resident")
    # Whatever the demo left unread, read; the reminder is what this test counts.
    page.goto("/inbox/")
    if page.get_by_test_id("inbox-read-all").count():
        with page.expect_navigation():
            page.get_by_test_id("inbox-read-all").click()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    shot(page, "01-inbox-before")

    # The reminder job runs (every few minutes in production): twice, one reminder.
    first = reminders_run()
    second = reminders_run()
    assert first.get("households", 0) > 0 and not second, (first, second)
    assert Notification.objects.filter(recipient=user, kind=Kind.REPORT_REMINDER).count() == 1

    page.reload()
    expect(page.get_by_test_id("bell-count")).to_have_text("1")
    reminders = page.locator(f"[data-testid=inbox-item][data-kind='{Kind.REPORT_REMINDER}']")
    expect(reminders).to_have_count(1)
    expect(reminders.first).to_have_attribute("data-read", "0")
    shot(page, "02-reminder-in-inbox")

    with page.expect_navigation():
        reminders.first.locator("button").click()
    expect(page).to_have_url(url_path("/health/report/"))
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    shot(page, "03-opened-report-form")
    page.goto("/inbox/")
    reminders = page.locator(f"[data-testid=inbox-item][data-kind='{Kind.REPORT_REMINDER}']")
    expect(reminders).to_have_count(1)
    expect(reminders.first).to_have_attribute("data-read", "1")
