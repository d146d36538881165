from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.roles import SETUP_ROLES, Role
from core.scoping import ScopedQuerySet


class AuditTrailIsAppendOnly(RuntimeError):
    """The access log is written once and never changed or removed by the application (M20)."""


class AuditEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AuditTrailIsAppendOnly("audit events cannot be updated")

    def access_q(self, actor: Actor) -> Q | None:
        # Audit rows name people's data only by reference; city/district admins read their
        # own subtree's trail through the place path recorded with each event.
        by_place = [Q(place_path__startswith=g.place_path) for g in actor.place_grants(SETUP_ROLES)]
        q = Q(user_id=actor.user_id)
        for extra in by_place:
            q |= extra
        return q


class AuditResult(models.TextChoices):
    OK = "ok", _("done")
    DENIED = "denied", _("refused")
    FAILED = "failed", _("failed")


class AuditEvent(models.Model):
    """One access to or change of personal data, a login or a Setup edit: who, when, from
    where, what, on which record, and the result.

    Never holds the personal data itself, only references to it. Append-only twice over: here,
    and in the database (core/audit_guard.py: triggers refuse UPDATE, DELETE and TRUNCATE; only
    rows archived by `audit_archive` and past the legal minimum may be deleted).
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("record type"), max_length=40)
    target_id = models.CharField(_("record"), max_length=40)
    place_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=120, blank=True, default="")
    result = models.CharField(
        _("result"), max_length=10, choices=AuditResult.choices, default=AuditResult.OK
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class RetentionRunQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A run purges the whole deployment: only its city admins read the record.
        return Q() if actor.has_role(Role.CITY_ADMIN) else None


class RetentionRun(models.Model):
    """One run of the retention job (core.retention_runs): when, and how many rows of each kind
    went or were anonymised. Counts only, never the records themselves."""

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # {"phone_codes": 1200, …}: rows deleted or anonymised per kind (core.retention).
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # Kinds whose purge failed this time (logged); the next run tries them again.
    failed = models.JSONField(_("failed"), default=list, blank=True)

    objects = RetentionRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} retention"


class AuditArchiveQuerySet(ScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("audit archives cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("audit archives cannot be deleted")

    def access_q(self, actor: Actor) -> Q | None:
        # Which months left the table is the whole city's business: city admins only.
        return Q() if actor.has_role(Role.CITY_ADMIN) else None


class AuditArchive(models.Model):
    """One month of audit events moved out of the table into a compressed JSON-lines file.

    The row is the proof of what left the table: the file's SHA-256 (`audit_archive --verify`),
    how many rows and which ids. The database lets audit rows be deleted only when such a row
    covers them, and refuses to change or delete this row.
    """

    period = models.CharField(_("month"), max_length=7, unique=True)  # "2026-05"
    rows = models.PositiveIntegerField(_("rows"))
    first_id = models.BigIntegerField(_("first event"))
    last_id = models.BigIntegerField(_("last event"))
    file_name = models.CharField(_("file"), max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField(_("archived at"), auto_now_add=True)

    objects = AuditArchiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period} ({self.rows})"
