"""Privacy-tiered disclosure: a building may be shown to residents as having cases, never the
household, and only when it has at least the city's threshold of confirmed or suspected cases."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.audit import audit_record
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_text
from places.models import Place, PlaceKind, path_ids
from triage.models import BuildingDisclosure, CaseStatus, Category, DisclosureRule, TriageCase
from triage.policies import DISCLOSURE_ROLES, THRESHOLD_ROLES

# Without a city rule nothing below this is shown: one case would point at one household.
DEFAULT_THRESHOLD = 2
THRESHOLD_MAX = 50
DISCLOSED_CATEGORIES = (Category.CONFIRMED, Category.SUSPECTED)


def disclosure_threshold(place: Place) -> int:
    city_id = path_ids(place.path)[0]
    rule = DisclosureRule.objects.filter(city_id=city_id).first()
    return rule.threshold if rule is not None else DEFAULT_THRESHOLD


def building_case_count(building: Place) -> int:
    return TriageCase.objects.filter(
        building_id=building.pk, status=CaseStatus.OPEN, category__in=DISCLOSED_CATEGORIES
    ).count()


@transaction.atomic
def disclosure_threshold_set(*, actor: Actor, city: Place, threshold: Any) -> DisclosureRule:
    if city.kind != PlaceKind.CITY:
        raise field_error("city", _("The threshold is set for a whole city."), CoreError.KIND)
    if not (
        actor.is_superuser
        or any(g.place_id == city.pk for g in actor.place_grants(THRESHOLD_ROLES))
    ):
        raise NotAllowed(_("Only the city sets the disclosure threshold."))
    text = normalize_text(str(threshold if threshold is not None else ""))
    if not text.isdigit() or not 1 <= int(text) <= THRESHOLD_MAX:
        raise field_error(
            "threshold", _("Enter a whole number from 1 to %(max)s.") % {"max": THRESHOLD_MAX}
        )
    rule, _created = DisclosureRule.objects.update_or_create(
        city=city, defaults={"threshold": int(text), "set_by_id": actor.user_id}
    )
    return rule


@transaction.atomic
def building_disclose(*, actor: Actor, building: Place) -> BuildingDisclosure:
    """Mark the building for residents' notice boards, when the threshold is met."""
    if building.kind != PlaceKind.BUILDING:
        raise field_error("building", _("Choose a building."), CoreError.KIND)
    grants = actor.place_grants(DISCLOSURE_ROLES)
    if not actor.is_superuser and not any(building.path.startswith(g.place_path) for g in grants):
        raise NotAllowed(_("Only the community marks its buildings."))
    count = building_case_count(building)
    threshold = disclosure_threshold(building)
    if count < threshold:
        raise field_error(
            "building",
            _(
                "The building has %(count)s confirmed or suspected cases; the city shows a "
                "building from %(threshold)s."
            )
            % {"count": count, "threshold": threshold},
            CoreError.BELOW_THRESHOLD,
        )
    existing = BuildingDisclosure.objects.filter(building=building, withdrawn_at__isnull=True)
    if existing.exists():
        return existing.get()
    ids = path_ids(building.path)
    try:
        with transaction.atomic():
            disclosure = BuildingDisclosure.objects.create(
                city_id=ids[0],
                district_id=ids[1],
                street_id=ids[2],
                community_id=ids[3],
                grid_id=ids[4],
                building=building,
                building_path=building.path,
                case_count=count,
                marked_by_id=actor.user_id or 0,
                marked_at=timezone.now(),
            )
    except IntegrityError:
        return BuildingDisclosure.objects.get(building=building, withdrawn_at__isnull=True)
    audit_record(
        actor=actor,
        action="disclose",
        target_type="building",
        target_id=building.pk,
        place_path=building.path,
    )
    return disclosure


@transaction.atomic
def building_disclosure_withdraw(
    *, actor: Actor, disclosure: BuildingDisclosure
) -> BuildingDisclosure:
    grants = actor.place_grants(DISCLOSURE_ROLES)
    if not actor.is_superuser and not any(
        disclosure.building_path.startswith(g.place_path) for g in grants
    ):
        raise NotAllowed(_("Only the community marks its buildings."))
    locked = BuildingDisclosure.objects.select_for_update().get(pk=disclosure.pk)
    if locked.withdrawn_at is None:
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by_id = actor.user_id
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return locked


__all__ = ["normalize_text"]
