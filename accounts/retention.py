"""What accounts keeps past its purpose (core.retention; docs/retention.md): expired API tokens
go at once, used or expired invitations after RETENTION_INVITATION_DAYS."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, Invitation
from accounts.services import api_tokens_purge_expired
from core.retention import Window, delete_in_batches, register


def purge_api_tokens(window: Window) -> int:
    # An expired token can no longer authenticate: nothing to keep it for.
    if window.dry_run:
        return ApiToken.objects.filter(expires_at__lte=timezone.now()).count()
    return api_tokens_purge_expired()


def purge_invitations(window: Window) -> int:
    # Done once used, or dead once expired (whichever came first).
    rows = Invitation.objects.filter(
        Q(used_at__lt=window.before) | Q(used_at__isnull=True, expires_at__lt=window.before)
    )
    return delete_in_batches(rows, window, "invitations")


register("api_tokens", _("Expired API tokens"), None, purge_api_tokens)
register(
    "invitations", _("Used or expired invitations"), "RETENTION_INVITATION_DAYS", purge_invitations
)
