"""Audit months past retention go to checksummed files, and only then leave the table."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.actor import Actor
from core.audit import audit_record
from core.audit_archive import archive_due, file_sha256, read_archive
from core.models import AuditArchive, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int, days_ago: int, time_machine) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    time_machine.move_to(timezone.now() - timedelta(days=days_ago), tick=True)
    events = [
        audit_record(
            actor=Actor(user_id=None),
            action="reveal",
            target_type="resident",
            target_id=i,
            place_path="/1/2/",
            detail={"reason": "call 13812345678"},
        )
        for i in range(n)
    ]
    time_machine.move_to(timezone.now() + timedelta(days=days_ago), tick=True)
    return events


@pytest.fixture
def archive_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.AUDIT_ARCHIVE_DIR


def test_old_months_go_to_a_checksummed_file_then_leave(archive_dir: Path, time_machine) -> None:  # type: ignore[no-untyped-def]
    old = _events(3, 400, time_machine)
    recent = _events(2, 30, time_machine)
    archives = archive_due()
    assert len(archives) == 1
    archive = archives[0]
    path = archive_dir / archive.file_name
    assert archive.period == f"{timezone.localtime(old[0].at):%Y-%m}"
    assert archive.rows == 3 and (archive.first_id, archive.last_id) == (old[0].pk, old[-1].pk)
    assert archive.sha256 == file_sha256(path)
    written = list(read_archive(path))
    assert [r["id"] for r in written] == [e.pk for e in old]
    assert written[0]["detail"] == {"reason": "call 138****5678"}  # masked, as stored
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    event = AuditEvent.objects.get(action="archive")
    assert event.detail["sha256"] == archive.sha256 and event.target_id == str(archive.pk)
    assert event.place_path == "/1/"
    # Running again does nothing new.
    assert archive_due() == [] and AuditArchive.objects.count() == 1


def test_rows_stay_when_the_file_cannot_be_written(settings, tmp_path: Path, time_machine) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.AUDIT_ARCHIVE_DIR = blocker / "audit-archive"
    old = _events(2, 400, time_machine)
    with pytest.raises(OSError):
        archive_due()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in old]).count() == 2
    assert not AuditArchive.objects.exists()


def test_months_within_retention_stay(archive_dir: Path, settings, time_machine) -> None:  # type: ignore[no-untyped-def]
    settings.AUDIT_RETENTION_DAYS = 500
    old = _events(2, 400, time_machine)
    assert archive_due() == []
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in old]).count() == 2


def test_verify_finds_a_tampered_or_missing_file(archive_dir: Path, time_machine, capsys) -> None:  # type: ignore[no-untyped-def]
    _events(2, 400, time_machine)
    call_command("audit_archive")
    call_command("audit_archive", "--verify")
    assert "match" in capsys.readouterr().out
    archive = AuditArchive.objects.get()
    path = archive_dir / archive.file_name
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    forged = "\n".join(lines[:1]) + "\n"  # one event removed from the file
    path.write_bytes(gzip.compress(forged.encode()))
    with pytest.raises(CommandError, match="1 archive"):
        call_command("audit_archive", "--verify")
    assert "SHA-256 differs" in capsys.readouterr().err
    path.unlink()
    with pytest.raises(CommandError):
        call_command("audit_archive", "--verify")
    assert "missing" in capsys.readouterr().err


def test_a_retention_under_six_months_refuses_to_start() -> None:
    env = {**os.environ, "AUDIT_RETENTION_DAYS": "90", "DJANGO_SETTINGS_MODULE": "config.settings"}
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0 and "AUDIT_RETENTION_DAYS must be at least 180" in run.stderr
