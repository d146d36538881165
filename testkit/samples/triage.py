"""Close contacts, sites and disclosed buildings in the tiny city."""

from __future__ import annotations

from places import services as place_services
from testkit.city import ROOT, TinyCity


def add_triage_samples(tc: TinyCity) -> None:
    """Per chain: a close contact in home observation (with its follow-ups), a site at its
    street and a building marked as having cases; and one site of the whole city."""
    from django.utils import timezone

    from accounts.selectors import actor_for_user
    from triage.cases import case_open
    from triage.decisions import case_assess, case_disposition_set
    from triage.models import BuildingDisclosure, Category, Disposition, Origin, SiteKind
    from triage.sites import site_save

    city_admin = actor_for_user(tc.users["city_admin"])
    site_save(
        actor=city_admin,
        site=None,
        kind=SiteKind.HOSPITAL,
        name="测试市定点医院",
        place=tc.city,
        capacity=100,
    )
    for chain in (tc.inside, tc.sibling, tc.other_street, tc.other_district):
        case, _created = case_open(
            actor=ROOT, resident=chain.residents[0], origin=Origin.CALL, note="居民来电：发热"
        )
        case_assess(actor=ROOT, case=case, category=Category.CLOSE_CONTACT)
        case_disposition_set(actor=ROOT, case=case, disposition=Disposition.HOME_OBSERVATION)
        if chain is not tc.sibling:
            site_save(
                actor=city_admin,
                site=None,
                kind=SiteKind.ISOLATION,
                name=f"{chain.street.name}隔离点",
                place=chain.street,
                capacity=10,
            )
        if chain is tc.sibling:
            continue  # residents see their community's marked buildings: keep 【SIB】 unmarked
        BuildingDisclosure.objects.create(
            **place_services.ancestor_columns(chain.building),
            building_path=chain.building.path,
            case_count=2,
            marked_by=tc.users["community_admin"],
            marked_at=timezone.now(),
        )
