"""The registry of retention purgers: how long each kind of personal record is kept once its
purpose has ended (PIPL Art. 19; docs/retention.md), and the batch helpers they share.

Each app owns what it keeps: its `<app>/retention.py` registers one purger per kind with
`register`, at import. `purgers()` imports every installed app's `retention` module by name, so
core never imports a floor above it. The daily job (`core.retention_runs`) runs them all.

A purger takes a `Window` (records whose purpose ended before `before` go) and returns how many
rows went (or would go, on a dry run). It works in batches of primary keys, never loading a
table: a city has millions of rows.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    before: datetime.datetime  # records whose purpose ended before this moment go
    dry_run: bool
    batch_size: int


Purge = Callable[[Window], int]


@dataclass(frozen=True)
class Purger:
    kind: str
    label: str | Promise
    setting: str | None  # the days setting; None: gone as soon as its purpose ends
    function: Purge

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting)) if self.setting else 0


_purgers: dict[str, Purger] = {}


def register(kind: str, label: str | Promise, setting: str | None, function: Purge) -> None:
    """Declare one kind of record and the function that purges it (a module imported twice
    registers the same kind again: the last one holds)."""
    if setting is not None and not hasattr(settings, setting):
        raise LookupError(f"retention setting {setting} is not defined")
    _purgers[kind] = Purger(kind=kind, label=label, setting=setting, function=function)


def purgers() -> list[Purger]:
    """Every registered purger, apps in INSTALLED_APPS order."""
    autodiscover_modules("retention")
    return list(_purgers.values())


def in_batches(
    rows: models.QuerySet, window: Window, kind: str, apply: Callable[[list[int]], None]
) -> int:
    """Call `apply` on the primary keys of `rows`, `window.batch_size` at a time, each batch in
    its own transaction; returns how many. Walks the keys upwards, so it ends even if `apply`
    leaves a row matching. A dry run only counts."""
    if window.dry_run:
        return rows.count()
    total = 0
    last = 0
    while True:
        ids = list(
            rows.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[: window.batch_size]
        )
        if not ids:
            return total
        with transaction.atomic():
            apply(ids)
        total += len(ids)
        last = ids[-1]
        log.info("retention %s: %d so far", kind, total)


def delete_in_batches(rows: models.QuerySet, window: Window, kind: str) -> int:
    """Delete `rows` in batches (cascades and SET NULLs as the models declare them)."""
    manager = rows.model._base_manager

    def delete(ids: list[int]) -> None:
        manager.filter(pk__in=ids).delete()

    return in_batches(rows, window, kind, delete)
