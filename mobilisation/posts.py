"""Posts and responsibility zones (先锋岗、示范岗、责任区), M5: every write. The community's
admin sets them up; leaders and members must be workers of the community (mobilisation.workers).
Errors name the field; a refused change changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text
from mobilisation.cancellation import cancel_shifts
from mobilisation.error_codes import MobilisationError
from mobilisation.models import Post, PostKind, PostMember, Shift, Zone, ZoneMember, ZonePlace
from mobilisation.policies import require_manager
from mobilisation.workers import is_community_worker
from places.models import Place, PlaceKind

NEEDED_MAX = 50


def _id(value: object, field: str) -> int | None:
    """An id from a form or the API ("", None: no id); garbage is the field's error."""
    if value is None or value == "":
        return None
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise field_error(field, _("Choose from the list."), CoreError.INVALID) from None


def _by(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    return actor.user_id


def check_worker(user_id: object, community: Place, field: str = "user") -> int:
    """The id of a worker of the community, or the field's error."""
    uid = _id(user_id, field)
    if uid is None:
        raise field_error(field, _("Choose a person."), CoreError.REQUIRED)
    if not is_community_worker(uid, community.path):
        raise field_error(
            field,
            _("Choose a worker of this community (staff, cadre or volunteer)."),
            MobilisationError.NOT_WORKER,
        )
    return uid


def _community(community: Place) -> Place:
    if community.kind != PlaceKind.COMMUNITY:
        raise field_error("community", _("Choose a community."), CoreError.NOT_COMMUNITY)
    return community


def _place_in(community: Place, place_id: object, field: str) -> Place | None:
    """A grid or building of the community (None when none was chosen)."""
    pid = _id(place_id, field)
    if pid is None:
        return None
    place = Place.objects.filter(
        pk=pid,
        kind__in=[PlaceKind.GRID, PlaceKind.BUILDING],
        path__startswith=community.path,
    ).first()
    if place is None:
        raise field_error(
            field, _("Choose a grid or building of this community."), MobilisationError.NOT_HERE
        )
    return place


def _needed(value: object) -> int:
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        raise field_error("needed_per_shift", _("Enter a number."), CoreError.INVALID) from None
    if not 1 <= n <= NEEDED_MAX:
        raise field_error(
            "needed_per_shift",
            _("From 1 to %(max)s people per shift.") % {"max": NEEDED_MAX},
            CoreError.OUT_OF_RANGE,
        )
    return n


def _name(value: object) -> str:
    name = clean_text(value, max_length=80, truncate=True)
    if not name:
        raise field_error("name", _("Enter a name."), CoreError.REQUIRED)
    return name


def _locked_post(post: Post) -> Post:
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.closed_at is not None:
        raise field_error("post", _("This post is closed."), CoreError.CLOSED)
    return locked


def _locked_zone(zone: Zone) -> Zone:
    locked = Zone.objects.select_for_update().get(pk=zone.pk)
    if locked.closed_at is not None:
        raise field_error("zone", _("This zone is closed."), CoreError.CLOSED)
    return locked


# --- posts ----------------------------------------------------------------------------------


@transaction.atomic
def post_save(
    *,
    actor: Actor,
    post: Post | None,
    community: Place,
    name: str,
    kind: str,
    place_id: object = None,
    location: str = "",
    leader_id: object = None,
    needed_per_shift: object = 1,
    duties: str = "",
    now: datetime.datetime | None = None,
) -> Post:
    """Create (post=None) or change a post of the community."""
    now = now or timezone.now()
    if post is not None and post.community_id != community.pk:
        raise NotAllowed(_("This post belongs to another community."))
    require_manager(actor, community.pk)
    _community(community)
    clean_name = _name(name)
    if kind not in PostKind.values:
        raise field_error("kind", _("Choose a kind of post."), CoreError.INVALID)
    place = _place_in(community, place_id, "place")
    leader = None
    if _id(leader_id, "leader") is not None:
        leader = check_worker(leader_id, community, "leader")
    needed = _needed(needed_per_shift)
    if post is None:
        post = Post(community=community, community_path=community.path)
        post.created_by_id = _by(actor)
        post.created_at = now
    else:
        post = _locked_post(post)
    post.name = clean_name
    post.kind = kind
    post.place = place
    post.location = clean_text(location, max_length=120, truncate=True)
    post.leader_id = leader
    post.needed_per_shift = needed
    post.duties = clean_text(duties, max_length=300, truncate=True)
    post.save()
    return post


@transaction.atomic
def post_close(*, actor: Actor, post: Post, now: datetime.datetime | None = None) -> Post:
    """Close a post: its members are removed and its future shifts cancelled (with the people
    on them)."""
    now = now or timezone.now()
    require_manager(actor, post.community_id)
    post = _locked_post(post)
    post.closed_at = now
    post.save(update_fields=["closed_at"])
    PostMember.objects.filter(post_id=post.pk, removed_at__isnull=True).update(removed_at=now)
    future = Shift.objects.filter(post_id=post.pk, starts_at__gt=now, cancelled_at__isnull=True)
    cancel_shifts(future, now=now, note=_("The post was closed."))
    return post


@transaction.atomic
def post_member_add(
    *, actor: Actor, post: Post, user_id: object, now: datetime.datetime | None = None
) -> PostMember:
    """Put a worker of the community on the post; already there returns the membership."""
    now = now or timezone.now()
    require_manager(actor, post.community_id)
    post = _locked_post(post)
    uid = check_worker(user_id, post.community)
    current = PostMember.objects.filter(post_id=post.pk, user_id=uid, removed_at__isnull=True)
    found = current.first()
    if found is not None:
        return found
    return PostMember.objects.create(post=post, user_id=uid, added_by_id=_by(actor), added_at=now)


@transaction.atomic
def post_member_remove(
    *, actor: Actor, post: Post, user_id: object, now: datetime.datetime | None = None
) -> PostMember:
    now = now or timezone.now()
    require_manager(actor, post.community_id)
    uid = _id(user_id, "user") or 0
    member = (
        PostMember.objects.select_for_update()
        .filter(post_id=post.pk, user_id=uid, removed_at__isnull=True)
        .first()
    )
    if member is None:
        raise field_error(
            "user", _("This person is not on the post."), MobilisationError.NOT_MEMBER
        )
    member.removed_at = now
    member.save(update_fields=["removed_at"])
    return member


# --- zones ----------------------------------------------------------------------------------


@transaction.atomic
def zone_save(
    *,
    actor: Actor,
    zone: Zone | None,
    community: Place,
    name: str,
    place_ids: Iterable[object],
    leader_id: object = None,
    duties: str = "",
    now: datetime.datetime | None = None,
) -> Zone:
    """Create or change a zone: its grids/buildings (of the community) replace the old set."""
    now = now or timezone.now()
    if zone is not None and zone.community_id != community.pk:
        raise NotAllowed(_("This zone belongs to another community."))
    require_manager(actor, community.pk)
    _community(community)
    clean_name = _name(name)
    places: dict[int, Place] = {}
    for raw in place_ids:
        place = _place_in(community, raw, "places")
        if place is not None:
            places[place.pk] = place
    if not places:
        raise field_error("places", _("Choose at least one grid or building."), CoreError.REQUIRED)
    leader = None
    if _id(leader_id, "leader") is not None:
        leader = check_worker(leader_id, community, "leader")
    if zone is None:
        zone = Zone(community=community, community_path=community.path)
        zone.created_by_id = _by(actor)
        zone.created_at = now
    else:
        zone = _locked_zone(zone)
    zone.name = clean_name
    zone.leader_id = leader
    zone.duties = clean_text(duties, max_length=300, truncate=True)
    zone.save()
    ZonePlace.objects.filter(zone_id=zone.pk).exclude(place_id__in=list(places)).delete()
    have = set(ZonePlace.objects.filter(zone_id=zone.pk).values_list("place_id", flat=True))
    ZonePlace.objects.bulk_create(
        [
            ZonePlace(zone=zone, place=p, place_path=p.path)
            for pid, p in places.items()
            if pid not in have
        ]
    )
    return zone


@transaction.atomic
def zone_close(*, actor: Actor, zone: Zone, now: datetime.datetime | None = None) -> Zone:
    now = now or timezone.now()
    require_manager(actor, zone.community_id)
    zone = _locked_zone(zone)
    zone.closed_at = now
    zone.save(update_fields=["closed_at"])
    ZoneMember.objects.filter(zone_id=zone.pk, removed_at__isnull=True).update(removed_at=now)
    return zone


@transaction.atomic
def zone_member_add(
    *, actor: Actor, zone: Zone, user_id: object, now: datetime.datetime | None = None
) -> ZoneMember:
    now = now or timezone.now()
    require_manager(actor, zone.community_id)
    zone = _locked_zone(zone)
    uid = check_worker(user_id, zone.community)
    found = ZoneMember.objects.filter(zone_id=zone.pk, user_id=uid, removed_at__isnull=True).first()
    if found is not None:
        return found
    return ZoneMember.objects.create(zone=zone, user_id=uid, added_by_id=_by(actor), added_at=now)


@transaction.atomic
def zone_member_remove(
    *, actor: Actor, zone: Zone, user_id: object, now: datetime.datetime | None = None
) -> ZoneMember:
    now = now or timezone.now()
    require_manager(actor, zone.community_id)
    uid = _id(user_id, "user") or 0
    member = (
        ZoneMember.objects.select_for_update()
        .filter(zone_id=zone.pk, user_id=uid, removed_at__isnull=True)
        .first()
    )
    if member is None:
        raise field_error(
            "user", _("This person is not in the zone."), MobilisationError.NOT_MEMBER
        )
    member.removed_at = now
    member.save(update_fields=["removed_at"])
    return member
