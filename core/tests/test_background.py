"""The job queue really queues: a periodic job enqueued, taken by a worker and run, on the
storage this configuration uses (SQLite file embedded, Redis when REDIS_URL is set)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from accounts.models import ApiToken
from accounts.services import api_token_issue
from accounts.tasks import purge_expired_api_tokens
from testkit import TinyCity

# The consumer closes its database connection after a job, as in production: no wrapping
# test transaction may hold it.
pytestmark = pytest.mark.django_db(transaction=True)


def test_job_goes_through_the_queue(tiny_city: TinyCity) -> None:
    HUEY.flush()
    _raw, token = api_token_issue(user=tiny_city.users["grid_worker"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    purge_expired_api_tokens()  # enqueues; nothing runs yet
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert HUEY.pending_count() == 1
    task = HUEY.dequeue()
    assert task is not None
    HUEY.execute(task)  # what a consumer does (periodic jobs keep no result)
    assert HUEY.pending_count() == 0
    assert not ApiToken.objects.filter(pk=token.pk).exists()
