"""Worker wellbeing (附件七 四), M13: a worker's difficulty (meals, commuting, family…) filed
by the worker or their community admin, answered by the street."""

from __future__ import annotations

import datetime

from core.actor import Actor
from duty.models import WorkerNeed


def need_file(
    *,
    actor: Actor,
    kind: str,
    details: str,
    worker_id: object = None,
    now: datetime.datetime | None = None,
) -> WorkerNeed:
    """File for oneself (a worker of a community) or, as community admin, for a worker."""
    raise NotImplementedError


def need_answer(
    *, actor: Actor, need: WorkerNeed, answer: str, now: datetime.datetime | None = None
) -> WorkerNeed:
    raise NotImplementedError


def need_close(
    *, actor: Actor, need: WorkerNeed, now: datetime.datetime | None = None
) -> WorkerNeed:
    raise NotImplementedError
