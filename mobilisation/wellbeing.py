"""Worker wellbeing (附件七 四), M13: a worker's difficulty (meals, commuting, family…) filed
by the worker or their community admin, answered by the street."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text
from mobilisation.crew import clean_ids, crew_ids_among
from mobilisation.duty_querysets import worker_community_paths
from mobilisation.error_codes import MobilisationError
from mobilisation.models import NeedKind, NeedStatus, WorkerNeed
from mobilisation.policies import answers_in, managed_communities, may_close_need
from places.models import PLACE_ORDER, Place

TEXT_MAX = 500


def _community_of_worker(actor: Actor, worker_id: int) -> Place:
    """The community the need is about: the actor's own (for themself) or one they manage where
    the worker works."""
    if worker_id == actor.user_id:
        paths = worker_community_paths(actor)
        if not paths:
            raise NotAllowed(_("Only people working in a community file a need here."))
        community_id = int(paths[0].strip("/").split("/")[-1])
        return Place.objects.get(pk=community_id)
    communities = Place.objects.filter(pk__in=managed_communities(actor)).order_by(*PLACE_ORDER)
    for community in communities:
        if crew_ids_among(community.path, [worker_id]):
            return community
    if not communities:
        raise NotAllowed(_("Only the worker or their community's admin files a need."))
    raise field_error(
        "worker", _("Choose a worker of your community."), MobilisationError.NOT_WORKER
    )


@transaction.atomic
def need_file(
    *,
    actor: Actor,
    kind: str,
    details: str,
    worker_id: object = None,
    now: datetime.datetime | None = None,
) -> WorkerNeed:
    """File for oneself (a worker of a community) or, as community admin, for a worker."""
    now = now or timezone.now()
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    if worker_id in (None, ""):
        worker = actor.user_id
    else:
        ids = clean_ids([worker_id])
        if not ids:
            raise field_error("worker", _("Choose a worker of your community."), CoreError.INVALID)
        worker = ids[0]
    community = _community_of_worker(actor, worker)
    if kind not in NeedKind.values:
        raise field_error("kind", _("Choose what the difficulty is about."), CoreError.INVALID)
    details = clean_text(details, max_length=TEXT_MAX, truncate=True)
    if not details:
        raise field_error("details", _("Say what the difficulty is."), CoreError.REQUIRED)
    assert community.parent_id is not None
    return WorkerNeed.objects.create(
        community=community,
        community_path=community.path,
        street_id=community.parent_id,
        worker_id=worker,
        kind=kind,
        details=details,
        filed_by_id=actor.user_id,
        filed_at=now,
    )


@transaction.atomic
def need_answer(
    *, actor: Actor, need: WorkerNeed, answer: str, now: datetime.datetime | None = None
) -> WorkerNeed:
    """The street answers (again, to change its answer, until the need is closed)."""
    now = now or timezone.now()
    if not answers_in(actor, need.street_id):
        raise NotAllowed(_("Only the street's admin answers its workers' needs."))
    need = WorkerNeed.objects.select_for_update().get(pk=need.pk)
    if need.status == NeedStatus.CLOSED:
        raise field_error("answer", _("This need is closed."), CoreError.CLOSED)
    answer = clean_text(answer, max_length=TEXT_MAX, truncate=True)
    if not answer:
        raise field_error("answer", _("Say what the street will do."), CoreError.REQUIRED)
    need.answer = answer
    need.answered_by_id = actor.user_id
    need.answered_at = now
    need.status = NeedStatus.ANSWERED
    need.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    return need


@transaction.atomic
def need_close(
    *, actor: Actor, need: WorkerNeed, now: datetime.datetime | None = None
) -> WorkerNeed:
    """The worker (or their community's admin) closes the need: solved or no longer needed."""
    now = now or timezone.now()
    if not may_close_need(actor, need):
        raise NotAllowed(_("Only the worker or their community's admin closes a need."))
    need = WorkerNeed.objects.select_for_update().get(pk=need.pk)
    if need.status == NeedStatus.CLOSED:
        raise field_error("need", _("This need is already closed."), CoreError.CLOSED)
    need.status = NeedStatus.CLOSED
    need.closed_at = now
    need.save(update_fields=["status", "closed_at"])
    return need
