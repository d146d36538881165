"""What staff do with an abnormal-report flag: hand the person over to triage, or dismiss it
with a reason (a misread thermometer, re-measured normal). Either way who, when and why stay."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line
from health.error_codes import HealthError
from health.models import FlagStatus, HealthFlag
from health.policies import may_handle_flags

NOTE_MAX = 300


def _close(
    *, actor: Actor, flag: HealthFlag, status: str, note: str, note_required: str
) -> HealthFlag:
    if not may_handle_flags(actor):
        raise NotAllowed(_("Only grid workers, community admins and health workers handle flags."))
    note = normalize_line(note)[:NOTE_MAX]
    if not note:
        raise field_error("note", note_required, code=CoreError.REQUIRED)
    with transaction.atomic():
        locked = HealthFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.status != FlagStatus.OPEN:
            raise field_error(
                "status",
                _("This flag was already handled (%(status)s).")
                % {"status": FlagStatus(locked.status).label},
                code=HealthError.HANDLED,
            )
        locked.status = status
        locked.closed_by_id = actor.user_id
        locked.closed_at = timezone.now()
        locked.close_note = note
        locked.save(update_fields=["status", "closed_by", "closed_at", "close_note"])
    return locked


def health_flag_hand_over(*, actor: Actor, flag: HealthFlag, note: str) -> HealthFlag:
    """Pass the person to triage (the health centre's queue starts from handed-over flags);
    the note says how (whom you told, what was agreed)."""
    return _close(
        actor=actor,
        flag=flag,
        status=FlagStatus.HANDED_OVER,
        note=note,
        note_required=_("Say how the person was handed over (e.g. whom you called)."),
    )


def health_flag_dismiss(*, actor: Actor, flag: HealthFlag, note: str) -> HealthFlag:
    return _close(
        actor=actor,
        flag=flag,
        status=FlagStatus.DISMISSED,
        note=note,
        note_required=_("Say why the flag is dismissed."),
    )
