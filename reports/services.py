"""Writes of the community daily report to the street (日报) and of the street's deadline.

A community admin opens the day's report: it is generated from the day's data (coverage,
abnormal reports, flags, screening, declared categories, workers' health, and the fever-triage
cases: new cases by category, cases opened, home observation, people waiting for a bed, the
median time to triage; and the residents' requests: filed, open, overdue, escalated, done) and
may be regenerated while it is a draft. They add remarks and submit before the street's
deadline. Every figure is computed now; the hand-kept mechanism (figures no capability
computes, entered on review and marked as such) stays for a later one. A draft generated before
the triage or request figures were computed is regenerated before it is submitted (its remarks
stay; a figure it had entered by hand is computed from then on).
Submitting freezes the report: a second submit changes nothing, and a submitted report is never
edited (a correction would be a resubmission flow, which does not exist yet).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_paragraphs, normalize_text
from health.models import DailyReport, DailyReportStatus, ReportDeadline
from places.models import Place, PlaceKind
from reports.error_codes import ReportsError
from reports.policies import check_submitter, may_set_deadline
from reports.selectors import (
    GENERATED_KEYS,
    HAND_KEPT,
    HAND_MARK,
    community_deadline,
    daily_figures,
    deadline_at,
)

# A hand-kept figure is a count of people or requests in one community on one day.
HAND_KEPT_MAX = 100_000
NOTE_MAX = 1000


def _check_draft(report: DailyReport) -> None:
    if report.status == DailyReportStatus.SUBMITTED:
        raise ValidationError(
            _("This report was submitted; it can no longer be changed."),
            code=ReportsError.SUBMITTED,
        )


@transaction.atomic
def daily_report_generate(
    *,
    actor: Actor,
    community: Place,
    day: datetime.date | None = None,
    regenerate: bool = False,
) -> DailyReport:
    """The community's report of `day` (default today): created from the day's data when it
    does not exist yet; recomputed when `regenerate` and still a draft (the hand-kept figures
    and remarks stay). A submitted report is returned unchanged."""
    if community.kind != PlaceKind.COMMUNITY:
        raise field_error("community", _("Choose a community."), code=CoreError.INVALID)
    check_submitter(actor, community.path)
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise field_error("day", _("A report cannot be for a future day."), code=CoreError.FUTURE)
    report = (
        DailyReport.objects.select_for_update().filter(community_id=community.pk, day=day).first()
    )
    if report is not None and (not regenerate or report.status == DailyReportStatus.SUBMITTED):
        return report
    figures: dict[str, Any] = dict(daily_figures(actor, community, day))
    now = timezone.now()
    if report is None:
        try:
            with transaction.atomic():
                return DailyReport.objects.create(
                    community=community,
                    community_path=community.path,
                    day=day,
                    figures=figures | {HAND_MARK: []},
                    generated_at=now,
                    deadline=community_deadline(community, day),
                )
        except IntegrityError:
            # Opened twice at the same moment: the other request made it.
            return DailyReport.objects.get(community_id=community.pk, day=day)
    kept = {k: report.figures[k] for k in HAND_KEPT if k in report.figures}
    report.figures = figures | kept | {HAND_MARK: sorted(kept)}
    report.generated_at = now
    report.save(update_fields=["figures", "generated_at"])
    return report


def parse_hand_kept(values: dict[str, Any]) -> dict[str, int | None]:
    """{"new_confirmed": "３"} → {"new_confirmed": 3}; empty → None (not entered). Unknown keys
    are ignored; every wrong value is an error naming its figure."""
    out: dict[str, int | None] = {}
    errors: dict[str, list[ValidationError]] = {}
    for key in HAND_KEPT:
        if key not in values:
            continue
        raw = values[key]
        text = normalize_text(str(raw)) if raw is not None else ""
        if text == "":
            out[key] = None
            continue
        if isinstance(raw, bool) or not (text.isdigit() or (text[0] == "-" and text[1:].isdigit())):
            errors[key] = [
                ValidationError(_("Enter a whole number (0 if none)."), code=CoreError.INVALID)
            ]
            continue
        number = int(text)
        if number < 0:
            errors[key] = [
                ValidationError(_("A count cannot be negative."), code=ReportsError.MIN_VALUE)
            ]
        elif number > HAND_KEPT_MAX:
            errors[key] = [
                ValidationError(
                    _("At most %(max)s in one community.") % {"max": HAND_KEPT_MAX},
                    code=ReportsError.MAX_VALUE,
                )
            ]
        else:
            out[key] = number
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return out


def _apply(report: DailyReport, hand_kept: dict[str, Any] | None, note: str | None) -> None:
    errors: dict[str, list[ValidationError]] = {}
    parsed: dict[str, int | None] = {}
    if hand_kept is not None:
        try:
            parsed = parse_hand_kept(hand_kept)
        except ValidationError as e:
            errors.update(e.error_dict)
    if note is not None:
        # Free text in the writer's punctuation (no NFKC: "，" stays "，").
        note = normalize_paragraphs(note)
        if len(note) > NOTE_MAX:
            errors["note"] = [
                ValidationError(
                    _("Remarks are at most %(max)s characters.") % {"max": NOTE_MAX},
                    code=CoreError.MAX_LENGTH,
                )
            ]
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    figures = dict(report.figures)
    for key, value in parsed.items():
        if value is None:
            figures.pop(key, None)
        else:
            figures[key] = value
    # Figures computed since (the triage and request ones) keep their mark in a report stored
    # before.
    computed_since = {
        k for k in report.figures.get(HAND_MARK) or [] if k not in HAND_KEPT and k in figures
    }
    figures[HAND_MARK] = sorted(
        {k for k in HAND_KEPT if isinstance(figures.get(k), int)} | computed_since
    )
    report.figures = figures
    if note is not None:
        report.note = note


def _locked(report: DailyReport) -> DailyReport:
    return DailyReport.objects.select_for_update().select_related("community").get(pk=report.pk)


@transaction.atomic
def daily_report_save(
    *,
    actor: Actor,
    report: DailyReport,
    hand_kept: dict[str, Any] | None = None,
    note: str | None = None,
) -> DailyReport:
    """The community admin's review of a draft: remarks, and the hand-kept figures if any."""
    check_submitter(actor, report.community_path)
    report = _locked(report)
    _check_draft(report)
    _apply(report, hand_kept, note)
    report.save(update_fields=["figures", "note"])
    return report


@transaction.atomic
def daily_report_submit(
    *,
    actor: Actor,
    report: DailyReport,
    hand_kept: dict[str, Any] | None = None,
    note: str | None = None,
) -> DailyReport:
    """Submit the report to the street (with the review's last changes, if given). Every
    hand-kept figure, if any, must be filled in (0 if none). Submitting twice changes nothing."""
    check_submitter(actor, report.community_path)
    report = _locked(report)
    if report.status == DailyReportStatus.SUBMITTED:
        return report
    _apply(report, hand_kept, note)
    if "am_expected" not in report.figures:
        raise ValidationError(
            _("This report has no figures yet: regenerate it first."),
            code=ReportsError.NOT_GENERATED,
        )
    if any(k not in report.figures for k in GENERATED_KEYS):
        raise ValidationError(
            _(
                "This report was generated before some of its figures were computed: "
                "regenerate it first."
            ),
            code=ReportsError.NOT_GENERATED,
        )
    missing = [k for k in HAND_KEPT if not isinstance(report.figures.get(k), int)]
    if missing:
        raise ValidationError(
            {
                k: [
                    ValidationError(
                        _("Fill in this figure before submitting (0 if none)."),
                        code=CoreError.REQUIRED,
                    )
                ]
                for k in missing
            }
        )
    report.status = DailyReportStatus.SUBMITTED
    report.submitted_by_id = actor.user_id
    report.submitted_at = timezone.now()
    report.save(update_fields=["figures", "note", "status", "submitted_by", "submitted_at"])
    return report


@transaction.atomic
def report_deadline_set(*, actor: Actor, street: Place, deadline: Any) -> ReportDeadline:
    """The time of day (Beijing) by which the street's communities submit. Drafts of today and
    later take the new deadline; reports already submitted keep the one they were judged by."""
    if not may_set_deadline(actor, street):
        raise NotAllowed(_("Only the street's admin sets its daily deadline."))
    at = _parse_time(deadline)
    found, _created = ReportDeadline.objects.update_or_create(
        street=street,
        defaults={"street_path": street.path, "deadline": at, "set_by_id": actor.user_id},
    )
    drafts = DailyReport.objects.filter(
        community_path__startswith=street.path,
        day__gte=timezone.localdate(),
        status=DailyReportStatus.DRAFT,
    )
    for day in set(drafts.values_list("day", flat=True)):
        drafts.filter(day=day).update(deadline=deadline_at(day, at))
    return found


def _parse_time(value: Any) -> datetime.time:
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    text = normalize_text(str(value or "")).replace("：", ":")
    if not text:
        raise field_error("deadline", _("Enter the time, e.g. 18:00."), code=CoreError.REQUIRED)
    try:
        at = datetime.time.fromisoformat(text if len(text.split(":")[0]) == 2 else "0" + text)
    except ValueError:
        raise field_error(
            "deadline", _("Enter the time as HH:MM, e.g. 18:00."), code=CoreError.INVALID
        ) from None
    return at.replace(second=0, microsecond=0)
