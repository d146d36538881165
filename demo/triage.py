"""The demo city's triage: designated hospitals and isolation sites, and cases at every stage
in the demo health worker's communities — waiting for triage, in home observation, isolated,
waiting for a hospital bed (with the queue alarm), a close contact linked to its index case —
so every triage page has something to show. Everything goes through the services, by the
demo accounts that would do it; only the clock is moved back, so the waits look real."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from health.models import FlagStatus, HealthFlag
from people.models import Resident, ResidentStatus
from places.models import Place, PlaceKind
from triage.cases import case_open_from_flag
from triage.contacts import contact_link
from triage.decisions import bed_assign, case_assess, case_disposition_set
from triage.models import Category, Disposition, Site, SiteKind, TriageCase
from triage.sites import site_save
from triage.tasks import transfer_alarms_raise


def _actor(username: str):  # type: ignore[no-untyped-def]
    return actor_for_user(User.objects.get(username=username))


def seed_triage(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    city_admin = _actor("city_admin")
    city = Place.objects.get(kind=PlaceKind.CITY)
    for district in Place.objects.filter(kind=PlaceKind.DISTRICT).order_by("pk"):
        site_save(
            actor=city_admin,
            site=None,
            kind=SiteKind.HOSPITAL,
            name=f"{district.name}定点医院",
            place=district,
            capacity=120,
        )
    for i, street in enumerate(Place.objects.filter(kind=PlaceKind.STREET).order_by("pk")):
        # The demo street's site is nearly full, so "full" can be seen.
        site_save(
            actor=city_admin,
            site=None,
            kind=SiteKind.ISOLATION,
            name=f"{street.name}集中隔离点",
            place=street,
            capacity=3 if i == 0 else 40,
        )
    site_save(
        actor=city_admin,
        site=None,
        kind=SiteKind.ISOLATION,
        name="市级集中隔离酒店",
        place=city,
        capacity=200,
    )

    health = _actor("health_worker")
    street = _actor("street_admin")
    communities = [
        g.place_id
        for g in Grant.objects.filter(role=Role.HEALTH_WORKER, user__username="health_worker")
    ]
    flags = list(
        HealthFlag.objects.filter(status=FlagStatus.OPEN, community_id__in=communities).order_by(
            "raised_at", "pk"
        )[:9]
    )
    cases: list[TriageCase] = []
    for flag in flags:
        case, _created = case_open_from_flag(
            actor=health, flag=flag, note="卫生服务中心电话随访后转入分诊"
        )
        cases.append(case)
    plans = [
        (Category.SUSPECTED, Disposition.ISOLATION, "isolation"),
        (Category.CONFIRMED, Disposition.HOSPITAL, None),  # waits for a bed: the alarm
        (Category.FEBRILE, Disposition.HOME_OBSERVATION, None),
        (Category.FEBRILE, Disposition.FEVER_CLINIC, None),
        (Category.CLEARED, Disposition.RELEASED, None),
    ]
    for case, (category, disposition, bed) in zip(cases, plans, strict=False):
        case = case_assess(
            actor=health,
            case=case,
            category=category,
            temperature="38.1",
            notes="血常规、胸部CT已开单",
        )
        case = case_disposition_set(actor=street, case=case, disposition=disposition)
        if bed:
            site = Site.objects.filter(kind=SiteKind.ISOLATION, place_id=case.street_id).first()
            if site is not None:
                bed_assign(actor=street, case=case, site=site)
    # A close contact of the confirmed case, from its household or next door.
    if len(cases) > 1:
        index = cases[1]
        contact = (
            Resident.objects.filter(household=index.household, status=ResidentStatus.PRESENT)
            .exclude(pk=index.resident_id)
            .first()
        )
        if contact is not None:
            linked = contact_link(
                actor=health,
                index_case=index,
                resident=contact,
                last_contact_on=timezone.localdate(now) - datetime.timedelta(days=2),
            )
            case_disposition_set(
                actor=street, case=linked, disposition=Disposition.HOME_OBSERVATION
            )
    # Move the clocks back: the waiting ones have waited, the confirmed case for 3 hours.
    for n, case in enumerate(cases[len(plans) :]):
        back = datetime.timedelta(minutes=40 + 35 * n)
        TriageCase.objects.filter(pk=case.pk).update(
            first_flagged_at=now - back - datetime.timedelta(minutes=20),
            opened_at=now - back,
            triage_due_since=now - back,
        )
    if len(cases) > 1:
        TriageCase.objects.filter(pk=cases[1].pk, bed_wanted_since__isnull=False).update(
            bed_wanted_since=now - datetime.timedelta(hours=3),
            first_flagged_at=now - datetime.timedelta(hours=5),
            triaged_at=now - datetime.timedelta(hours=4),
        )
        transfer_alarms_raise(now)
    return TriageCase.objects.count()
