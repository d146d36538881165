"""The retention job: every registered purger (core.retention) once, with its counts recorded in
a `RetentionRun` and one audit event. Idempotent: a second run finds nothing more to do."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from core.actor import Actor
from core.audit import audit_record
from core.models import RetentionRun
from core.retention import Purger, Window, purgers

log = logging.getLogger(__name__)

# Who the audit names for the job: no user, a name for the reader.
RETENTION_ACTOR = Actor(user_id=None, username="retention")


@dataclass
class Outcome:
    purger: Purger
    count: int
    failed: bool = False


@dataclass
class RetentionResult:
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    run: RetentionRun | None = None  # None on a dry run: it records nothing

    @property
    def counts(self) -> dict[str, int]:
        return {o.purger.kind: o.count for o in self.outcomes if not o.failed}


def retention_run(
    *, dry_run: bool = False, now: datetime.datetime | None = None
) -> RetentionResult:
    """Purge (or, dry, count) what is past its retention. One kind failing does not stop the
    others; it is logged, named in the run, and tried again the next day."""
    now = now or timezone.now()
    result = RetentionResult(dry_run=dry_run)
    run = None if dry_run else RetentionRun.objects.create(started_at=now)
    for purger in purgers():
        window = Window(
            before=now - datetime.timedelta(days=purger.days),
            dry_run=dry_run,
            batch_size=settings.RETENTION_BATCH_SIZE,
        )
        try:
            result.outcomes.append(Outcome(purger, purger.function(window)))
        except Exception:
            log.exception("retention %s failed", purger.kind)
            result.outcomes.append(Outcome(purger, 0, failed=True))
    if run is not None:
        run.finished_at = timezone.now()
        run.counts = result.counts
        run.failed = [o.purger.kind for o in result.outcomes if o.failed]
        run.save(update_fields=["finished_at", "counts", "failed"])
        audit_record(
            actor=RETENTION_ACTOR,
            action="retention_purge",
            target_type="retention_run",
            target_id=run.pk,
            detail={"counts": run.counts, "failed": run.failed},
        )
        result.run = run
    return result
