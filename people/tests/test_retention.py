"""Retention of registry import files (docs/retention.md): the workbook and its rejected rows go,
the import's record and counts stay."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from core.retention_runs import retention_run
from people.models import ImportStatus, RegistryImport
from testkit import TinyCity

MINUTE = timedelta(minutes=1)
REJECTED = [{"row": 7, "column": "身份证号", "reason": "…", "values": {"姓名": "王五"}}]


@pytest.mark.django_db
def test_an_import_file_goes_its_days_after_the_import(tiny_city: TinyCity) -> None:
    t0 = timezone.now()
    days = timedelta(days=settings.RETENTION_REGISTRY_IMPORT_FILE_DAYS)
    community = tiny_city.inside.community

    def upload(status: str, at: datetime.datetime, finished: bool) -> RegistryImport:
        row = RegistryImport.objects.create(
            community=community,
            community_path=community.path,
            uploaded_by=tiny_city.users["community_admin"],
            file_name="名册.xlsx",
            file_sha256="0" * 64,
            content=b"PK workbook",
            status=status,
            new_count=3,
            rejected_count=1,
            rejected=REJECTED,
            finished_at=at if finished else None,
        )
        RegistryImport.objects.filter(pk=row.pk).update(created_at=at)
        return row

    done = upload(ImportStatus.DONE, t0, True)
    abandoned = upload(ImportStatus.PREVIEWED, t0, False)
    done_lately = upload(ImportStatus.DONE, t0 + 2 * MINUTE, True)
    running = upload(ImportStatus.RUNNING, t0, False)
    with time_machine.travel(t0 + days + MINUTE, tick=False):
        assert retention_run().counts["registry_import_files"] == 2
        assert retention_run().counts["registry_import_files"] == 0
    for row in (done, abandoned):
        row.refresh_from_db()
        assert bytes(row.content) == b"" and row.rejected == []
        assert (row.file_name, row.new_count, row.rejected_count) == ("名册.xlsx", 3, 1)
    assert abandoned.status == ImportStatus.CANCELLED  # without its file it cannot run
    assert done.status == ImportStatus.DONE
    for row in (done_lately, running):
        row.refresh_from_db()
        assert bytes(row.content) == b"PK workbook" and row.rejected == REJECTED
