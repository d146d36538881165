"""The database itself refuses to change or remove audit rows (issue 18, items 5 and 9): raw SQL,
past the application's own checks, fails on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.actor import Actor
from core.audit import audit_record
from core.models import AuditArchive, AuditEvent


def _event() -> AuditEvent:
    return audit_record(
        actor=Actor(user_id=None), action="reveal", target_type="resident", target_id=1
    )


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_raw_update_and_delete_are_refused() -> None:
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE core_auditevent SET action = 'nothing' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).action == "reveal"


@pytest.mark.django_db
def test_an_archived_month_cannot_be_changed_or_removed() -> None:
    archive = AuditArchive.objects.create(
        period="2020-01", rows=1, first_id=1, last_id=1, file_name="x", sha256="0" * 64
    )
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE core_auditarchive SET sha256 = 'f' WHERE id = %s", [archive.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditarchive WHERE id = %s", [archive.pk])
    assert AuditArchive.objects.get(pk=archive.pk).sha256 == "0" * 64


@pytest.mark.django_db
def test_an_archive_row_does_not_free_recent_events() -> None:
    """Recording a month as archived does not let its rows go before the legal six months."""
    event = _event()
    AuditArchive.objects.create(
        period="2099-01", rows=1, first_id=event.pk, last_id=event.pk, file_name="x", sha256="0"
    )
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


@pytest.mark.django_db
def test_an_old_event_outside_any_archive_stays(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(timezone.now() - timedelta(days=400))
    event = _event()
    time_machine.move_to(timezone.now() + timedelta(days=400))
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)  # committed rows: no deferred checks pending
def test_truncate_is_refused_on_postgresql() -> None:
    _event()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("TRUNCATE core_auditevent")
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("TRUNCATE core_auditarchive")
    assert AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_still_empty_the_tables() -> None:
    """The flush after this test goes through core.audit_guard's test-only door; the next
    test below finds an empty table."""
    _event()
    AuditArchive.objects.create(
        period="2020-02", rows=1, first_id=1, last_id=1, file_name="x", sha256="0"
    )


@pytest.mark.django_db(transaction=True)
def test_the_flush_left_the_guard_in_place() -> None:
    assert not AuditEvent.objects.exists() and not AuditArchive.objects.exists()
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
