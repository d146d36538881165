"""Care for the vulnerable (关爱帮扶, 一对一包保), M10.

A vulnerable household (a resident flagged elderly living alone, disabled, chronically ill,
pregnant, in hardship, a child without carer, or someone in home observation) gets a named carer
— a deployed cadre, volunteer or grid worker of the community — with a contact plan. Each phone
check or visit is a `CareContact`; the assignment keeps the next due dates and the last
successful contact, so "due today", "overdue" and the no-contact alarm are indexed reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from care.querysets import CareAssignmentQuerySet, CareContactQuerySet
from core.fields import EncryptedCharField
from places.models import Household, InGrid, Place


class EndReason(models.TextChoices):
    REASSIGNED = "reassigned", _("Given to another carer")
    CARER_LEFT = "carer_left", _("Carer left (deployment ended, unwell…)")
    NOT_NEEDED = "not_needed", _("Care no longer needed")


class CareAssignment(InGrid):
    """One carer for one household, with a contact plan. At most one active per household."""

    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="care_assignments",
    )
    carer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carer"),
        on_delete=models.PROTECT,
        related_name="care_assignments",
    )
    # The contact plan: phone every N days, visit every M days (0 = not planned).
    phone_every_days = models.PositiveSmallIntegerField(_("phone every (days)"), default=1)
    visit_every_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=3)
    plan_note = models.CharField(_("plan note"), max_length=200, blank=True, default="")
    # Next due days in Beijing time; null when that kind of contact is not planned.
    phone_due_on = models.DateField(_("next phone check"), null=True, blank=True)
    visit_due_on = models.DateField(_("next visit"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful contact"), null=True, blank=True)
    # Set once by the periodic job when no successful contact came for too long; cleared by one.
    alarm_at = models.DateTimeField(_("no-contact alarm"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("assigned at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=16, choices=EndReason.choices, blank=True, default=""
    )
    end_note = models.CharField(_("note"), max_length=200, blank=True, default="")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CareAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("care assignment")
        verbose_name_plural = _("care assignments")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_at__isnull=True),
                name="care_one_active_per_household",
            ),
        ]
        indexes = [
            models.Index(
                fields=["carer", "community"],
                condition=Q(ended_at__isnull=True),
                name="care_active_carer",
            ),
            models.Index(fields=["community", "ended_at"], name="care_community"),
        ]

    def __str__(self) -> str:
        return f"{self.household} ← {self.carer}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone check")
    VISIT = "visit", _("Home visit")
    FAILED = "failed", _("Failed attempt")


class HealthState(models.TextChoices):
    WELL = "well", _("Well")
    UNWELL = "unwell", _("Unwell")
    URGENT = "urgent", _("Needs help now")
    UNKNOWN = "unknown", _("Not known")


class CareContact(InGrid):
    """One phone check, home visit or failed attempt, by the carer who made it."""

    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        CareAssignment, on_delete=models.PROTECT, related_name="contacts"
    )
    carer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    at = models.DateTimeField(_("time"), db_index=True)
    health = models.CharField(
        _("health"), max_length=8, choices=HealthState.choices, default=HealthState.UNKNOWN
    )
    # Free text that can hold health details: encrypted at rest (core.fields), never searched.
    outcome = EncryptedCharField(_("outcome"), max_length=300, blank=True, default="")
    needs = EncryptedCharField(_("needs found"), max_length=300, blank=True, default="")
    # The resident request this contact raised, if any (a need found → a request in one step).
    request = models.ForeignKey(
        "service_requests.ServiceRequest",
        verbose_name=_("request raised"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CareContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("care contact")
        verbose_name_plural = _("care contacts")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["household", "at"], name="carecontact_household")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
