"""How a community passed a notice on to its residents (channels and an explanation): one relay
per community and notice, recorded by the community's admin; recording again updates it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from core.validators import normalize_paragraphs
from notices.models import Notice, NoticeRelay, RelayChannel
from places.models import Place, PlaceKind

EXPLANATION_MAX = 2000


def relay_communities(actor: Actor) -> list[int]:
    """The communities whose relays the actor records: their community-admin grants."""
    return [
        g.place_id
        for g in actor.place_grants(Role.COMMUNITY_ADMIN)
        if g.place_id and g.scope_kind == PlaceKind.COMMUNITY
    ]


def notice_reaches(notice: Notice, community: Place, paths: list[str] | None = None) -> bool:
    """The notice goes to the community: a target at or above it, or a building inside it
    (`paths`: the notice's target paths, when the caller has read them already)."""
    if paths is None:
        paths = list(notice.targets.values_list("place_path", flat=True))
    return any(community.path.startswith(p) or p.startswith(community.path) for p in paths)


def clean_channels(channels: Iterable[object] | None) -> list[str]:
    chosen = [str(c) for c in (channels or [])]
    if not chosen:
        raise field_error("channels", _("Choose at least one channel."), CoreError.REQUIRED)
    if any(c not in RelayChannel.values for c in chosen):
        raise field_error("channels", _("Choose the channels from the list."), CoreError.INVALID)
    return [c for c in RelayChannel.values if c in chosen]


@transaction.atomic
def notice_relay_save(
    *,
    actor: Actor,
    notice: Notice,
    community: Place,
    channels: Iterable[object] | None,
    explanation: str,
) -> NoticeRelay:
    """Record (or update) how `community` relayed `notice`, by whom and when."""
    if actor.user_id is None or not (
        actor.is_superuser or community.pk in relay_communities(actor)
    ):
        raise NotAllowed(_("Only the community's admin records how it relayed a notice."))
    if community.kind != PlaceKind.COMMUNITY or not notice_reaches(notice, community):
        raise field_error("community", _("This notice does not go to that community."))
    if notice.withdrawn_at is not None:
        raise NotAllowed(_("This notice was withdrawn."))
    chosen = clean_channels(channels)
    text = normalize_paragraphs(explanation)
    if not text:
        raise field_error(
            "explanation", _("Explain the notice to residents in a few words."), CoreError.REQUIRED
        )
    if len(text) > EXPLANATION_MAX:
        raise field_error("explanation", _("At most %(n)s characters.") % {"n": EXPLANATION_MAX})
    relay, _created = NoticeRelay.objects.update_or_create(
        notice=notice,
        community=community,
        defaults={
            "community_path": community.path,
            "channels": chosen,
            "explanation": text,
            "relayed_by_id": actor.user_id,
            "relayed_at": timezone.now(),
        },
    )
    return relay
