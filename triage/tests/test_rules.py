"""Every category transition and every disposition per category, allowed or forbidden, listed
here in full and driven through the services: an allowed one changes the case and records who,
when, from, to and why; a forbidden one names the field and changes nothing.

The tables are written out by hand (not read from triage.rules) so that a change to the rules
must change this list too; the first tests check that both say the same."""

from __future__ import annotations

import datetime
import functools
from typing import Any

import pytest

from testkit import TinyCity
from triage.cases import case_open
from triage.decisions import case_assess, case_disposition_set
from triage.models import (
    CaseEvent,
    CaseStatus,
    Category,
    CloseReason,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpStatus,
    Origin,
    Site,
    TriageCase,
)
from triage.rules import CATEGORY_NEXT, DISPOSITIONS_FOR
from triage.tests import test_cases as shared
from triage.tests.test_cases import (
    START,
    act,
    city_hospital,
    isolation_site,
    opened,
    person,
    refused,
    triaged,
)

# The shared fixtures: the tiny city built at a frozen moment, and the clock.
city, clock = shared.city, shared.clock

CONF, SUSP, FEB, CC, CLR = "confirmed", "suspected", "febrile", "close_contact", "cleared"
CATEGORIES = [CONF, SUSP, FEB, CC, CLR]
HOSP, ISO, CLINIC = "hospital", "isolation", "fever_clinic"
HOME, REL = "home_observation", "released"
DISPOSITIONS = [HOSP, ISO, CLINIC, HOME, REL]

# (category now, category wanted) → allowed. "" is "not triaged yet". Same → same is a
# reassessment (allowed, the category stays), and nothing goes back to "".
CATEGORY_TABLE: dict[tuple[str, str], bool] = {
    ("", CONF): True,
    ("", SUSP): True,
    ("", FEB): True,
    ("", CC): True,
    ("", CLR): True,
    ("", ""): False,
    (SUSP, CONF): True,
    (SUSP, SUSP): True,
    (SUSP, FEB): True,
    (SUSP, CC): True,
    (SUSP, CLR): True,
    (SUSP, ""): False,
    (FEB, CONF): True,
    (FEB, SUSP): True,
    (FEB, FEB): True,
    (FEB, CC): True,
    (FEB, CLR): True,
    (FEB, ""): False,
    (CC, CONF): True,
    (CC, SUSP): True,
    (CC, FEB): True,
    (CC, CC): True,
    (CC, CLR): True,
    (CC, ""): False,
    (CONF, CONF): True,
    (CONF, SUSP): False,
    (CONF, FEB): False,
    (CONF, CC): False,
    (CONF, CLR): True,
    (CONF, ""): False,
    (CLR, CONF): True,
    (CLR, SUSP): True,
    (CLR, FEB): True,
    (CLR, CC): True,
    (CLR, CLR): True,
    (CLR, ""): False,
}

# (category, disposition) → allowed, for a case with no disposition yet.
DISPOSITION_TABLE: dict[tuple[str, str], bool] = {
    ("", HOSP): False,
    ("", ISO): False,
    ("", CLINIC): False,
    ("", HOME): False,
    ("", REL): False,
    (CONF, HOSP): True,
    (CONF, ISO): False,
    (CONF, CLINIC): False,
    (CONF, HOME): False,
    (CONF, REL): False,
    (SUSP, HOSP): True,
    (SUSP, ISO): True,
    (SUSP, CLINIC): True,
    (SUSP, HOME): False,
    (SUSP, REL): False,
    (FEB, HOSP): True,
    (FEB, ISO): True,
    (FEB, CLINIC): True,
    (FEB, HOME): True,
    (FEB, REL): True,
    (CC, HOSP): False,
    (CC, ISO): True,
    (CC, CLINIC): False,
    (CC, HOME): True,
    (CC, REL): True,
    (CLR, HOSP): False,
    (CLR, ISO): False,
    (CLR, CLINIC): False,
    (CLR, HOME): False,
    (CLR, REL): True,
}


def test_the_category_table_lists_every_pair_and_matches_the_rules() -> None:
    assert set(Category.values) == set(CATEGORIES)
    assert set(CATEGORY_TABLE) == {(a, b) for a in ["", *CATEGORIES] for b in [*CATEGORIES, ""]}
    for (old, new), allowed in CATEGORY_TABLE.items():
        in_rules = new in CATEGORY_NEXT[old] or (new == old and old != "")
        assert allowed == in_rules, (old, new)


def test_the_disposition_table_lists_every_pair_and_matches_the_rules() -> None:
    assert set(Disposition.values) == set(DISPOSITIONS)
    assert set(DISPOSITION_TABLE) == {(c, d) for c in ["", *CATEGORIES] for d in DISPOSITIONS}
    for (category, disposition), allowed in DISPOSITION_TABLE.items():
        assert allowed == (disposition in DISPOSITIONS_FOR[category]), (category, disposition)


def _at(tc: TinyCity, category: str) -> TriageCase:
    return triaged(tc, category) if category else opened(tc)


@pytest.mark.parametrize(("old", "new"), list(CATEGORY_TABLE))
def test_category_transition(city: TinyCity, clock: Any, old: str, new: str) -> None:
    case = _at(city, old)
    clinician = act(city, "health_worker")
    clock.shift(datetime.timedelta(hours=1))
    now = START + datetime.timedelta(hours=1)

    def assess() -> TriageCase:
        return case_assess(
            actor=clinician,
            case=case,
            category=new,
            temperature="37.6",
            notes="复查",
            reason="核酸结果" if old else "",
        )

    if not CATEGORY_TABLE[(old, new)]:
        code = "invalid" if new == "" else "transition"
        refused(assess, "category", code)
        return
    events = CaseEvent.objects.filter(case=case)
    before = events.filter(kind=EventKind.CATEGORY).count()
    assessed = assess()
    row = TriageCase.objects.get(pk=case.pk)
    assert row.category == new == assessed.category
    assert row.triage_due_since is None
    # The first triage moment stays the first one.
    assert row.triaged_at == (START if old else now)
    assert events.filter(kind=EventKind.ASSESSED, at=now, by_id=clinician.user_id).count() == 1
    changes = events.filter(kind=EventKind.CATEGORY)
    if old == new:  # a reassessment: no change of category on the timeline
        assert changes.count() == before
        return
    assert changes.count() == before + 1
    change = changes.latest("pk")
    assert (change.by_id, change.at, change.from_value, change.to_value) == (
        clinician.user_id,
        now,
        old,
        new,
    )
    assert change.reason == ("核酸结果" if old else "")


@pytest.mark.parametrize(
    ("old", "new"), [(a, b) for (a, b), ok in CATEGORY_TABLE.items() if ok and a and a != b]
)
def test_a_category_change_without_a_reason_is_refused(city: TinyCity, old: str, new: str) -> None:
    case = triaged(city, old)
    for reason in ("", "   "):
        refused(
            functools.partial(
                case_assess,
                actor=act(city, "health_worker"),
                case=case,
                category=new,
                reason=reason,
            ),
            "reason",
            "required",
        )


@pytest.mark.parametrize("bad", ["probable", "CONFIRMED", " confirmed", None])
def test_an_unknown_category_is_refused(city: TinyCity, bad: Any) -> None:
    case = opened(city)
    refused(
        lambda: case_assess(actor=act(city, "health_worker"), case=case, category=bad),
        "category",
        "invalid",
    )


@pytest.mark.parametrize(("category", "disposition"), list(DISPOSITION_TABLE))
def test_disposition_per_category(
    city: TinyCity, clock: Any, category: str, disposition: str
) -> None:
    case = _at(city, category)
    office = act(city, "community_admin")
    clock.shift(datetime.timedelta(hours=1))
    now = START + datetime.timedelta(hours=1)

    def dispose() -> TriageCase:
        return case_disposition_set(
            actor=office, case=case, disposition=disposition, reason="街道统筹"
        )

    if not DISPOSITION_TABLE[(category, disposition)]:
        refused(dispose, "disposition", "transition" if category else "untriaged")
        return
    dispose()
    row = TriageCase.objects.get(pk=case.pk)
    change = CaseEvent.objects.get(case=case, kind=EventKind.DISPOSITION)
    assert (change.by_id, change.at, change.from_value, change.to_value, change.reason) == (
        office.user_id,
        now,
        "",
        disposition,
        "街道统筹",
    )
    assert row.disposition == disposition
    due = FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE)
    if disposition == REL:
        assert row.status == CaseStatus.CLOSED and row.close_reason == CloseReason.RELEASED
        assert row.closed_at == now and not due.exists()
        assert CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED, at=now).count() == 1
        return
    assert row.status == CaseStatus.OPEN
    if disposition in (HOSP, ISO):
        # No site given: the person waits in the street's transfer queue.
        assert row.bed_wanted_since == now and row.site_id is None
        assert CaseEvent.objects.filter(case=case, kind=EventKind.BED_QUEUED).count() == 1
    else:
        assert row.bed_wanted_since is None
    if disposition == HOME:
        assert row.observation_start == START.date()
        assert row.observation_end == START.date() + datetime.timedelta(days=13)
        assert due.count() == 28
    else:
        assert not due.exists() and row.observation_end is None


@pytest.mark.parametrize("bad", ["home", "", "quarantine", None])
def test_an_unknown_disposition_is_refused(city: TinyCity, bad: Any) -> None:
    case = triaged(city, FEB)
    refused(
        lambda: case_disposition_set(
            actor=act(city, "community_admin"), case=case, disposition=bad
        ),
        "disposition",
        "invalid",
    )


# A febrile patient may go anywhere: every change of disposition, from each of the four that
# keep the case open, to each of the five.
DISPOSITION_CHANGES = [(a, b) for a in [HOSP, ISO, CLINIC, HOME] for b in DISPOSITIONS]


@pytest.mark.parametrize(("old", "new"), DISPOSITION_CHANGES)
def test_disposition_change(city: TinyCity, clock: Any, old: str, new: str) -> None:
    office = act(city, "community_admin")
    sites = {HOSP: city_hospital(city), ISO: isolation_site(city)}
    case = triaged(city, FEB)
    case = case_disposition_set(actor=office, case=case, disposition=old, site=sites.get(old))
    clock.shift(datetime.timedelta(hours=5))
    now = START + datetime.timedelta(hours=5)

    def change(reason: str) -> TriageCase:
        return case_disposition_set(
            actor=office, case=case, disposition=new, reason=reason, site=sites.get(new)
        )

    if old == new:
        refused(lambda: change("再次"), "disposition", "unchanged")
        return
    refused(lambda: change(""), "reason", "required")
    change("复诊后调整")
    row = TriageCase.objects.get(pk=case.pk)
    event = CaseEvent.objects.filter(case=case, kind=EventKind.DISPOSITION).latest("pk")
    assert (event.by_id, event.at, event.from_value, event.to_value, event.reason) == (
        office.user_id,
        now,
        old,
        new,
        "复诊后调整",
    )
    # A bed left behind is freed; a new bed is taken; no follow-up stays due away from home.
    held = {s.pk: s.occupied for s in Site.objects.filter(pk__in=[s.pk for s in sites.values()])}
    expected = {s.pk: 0 for s in sites.values()}
    if new in sites:
        expected[sites[new].pk] = 1
        assert row.site_id == sites[new].pk
    else:
        assert row.site_id is None
    assert held == expected
    due = FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE)
    if new == HOME:
        assert due.exists() and row.observation_start == now.date()
    else:
        assert not due.exists()
    assert row.status == (CaseStatus.CLOSED if new == REL else CaseStatus.OPEN)


def test_a_category_change_that_outdates_the_disposition_asks_for_a_new_one(
    city: TinyCity,
) -> None:
    """A close contact at home who turns out suspected is not left at home unseen: the case is
    listed as needing a disposition, and still watched at home until it has one."""
    watched = triaged(city, CC)
    case_disposition_set(actor=act(city, "community_admin"), case=watched, disposition=HOME)
    waiting = triaged(city, FEB)  # triaged, no disposition yet

    def needing() -> set[int]:
        return set(TriageCase.objects.needs_disposition().values_list("pk", flat=True))

    assert waiting.pk in needing() and watched.pk not in needing()
    case_assess(actor=act(city, "health_worker"), case=watched, category=SUSP, reason="发热 38.5°C")
    assert watched.pk in needing()
    assert FollowUp.objects.filter(case=watched, status=FollowUpStatus.DUE).exists()
    case_disposition_set(
        actor=act(city, "community_admin"), case=watched, disposition=ISO, reason="转隔离"
    )
    assert watched.pk not in needing()
    assert not FollowUp.objects.filter(case=watched, status=FollowUpStatus.DUE).exists()


def test_the_tables_cover_a_person_opened_by_every_origin(city: TinyCity) -> None:
    """Origin does not change the rules: a traced contact is triaged like a walk-in."""
    for origin in Origin.values:
        case, _created = case_open(
            actor=act(city, "health_worker"),
            resident=person(city.inside),
            origin=origin,
            note="备注",
        )
        case_assess(actor=act(city, "health_worker"), case=case, category=CONF)
        refused(
            functools.partial(
                case_disposition_set,
                actor=act(city, "community_admin"),
                case=case,
                disposition=HOME,
            ),
            "disposition",
            "transition",
        )
