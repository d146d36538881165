"""Every kind of notification, declared once: its words (rendered in the reader's language from
the notification's params), the text-message template it uses, and its default per role.

A user's own switch (`Preference`) wins over the default. Apps name kinds with `Kind.<X>`; the
inbox shows an unknown kind (one removed since) by its code rather than failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.roles import Role
from notifications.texts import TextTemplate


class Kind(StrEnum):
    REPORT_REMINDER = "report_reminder"
    REPORT_MISSING = "report_missing"
    REPORT_MISSING_ESCALATED = "report_missing_escalated"
    JOIN_REQUEST = "join_request"
    JOIN_REQUEST_ANSWERED = "join_request_answered"
    REQUEST_ESCALATED = "request_escalated"
    REQUEST_OVERDUE = "request_overdue"
    REQUEST_PROGRESS = "request_progress"
    FOLLOW_UP_DUE = "follow_up_due"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    CASE_WAITING = "case_waiting"
    CARE_OVERDUE = "care_overdue"
    UNWELL_ON_ROSTER = "unwell_on_roster"
    RUMOUR_CRITICAL = "rumour_critical"
    RECTIFICATION_DUE = "rectification_due"
    STUDY_REMINDER = "study_reminder"
    NOTICE_PUBLISHED = "notice_published"


_STAFF = frozenset(Role) - {Role.RESIDENT}


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    title: Promise  # with %(param)s placeholders
    # The roles a kind is meant for (the preferences page lists these kinds to them).
    roles: frozenset[str]
    # Roles for whom the text-message channel is on until they switch it off.
    text_roles: frozenset[str] = field(default_factory=frozenset)
    text_template: TextTemplate = TextTemplate.NEW_MESSAGE
    # Params stored as codes and shown as words in the reader's language: param → code → words.
    labels: Mapping[str, Mapping[str, Promise]] = field(default_factory=dict)


_LEVEL_LABELS: Mapping[str, Promise] = {
    "community": pgettext_lazy("notification", "the community"),
    "street": pgettext_lazy("notification", "the street"),
    "district": pgettext_lazy("notification", "the district"),
}
_SLOT_LABELS: Mapping[str, Promise] = {
    "am": pgettext_lazy("notification", "morning"),
    "pm": pgettext_lazy("notification", "afternoon"),
}


KINDS: Mapping[Kind, KindSpec] = {
    s.kind: s
    for s in (
        KindSpec(
            Kind.REPORT_REMINDER,
            _("Your household has not reported its health this %(slot)s"),
            frozenset({Role.RESIDENT}),
            text_template=TextTemplate.REPORT_REMINDER,
            labels={"slot": _SLOT_LABELS},
        ),
        KindSpec(
            Kind.REPORT_MISSING,
            _("%(count)s residents of %(place)s have not reported this %(slot)s"),
            frozenset({Role.GRID_WORKER, Role.BUILDING_HEAD}),
            text_roles=frozenset({Role.GRID_WORKER}),
            text_template=TextTemplate.REPORT_MISSING,
            labels={"slot": _SLOT_LABELS},
        ),
        KindSpec(
            Kind.REPORT_MISSING_ESCALATED,
            _("%(count)s residents of %(place)s still have not reported this %(slot)s"),
            frozenset({Role.COMMUNITY_ADMIN}),
            text_template=TextTemplate.REPORT_MISSING,
            labels={"slot": _SLOT_LABELS},
        ),
        KindSpec(
            Kind.JOIN_REQUEST,
            _("%(name)s asks to join %(place)s"),
            frozenset({Role.GRID_WORKER, Role.COMMUNITY_ADMIN}),
        ),
        KindSpec(
            Kind.JOIN_REQUEST_ANSWERED,
            _("Your request to join %(place)s was answered: %(status)s"),
            frozenset({Role.RESIDENT}),
        ),
        KindSpec(
            Kind.REQUEST_ESCALATED,
            _("Request %(number)s was passed up to %(level)s"),
            frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN}),
            text_roles=frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN}),
            labels={"level": _LEVEL_LABELS},
        ),
        KindSpec(
            Kind.REQUEST_OVERDUE,
            _("Request %(number)s is overdue"),
            frozenset(
                {Role.COMMUNITY_ADMIN, Role.GRID_WORKER, Role.STREET_ADMIN, Role.DISTRICT_ADMIN}
            ),
        ),
        KindSpec(
            Kind.REQUEST_PROGRESS,
            _("Your request %(number)s: %(status)s"),
            frozenset({Role.RESIDENT}),
            labels={
                "status": {
                    "accepted": pgettext_lazy("request progress", "accepted"),
                    "dispatched": pgettext_lazy("request progress", "help is on the way"),
                    "escalated": pgettext_lazy("request progress", "passed up to the street"),
                    "escalated_district": pgettext_lazy(
                        "request progress", "passed up to the district"
                    ),
                    "done": pgettext_lazy("request progress", "done, please confirm"),
                    "closed": pgettext_lazy("request progress", "closed"),
                    "cancelled": pgettext_lazy("request progress", "cancelled"),
                    "reopened": pgettext_lazy("request progress", "reopened"),
                    "note": pgettext_lazy("request progress", "a new note"),
                    "dispatch_cancelled": pgettext_lazy("request progress", "help was called off"),
                }
            },
        ),
        KindSpec(
            Kind.FOLLOW_UP_DUE,
            _("%(count)s follow-ups are due this %(slot)s"),
            frozenset({Role.HEALTH_WORKER}),
            labels={"slot": _SLOT_LABELS},
        ),
        KindSpec(
            Kind.FOLLOW_UP_OVERDUE,
            _("%(count)s follow-ups are overdue"),
            frozenset({Role.HEALTH_WORKER, Role.COMMUNITY_ADMIN, Role.GRID_WORKER}),
            text_roles=frozenset({Role.HEALTH_WORKER}),
        ),
        KindSpec(
            Kind.CASE_WAITING,
            _("A case at %(place)s is waiting for %(step)s"),
            frozenset({Role.HEALTH_WORKER, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN}),
            text_roles=frozenset({Role.HEALTH_WORKER}),
            labels={
                "step": {
                    "triage": pgettext_lazy("notification", "triage"),
                    "bed": pgettext_lazy("notification", "a bed"),
                }
            },
        ),
        KindSpec(
            Kind.CARE_OVERDUE,
            _("%(count)s care contacts are overdue"),
            frozenset(_STAFF),
        ),
        KindSpec(
            Kind.UNWELL_ON_ROSTER,
            _("%(name)s, on today's roster at %(place)s, reported being unwell"),
            frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN}),
        ),
        KindSpec(
            Kind.RUMOUR_CRITICAL,
            _("A critical rumour or incident was reported at %(place)s"),
            frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN}),
            text_roles=frozenset({Role.STREET_ADMIN}),
        ),
        KindSpec(
            Kind.RECTIFICATION_DUE,
            _("A rectification at %(place)s is due %(due)s"),
            frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN}),
        ),
        KindSpec(
            Kind.STUDY_REMINDER,
            _("Study: %(title)s is waiting for you"),
            frozenset(_STAFF),
        ),
        KindSpec(
            Kind.NOTICE_PUBLISHED,
            _("New notice: %(title)s"),
            frozenset(Role),
        ),
    )
}


def spec(kind: str) -> KindSpec | None:
    try:
        return KINDS[Kind(kind)]
    except ValueError:
        return None


def default_on(kind: str, channel: str, roles: frozenset[str]) -> bool:
    """The default of one kind on one channel for a user with these roles: in the app always;
    by text where one of their roles has it on."""
    s = spec(kind)
    if s is None:
        return False
    if channel == "in_app":
        return True
    return bool(s.text_roles & roles)


def title(kind: str, params: Mapping[str, object]) -> str:
    """The line the inbox shows, in the active language; a missing param shows as '…'."""
    s = spec(kind)
    if s is None:
        return kind

    class _Filled(dict):  # type: ignore[type-arg]
        def __missing__(self, key: str) -> str:
            return "…"

    def shown(key: str, value: object) -> object:
        words = s.labels.get(key, {}).get(str(value))
        return words if words is not None else value

    return str(s.title) % _Filled({k: shown(k, v) for k, v in params.items()})
