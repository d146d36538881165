from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.querysets import GrantQuerySet, ScopedUserManager
from core.roles import Role


class User(AbstractUser):
    """A login. What it may see and do comes only from its grants."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=24, blank=True, default="")
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
    )
    # A person already on record this account says it is (registered from a check-in link with
    # their ID number). Not bound, and so none of their views, until the community admin
    # confirms it when accepting the check-in (mobilisation.deployments.deployment_accept).
    claimed_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person claimed, not yet confirmed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    created_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = ScopedUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Grant(models.Model):
    """A role over a scope node: a place subtree, one unit, or one household."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    unit = models.ForeignKey(
        "party.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                name="grant_one_scope_node",
                condition=(
                    models.Q(place__isnull=False, unit__isnull=True, household__isnull=True)
                    | models.Q(place__isnull=True, unit__isnull=False, household__isnull=True)
                    | models.Q(place__isnull=True, unit__isnull=True, household__isnull=False)
                ),
            ),
            # One grant per user, role and scope node. Exactly one node is set (above), so one
            # partial constraint per kind of node says it on SQLite and PostgreSQL alike
            # (nulls_distinct=False is PostgreSQL-only: SQLite skipped it with warning W047).
            *(
                models.UniqueConstraint(
                    fields=["user", "role", node],
                    condition=models.Q(**{f"{node}__isnull": False}),
                    name=f"grant_unique_{node}",
                )
                for node in ("place", "unit", "household")
            ),
        ]

    def __str__(self) -> str:
        node = self.place or self.unit or self.household
        return f"{self.get_role_display()} · {node}"


class ApiToken(models.Model):
    """A bearer token for programs. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token #{self.pk} of {self.user_id}"


class Invitation(models.Model):
    """A one-time link sent by text message to a staff member's mobile number: opening it sends
    a login code to that number; the right code logs them in once. Only the link's SHA-256 is
    kept. Sent by `front_door.invitations`."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation #{self.pk} of {self.user_id}"
