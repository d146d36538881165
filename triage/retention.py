"""What triage keeps past its purpose (core.retention; docs/retention.md): a case closed more
than RETENTION_CLOSED_CASE_DAYS ago is anonymised. The statistics stay (place columns and
building, origin, category, disposition, site, transport, the timed moments, close reason,
symptoms, the timeline's kinds and times); the links to the person (resident, household, the
health flag) and every free text go, and so do its home-observation follow-ups (one person's
twice-daily checks)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.retention import Window, in_batches, register
from triage.models import CaseEvent, CaseStatus, FollowUp, TriageCase


def anonymise_closed_cases(window: Window) -> int:
    rows = TriageCase.objects.filter(
        status=CaseStatus.CLOSED, closed_at__lt=window.before, anonymised_at__isnull=True
    )

    def anonymise(ids: list[int]) -> None:
        FollowUp.objects.filter(case_id__in=ids).delete()
        CaseEvent.objects.filter(case_id__in=ids).update(reason="", data={})
        TriageCase.objects.filter(pk__in=ids).update(
            resident=None,
            household=None,
            flag=None,
            test_result="",
            note="",
            anonymised_at=timezone.now(),
        )

    return in_batches(rows, window, "closed_cases", anonymise)


register(
    "closed_cases",
    _("Closed triage cases (anonymised)"),
    "RETENTION_CLOSED_CASE_DAYS",
    anonymise_closed_cases,
)
