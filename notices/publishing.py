"""Publishing a notice: one row for the notice and one per target place, whatever the number
of residents under them (a whole city is one target), so publishing is instant. Who has read
it is recorded when they open it (notices.reads); reach is counted when asked."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line, normalize_paragraphs
from notices.models import Notice, NoticeKind, NoticeTarget, OpinionIncident
from notices.policies import may_withdraw
from notices.querysets import OFFICE_ROLES
from places.models import Place, PlaceKind

TARGET_KINDS = (PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY)
TITLE_MAX = 200
BODY_MAX = 20000


def issuer_places(actor: Actor) -> list[int]:
    """The places whose command the actor may publish for: their office grants' places."""
    return [g.place_id for g in actor.place_grants(OFFICE_ROLES) if g.place_id]


def _outermost(places: Sequence[Place]) -> list[Place]:
    """Drop targets that lie under another target (they would receive it twice)."""
    ordered = sorted({p.pk: p for p in places}.values(), key=lambda p: len(p.path))
    kept: list[Place] = []
    for p in ordered:
        if not any(p.path.startswith(k.path) for k in kept):
            kept.append(p)
    return kept


@transaction.atomic
def notice_publish(
    *,
    actor: Actor,
    kind: str,
    title: str,
    body: str,
    issuer: Place,
    targets: Sequence[Place],
    building: Place | None = None,
    incident: OpinionIncident | None = None,
) -> Notice:
    """Publish for `issuer`'s command to `targets` (places under it). A building notice goes to
    its building only, and only once the building may be disclosed (triage.disclosure)."""
    if actor.user_id is None or not (actor.is_superuser or issuer.pk in issuer_places(actor)):
        raise NotAllowed(_("Only the command of this place publishes its notices."))
    if kind not in NoticeKind.values:
        raise field_error("kind", _("Choose the kind of notice."))
    title = normalize_line(title or "")
    body = normalize_paragraphs(body)
    if not title:
        raise field_error("title", _("Enter a title."), CoreError.REQUIRED)
    if len(title) > TITLE_MAX:
        raise field_error("title", _("At most %(n)s characters.") % {"n": TITLE_MAX})
    if not body:
        raise field_error("body", _("Enter the text of the notice."), CoreError.REQUIRED)
    if len(body) > BODY_MAX:
        raise field_error("body", _("At most %(n)s characters.") % {"n": BODY_MAX})
    if kind == NoticeKind.BUILDING:
        targets = _building_targets(issuer, building)
    else:
        if building is not None:
            raise field_error("building", _("Only a building notice names a building."))
        if not targets:
            raise field_error("targets", _("Choose where the notice goes."), CoreError.REQUIRED)
        for t in targets:
            if t.kind not in TARGET_KINDS:
                raise field_error(
                    "targets", _("A notice goes to a city, districts, streets or communities.")
                )
            if not t.path.startswith(issuer.path):
                raise field_error(
                    "targets", _("%(place)s is outside your area.") % {"place": t.name}
                )
        targets = _outermost(targets)
    if incident is not None and kind != NoticeKind.REBUTTAL:
        raise field_error("kind", _("A notice answering a rumour is a rebuttal."))
    notice = Notice.objects.create(
        kind=kind,
        title=title,
        body=body,
        issuer=issuer,
        issuer_path=issuer.path,
        published_by_id=actor.user_id,
        published_at=timezone.now(),
        incident=incident,
        building=building if kind == NoticeKind.BUILDING else None,
    )
    NoticeTarget.objects.bulk_create(
        [NoticeTarget(notice=notice, place=t, place_path=t.path) for t in targets]
    )
    transaction.on_commit(lambda: _tell_soon(notice.pk))
    return notice


def _tell_soon(notice_id: int) -> None:
    """Everyone in the targeted places is told by the queue's workers, in batches, once the
    notice is committed (notices.tasks.notice_tell)."""
    from notices.tasks import notice_tell

    notice_tell(notice_id)


def _building_targets(issuer: Place, building: Place | None) -> list[Place]:
    from triage.disclosure import building_case_count, disclosure_threshold

    if building is None or building.kind != PlaceKind.BUILDING:
        raise field_error("building", _("Choose the building."), CoreError.REQUIRED)
    if not building.path.startswith(issuer.path):
        raise field_error(
            "building", _("%(place)s is outside your area.") % {"place": building.name}
        )
    threshold = disclosure_threshold(building)
    if building_case_count(building) < threshold:
        # Below the city's threshold a building notice would point at one household.
        raise field_error(
            "building",
            _(
                "This building has fewer than %(n)s open confirmed or suspected cases; a notice "
                "would identify a household, so it cannot be published."
            )
            % {"n": threshold},
            CoreError.BELOW_THRESHOLD,
        )
    return [building]


@transaction.atomic
def notice_withdraw(*, actor: Actor, notice: Notice) -> Notice:
    """Withdraw the notice: residents no longer see it; it stays in the record. Again: no change."""
    if actor.user_id is None or not may_withdraw(actor, notice):
        raise NotAllowed(_("Only the issuing office withdraws its notice."))
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice.withdrawn_by_id = actor.user_id
        notice.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return notice
