"""Who is told about notices, rumours and rectifications, through
`notifications.services.notify`: the street and district offices of a critical rumour at once,
the inspected place (and the person responsible) of a rectification due soon or overdue, and
everyone in the places a notice was published to. Dedupe keys name one event each, so a job run
twice tells nobody twice."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.recipients import grants_within_q, user_ids_batch, users_over, users_with_role_on
from core.roles import Role
from notices.models import (
    Notice,
    NoticeTarget,
    OpinionIncident,
    Rectification,
    RectificationStatus,
    Urgency,
)
from notifications.kinds import Kind
from notifications.services import notify
from places.models import Place, path_ids

# A rectification is "due soon" this many days before its deadline.
DUE_SOON_DAYS = 1
# How many users one notify call tells when a notice fans out (a city is millions).
FAN_OUT_BATCH = 5000


def rumour_critical_tell(incident: OpinionIncident) -> int:
    """A rumour or incident reported as critical: the street's and district's admins over it,
    at once."""
    if incident.urgency != Urgency.CRITICAL:
        return 0
    place = incident.community or incident.street
    return notify(
        Kind.RUMOUR_CRITICAL,
        users_over(incident.place_path, [Role.STREET_ADMIN, Role.DISTRICT_ADMIN]),
        {"place": place.name},
        dedupe_key=f"rumour_critical:{incident.pk}",
        link=reverse("notices:incident", args=[incident.pk]),
    )


def rectifications_due_tell(now: datetime.datetime | None = None) -> int:
    """Open rectifications whose deadline is tomorrow or today ("due soon") or has passed
    ("overdue"): the inspected place's admins and the responsible user, once per stage."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = list(
        Rectification.objects.filter(
            status=RectificationStatus.OPEN,
            deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        ).order_by("deadline", "pk")
    )
    place_of = {r.pk: path_ids(r.place_path)[-1] for r in rows if r.place_path}
    names = dict(Place.objects.filter(pk__in=set(place_of.values())).values_list("pk", "name"))
    told = 0
    for r in rows:
        place_id = place_of.get(r.pk)
        recipients = users_with_role_on([place_id], [Role.COMMUNITY_ADMIN, Role.STREET_ADMIN])
        if r.owner_id:
            recipients = [*recipients, *_active([r.owner_id])]
        stage = "overdue" if r.deadline < today else "soon"
        told += notify(
            Kind.RECTIFICATION_DUE,
            recipients,
            {"place": names.get(place_id, ""), "due": r.deadline.isoformat()},
            dedupe_key=f"rectification_due:{r.pk}:{r.deadline.isoformat()}:{stage}",
            link=reverse("notices:rectification", args=[r.pk]),
        )
    return told


def _active(user_ids: list[int]) -> list[int]:
    return list(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))


def notice_published_tell(notice_id: int, *, batch: int = FAN_OUT_BATCH) -> int:
    """Everyone in the places a notice went to: staff granted inside them and residents of
    their households, in pages of `batch` users (one notify call each); the publisher is not
    told. A withdrawn notice tells nobody more. Run twice: nobody is told twice."""
    notice = Notice.objects.filter(pk=notice_id, withdrawn_at__isnull=True).first()
    if notice is None:
        return 0
    targets = [
        (place_id, kind, path)
        for place_id, kind, path in NoticeTarget.objects.filter(notice=notice).values_list(
            "place_id", "place__kind", "place_path"
        )
    ]
    q = grants_within_q(targets)
    if q is None:
        return 0
    link = reverse("notices:notice", args=[notice.pk])
    told = 0
    after = 0
    while True:
        ids = user_ids_batch(q, after=after, size=batch)
        if not ids:
            break
        after = ids[-1]
        told += notify(
            Kind.NOTICE_PUBLISHED,
            [u for u in ids if u != notice.published_by_id],
            {"title": notice.title},
            dedupe_key=f"notice_published:{notice.pk}",
            link=link,
        )
    return told
