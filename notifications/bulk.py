"""`notify` for a whole city at once: the recipients come from a SELECT and the inbox lines and
text messages are written with INSERT … SELECT … ON CONFLICT DO NOTHING, so a million reminders
are a few statements, not a million round trips. Same rules as `notify`: the unique
(recipient, dedupe_key) keeps every line once, a user's switch wins, text goes only to active
users with a mobile number whose text switch is on (their own, else the kind's `text_roles`).

Raw SQL lives here and nowhere else in this app: the ORM cannot insert from a select.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.models import Grant, User
from notifications.gateways import gateway_name
from notifications.kinds import Kind, spec
from notifications.models import Channel, Delivery, Notification, Preference

# A mainland mobile number as validate_mobile stores it.
_MOBILE_SQL = "{col} LIKE '1%%' AND LENGTH({col}) = 11"


def _json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def _switch_sql(kind: str, channel: str, default_on_sql: str) -> str:
    """SQL true when user `s.user_id` has this kind on in this channel."""
    p = Preference._meta.db_table
    return (
        f"COALESCE((SELECT pr.enabled FROM {p} pr WHERE pr.user_id = s.user_id "  # nosec B608: names from the models, enum constants, our callers' SQL; values are parameters
        f"AND pr.kind = '{kind}' AND pr.channel = '{channel}'), {default_on_sql})"
    )


def notify_select(
    kind: Kind,
    recipients_sql: str,
    recipients_params: Sequence[Any],
    context: Mapping[str, Any],
    *,
    dedupe_prefix: str,
    link: str = "",
) -> tuple[int, int]:
    """`recipients_sql` selects `user_id` and `key` (the dedupe key's own part, text); returns
    (inbox lines written, text messages queued)."""
    s = spec(kind)
    if s is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = timezone.now()
    params = json.dumps({k: str(v) for k, v in context.items()}, ensure_ascii=False)
    n, u, g, d = (
        Notification._meta.db_table,
        User._meta.db_table,
        Grant._meta.db_table,
        Delivery._meta.db_table,
    )
    key = "CAST(%s AS TEXT) || CAST(s.key AS TEXT)"
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {n} (recipient_id, kind, params, link, dedupe_key, created_at) "  # nosec B608: names from the models, enum constants, our callers' SQL; values are parameters
            f"SELECT s.user_id, %s, {_json_param()}, %s, {key}, %s "
            f"FROM ({recipients_sql}) s JOIN {u} u ON u.id = s.user_id "
            f"WHERE u.is_active AND {_switch_sql(kind, Channel.IN_APP, 'TRUE')} "
            "ON CONFLICT DO NOTHING",
            [str(kind), params, link, dedupe_prefix, now, *recipients_params],
        )
        lines = cur.rowcount
        roles = ", ".join(f"'{r}'" for r in sorted(s.text_roles)) or "NULL"
        text_default = (
            f"EXISTS (SELECT 1 FROM {g} gr WHERE gr.user_id = s.user_id AND gr.role IN ({roles}))"  # nosec B608: names from the models, enum constants, our callers' SQL; values are parameters
        )
        from notifications.services import _text_params

        text_params = json.dumps(
            _text_params(s.text_template, {k: str(v) for k, v in context.items()}),
            ensure_ascii=False,
        )
        cur.execute(
            f"INSERT INTO {d} (recipient_id, phone, template, params, gateway, status, attempts, "  # nosec B608: names from the models, enum constants, our callers' SQL; values are parameters
            "provider_message_id, error, dedupe_key, created_at, next_attempt_at) "
            f"SELECT s.user_id, u.phone, %s, {_json_param()}, %s, 'queued', 0, '', '', "
            f"{key} || '|' || CAST(s.user_id AS TEXT), %s, %s "
            f"FROM ({recipients_sql}) s JOIN {u} u ON u.id = s.user_id "
            f"WHERE u.is_active AND {_MOBILE_SQL.format(col='u.phone')} "
            f"AND {_switch_sql(kind, Channel.TEXT, text_default)} "
            "ON CONFLICT DO NOTHING",
            [
                str(s.text_template),
                text_params,
                gateway_name(),
                dedupe_prefix,
                now,
                now,
                *recipients_params,
            ],
        )
        texts = cur.rowcount
    return lines, texts


def text_select(
    template: str,
    phones_sql: str,
    phones_params: Sequence[Any],
    params: Mapping[str, str],
    *,
    dedupe_prefix: str,
) -> int:
    """Text messages to numbers no account holds (a household's contact phone): `phones_sql`
    selects `phone` and `key`; landlines and malformed numbers are left out. Returns how many
    were queued."""
    now = timezone.now()
    d = Delivery._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {d} (phone, template, params, gateway, status, attempts, "  # nosec B608: names from the models, enum constants, our callers' SQL; values are parameters
            "provider_message_id, error, dedupe_key, created_at, next_attempt_at) "
            f"SELECT s.phone, %s, {_json_param()}, %s, 'queued', 0, '', '', "
            "CAST(%s AS TEXT) || CAST(s.key AS TEXT), %s, %s "
            f"FROM ({phones_sql}) s WHERE {_MOBILE_SQL.format(col='s.phone')} "
            "ON CONFLICT DO NOTHING",
            [
                template,
                json.dumps(dict(params), ensure_ascii=False),
                gateway_name(),
                dedupe_prefix,
                now,
                now,
                *phones_params,
            ],
        )
        return cur.rowcount
