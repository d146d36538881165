"""The grid worker records what came of a call from the call list (issue 15 item 18): reached
and reported for them (the report goes through the one reporting service, as any other), no
answer, or refused. Every call is kept; a form sent twice records one call."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from health import reporting
from health.models import CallOutcome, CallResult, Source
from health.policies import SCREEN_ROLES, reportable_q
from people.models import Resident


def call_result_record(
    *,
    actor: Actor,
    resident_id: int,
    day: datetime.date,
    slot: str,
    outcome: str,
    temperature: Any = "",
    idempotency_key: str | None = None,
) -> CallResult:
    if not (actor.is_superuser or actor.has_role(SCREEN_ROLES)):
        raise NotAllowed(_("Only the staff who call residents record calls."))
    q = reportable_q(actor)
    residents = Resident.objects.for_actor(actor).filter(pk=resident_id)
    if not actor.is_superuser:
        if q is None:
            raise Http404
        residents = residents.filter(q)
    resident = residents.first()
    if resident is None:
        raise Http404
    if outcome not in CallOutcome.values:
        raise field_error("outcome", _("Choose what came of the call."), CoreError.REQUIRED)
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        done = CallResult.objects.filter(idempotency_key=key, recorded_by_id=actor.user_id).first()
        if done is not None:
            return done
    with transaction.atomic():
        report_id = None
        if outcome == CallOutcome.REACHED:
            item = reporting.report_input(
                {
                    "resident": resident.pk,
                    "temperature": temperature,
                    "day": day.isoformat(),
                    "slot": slot,
                    "idempotency_key": f"call:{key}" if key else None,
                }
            )
            report_id = reporting.health_report_submit(
                actor=actor, data=item, source=Source.CALL
            ).report_id
        try:
            with transaction.atomic():
                return CallResult.objects.create(
                    grid_id=resident.grid_id,
                    resident=resident,
                    day=day,
                    slot=slot,
                    outcome=outcome,
                    report_id=report_id,
                    recorded_by_id=actor.user_id or None,
                    recorded_at=timezone.now(),
                    idempotency_key=key,
                )
        except IntegrityError:
            found = CallResult.objects.filter(idempotency_key=key).first()
            if found is None:
                raise
            return found


def latest_call_results(
    grid_id: int, day: datetime.date, slot: str, resident_ids: list[int]
) -> dict[int, CallResult]:
    """The slot's latest call of each resident on a page of the call list."""
    out: dict[int, CallResult] = {}
    for r in (
        CallResult.objects.filter(grid_id=grid_id, day=day, slot=slot, resident_id__in=resident_ids)
        .select_related("recorded_by")
        .order_by("recorded_at", "pk")
    ):
        out[r.resident_id] = r
    return out
