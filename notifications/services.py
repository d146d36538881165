"""Telling people: `notify` is the one entry point every app uses; reading and switching are the
owner's own acts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.actor import Actor
from notifications.delivery import texts_queue
from notifications.kinds import Kind, default_on, spec
from notifications.models import Channel, Notification, Preference


def _roles_of(user_ids: list[int]) -> dict[int, frozenset[str]]:
    from accounts.models import Grant

    roles: dict[int, set[str]] = {}
    for uid, role in Grant.objects.filter(user_id__in=user_ids).values_list("user_id", "role"):
        roles.setdefault(uid, set()).add(role)
    return {uid: frozenset(r) for uid, r in roles.items()}


def channels_on(kind: str, user_ids: list[int]) -> dict[str, set[int]]:
    """Which of these users get this kind in the app and by text: their own switch, else the
    default for their roles."""
    roles = _roles_of(user_ids)
    own: dict[tuple[int, str], bool] = {
        (uid, ch): on
        for uid, ch, on in Preference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "channel", "enabled"
        )
    }
    out: dict[str, set[int]] = {Channel.IN_APP: set(), Channel.TEXT: set()}
    for uid in user_ids:
        for ch in (Channel.IN_APP, Channel.TEXT):
            on = own.get((uid, ch))
            if on is None:
                on = default_on(kind, ch, roles.get(uid, frozenset()))
            if on:
                out[ch].add(uid)
    return out


@transaction.atomic
def notify(
    kind: Kind,
    recipients: Iterable[int],
    context: Mapping[str, Any],
    *,
    dedupe_key: str,
    link: str = "",
) -> int:
    """Tell these users (ids) about one thing: a line in each inbox and, where their switch is
    on and they have a mobile number, a text message. Idempotent per (recipient, dedupe_key):
    a periodic job run twice, or two processes at once, tell nobody twice. Returns how many
    inbox lines are new. `context` holds what the kind's words need, never an ID number or a
    phone."""
    if spec(kind) is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    user_ids = sorted({int(u) for u in recipients if u is not None})
    if not user_ids:
        return 0
    params = {k: str(v) for k, v in context.items()}
    on = channels_on(kind, user_ids)
    now = timezone.now()
    told = set(
        Notification.objects.filter(recipient_id__in=user_ids, dedupe_key=dedupe_key).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [uid for uid in user_ids if uid not in told]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=uid,
                kind=str(kind),
                params=params,
                link=link,
                dedupe_key=dedupe_key,
                created_at=now,
            )
            for uid in fresh
            if uid in on[Channel.IN_APP]
        ],
        ignore_conflicts=True,
    )
    texted = [uid for uid in fresh if uid in on[Channel.TEXT]]
    if texted:
        _text_users(kind, texted, params, dedupe_key)
    return len([u for u in fresh if u in on[Channel.IN_APP]])


def _text_users(kind: str, user_ids: list[int], params: dict[str, str], dedupe_key: str) -> None:
    """One text per active user with a mobile number, queued in one insert (a key already used
    queues nothing) and sent once the transaction commits."""
    from accounts.models import User

    s = spec(kind)
    assert s is not None
    phones = [
        (uid, phone)
        for uid, phone in User.objects.filter(pk__in=user_ids, is_active=True).values_list(
            "pk", "phone"
        )
        if _is_mobile(phone)
    ]
    texts_queue(
        template=s.text_template,
        params=_text_params(s.text_template, params),
        recipients=[(uid, phone, f"{dedupe_key}|{uid}") for uid, phone in phones],
    )


def _is_mobile(phone: str) -> bool:
    from django.core.exceptions import ValidationError

    from core.validators import validate_mobile

    try:
        return bool(phone) and validate_mobile(phone) == phone
    except ValidationError:
        return False


def _text_params(template: str, params: Mapping[str, str]) -> dict[str, str]:
    from notifications.texts import PARAM_ORDER

    keys = PARAM_ORDER.get(template, ())
    out = {k: params.get(k, "") for k in keys}
    if "count" in keys and not out["count"]:
        out["count"] = "1"
    return out


def notification_open(*, actor: Actor, notification: Notification) -> str:
    """Mark one of the actor's own lines read; returns where it points."""
    if notification.read_at is None and notification.recipient_id == actor.user_id:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return notification.link


def notifications_read_all(*, actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_set(*, actor: Actor, kind: str, channel: str, enabled: bool) -> None:
    from django.utils.translation import gettext as _

    from core.errors import field_error

    if spec(kind) is None:
        raise field_error("kind", _("Choose a kind of notification from the list."))
    if channel not in Channel.values:
        raise field_error("channel", _("Choose in the app or by text message."))
    if actor.user_id is None:
        return
    Preference.objects.update_or_create(
        user_id=actor.user_id, kind=kind, channel=channel, defaults={"enabled": enabled}
    )
