"""Cadre deployment (下沉社区报到), M4: check-in links, a cadre's check-in, the community's
decision, and the end of a deployment with its handover. Every write is here.

A deployment is PENDING after the check-in, ACTIVE once the community admin accepts (the cadre
then holds a `Role.CADRE` grant on the community, so every other capability sees them as a
helper there), and ENDED with a handover: care households (care.assignments.carer_leave), posts,
zones and future shifts (duty.handover.duties_hand_over) and active person dispatches of
requests. One pending-or-active deployment per user (a partial unique index).
"""

from __future__ import annotations

import datetime

from accounts.models import User
from core.actor import Actor
from party.models import CheckInLink, Deployment, PartyMember
from places.models import Place

LINK_VALID_DAYS = 30


def checkin_link_create(
    *,
    actor: Actor,
    community: Place,
    valid_days: int = LINK_VALID_DAYS,
    now: datetime.datetime | None = None,
) -> CheckInLink:
    """A new check-in link (random token) for the community; its admin only."""
    raise NotImplementedError


def checkin_link_revoke(
    *, actor: Actor, link: CheckInLink, now: datetime.datetime | None = None
) -> CheckInLink:
    raise NotImplementedError


def checkin_link_open(token: str, now: datetime.datetime | None = None) -> CheckInLink:
    """The valid link with this token, or a field error on "token" (unknown, expired, revoked)."""
    raise NotImplementedError


def cadre_register(
    *,
    token: str,
    name: str,
    id_number: str,
    phone: str,
    unit_id: object,
    password: str,
    now: datetime.datetime | None = None,
) -> User:
    """A cadre without an account registers from a valid check-in link: the login is the phone
    number; the person is found by ID number or created; no grant is given (the community's
    acceptance gives it). Field errors name the field; nothing is created on any error."""
    raise NotImplementedError


def deployment_check_in(
    *, actor: Actor, token: str, note: str = "", now: datetime.datetime | None = None
) -> Deployment:
    """Check in at the link's community: a PENDING deployment. The same check-in twice returns
    the first; a pending or active deployment elsewhere is refused (field "token")."""
    raise NotImplementedError


def deployment_accept(
    *, actor: Actor, deployment: Deployment, now: datetime.datetime | None = None
) -> Deployment:
    """The community admin accepts: ACTIVE, and a cadre grant on the community."""
    raise NotImplementedError


def deployment_decline(
    *, actor: Actor, deployment: Deployment, reason: str, now: datetime.datetime | None = None
) -> Deployment:
    raise NotImplementedError


def deployment_withdraw(
    *, actor: Actor, deployment: Deployment, now: datetime.datetime | None = None
) -> Deployment:
    """The cadre withdraws a check-in still pending."""
    raise NotImplementedError


def deployment_end(
    *, actor: Actor, deployment: Deployment, note: str, now: datetime.datetime | None = None
) -> Deployment:
    """End an active deployment (the community admin, or the cadre themself): the cadre grant
    goes, and everything they held is handed over and counted in `deployment.handover`."""
    raise NotImplementedError


def member_deploy_mark(
    *,
    actor: Actor,
    member: PartyMember,
    call: str,
    exempt_reason: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> PartyMember:
    """The unit's decision for one member: should deploy, exempt (with a reason), or undecided."""
    raise NotImplementedError
