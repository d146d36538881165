"""The nervous system: what each user is told (the inbox), how it reached them (deliveries of
text messages), what they want to be told (preferences), and the one-time codes sent by text.

Kinds are plain strings declared in `notifications.kinds` (no choices here: a new kind needs no
migration). A notification's words are rendered from its kind and params when it is shown, in the
reader's language; params never hold an ID number or a phone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import BlindIndexField, EncryptedCharField
from notifications.querysets import DeliveryQuerySet


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    TEXT = "text", _("Text message")


class Notification(models.Model):
    """One line in one user's inbox. (recipient, dedupe_key) is unique: a job run twice, or two
    processes telling the same thing, leave one line."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True, default="")
    dedupe_key = models.CharField(max_length=160)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The bell on every page: one index-only count of a user's unread lines.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["kind", "created_at"], name="notification_kind"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DELIVERED = "delivered", _("Delivered")


class Delivery(models.Model):
    """One text message: a template and its params to one number, through the gateway the
    setting names. Retried with back-off by `notifications.tasks`; the provider's receipt, where
    it sends one, marks it delivered."""

    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(max_length=24)
    template = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    gateway = models.CharField(max_length=20, default="")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True, default="")
    error = models.CharField(max_length=200, blank=True, default="")
    # Unique where set: the same reminder to the same number is queued once.
    dedupe_key = models.CharField(max_length=160, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["template", "created_at"], name="delivery_template"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk} {self.status}"


class Preference(models.Model):
    """A user's own switch for one kind on one channel; without a row the kind's default for
    their roles holds."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}={self.enabled}"


class CodePurpose(models.TextChoices):
    JOIN = "join", _("Joining")
    LOGIN = "login", _("Logging in")


class PhoneCode(models.Model):
    """A 6-digit code sent by text: valid a few minutes, one use, stored as a keyed hash; five
    wrong tries void it. The rows themselves are the rate limits (per number, per address), so
    they hold across restarts and web processes."""

    # Encrypted at rest; the limits and the check find the rows by the keyed hash.
    phone = EncryptedCharField(max_length=24)
    phone_hash = BlindIndexField(source="phone", purpose="phone", default="")
    purpose = models.CharField(max_length=10, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    # A keyed hash of the address that asked (never the address itself).
    address_hash = models.CharField(max_length=64, default="")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["phone_hash", "created_at"], name="phonecode_phone"),
            models.Index(fields=["address_hash", "created_at"], name="phonecode_address"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code #{self.pk}"
