"""A community worker's own daily health report (防止带病上岗: no one works a shift unwell).

One report per worker per day: a second one the same day returns the first. An unwell worker
(temperature ≥ 37.3 °C, any symptom, or contact — health.rules.is_abnormal) is stored not fit
for duty; the community admin's page shows them first, and the duty issue asks
health.worker_selectors.worker_fit_for_duty before giving them a shift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line, normalize_text
from health.models import WorkerHealth
from health.rules import is_abnormal, parse_temperature, symptom_bits
from health.worker_selectors import worker_communities


@dataclass
class WorkerReportResult:
    report: WorkerHealth
    created: bool
    # Communities the worker works in; the report is filed under the first.
    communities: int


def _contact(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = normalize_text(str(value or "")).lower()
    if text in {"", "0", "no", "false", "off", "否", "无"}:
        return False
    if text in {"1", "yes", "true", "on", "是", "有"}:
        return True
    raise field_error("contact", _("Answer yes or no."), code=CoreError.INVALID)


@transaction.atomic
def worker_health_report(
    *,
    actor: Actor,
    temperature: object,
    symptoms: Iterable[str],
    contact: object = False,
    note: str = "",
) -> WorkerReportResult:
    """Today's own-health report of a community worker (the day and community are not chosen:
    today in Beijing time, the community of the worker's first grant)."""
    communities = worker_communities(actor)
    if not communities or actor.user_id is None:
        raise NotAllowed(_("Only community workers report their own health here."))
    day = timezone.localdate()
    first = WorkerHealth.objects.filter(user_id=actor.user_id, day=day).first()
    if first is not None:
        return WorkerReportResult(first, False, len(communities))
    errors: dict[str, list[ValidationError]] = {}

    def attempt(parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except ValidationError as e:
            errors.update(e.error_dict)
            return None

    t = attempt(lambda: parse_temperature(temperature))
    bits = attempt(lambda: symptom_bits(symptoms))
    has_contact = bool(attempt(lambda: _contact(contact)))
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    community_id, community_path = communities[0]
    try:
        with transaction.atomic():
            report = WorkerHealth.objects.create(
                user_id=actor.user_id,
                community_id=community_id,
                community_path=community_path,
                day=day,
                temperature=t,
                symptoms=bits,
                contact=has_contact,
                fit=not is_abnormal(t, bits, has_contact),
                note=normalize_line(note)[:200],
                created_at=timezone.now(),
            )
    except IntegrityError:
        # The same worker's other request won the race: theirs is the day's report.
        return WorkerReportResult(
            WorkerHealth.objects.get(user_id=actor.user_id, day=day), False, len(communities)
        )
    return WorkerReportResult(report, True, len(communities))
