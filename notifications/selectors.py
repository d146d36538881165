"""Reads of one's own inbox and switches. Nobody reads another user's inbox: every read is
filtered by the actor's own user id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from core.actor import Actor
from notifications.kinds import KINDS, Kind, default_on, title
from notifications.models import Channel, Delivery, Notification, Preference


def unread_count(actor: Actor) -> int:
    """The bell's number: one count on the partial index of unread lines."""
    if actor.user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).count()


def inbox(actor: Actor, unread_only: bool = False) -> Any:
    qs = Notification.objects.filter(recipient_id=actor.user_id).order_by("-created_at", "-pk")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_title(n: Notification) -> str:
    return title(n.kind, n.params)


def access_notification(actor: Actor, notification_id: int) -> Notification:
    """One's own line, else 404 (another's and a missing one look the same)."""
    n = Notification.objects.filter(pk=notification_id, recipient_id=actor.user_id).first()
    if n is None or actor.user_id is None:
        raise Http404
    return n


@dataclass(frozen=True)
class PreferenceRow:
    kind: Kind
    label: str
    in_app: bool
    text: bool


def preference_rows(actor: Actor) -> list[PreferenceRow]:
    """The kinds meant for the actor's roles, each with their switch per channel (their own
    choice, else the default)."""
    roles = frozenset(g.role for g in actor.grants)
    if actor.user_id is None:
        return []
    own = {
        (k, ch): on
        for k, ch, on in Preference.objects.filter(user_id=actor.user_id).values_list(
            "kind", "channel", "enabled"
        )
    }
    rows = []
    for kind, s in KINDS.items():
        if not (s.roles & roles) and not actor.is_superuser:
            continue
        rows.append(
            PreferenceRow(
                kind=kind,
                label=title(kind, {}),
                in_app=own.get((kind, Channel.IN_APP), default_on(kind, Channel.IN_APP, roles)),
                text=own.get((kind, Channel.TEXT), default_on(kind, Channel.TEXT, roles)),
            )
        )
    return rows


def text_outbox(limit: int = 50) -> list[Delivery]:
    """The console gateway's latest messages (the demo's outbox page)."""
    return list(Delivery.objects.filter(gateway="console").order_by("-created_at", "-pk")[:limit])
