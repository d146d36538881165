"""The front door's tables: a building's (or a community's) join code, printed on a poster; who
joined through it; and the join request of someone the registry did not find, answered by the
grid worker of their building."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import BlindIndexField, EncryptedCharField
from front_door.querysets import JoinCodeQuerySet, JoinQuerySet, JoinRequestQuerySet
from places.models import InGrid, Place


class JoinCode(models.Model):
    """The secret behind a poster's QR code: `/join/<token>/` joins a resident of this building
    (or of any building of this community). Kept as issued, so the poster can be printed again;
    revoking it ends it, re-issuing is revoking plus a new one. One current code per place."""

    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Place, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    token = models.CharField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = JoinCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("join code")
        verbose_name_plural = _("join codes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["place"], condition=Q(revoked_at__isnull=True), name="joincode_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_id} · {self.created_at:%Y-%m-%d}"


class Join(models.Model):
    """One account that joined through one code (reused or created): the code's count."""

    code = models.ForeignKey(JoinCode, on_delete=models.PROTECT, related_name="joins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_account = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    objects = JoinQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "user"], name="join_once_per_code")]

    def __str__(self) -> str:
        return f"{self.code_id} → {self.user_id}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the grid worker")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", pgettext_lazy("join request status", "Refused")


class JoinRequest(InGrid):
    """Someone the registry of their building did not find (a tenant not yet registered, a
    typo): everything they typed, kept for the grid worker, who adds them to the registry and
    confirms, or refuses with a reason."""

    code = models.ForeignKey(JoinCode, on_delete=models.PROTECT, related_name="requests")
    building = models.ForeignKey(
        Place, verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    # Encrypted at rest; found by the keyed hashes (core.fields), never by value.
    phone = EncryptedCharField(_("mobile number"), max_length=24)
    phone_hash = BlindIndexField(source="phone", purpose="phone", default="")
    phone_last4_hash = BlindIndexField(source="phone", purpose="phone_last4", default="")
    name = models.CharField(_("name"), max_length=50)
    id_last6 = EncryptedCharField(_("last 6 characters of the ID number"), max_length=6)
    room = models.CharField(_("room"), max_length=40, blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    refusal_reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["grid", "status"], name="joinrequest_grid_status"),
            models.Index(fields=["community", "status"], name="joinrequest_comm_status"),
            models.Index(fields=["phone_hash", "status"], name="joinrequest_phone"),
        ]
        constraints = [
            # One open request per number and building: sending again while it waits adds none.
            models.UniqueConstraint(
                fields=["phone_hash", "building"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.building_id} · {self.status}"
