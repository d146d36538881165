"""The retention job (docs/retention.md): every app's purger runs, in batches; each real run is
recorded with its counts and one audit event; a dry run changes nothing; running twice purges
nothing more; one failing kind does not stop the others; city admins read the runs in Setup."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from core import retention
from core.models import AuditEvent, RetentionRun
from core.retention import Window
from core.retention_runs import retention_run
from notifications.models import CodePurpose, PhoneCode
from testkit import TinyCity

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PHONE = "13912345678"
KINDS = {
    "api_tokens",
    "invitations",
    "phone_codes",
    "text_messages",
    "read_notifications",
    "join_requests",
    "registry_import_files",
    "health_reports",
    "health_report_versions",
    "call_results",
    "worker_health",
    "closed_cases",
}


def codes(n: int, at: datetime) -> None:
    PhoneCode.objects.bulk_create(
        PhoneCode(
            phone=PHONE,
            purpose=CodePurpose.LOGIN,
            code_hash=str(i),
            created_at=at,
            expires_at=at + timedelta(minutes=5),
        )
        for i in range(n)
    )


def past_codes() -> datetime:
    return T0 + timedelta(days=settings.RETENTION_PHONE_CODE_DAYS, minutes=1)


def test_every_app_registers_its_kinds_with_a_setting() -> None:
    purgers = retention.purgers()
    assert {p.kind for p in purgers} == KINDS
    for p in purgers:
        assert p.setting is None or isinstance(getattr(settings, p.setting), int)


@override_settings(RETENTION_BATCH_SIZE=3)
def test_a_run_purges_in_batches_and_records_its_counts_once() -> None:
    codes(7, T0)
    codes(2, T0 + timedelta(days=1))
    with time_machine.travel(past_codes(), tick=False):
        result = retention_run()
    run = RetentionRun.objects.get()
    assert result.run == run and run.finished_at is not None and run.failed == []
    assert run.counts["phone_codes"] == 7 and set(run.counts) == KINDS
    assert PhoneCode.objects.count() == 2
    event = AuditEvent.objects.get(action="retention_purge")
    assert event.target_id == str(run.pk) and event.detail["counts"] == run.counts
    assert PHONE not in str(event.detail)  # counts only, never a record

    with time_machine.travel(past_codes() + timedelta(minutes=1), tick=False):
        again = retention_run()
    assert again.counts == dict.fromkeys(KINDS, 0)  # twice changes nothing more
    assert PhoneCode.objects.count() == 2


def test_a_dry_run_counts_and_changes_nothing() -> None:
    codes(4, T0)
    with time_machine.travel(past_codes(), tick=False):
        result = retention_run(dry_run=True)
    assert result.counts["phone_codes"] == 4 and result.run is None
    assert PhoneCode.objects.count() == 4
    assert not RetentionRun.objects.exists()
    assert not AuditEvent.objects.filter(action="retention_purge").exists()


@pytest.fixture
def failing_kind() -> Iterator[None]:
    def fail(window: Window) -> int:
        raise RuntimeError("the disk is full")

    retention.register("failing", "failing", None, fail)
    yield
    del retention._purgers["failing"]


@pytest.mark.usefixtures("failing_kind")
def test_one_kind_failing_does_not_stop_the_others() -> None:
    codes(1, T0)
    with time_machine.travel(past_codes(), tick=False):
        result = retention_run()
    assert result.run is not None and result.run.failed == ["failing"]
    assert result.run.counts["phone_codes"] == 1 and "failing" not in result.run.counts


def test_the_command_prints_what_would_go_and_what_went() -> None:
    codes(3, T0)
    out = StringIO()
    with time_machine.travel(past_codes(), tick=False):
        call_command("retention_purge", "--dry-run", stdout=out)
        assert PhoneCode.objects.count() == 3
        call_command("retention_purge", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("phone_codes") and "3 would go" in line for line in lines)
    assert any(line.startswith("phone_codes") and "3 went" in line for line in lines)
    assert PhoneCode.objects.count() == 0
    assert RetentionRun.objects.count() == 1


def test_city_admins_read_the_runs_in_setup_and_no_one_else(tiny_city: TinyCity) -> None:
    codes(2, T0)
    with time_machine.travel(past_codes(), tick=False):
        run = retention_run().run
    assert run is not None
    url = "/admin/core/retentionrun/"

    def rows(role: str) -> list[RetentionRun]:
        client = Client()
        client.force_login(tiny_city.users[role])
        page = client.get(url)
        assert page.status_code == 200
        return list(page.context["cl"].result_list)

    assert run in rows("city_admin")
    assert rows("district_admin") == []
    client = Client()
    client.force_login(tiny_city.users["city_admin"])
    assert client.get(f"{url}{run.pk}/change/").status_code == 200
    assert client.post(f"{url}{run.pk}/delete/").status_code == 403
    grid = Client()
    grid.force_login(tiny_city.users["grid_worker"])
    assert grid.get(url).status_code == 302  # not in Setup at all: to the admin's login
