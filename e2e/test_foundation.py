"""The foundation seen through a phone: log in, scope, language, place and party trees, access.

Expected values come from the demo city in the test database; UI strings are looked up in the
same catalogue the live server uses, and once the Chinese catalogue is compiled the Chinese pages
must really show Chinese.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import Grant, User
from e2e.conftest import DESK, PHONE, ZH_CATALOGUE
from party.models import PartyOrg
from people.models import Resident
from places.models import Household, Place, PlaceKind

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
MASKED_ID = re.compile(r"^\d{6}\*{8}[0-9X]{4}$")
LOGIN_PATH = "/accounts/login/"


# --- helpers ------------------------------------------------------------------------------------


def ui(msgid: str, lang: str = "zh-hans") -> str:
    """What the server renders for `msgid` in `lang` (same process, same catalogue)."""
    with translation.override(lang):
        return translation.gettext(msgid)


def url_path(path: str) -> re.Pattern[str]:
    """The page's URL is exactly `path` (any host, optional query string)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def login(page: Any, username: str, password: str | None = None) -> None:
    page.goto(LOGIN_PATH)
    page.fill("#id_username", username)
    page.fill("#id_password", password or settings.LINLI_DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()


def logout(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    expect(page).to_have_url(url_path(LOGIN_PATH))
    expect(page.get_by_test_id("login-submit")).to_be_visible()


def expect_chinese(page: Any) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_test_id("switch-language")).to_have_text("English")
    if page.get_by_test_id("logout").count():
        label = ui("Log out", "zh-hans")
        expect(page.get_by_test_id("logout")).to_have_text(label)
        if ZH_CATALOGUE.exists():
            assert CJK.search(label), f"zh_Hans catalogue compiled but 'Log out' is {label!r}"
    if ZH_CATALOGUE.exists():  # the project's own strings, once its catalogue is compiled
        footer = ui("Times are shown in Beijing time (UTC+8).", "zh-hans")
        assert CJK.search(footer), f"footer not translated in {ZH_CATALOGUE}: {footer!r}"
        expect(page.locator("footer")).to_have_text(footer)


def expect_english(page: Any) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("switch-language")).to_have_text("中文")
    if page.get_by_test_id("logout").count():
        expect(page.get_by_test_id("logout")).to_have_text("Log out")


def expect_not_found(page: Any, response: Any) -> None:
    assert response is not None and response.status == 404, response and response.status
    expect(page.locator("main h1")).to_have_text(ui("Not found"))
    expect(page.locator("main")).to_contain_text(
        ui("This page does not exist, or it is outside your area.")
    )
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Exception" not in body


def rows(page: Any) -> Any:
    return page.get_by_test_id("rows").locator("tbody tr")


def row_link(page: Any, name: str) -> Any:
    return page.get_by_test_id("rows").get_by_role("link", name=name, exact=True)


def count_tile(scope: Any, label: str) -> Any:
    """The number shown above `label` in a block of counts."""
    exact = re.compile("^" + re.escape(label) + "$")
    tile = scope.locator(".counts li").filter(has=scope.page.locator("span", has_text=exact))
    return tile.locator("strong")


def scope_label(place: Place) -> str:
    """The home page's label of a place grant: its ancestors below the city, then itself."""
    ids = [int(p) for p in place.path.strip("/").split("/") if p][1:]
    names = dict(Place.objects.filter(pk__in=ids).values_list("pk", "name"))
    return " · ".join(names[i] for i in ids)


def granted_place(username: str) -> Place:
    grant = Grant.objects.select_related("place").get(user__username=username)
    assert grant.place is not None
    return grant.place


def living(**filters: Any) -> int:
    return Resident.objects.filter(status__in=["present", "away"], **filters).count()


# --- tests --------------------------------------------------------------------------------------


def test_community_admin_tour(demo_city: Any, new_page: Any, shot: Any) -> None:
    community = granted_place("community_admin")
    assert community.kind == PlaceKind.COMMUNITY
    page = new_page(PHONE)

    # Log in on a phone: the home page shows the scope and its counts, in Chinese.
    page.goto(LOGIN_PATH)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    shot(page, "01-login")
    login(page, "community_admin")
    expect(page).to_have_url(url_path("/"))
    scope = page.get_by_test_id("scope")
    expect(scope).to_have_count(1)
    expect(page.get_by_test_id("scope-label")).to_have_text(scope_label(community))
    expect(page.get_by_test_id("scope-label")).to_contain_text(community.name)
    grids = list(Place.objects.filter(parent=community).order_by("path"))
    for label, value in (
        (ui("Grid"), len(grids)),
        (ui("Building"), Place.objects.filter(parent__in=grids).count()),
        (ui("Households"), Household.objects.filter(community=community).count()),
        (ui("Residents"), living(community=community)),
    ):
        expect(count_tile(scope, label)).to_have_text(str(value))
    expect_chinese(page)
    shot(page, "02-home-zh")

    # English: the switch takes effect at once and sticks across pages and reloads (cookie) ...
    with page.expect_navigation():
        page.get_by_test_id("switch-language").click()
    expect_english(page)
    expect(page.get_by_test_id("scope-label")).to_have_text(scope_label(community))
    shot(page, "03-home-en")
    page.reload()
    expect_english(page)
    page.get_by_test_id("nav-places").click()
    expect(page).to_have_url(url_path("/places/"))
    expect_english(page)
    expect(page.locator("main h1")).to_have_text("Places")
    assert User.objects.get(username="community_admin").language == "en"
    logout(page)
    expect_english(page)
    login(page, "community_admin")
    expect(page).to_have_url(url_path("/"))
    expect_english(page)

    # ... and on the user: a fresh browser (no cookies, Chinese) logs in to English pages.
    other = new_page(PHONE)
    other.goto(LOGIN_PATH)
    expect(other.locator("html")).to_have_attribute("lang", "zh-Hans")
    login(other, "community_admin")
    expect(other).to_have_url(url_path("/"))
    expect_english(other)
    shot(other, "04-fresh-browser-en")
    other.context.close()

    # Back to Chinese for the rest of the tour.
    with page.expect_navigation():
        page.get_by_test_id("switch-language").click()
    expect_chinese(page)
    assert User.objects.get(username="community_admin").language == "zh-hans"

    # The place tree: places -> community -> grid -> building -> household -> resident.
    page.get_by_test_id("nav-places").click()
    roots = page.get_by_test_id("place-roots")
    expect(roots.get_by_role("link")).to_have_count(1)
    shot(page, "05-places")
    roots.get_by_role("link", name=community.name, exact=True).click()
    expect(page).to_have_url(url_path(f"/places/{community.pk}/"))
    expect(page.get_by_test_id("place-name")).to_contain_text(community.name)
    expect(rows(page)).to_have_count(len(grids))
    for grid in grids:
        expect(row_link(page, grid.name)).to_be_visible()
    shot(page, "06-community")

    grid = next(g for g in grids if Place.objects.filter(parent=g).exists())
    row_link(page, grid.name).click()
    expect(page).to_have_url(url_path(f"/places/{grid.pk}/"))
    expect(page.get_by_test_id("place-name")).to_contain_text(grid.name)
    buildings = list(Place.objects.filter(parent=grid).order_by("path"))
    expect(rows(page)).to_have_count(len(buildings))
    shot(page, "07-grid")

    building = buildings[0]
    row_link(page, building.name).click()
    expect(page).to_have_url(url_path(f"/places/{building.pk}/"))
    expect(page.get_by_test_id("place-name")).to_contain_text(building.name)
    households = list(Household.objects.filter(building=building).order_by("room"))
    assert households
    expect(rows(page)).to_have_count(len(households))
    shot(page, "08-building")

    household = households[0]
    row_link(page, household.room).click()
    expect(page).to_have_url(url_path(f"/households/{household.pk}/"))
    expect(page.get_by_test_id("household-title")).to_contain_text(building.name)
    expect(page.get_by_test_id("household-title")).to_contain_text(household.room)
    residents = list(Resident.objects.filter(household=household).select_related("person"))
    assert residents
    members = page.get_by_test_id("members")
    for r in residents:
        expect(members).to_contain_text(r.person.name)
        assert r.person.id_number not in members.inner_text()
    shot(page, "09-household")

    resident = residents[0]
    members.get_by_role("link", name=resident.person.name, exact=True).first.click()
    expect(page).to_have_url(url_path(f"/residents/{resident.pk}/"))
    expect(page.get_by_test_id("resident-name")).to_have_text(resident.person.name)
    id_text = page.get_by_test_id("id-number").inner_text().strip()
    assert MASKED_ID.match(id_text), id_text
    assert id_text != resident.person.id_number
    assert id_text[:6] == resident.person.id_number[:6]
    assert id_text[-4:] == resident.person.id_number[-4:]
    shot(page, "10-resident")

    # The party tree: the community's organisation, then one of its branches.
    page.get_by_test_id("nav-party").click()
    expect(page).to_have_url(url_path("/party/"))
    community_org = PartyOrg.objects.get(place=community)
    org_roots = page.get_by_test_id("org-roots")
    expect(org_roots).to_contain_text(community_org.name)
    shot(page, "11-party")
    org_roots.get_by_role("link", name=community_org.name, exact=True).click()
    expect(page).to_have_url(url_path(f"/party/{community_org.pk}/"))
    expect(page.get_by_test_id("org-name")).to_contain_text(community_org.name)
    children = list(PartyOrg.objects.filter(parent=community_org).order_by("path"))
    assert children
    org_children = page.get_by_test_id("org-children")
    expect(org_children.get_by_role("link")).to_have_count(len(children))
    shot(page, "12-party-org")
    child = children[0]
    org_children.get_by_role("link", name=child.name, exact=True).click()
    expect(page).to_have_url(url_path(f"/party/{child.pk}/"))
    expect(page.get_by_test_id("org-name")).to_contain_text(child.name)
    shot(page, "13-party-child")

    # Search on the community page filters its rows as one types (htmx), then finds nothing.
    page.goto(f"/places/{community.pk}/")
    expect(rows(page)).to_have_count(len(grids))
    target = grids[-1]
    page.locator("input[name=q]").fill(target.name)
    expect(rows(page)).to_have_count(1)
    expect(row_link(page, target.name)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    shot(page, "14-search")
    page.locator("input[name=q]").fill("没有这个网格")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_text(ui("Nothing matches your search."))
    expect(page.get_by_test_id("rows").get_by_role("link")).to_have_count(0)
    shot(page, "15-search-nothing")

    # Log out: back on the login page, and the home page needs a login again.
    logout(page)
    expect_chinese(page)
    shot(page, "16-logged-out")
    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))


def test_resident_sees_only_own_household(demo_city: Any, new_page: Any, shot: Any) -> None:
    grant = Grant.objects.select_related("household__building").get(user__username="resident")
    own = grant.household
    assert own is not None
    page = new_page(PHONE)

    login(page, "resident")
    expect(page).to_have_url(url_path(f"/households/{own.pk}/"))
    expect_chinese(page)
    title = page.get_by_test_id("household-title")
    expect(title).to_contain_text(own.building.name)
    expect(title).to_contain_text(own.room)
    members = page.get_by_test_id("members")
    names = [r.person.name for r in Resident.objects.filter(household=own).select_related("person")]
    assert len(names) >= 3
    expect(members.locator("li")).to_have_count(len(names))
    for name in names:
        expect(members).to_contain_text(name)
    expect(page.get_by_test_id("nav-places")).to_have_count(0)
    shot(page, "01-own-household")

    # Another household of the same building or elsewhere: a 404 page, nothing of it shown.
    other = Household.objects.exclude(pk=own.pk).select_related("building").order_by("pk").first()
    assert other is not None
    response = page.goto(f"/households/{other.pk}/")
    expect_not_found(page, response)
    body = page.locator("body").inner_text()
    for r in Resident.objects.filter(household=other).select_related("person"):
        assert r.person.name not in body
    shot(page, "02-other-household")

    stranger = Resident.objects.exclude(household=own).order_by("pk").first()
    assert stranger is not None
    response = page.goto(f"/residents/{stranger.pk}/")
    expect_not_found(page, response)
    shot(page, "03-other-resident")

    page.goto("/places/")  # the places list has nothing for a resident
    expect(page.get_by_test_id("place-roots").get_by_role("link")).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(url_path(f"/households/{own.pk}/"))
    logout(page)


def test_wrong_password_shows_error(demo_city: Any, new_page: Any, shot: Any) -> None:
    page = new_page(DESK)
    page.goto(LOGIN_PATH)
    page.fill("#id_username", "community_admin")
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(url_path(LOGIN_PATH))
    error = page.get_by_test_id("login-error")
    expect(error).to_be_visible()
    with translation.override("zh-hans"):
        username = User._meta.get_field("username").verbose_name
        expected = str(AuthenticationForm.error_messages["invalid_login"]) % {"username": username}
    expect(error).to_have_text(expected)
    assert CJK.search(expected), expected  # Django's own catalogue is always compiled
    expect(page.locator("#id_username")).to_have_value("community_admin")
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.get_by_test_id("logout")).to_have_count(0)
    shot(page, "01-error")

    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))


def test_grid_worker_cannot_open_another_grid(demo_city: Any, new_page: Any, shot: Any) -> None:
    own = granted_place("grid_worker")
    other = granted_place("grid_worker2")
    assert own.kind == other.kind == PlaceKind.GRID and own.pk != other.pk
    other_building = Place.objects.filter(parent=other).order_by("path").first()
    assert other_building is not None
    page = new_page(PHONE)

    login(page, "grid_worker")
    expect(page).to_have_url(url_path("/"))
    expect(page.get_by_test_id("scope-label")).to_have_text(scope_label(own))
    shot(page, "01-home")

    page.goto(f"/places/{own.pk}/")
    expect(page.get_by_test_id("place-name")).to_contain_text(own.name)
    expect(rows(page)).to_have_count(Place.objects.filter(parent=own).count())
    shot(page, "02-own-grid")

    response = page.goto(f"/places/{other.pk}/")
    expect_not_found(page, response)
    expect(page.get_by_test_id("rows")).to_have_count(0)
    shot(page, "03-other-grid")

    response = page.goto(f"/places/{other_building.pk}/")
    expect_not_found(page, response)
    logout(page)
