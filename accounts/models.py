from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.querysets import GrantQuerySet, OwnRowsQuerySet, ScopedUserManager
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
    # When the password was last set (null: before this was recorded, counted from joining);
    # PASSWORD_MAX_AGE_DAYS, when on, sends the user to change it after that many days.
    password_changed_at = models.DateTimeField(
        _("password changed"), null=True, blank=True, editable=False
    )

    objects = ScopedUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


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

    objects = OwnRowsQuerySet.as_manager()

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


class LoginThrottle(models.Model):
    """Wrong passwords and codes counted per username or per address, in the database so a
    lock holds across restarts and every web process. The key is a SHA-256 of the lowered
    username (which may be a mobile number) or of the address: no personal value is stored."""

    class Kind(models.TextChoices):
        ACCOUNT = "user", _("account")
        ADDRESS = "address", _("address")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key_hash = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_started_at = models.DateTimeField(_("counting since"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key_hash"], name="login_throttle_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_hash[:8]}"


class UserSession(models.Model):
    """One logged-in browser of a user: Django's session table cannot be searched by user, so
    this registry is what lists a user's sessions and kills them all at once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(_("started"))
    last_seen_at = models.DateTimeField(_("last active"))
    address = models.CharField(_("address"), max_length=45, blank=True, default="")
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, default="")

    objects = OwnRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"session #{self.pk} of {self.user_id}"
