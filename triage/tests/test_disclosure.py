"""Privacy-tiered disclosure: a building is marked for residents' notice boards (never the
household) only when it has at least the city's threshold of open confirmed or suspected cases;
only the city sets the threshold, only the community marks its buildings."""

from __future__ import annotations

from typing import Any

import pytest

from core.audit import AuditEvent
from core.roles import Role
from places import services as place_services
from places.models import PlaceKind
from testkit import ROOT, Chain, TinyCity
from triage.disclosure import (
    DEFAULT_THRESHOLD,
    building_case_count,
    building_disclose,
    building_disclosure_withdraw,
    disclosure_threshold_set,
)
from triage.models import BuildingDisclosure, Category, DisclosureRule, Disposition
from triage.tests import test_cases as shared
from triage.tests.test_cases import START, act, denied, disposed, refused, triaged

city, clock = shared.city, shared.clock


def _new_building(tc: TinyCity, chain: Chain | None = None, name: str = "新楼") -> Chain:
    """A building of its own (the tiny city's buildings are already marked), one household."""
    chain = chain or tc.inside
    building = place_services.place_create(
        actor=ROOT, kind=PlaceKind.BUILDING, name=name, parent=chain.grid
    )
    household = place_services.household_create(actor=ROOT, building=building, room="101")
    return Chain(chain.district, chain.street, chain.community, chain.grid, building, household)


def _cases(tc: TinyCity, chain: Chain, *categories: str) -> None:
    for category in categories:
        triaged(tc, category, chain=chain)


def test_default_threshold_and_what_counts(city: TinyCity) -> None:
    b = _new_building(city)
    assert DEFAULT_THRESHOLD == 2
    _cases(city, b, Category.CONFIRMED, Category.FEBRILE, Category.CLOSE_CONTACT)
    disposed(city, Category.SUSPECTED, Disposition.HOSPITAL, chain=b)
    closed = disposed(city, Category.CLEARED, Disposition.RELEASED, chain=b)
    assert closed.status == "closed"
    # Confirmed and suspected open cases count; febrile, close contacts and closed ones do not.
    assert building_case_count(b.building) == 2


def test_below_the_threshold_nothing_is_marked(city: TinyCity) -> None:
    b = _new_building(city)
    _cases(city, b, Category.CONFIRMED, Category.FEBRILE)
    error = refused(
        lambda: building_disclose(actor=act(city, "community_admin"), building=b.building),
        "building",
        "below_threshold",
    )
    assert "1" in str(error.messages[0]) and "2" in str(error.messages[0])


def test_at_the_threshold_the_building_is_marked_once_and_audited(city: TinyCity) -> None:
    b = _new_building(city)
    _cases(city, b, Category.CONFIRMED, Category.SUSPECTED)
    admin = act(city, "community_admin")
    marked = building_disclose(actor=admin, building=b.building)
    assert (marked.building_id, marked.case_count, marked.marked_by_id, marked.marked_at) == (
        b.building.pk,
        2,
        admin.user_id,
        START,
    )
    assert (marked.community_id, marked.grid_id) == (b.community.pk, b.grid.pk)
    assert AuditEvent.objects.filter(
        action="disclose", target_type="building", target_id=str(b.building.pk)
    ).exists()
    # Marked again: the same mark, no second row.
    assert building_disclose(actor=admin, building=b.building).pk == marked.pk
    assert BuildingDisclosure.objects.filter(building=b.building).count() == 1
    # Withdrawn by the community (who and when kept), then markable again.
    withdrawn = building_disclosure_withdraw(actor=admin, disclosure=marked)
    assert (withdrawn.withdrawn_by_id, withdrawn.withdrawn_at) == (admin.user_id, START)
    assert building_disclosure_withdraw(actor=admin, disclosure=marked).withdrawn_at == START
    again = building_disclose(actor=admin, building=b.building)
    assert again.pk != marked.pk and again.withdrawn_at is None


def test_the_city_threshold_decides(city: TinyCity) -> None:
    b = _new_building(city)
    _cases(city, b, Category.CONFIRMED, Category.SUSPECTED)
    city_admin = act(city, "city_admin")
    rule = disclosure_threshold_set(actor=city_admin, city=city.city, threshold="3")
    assert (rule.threshold, rule.set_by_id) == (3, city_admin.user_id)
    refused(
        lambda: building_disclose(actor=act(city, "community_admin"), building=b.building),
        "building",
        "below_threshold",
    )
    disclosure_threshold_set(actor=city_admin, city=city.city, threshold="１")  # full-width 1
    assert DisclosureRule.objects.get(city=city.city).threshold == 1
    single = _new_building(city, name="单例楼")
    _cases(city, single, Category.SUSPECTED)
    building_disclose(actor=act(city, "community_admin"), building=single.building)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.CITY_ADMIN])
def test_only_the_city_sets_the_threshold(city: TinyCity, role: str) -> None:
    denied(lambda: disclosure_threshold_set(actor=act(city, role), city=city.city, threshold=5))


@pytest.mark.parametrize("bad", [0, 51, "-1", "two", "", None, "2.5"])
def test_a_bad_threshold_is_refused(city: TinyCity, bad: Any) -> None:
    refused(
        lambda: disclosure_threshold_set(
            actor=act(city, "city_admin"), city=city.city, threshold=bad
        ),
        "threshold",
    )


def test_the_threshold_belongs_to_a_whole_city(city: TinyCity) -> None:
    refused(
        lambda: disclosure_threshold_set(actor=ROOT, city=city.inside.district, threshold=3),
        "city",
        "kind",
    )


@pytest.mark.parametrize("role", list(Role.values))
def test_only_the_community_marks_its_buildings(city: TinyCity, role: str) -> None:
    b = _new_building(city)
    _cases(city, b, Category.CONFIRMED, Category.CONFIRMED)
    if role == Role.COMMUNITY_ADMIN:
        assert building_disclose(actor=act(city, role), building=b.building).pk
    else:
        denied(lambda: building_disclose(actor=act(city, role), building=b.building))


def test_the_community_marks_only_buildings_of_its_own(city: TinyCity) -> None:
    admin = act(city, "community_admin")
    # The sibling grid is in the same community: allowed. Another street: refused.
    sibling = _new_building(city, city.sibling)
    _cases(city, sibling, Category.CONFIRMED, Category.SUSPECTED)
    building_disclose(actor=admin, building=sibling.building)
    elsewhere = _new_building(city, city.other_street)
    _cases(city, elsewhere, Category.CONFIRMED, Category.SUSPECTED)
    denied(lambda: building_disclose(actor=admin, building=elsewhere.building))
    theirs = BuildingDisclosure.objects.get(building=city.other_street.building)
    denied(lambda: building_disclosure_withdraw(actor=admin, disclosure=theirs))
    # Only buildings are marked: never a household's grid or community as a whole.
    refused(lambda: building_disclose(actor=admin, building=city.inside.grid), "building", "kind")
