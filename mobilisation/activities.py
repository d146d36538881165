"""Service activities (防控疫情、党员先行), M6: recorded with participants and hours."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text
from mobilisation.crew import clean_ids, crew_ids_among
from mobilisation.error_codes import MobilisationError
from mobilisation.models import Activity, ActivityKind, ActivityParticipant, Post
from mobilisation.policies import manages, works_in
from places.models import Place, PlaceKind

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_HOURS = Decimal("24")
TITLE_MAX = 120
WHERE_MAX = 120
OUTCOME_MAX = 500
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def parse_local(value: object, field: str) -> datetime.datetime:
    """An aware datetime from a datetime, or from a form's local time (datetime-local) read in
    Asia/Shanghai."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=LOCAL)
    text = str(value or "").strip()
    for fmt in LOCAL_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).replace(tzinfo=LOCAL)
        except ValueError:
            continue
    raise field_error(field, _("Enter a date and time."), CoreError.INVALID)


def hours_between(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    """The activity's length in hours (two decimals), at most 24."""
    hours = Decimal((end - start).total_seconds()) / Decimal(3600)
    return min(hours, MAX_HOURS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def deployed_units(community_id: int, user_ids: Iterable[int]) -> dict[int, int]:
    """user id → work unit of their active deployment at the community (one query)."""
    from mobilisation.models import Deployment, DeploymentStatus

    rows = Deployment.objects.filter(
        community_id=community_id,
        user_id__in=list(user_ids),
        status=DeploymentStatus.ACTIVE,
        unit_id__isnull=False,
    ).values_list("user_id", "unit_id")
    return {user_id: unit_id for user_id, unit_id in rows}


@transaction.atomic
def activity_record(
    *,
    actor: Actor,
    community: Place,
    kind: str,
    title: str,
    started_at: object,
    ended_at: object,
    where: str = "",
    outcome: str = "",
    participant_ids: Iterable[object] = (),
    post_id: object = None,
    now: datetime.datetime | None = None,
) -> Activity:
    """Record an activity; each participant (a worker of the community) is credited the
    activity's length in hours, with their work unit."""
    now = now or timezone.now()
    if community.kind != PlaceKind.COMMUNITY or not (
        manages(actor, community.pk) or works_in(actor, community.path)
    ):
        raise NotAllowed(_("Only people working in this community record its activities."))
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    if kind not in ActivityKind.values:
        raise field_error("kind", _("Choose the kind of activity."), CoreError.INVALID)
    title = clean_text(title, max_length=TITLE_MAX, truncate=True)
    if not title:
        raise field_error("title", _("Give the activity a title."), CoreError.REQUIRED)
    start = parse_local(started_at, "started_at")
    end = parse_local(ended_at, "ended_at")
    if end <= start:
        raise field_error(
            "ended_at", _("The end must be after the start."), MobilisationError.BEFORE_START
        )
    if end > now:
        raise field_error("ended_at", _("Record an activity once it has ended."), CoreError.FUTURE)
    ids = clean_ids(participant_ids)
    if ids is None:
        raise field_error(
            "participants", _("Choose the participants from the list."), CoreError.INVALID
        )
    if not ids:
        raise field_error("participants", _("Choose who took part."), CoreError.REQUIRED)
    if crew_ids_among(community.path, ids) != set(ids):
        raise field_error(
            "participants",
            _("Every participant must work in this community."),
            MobilisationError.NOT_WORKER,
        )
    post = None
    if post_id not in (None, ""):
        post_ids = clean_ids([post_id])
        post = (
            Post.objects.filter(pk=post_ids[0], community_id=community.pk).first()
            if post_ids
            else None
        )
        if post is None:
            raise field_error(
                "post", _("Choose a post of this community."), MobilisationError.NOT_IN_COMMUNITY
            )
    at_c = {"community_id": community.pk, "community_path": community.path}
    activity = Activity.objects.create(
        **at_c,
        kind=kind,
        title=title,
        where=clean_text(where, max_length=WHERE_MAX, truncate=True),
        started_at=start,
        ended_at=end,
        outcome=clean_text(outcome, max_length=OUTCOME_MAX, truncate=True),
        post=post,
        created_by_id=actor.user_id,
        created_at=now,
    )
    hours = hours_between(start, end)
    units = deployed_units(community.pk, ids)
    ActivityParticipant.objects.bulk_create(
        ActivityParticipant(
            **at_c, activity=activity, user_id=user_id, unit_id=units.get(user_id), hours=hours
        )
        for user_id in ids
    )
    return activity


def _hours(value: object) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise field_error("hours", _("Enter a number of hours."), CoreError.INVALID) from None
    if hours.is_finite():
        hours = hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not hours.is_finite() or not Decimal(0) < hours <= MAX_HOURS:
        raise field_error(
            "hours", _("Hours must be more than 0 and at most 24."), CoreError.OUT_OF_RANGE
        )
    return hours


@transaction.atomic
def activity_participant_set_hours(
    *, actor: Actor, activity: Activity, user_id: object, hours: object
) -> None:
    """The community's admin corrects the hours credited to one participant."""
    if not manages(actor, activity.community_id):
        raise NotAllowed(_("Only the community's admin adjusts hours served."))
    value = _hours(hours)
    ids = clean_ids([user_id])
    part = (
        ActivityParticipant.objects.select_for_update()
        .filter(activity_id=activity.pk, user_id=ids[0])
        .first()
        if ids
        else None
    )
    if part is None:
        raise field_error(
            "user", _("This person did not take part."), MobilisationError.NOT_PARTICIPANT
        )
    part.hours = value
    part.save(update_fields=["hours"])
