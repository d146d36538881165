"""The background jobs of the registry import: the check of a big upload and the run of a
confirmed one, in batches, updating processed_rows for the page's progress.

The run classifies again rather than trusting the preview, so running twice changes nothing the
second time, and a run cut short can simply be run again.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from core.errors import NotAllowed, field_errors
from core.logging import scrub
from people.models import ImportStatus, RegistryImport
from people.policies import check_can_edit_place, check_can_import
from people.registry_import.rows import check_rows
from people.registry_import.selectors import (
    CHANGED,
    NEW,
    REJECTED,
    UNCHANGED,
    Registry,
    Tally,
    batches,
    classify,
    classify_all,
)
from people.registry_import.services import Job, prepare_new, write_changed, write_new
from people.registry_import.xlsx import read_sheet

logger = logging.getLogger(__name__)


def import_check(import_id: int) -> dict[str, Any]:
    """The check of a big upload (a background job): read and classify its rows as
    import_preview does, updating processed_rows, then leave it PREVIEWED with the counts
    and rejected rows, or FAILED with what is wrong with the file.

    Idempotent: only an import still CHECKING is checked. Returns figures for the log (no
    personal data).
    """
    registry_import = (
        RegistryImport.objects.select_related("community", "uploaded_by")
        .filter(pk=import_id, status=ImportStatus.CHECKING)
        .first()
    )
    if registry_import is None:
        return {"import_id": import_id, "skipped": True}
    user = registry_import.uploaded_by
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    current = RegistryImport.objects.filter(pk=import_id, status=ImportStatus.CHECKING)

    def progress(done: int) -> None:
        current.update(processed_rows=done)

    t0 = time.perf_counter()
    try:
        with translation.override(language):
            sheet = read_sheet(bytes(registry_import.content))
            rows = check_rows(sheet)
            current.update(total_rows=len(rows), processed_rows=0)
            tally = classify_all(sheet, rows, registry_import.community, progress)
    except ValidationError as error:
        # What a person has to fix in the file: the same message the upload form would give.
        messages = [e["message"] for e in field_errors(error)]
        current.update(
            status=ImportStatus.FAILED,
            error=" ".join(messages)[:500] or _check_failure_message(language),
            finished_at=timezone.now(),
        )
        return {"import_id": import_id, "failed": "ValidationError"}
    except Exception as error:
        _log_failure(import_id, "check", error)
        current.update(
            status=ImportStatus.FAILED,
            error=_check_failure_message(language),
            finished_at=timezone.now(),
        )
        return {"import_id": import_id, "failed": type(error).__name__}
    current.update(
        status=ImportStatus.PREVIEWED,
        total_rows=len(rows),
        processed_rows=0,
        new_count=tally.counts[NEW],
        changed_count=tally.counts[CHANGED],
        unchanged_count=tally.counts[UNCHANGED],
        rejected_count=tally.counts[REJECTED],
        rejected=tally.rejected,
    )
    return {
        "import_id": import_id,
        "rows": len(rows),
        "seconds": round(time.perf_counter() - t0, 3),
        **tally.counts,
    }


def import_run(import_id: int) -> dict[str, Any]:
    """Import the good rows of a confirmed upload, in batches, updating processed_rows.

    Idempotent: only a queued import starts, and every row is classified again against the
    registry as it is now. Returns figures for the log and the benchmark (no personal data).
    """
    started = RegistryImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, processed_rows=0
    )
    if not started:
        return {"import_id": import_id, "skipped": True}
    registry_import = RegistryImport.objects.select_related("community", "uploaded_by").get(
        pk=import_id
    )
    user = registry_import.uploaded_by
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return _run(registry_import)
    except NotAllowed as error:
        logger.warning("registry import %s refused: the uploader may no longer import", import_id)
        RegistryImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        return {"import_id": import_id, "failed": "NotAllowed"}
    except Exception as error:
        _log_failure(import_id, "run", error)
        RegistryImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED,
            error=_failure_message(error),
            finished_at=timezone.now(),
        )
        return {"import_id": import_id, "failed": type(error).__name__}


def _check_failure_message(language: str) -> str:
    with translation.override(language):
        return str(
            gettext_lazy("The file could not be checked because of an error. Upload it again.")
        )


def _log_failure(import_id: int, stage: str, error: Exception) -> None:
    """Where it failed and the scrubbed message, never a raw traceback, whose last line could
    quote a row (a database error naming the duplicate key, say)."""
    logger.error(
        "registry import %s %s failed: %s: %s\n%s",
        import_id,
        stage,
        type(error).__name__,
        scrub(str(error))[:300],
        scrub("".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))),
    )


def _failure_message(error: Exception) -> str:
    return str(gettext_lazy("The import stopped because of an error. Confirm it again to retry."))


def _run(registry_import: RegistryImport) -> dict[str, Any]:
    from accounts.selectors import actor_for_user

    t0 = time.perf_counter()
    actor = actor_for_user(registry_import.uploaded_by)
    community = registry_import.community
    check_can_import(actor, community)
    sheet = read_sheet(bytes(registry_import.content))
    rows = check_rows(sheet)
    read_seconds = time.perf_counter() - t0
    job = Job(actor, Registry.load(community), sheet)
    tally = Tally()
    allowed: set[int] = set()
    processed = 0
    db_seconds = prepare_seconds = 0.0
    for batch in batches(rows):
        t1 = time.perf_counter()
        decisions = classify(batch, job.registry, sheet)
        t2 = time.perf_counter()
        for d in decisions:
            if d.building is not None and d.building.pk not in allowed:
                check_can_edit_place(actor, d.building)
                allowed.add(d.building.pk)
        new = prepare_new(job, [d for d in decisions if d.kind == NEW])
        t3 = time.perf_counter()
        with transaction.atomic():
            write_new(job, new)
            for d in decisions:
                if d.kind == CHANGED:
                    write_changed(job, d)
                tally.add(d.kind, d.row)
            processed += len(batch)
            RegistryImport.objects.filter(pk=registry_import.pk).update(processed_rows=processed)
        db_seconds += (t2 - t1) + (time.perf_counter() - t3)
        prepare_seconds += t3 - t2
    RegistryImport.objects.filter(pk=registry_import.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        total_rows=len(rows),
        processed_rows=processed,
        new_count=tally.counts[NEW],
        changed_count=tally.counts[CHANGED],
        unchanged_count=tally.counts[UNCHANGED],
        rejected_count=tally.counts[REJECTED],
        rejected=sorted(tally.rejected, key=lambda r: r["row"]),
    )
    return {
        "import_id": registry_import.pk,
        "rows": len(rows),
        **tally.counts,
        "read_seconds": round(read_seconds, 3),
        "prepare_seconds": round(prepare_seconds, 3),
        "db_seconds": round(db_seconds, 3),
    }
