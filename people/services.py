from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.audit import audit_record
from core.errors import NotAllowed, field_error
from core.roles import REVEAL_ROLES
from core.validators import normalize_text
from people.models import Resident


@dataclass(frozen=True)
class RevealedContact:
    id_number: str
    phone: str


@transaction.atomic
def resident_reveal(*, actor: Actor, resident: Resident, reason: str) -> RevealedContact:
    """Show a resident's full ID and phone to a role whose job needs it; always audited."""
    if not (actor.is_superuser or actor.has_role(REVEAL_ROLES)):
        raise NotAllowed(_("Your role may not see personal data in full."))
    reason = normalize_text(reason)
    if len(reason) < 2:
        raise field_error("reason", _("Say why you need the full ID and phone."), "required")
    audit_record(
        actor=actor,
        action="reveal",
        target_type="resident",
        target_id=resident.pk,
        place_path=resident.building.path,
        detail={"fields": ["id_number", "phone"], "reason": reason[:200]},
    )
    person = resident.person
    return RevealedContact(id_number=person.id_number or "", phone=person.phone)
