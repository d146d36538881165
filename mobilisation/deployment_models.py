"""M4: a community's check-in link and a cadre's deployment there. The tables are the ones party
made (`party_checkinlink`, `party_deployment`); the models moved here with the feature."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mobilisation.querysets import CheckInLinkQuerySet, DeploymentQuerySet
from party.models import PartyMember, Unit
from places.models import Place


class CheckInLink(models.Model):
    """A community's check-in link (报到二维码): cadres open it on their phone to report there.
    The token is the secret in the QR code; an expired or revoked link checks no one in."""

    community = models.ForeignKey(
        Place, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    token = models.CharField(max_length=40, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CheckInLinkQuerySet.as_manager()

    class Meta:
        db_table = "party_checkinlink"  # the table party made, kept (no data moves)
        verbose_name = _("check-in link")
        verbose_name_plural = _("check-in links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.community_id} · {self.expires_at:%Y-%m-%d}"


class DeploymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the community")
    ACTIVE = "active", _("Deployed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Ended")


# A pending or active deployment holds the cadre: one at a time.
HOLDING_STATUSES = (DeploymentStatus.PENDING, DeploymentStatus.ACTIVE)


class Deployment(models.Model):
    """A cadre's check-in (报到) at one community: pending until the community admin accepts,
    active while deployed (the cadre then holds a cadre grant there), ended with a handover."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The party membership behind the login, when there is one (coverage counts members).
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deployments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("work unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deployments",
    )
    community = models.ForeignKey(
        Place, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    link = models.ForeignKey(
        CheckInLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="deployments"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeploymentStatus.choices,
        default=DeploymentStatus.PENDING,
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    requested_at = models.DateTimeField(_("checked in at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_note = models.CharField(_("why it ended"), max_length=200, blank=True, default="")
    # What the end handed over, e.g. {"care": 3, "posts": 1, "shifts": 4, "dispatches": 1}.
    handover = models.JSONField(_("handed over"), default=dict, blank=True)

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        db_table = "party_deployment"  # the table party made, kept (no data moves)
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "active"]),
                name="deployment_one_holding_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"], name="deployment_community"),
            models.Index(fields=["unit", "status"], name="deployment_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.community_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == DeploymentStatus.ACTIVE
