"""Audit events past retention move to files, month by month, never silently (issue 18, item 5).

A month (Asia/Shanghai) is archived once it has ended more than AUDIT_RETENTION_DAYS ago: its
rows are written to AUDIT_ARCHIVE_DIR/audit-YYYY-MM.jsonl.gz (one JSON object per line,
reproducible bytes), the file's SHA-256 is taken, and only then, in one transaction, the month
is recorded (AuditArchive), its rows are deleted and the archiving itself is audited. The
database lets those rows go only because that AuditArchive row now covers them and they are past
the legal six months (core.audit_guard); it refuses everything else. `verify_archives` reads
each file back against its recorded SHA-256 and row count.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.actor import Actor
from core.audit import audit_record
from core.models import AuditArchive, AuditEvent

FIELDS = (
    "id",
    "at",
    "user_id",
    "action",
    "target_type",
    "target_id",
    "place_path",
    "detail",
    "ip",
    "user_agent",
    "result",
)


class AuditArchiveError(RuntimeError):
    """The rows deleted were not exactly the rows written: nothing is deleted."""


@dataclass(frozen=True)
class Problem:
    period: str
    message: str


def archive_dir() -> Path:
    return Path(settings.AUDIT_ARCHIVE_DIR)


def archive_due(*, now: datetime | None = None) -> list[AuditArchive]:
    """Archive every whole month that ended more than the retention ago. Idempotent."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    oldest = AuditEvent.objects.order_by("at").values_list("at", flat=True).first()
    done: list[AuditArchive] = []
    if oldest is None:
        return done
    start = _month_start(oldest)
    while (end := _next_month(start)) <= cutoff:
        archive = archive_month(start, end)
        if archive is not None:
            done.append(archive)
        start = end
    return done


def archive_month(start: datetime, end: datetime) -> AuditArchive | None:
    period = f"{start:%Y-%m}"
    rows = AuditEvent.objects.filter(at__gte=start, at__lt=end)
    if not rows.exists():
        return None
    if AuditArchive.objects.filter(period=period).exists():
        raise AuditArchiveError(f"{period} is archived, yet rows of it remain")
    folder = archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-{period}.jsonl.gz"
    count, first_id, last_id, root = _write(rows.order_by("id").values(*FIELDS), path)
    sha256 = file_sha256(path)
    with transaction.atomic():
        archive = AuditArchive.objects.create(
            period=period,
            rows=count,
            first_id=first_id,
            last_id=last_id,
            file_name=path.name,
            sha256=sha256,
        )
        deleted = _delete(start, end, first_id, last_id)
        if deleted != count:
            raise AuditArchiveError(f"{period}: wrote {count} rows, deleting {deleted}")
        audit_record(
            actor=Actor(user_id=None),
            action="archive",
            target_type="audit",
            target_id=archive.pk,
            place_path=root,
            detail={"period": period, "rows": count, "file": path.name, "sha256": sha256},
        )
    return archive


def verify_archives() -> list[Problem]:
    """Each recorded month: its file is there, hashes to what was recorded, holds its rows."""
    problems: list[Problem] = []
    for archive in AuditArchive.objects.order_by("period"):
        path = archive_dir() / archive.file_name
        if not path.is_file():
            problems.append(Problem(archive.period, f"{archive.file_name} is missing"))
            continue
        if file_sha256(path) != archive.sha256:
            problems.append(Problem(archive.period, f"{archive.file_name}: SHA-256 differs"))
            continue
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        if lines != archive.rows:
            problems.append(Problem(archive.period, f"{lines} rows, {archive.rows} recorded"))
    return problems


def read_archive(path: Path) -> Iterator[dict[str, object]]:
    """The events of one file, as written (restoring is reading these back)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(rows: object, path: Path) -> tuple[int, int, int, str]:
    tmp = path.with_name(path.name + ".part")
    count, first_id, last_id, root = 0, 0, 0, ""
    with tmp.open("wb") as raw:
        # mtime=0 and no file name inside: the same rows give the same bytes, the same SHA-256.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            for row in rows.iterator(chunk_size=2000):  # type: ignore[attr-defined]
                row["at"] = row["at"].isoformat()
                gz.write((json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode())
                count += 1
                first_id = first_id or row["id"]
                last_id = row["id"]
                root = root or _root(row["place_path"])
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, path)
    return count, first_id, last_id, root


def _delete(start: datetime, end: datetime, first_id: int, last_id: int) -> int:
    # The application's own delete() refuses (core.models); this is the one statement that
    # removes audit rows, and the database lets it through only for archived, old rows.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM core_auditevent WHERE at >= %s AND at < %s AND id BETWEEN %s AND %s",
            [*map(connection.ops.adapt_datetimefield_value, (start, end)), first_id, last_id],
        )
        return int(cursor.rowcount)


def _root(place_path: str) -> str:
    """The city's path ("/1/"): the archiving is the city's business."""
    top = place_path.strip("/").split("/")[0]
    return f"/{top}/" if top else ""


def _month_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime) -> datetime:
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return start.replace(year=year, month=month)
