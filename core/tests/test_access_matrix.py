"""The authorisation matrix: every URL pattern and API operation × every role × objects inside
and outside the role's scope. Endpoints are discovered from the URL resolver and the OpenAPI
document, so an endpoint added tomorrow is covered without editing this file; a URL or path
parameter this file cannot fill makes it fail, so the new parameter gets registered below.

Visibility is decided here by an oracle written from mission.md (walking `parent` links), not by
`for_actor`, so a wrong access rule fails the test rather than defining its expectation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Grant, User
from accounts.services import api_token_issue
from care.models import CareAssignment
from config.api import api
from core.admin_site import ScopedModelAdmin, site
from core.models import AuditEvent, RetentionRun
from core.roles import Role
from front_door.models import JoinCode, JoinRequest
from health.models import (
    DailyReport,
    HealthFlag,
    ReminderSchedule,
    ScreeningVisit,
    SweepCampaign,
)
from mobilisation.models import (
    Activity,
    CheckInLink,
    Deployment,
    Patrol,
    PatrolFinding,
    PatrolRoute,
    Post,
    Shift,
    ShiftAssignment,
    WorkerNeed,
    Zone,
)
from notices.models import (
    AreaLead,
    GuideItem,
    Inspection,
    InspectionItem,
    Notice,
    OpinionIncident,
    Rectification,
    RectificationUpdate,
    SupervisionTeam,
)
from notifications.models import Delivery, Notification
from outreach.models import (
    Accountability,
    Activist,
    Commendation,
    DiscussionPost,
    FrontlineEntry,
    Nomination,
    StudyMaterial,
    StudyProgramme,
    StudyRecord,
    StudyReminder,
)
from party.models import PartyMember, PartyOrg, Unit
from people.models import Person, RegistryImport, Resident
from places.models import Household, Place
from service_requests.models import Dispatch, ServiceRequest, Vehicle
from supplies.models import Stock, SupplyItem
from testkit import TinyCity, summary_line
from triage.models import BuildingDisclosure, FollowUp, Site, TriageCase

# Markers carried by the names of objects outside the first chain (see testkit).
ALL_MARKERS = {"【SIB】", "【OST】", "【ODI】", "【UNA】", "【OUN】"}

# What each role may see, written from mission.md ("access is scoped to the subtree of the user's
# scope node; a resident sees only their own household; a cadre only residents assigned").
PLACE_VIEWERS = {
    "city_admin",
    "district_admin",
    "street_admin",
    "community_admin",
    "grid_worker",
    "building_head",
    "health_worker",
    "cadre",
    "volunteer",
    "property_staff",
    "community_police",
}
REGISTRY_VIEWERS = {
    "city_admin",
    "district_admin",
    "street_admin",
    "community_admin",
    "grid_worker",
    "building_head",
    "health_worker",
}
# Who is a case is medical: not building heads, helpers or units (issue 5).
CASE_VIEWERS = REGISTRY_VIEWERS - {"building_head"}
PARTY_VIEWERS = {"city_admin", "district_admin", "street_admin", "community_admin"}
UNIT_VIEWERS = {"city_admin", "district_admin"}
SETUP = {"city_admin", "district_admin"}
REGISTRY_ADMINS = {"city_admin", "district_admin", "street_admin", "community_admin"}
# Requests and care: the offices and the grid worker of the area (issue 6); a carer their own
# households, a dispatched helper their requests, a resident their household's.
REQUEST_VIEWERS = REGISTRY_ADMINS | {"grid_worker"}
# Vehicles and stock belong to an office: it and the offices above see them.
RESOURCE_VIEWERS = REGISTRY_ADMINS
HELPERS = {"cadre", "volunteer", "property_staff", "community_police"}
# Mobilisation (issue 7): the offices of the area run it; everyone working in a community may be
# on its posts, shifts and patrols, and sees what they are on (a cadre only their own).
DUTY_OFFICES = REGISTRY_ADMINS
COMMUNITY_WORKERS = {
    "community_admin",
    "grid_worker",
    "building_head",
    "health_worker",
    *HELPERS,
}
# Issue 8. Recognition: only organisation departments (city, district) and the person's own
# party organisation (the community's secretary, the unit's party admin) — mission.md M17.
RECOGNITION_VIEWERS = {"city_admin", "district_admin", "community_admin"}
COMMENDATION_VIEWERS = {"city_admin", "district_admin"}
# Notices reach everyone under their targets; the offices above follow them. Incidents and
# inspections: the offices of the place; supervision teams and area leads: city, district, street.
NOTICE_OFFICES = REGISTRY_ADMINS
SUPERVISORS = {"city_admin", "district_admin", "street_admin"}

# Pages anyone may open without logging in.
PUBLIC_URL_NAMES = {
    # A check-in link's token is the credential a cadre scans (issue 7).
    "party:checkin",
    "party:checkin_register",
    # A join code's token is what a resident scans on their building's poster (issue 17).
    "front_door:join",
    "front_door:join_code",
    "front_door:join_details",
    "front_door:join_status",
    # The protection guide is for the public (issue 8); a draft still answers 404.
    "notices:guide",
    "notices:guide_item",
    "accounts:login",
    # Logging in with a text code, and an invitation's link (its token is the credential; an
    # unknown one is a plain "does not work" page).
    "front_door:login_phone",
    "front_door:login_phone_code",
    "front_door:invite",
    "front_door:invite_code",
    "accounts:set_language",
    "admin:login",
    "robots",
    "favicon",
    # The OpenAPI document and its page are not here: they need a login in production
    # (settings.API_DOCS_PUBLIC, off unless DEBUG).
}
# The API's own URL patterns walked as pages (the operations are walked through OpenAPI).
API_PAGE_NAMES = {"api:api-root", "api:openapi-json", "api:openapi-view"}
# Every method a page is tried with while logged out: a page that refuses a GET but serves a
# POST, HEAD or OPTIONS is still open.
ANONYMOUS_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
PUBLIC_API_OPERATIONS = {
    ("post", "/api/auth/token"),
    ("get", "/api/guide"),
    ("get", "/api/guide/{guide_item_id}"),
}
DENIED = {401, 403, 404, 405}
# Writes for which `{}` is a whole request (the assignment implies its shift): probed only where
# the object is out of sight, since a visible one may really be checked in (duty's own tests
# cover the office's 403).
EMPTY_BODY_WRITES = {
    ("post", "/api/shift-assignments/{shift_assignment_id}/check-in"),
    ("post", "/api/shift-assignments/{shift_assignment_id}/check-out"),
    # Marking one's own inbox read is what these do for their owner (others get 404).
    ("post", "/api/notifications/{notification_id}/read"),
    ("post", "/api/notifications/read-all"),
}


@dataclass(frozen=True)
class Probe:
    """One object to put into a URL, and whether the role at hand may see it."""

    pk: Any
    visible: bool
    label: str


def _ancestors(place: Place | None) -> list[int]:
    out: list[int] = []
    while place is not None:
        out.append(place.pk)
        place = place.parent
    return out


def _org_place(org: PartyOrg) -> Place | None:
    while org is not None:
        if org.place is not None:
            return org.place
        if org.household is not None:
            return org.household.building
        if org.unit is not None:
            return org.unit.place
        org = org.parent  # type: ignore[assignment]
    return None


def _org_unit(org: PartyOrg) -> int | None:
    while org is not None:
        if org.unit_id:
            return org.unit_id
        org = org.parent  # type: ignore[assignment]
    return None


def oracle(user: User, obj: models.Model) -> bool:
    """May `user` see `obj`? Derived from the grants and the tree, never from for_actor."""
    for grant in Grant.objects.filter(user=user):
        role = grant.role
        place_pk = grant.place_id
        if isinstance(obj, Place):
            if role in PLACE_VIEWERS and place_pk in _ancestors(obj):
                return True
        elif isinstance(obj, Household | Resident):
            hh = obj if isinstance(obj, Household) else obj.household
            if role in REGISTRY_VIEWERS and place_pk in _ancestors(hh.building):
                return True
            if role == "resident" and grant.household_id == hh.pk:
                return True
            if role in HELPERS and _assigned_to(user, hh, obj):
                return True
        elif isinstance(obj, ServiceRequest | Dispatch):
            req = obj if isinstance(obj, ServiceRequest) else obj.request
            if role in REQUEST_VIEWERS and place_pk in _ancestors(req.building):
                return True
            if role == "resident" and grant.household_id == req.household_id:
                return True
            if req.filed_by_id == user.pk or any(
                d.person_id == user.pk and d.status == "active" for d in req.dispatches.all()
            ):
                return True
        elif isinstance(obj, CareAssignment):
            if role in REQUEST_VIEWERS and place_pk in _ancestors(obj.building):
                return True
            if obj.carer_id == user.pk:
                return True
        elif isinstance(obj, CheckInLink | Deployment):
            if role in DUTY_OFFICES and place_pk in _ancestors(obj.community):
                return True
            if isinstance(obj, Deployment):
                if obj.user_id == user.pk:
                    return True
                if role == "unit_admin" and grant.unit_id == obj.unit_id:
                    return True
        elif isinstance(obj, Post | Zone | Shift | ShiftAssignment):
            if _duty_visible(user, grant, obj):
                return True
        elif isinstance(obj, PatrolRoute | Patrol | PatrolFinding | Activity | WorkerNeed):
            if role in DUTY_OFFICES and place_pk in _ancestors(obj.community):
                return True
            if isinstance(obj, PatrolRoute):
                if role in COMMUNITY_WORKERS and _works_in(grant, obj.community):
                    return True
            elif isinstance(obj, Patrol | PatrolFinding):
                patrol = obj if isinstance(obj, Patrol) else obj.patrol
                others = {patrol.started_by_id, *patrol.patrollers.values_list("pk", flat=True)}
                if isinstance(obj, PatrolFinding):
                    others.add(obj.recorded_by_id)
                if user.pk in others:
                    return True
            elif isinstance(obj, Activity):
                takers = set(obj.participants.values_list("user_id", flat=True))
                if user.pk in takers | {obj.created_by_id}:
                    return True
            elif user.pk in (obj.worker_id, obj.filed_by_id):
                return True
        elif isinstance(obj, StudyProgramme | StudyMaterial):
            if _study_visible(user, grant, obj):
                return True
        elif isinstance(obj, StudyRecord | DiscussionPost | StudyReminder):
            if role in PARTY_VIEWERS and place_pk in _ancestors(_org_place(obj.org)):
                return True
            if role == "unit_admin" and grant.unit_id == obj.unit_id:
                return True
            if user.pk == getattr(obj, "user_id", getattr(obj, "author_id", None)):
                return True
            if not isinstance(obj, StudyRecord) and obj.org_id in _member_org_ids(user):
                return True
        elif isinstance(obj, FrontlineEntry | Nomination | Accountability | Activist):
            if role in RECOGNITION_VIEWERS and place_pk in _ancestors(_org_place(obj.org)):
                return True
            if role == "unit_admin" and grant.unit_id == obj.unit_id:
                return True
        elif isinstance(obj, Commendation):
            if role in COMMENDATION_VIEWERS and place_pk in _ancestors(obj.place):
                return True
        elif isinstance(obj, Person):
            if _recognition_person_visible(grant, obj):
                return True
        elif isinstance(obj, Notice):
            if _notice_visible(grant, obj):
                return True
        elif isinstance(obj, OpinionIncident):
            if obj.reported_by_id == user.pk:
                return True
            if role in NOTICE_OFFICES and place_pk in _ancestors(_place_of_path(obj.place_path)):
                return True
        elif isinstance(obj, Inspection | InspectionItem | Rectification | RectificationUpdate):
            inspection = obj if isinstance(obj, Inspection) else obj.inspection
            if inspection.inspector_id == user.pk:
                return True
            # The responsible user sees the rectification they must fix, and its follow-ups.
            fix = obj.rectification if isinstance(obj, RectificationUpdate) else obj
            if isinstance(fix, Rectification) and fix.owner_id == user.pk:
                return True
            if role in NOTICE_OFFICES and place_pk in _ancestors(inspection.place):
                return True
        elif isinstance(obj, SupervisionTeam):
            if role in SUPERVISORS and place_pk in _ancestors(obj.place):
                return True
            if obj.members.filter(pk=user.pk).exists():
                return True
        elif isinstance(obj, AreaLead):
            if obj.leader_id == user.pk:
                return True
            if role in SUPERVISORS and place_pk in _ancestors(obj.street):
                return True
        elif isinstance(obj, ReminderSchedule):
            # When the city chases its residents is the city's admins' to set.
            if role == "city_admin" and place_pk == obj.city_id:
                return True
        elif isinstance(obj, Delivery):
            # Text messages are the city's channel: its admins see their status.
            if role == "city_admin":
                return True
        elif isinstance(obj, Notification):
            # An inbox is its owner's alone, whatever their roles.
            return obj.recipient_id == user.pk
        elif isinstance(obj, JoinCode):
            # Issue 17: a community's join codes are its admins' and the street's over it.
            if role in {"community_admin", "street_admin"} and place_pk in _ancestors(obj.place):
                return True
        elif isinstance(obj, JoinRequest):
            # Issue 17: the grid worker of the building's grid, the community's and street's
            # offices.
            if role in {"grid_worker", "community_admin", "street_admin"} and place_pk in (
                _ancestors(obj.building)
            ):
                return True
        elif isinstance(obj, GuideItem):
            # The guide is public; a draft only for the city's admins, who edit it.
            if obj.published:
                return True
            if role == "city_admin" and place_pk in _ancestors(obj.city):
                return True
        elif isinstance(obj, Vehicle | Stock):
            if role in RESOURCE_VIEWERS and place_pk in _ancestors(obj.place):
                return True
        elif isinstance(obj, SupplyItem):
            if role in RESOURCE_VIEWERS:
                return True
        elif isinstance(obj, PartyOrg | PartyMember):
            org = obj if isinstance(obj, PartyOrg) else obj.org
            if role in PARTY_VIEWERS and place_pk in _ancestors(_org_place(org)):
                return True
            unit_pk = (
                _org_unit(org) if isinstance(obj, PartyOrg) else (obj.unit_id or _org_unit(org))
            )
            if role == "unit_admin" and grant.unit_id == unit_pk:
                return True
        elif isinstance(obj, Unit):
            if role in UNIT_VIEWERS and place_pk in _ancestors(obj.place):
                return True
            if role == "unit_admin" and grant.unit_id == obj.pk:
                return True
        elif isinstance(obj, HealthFlag | ScreeningVisit):
            if role in REGISTRY_VIEWERS and place_pk in _ancestors(obj.building):
                return True
        elif isinstance(obj, TriageCase | FollowUp):
            building = obj.building if isinstance(obj, TriageCase) else obj.case.building
            if role in CASE_VIEWERS and place_pk in _ancestors(building):
                return True
        elif isinstance(obj, Site):
            # A site serves its place's subtree; the offices above it see it too.
            if role in CASE_VIEWERS and place_pk is not None:
                grant_place = Place.objects.get(pk=place_pk)
                if place_pk in _ancestors(obj.place) or obj.place_id in _ancestors(grant_place):
                    return True
        elif isinstance(obj, BuildingDisclosure):
            # Public within the community: its staff and helpers, and its residents.
            if role in PLACE_VIEWERS and place_pk in _ancestors(obj.building):
                return True
            household = grant.household
            if role == "resident" and household and household.community_id == obj.community_id:
                return True
        elif isinstance(obj, SweepCampaign):
            # Everyone working inside the sweep's scope, and the offices above that scope.
            if role in REGISTRY_VIEWERS and place_pk is not None:
                grant_place = Place.objects.get(pk=place_pk)
                if place_pk in _ancestors(obj.scope) or obj.scope_id in _ancestors(grant_place):
                    return True
        elif isinstance(obj, DailyReport | RegistryImport):
            if role in REGISTRY_ADMINS and place_pk in _ancestors(obj.community):
                return True
        elif isinstance(obj, RetentionRun):
            # The retention job purges the whole deployment: its city admins alone read its runs.
            if role == "city_admin":
                return True
        elif isinstance(obj, AuditEvent):
            if obj.user_id == user.pk:
                return True
            # A login or a failed one for a user without a grant sits at no place (issue 18).
            if obj.place_path and role in SETUP:
                node = Place.objects.get(pk=int(obj.place_path.strip("/").split("/")[-1]))
                if place_pk in _ancestors(node):
                    return True
        elif isinstance(obj, User):
            if obj.pk == user.pk:
                return True
            if role in SETUP and place_pk is not None:
                their = Grant.objects.filter(user=obj)
                if their.exists() and all(place_pk in _ancestors(_grant_place(g)) for g in their):
                    return True
    return False


def _assigned_to(user: User, hh: Household, obj: Household | Resident) -> bool:
    """A helper's own: a household they care for, a resident whose request they were sent to."""
    if CareAssignment.objects.filter(carer=user, household=hh, ended_at__isnull=True).exists():
        return True
    sent = Dispatch.objects.filter(person=user, status="active")
    if isinstance(obj, Resident):
        return sent.filter(request__resident=obj).exists()
    return sent.filter(request__household=hh).exists()


def _works_in(grant: Grant, community: Place) -> bool:
    """The grant's place is the community or lies inside it."""
    return grant.place is not None and community.pk in _ancestors(grant.place)


def _on_post(user: User, post: Post) -> bool:
    return (
        post.leader_id == user.pk
        or post.memberships.filter(user=user, removed_at__isnull=True).exists()
    )


def _duty_visible(user: User, grant: Grant, obj: Post | Zone | Shift | ShiftAssignment) -> bool:
    """Posts, zones and the roster: the offices of the area; the people on the post (leader,
    members) or the shift; the residents of a zone's buildings and the community's workers see
    zones; a unit's admin sees their members' shift assignments (hours)."""
    if grant.role in DUTY_OFFICES and grant.place_id in _ancestors(obj.community):
        return True
    if isinstance(obj, Zone):
        if (
            obj.leader_id == user.pk
            or obj.memberships.filter(user=user, removed_at__isnull=True).exists()
        ):
            return True
        if grant.role in COMMUNITY_WORKERS and _works_in(grant, obj.community):
            return True
        home = grant.household
        covered = set(obj.zone_places.values_list("place_id", flat=True))
        return (
            grant.role == "resident"
            and home is not None
            and bool(covered & {home.building_id, home.grid_id})
        )
    if isinstance(obj, Post):
        assigned = ShiftAssignment.objects.filter(shift__post=obj, user=user, removed_at=None)
        return _on_post(user, obj) or assigned.exists()
    if isinstance(obj, Shift):
        on_shift = obj.assignments.filter(user=user, removed_at=None).exists()
        return _on_post(user, obj.post) or on_shift
    if obj.user_id == user.pk or _on_post(user, obj.shift.post):
        return True
    return grant.role == "unit_admin" and grant.unit_id == obj.unit_id


def _member_org_ids(user: User) -> set[int]:
    if user.person_id is None:
        return set()
    return set(
        PartyMember.objects.filter(person_id=user.person_id).values_list("org_id", flat=True)
    )


def _study_visible(user: User, grant: Grant, obj: StudyProgramme | StudyMaterial) -> bool:
    """A programme is seen by the offices at, above and below its department, and by the unit
    admins and party members under it."""
    programme = obj if isinstance(obj, StudyProgramme) else obj.programme
    here = _grant_place(grant)
    related = here is not None and (
        here.pk in _ancestors(programme.place) or programme.place_id in _ancestors(here)
    )
    if grant.role in PARTY_VIEWERS and related:
        return True
    if grant.role == "unit_admin" and here is not None and programme.place_id in _ancestors(here):
        return True
    if user.person_id is not None:
        for m in PartyMember.objects.filter(person_id=user.person_id):
            if programme.place_id in _ancestors(_org_place(m.org)):
                return True
    return False


def _recognition_person_visible(grant: Grant, person: Person) -> bool:
    """A person's frontline record: seen by whoever may see their party membership or one of
    their recognition records under the recognition rule."""
    orgs = [m.org for m in PartyMember.objects.filter(person=person)]
    for model in (FrontlineEntry, Nomination, Accountability, Activist):
        orgs += [r.org for r in model.objects.filter(person=person)]
    for org in orgs:
        if grant.role in RECOGNITION_VIEWERS and grant.place_id in _ancestors(_org_place(org)):
            return True
        if grant.role == "unit_admin" and grant.unit_id == _org_unit(org):
            return True
    return False


def _notice_visible(grant: Grant, notice: Notice) -> bool:
    """Everyone under a target receives the notice; the offices above a target, or above its
    issuer, follow it."""
    here = _grant_place(grant)
    if here is None:
        return False
    for target in notice.targets.all():
        if target.place_id in _ancestors(here):
            return True
        if grant.role in NOTICE_OFFICES and here.pk in _ancestors(target.place):
            return True
    return grant.role in NOTICE_OFFICES and here.pk in _ancestors(notice.issuer)


def _place_of_path(path: str) -> Place:
    return Place.objects.get(pk=int(path.strip("/").split("/")[-1]))


def _grant_place(g: Grant) -> Place | None:
    if g.place is not None:
        return g.place
    if g.unit is not None:
        return g.unit.place
    if g.household is not None:
        return g.household.building
    return None


def forbidden_markers(user: User) -> set[str]:
    """Markers of the chains this user must never see anything of."""
    tc: TinyCity = _CITY["tc"]
    chains = {"【SIB】": tc.sibling, "【OST】": tc.other_street, "【ODI】": tc.other_district}
    seen: set[str] = set()
    for marker, chain in chains.items():
        probes: list[models.Model] = [chain.building, chain.household]
        if chain.grid_branch is not None:
            probes.append(chain.grid_branch)
        if any(oracle(user, o) for o in probes):
            seen.add(marker)
    if oracle(user, tc.unit):
        seen.add("【UNA】")
    if oracle(user, tc.other_unit):
        seen.add("【OUN】")
    if oracle(user, tc.unit_member) or oracle(user, tc.unit_member.org):
        seen.add("【UNA】")
    # Whoever sees a deployment, or an activity a deployed cadre took part in, sees which unit
    # sent the cadre (the community needs to know; the unit is no one's personal data).
    for marker, unit in (("【UNA】", tc.unit), ("【OUN】", tc.other_unit)):
        sent = [*Deployment.objects.filter(unit=unit)]
        sent += [*Activity.objects.filter(participants__unit=unit).distinct()]
        if any(oracle(user, o) for o in sent):
            seen.add(marker)
    return ALL_MARKERS - seen


_CITY: dict[str, Any] = {}

# URL keyword / API path parameter → the model whose ids it takes.
PARAM_MODELS: dict[str, type[models.Model]] = {
    "place_id": Place,
    "household_id": Household,
    "resident_id": Resident,
    "org_id": PartyOrg,
    "member_id": PartyMember,
    "unit_id": Unit,
    "import_id": RegistryImport,
    "flag_id": HealthFlag,
    "sweep_id": SweepCampaign,
    "daily_report_id": DailyReport,
    "visit_id": ScreeningVisit,
    "case_id": TriageCase,
    "site_id": Site,
    "follow_up_id": FollowUp,
    "disclosure_id": BuildingDisclosure,
    "request_id": ServiceRequest,
    "vehicle_id": Vehicle,
    "dispatch_id": Dispatch,
    "assignment_id": CareAssignment,
    "stock_id": Stock,
    "item_id": SupplyItem,
    "deployment_id": Deployment,
    "link_id": CheckInLink,
    "post_id": Post,
    "zone_id": Zone,
    "shift_id": Shift,
    "shift_assignment_id": ShiftAssignment,
    "route_id": PatrolRoute,
    "patrol_id": Patrol,
    "finding_id": PatrolFinding,
    "activity_id": Activity,
    "need_id": WorkerNeed,
    "programme_id": StudyProgramme,
    "material_id": StudyMaterial,
    "person_id": Person,
    "commendation_id": Commendation,
    "nomination_id": Nomination,
    "accountability_id": Accountability,
    "notice_id": Notice,
    "guide_item_id": GuideItem,
    "incident_id": OpinionIncident,
    "inspection_id": Inspection,
    "rectification_id": Rectification,
    "team_id": SupervisionTeam,
    "area_lead_id": AreaLead,
    "notification_id": Notification,
    "user_id": User,
    "join_code_id": JoinCode,
    "join_request_id": JoinRequest,
}
# Admin views Django wraps without telling their model (UserAdmin names this one "auth_user").
ADMIN_URL_MODELS: dict[str, type[models.Model]] = {"admin:auth_user_password_change": User}
# Filter parameters of list operations that name an object.
QUERY_MODELS: dict[str, type[models.Model]] = {
    "place": Place,
    "parent": Place,
    "household": Household,
    "org": PartyOrg,
    "unit": Unit,
}


def _samples(model: type[models.Model]) -> list[models.Model]:
    objects = list(model._default_manager.all().order_by("pk"))
    assert objects, f"the tiny city has no {model.__name__} to probe with"
    return objects


def _walk(
    patterns: list[Any], prefix: str = "", route: str = ""
) -> Iterator[tuple[str, URLPattern, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _walk(p.url_patterns, ns, route + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield (f"{prefix}{p.name}" if p.name else "", p, route + str(p.pattern))


def url_patterns() -> list[tuple[str, URLPattern, str]]:
    """Every page (the API's own patterns are probed through OpenAPI instead)."""
    found = []
    for name, pattern, route in _walk(get_resolver().url_patterns):
        if name.startswith("api:") and name not in API_PAGE_NAMES:
            continue
        if route.startswith("api/") and not name:
            continue
        found.append((name or route, pattern, route))
    return found


def _url(name: str, route: str, kwargs: dict[str, Any]) -> str:
    if name != route:
        return reverse(name, kwargs=kwargs)
    # Unnamed pattern (e.g. admin's "<object_id>/" redirect): fill the route by hand.
    assert "^" not in route and "(?P" not in route, f"cannot fill unnamed regex URL {route}"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[str(m.group(1))]), route)


def _kwargs_for(name: str, pattern: URLPattern) -> list[tuple[dict[str, Any], list[models.Model]]]:
    """Each way to fill the pattern's parameters, with the objects that went into it."""
    params = list(getattr(pattern.pattern, "converters", {}).keys()) or re.findall(
        r"\(\?P<(\w+)>", str(pattern.pattern)
    )
    if not params:
        return [({}, [])]
    model_admin = getattr(pattern.callback, "model_admin", None)
    model = model_admin.model if model_admin is not None else ADMIN_URL_MODELS.get(name)
    if len(params) == 1 and model is not None:
        return [({params[0]: o.pk}, [o]) for o in _samples(model)]
    if params == ["app_label"]:
        return [
            ({"app_label": label}, [])
            for label in sorted({str(m._meta.app_label) for m in site._registry})
        ]
    if set(params) == {"content_type_id", "object_id"}:
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Place)
        return [({"content_type_id": ct.pk, "object_id": o.pk}, [o]) for o in _samples(Place)]
    if params == ["token"]:
        # The public check-in page of the first community (a token is the credential: whoever
        # holds the QR code sees the community's name, so other communities' names would show).
        tc: TinyCity = _CITY["tc"]
        link = CheckInLink.objects.filter(community=tc.inside.community).first()
        assert link is not None
        return [({"token": link.token}, [])]
    if params == ["join_token"]:
        # The public join pages of the first chain's building (issue 17): the token is the
        # credential printed on the building's poster.
        return [({"join_token": "tiny-building-join-code"}, [])]
    if len(params) == 1 and params[0] in PARAM_MODELS:
        return [({params[0]: o.pk}, [o]) for o in _samples(PARAM_MODELS[params[0]])]
    raise AssertionError(
        f"URL {name} has parameters {params} this test cannot fill: register them in PARAM_MODELS"
    )


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model we own (not sessions, tokens or the audit trail)."""
    # Coverage counters are derived figures a read may create for the day (health.selectors);
    # opening a notice records that it was read (notices.reads), which is what opening means; a
    # session's own bookkeeping (its last activity, accounts.user_sessions) moves with any request.
    skip = {
        "noticeread",
        "session",
        "usersession",
        "apitoken",
        "auditevent",
        "logentry",
        "contenttype",
        "permission",
        "coveragecount",
    }
    out = {}
    for model in apps.get_models():
        if model._meta.model_name in skip or model._meta.app_label in {"sessions", "admin"}:
            continue
        # last_login moves with every login the matrix makes; it is not data a request changes.
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        out[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return out


def _check(
    result: dict[str, int],
    body: str,
    status: int,
    markers: set[str],
    where: str,
    leaks: list[str],
    visible: bool,
    location: str = "",
) -> None:
    result["requests"] += 1
    if status >= 500:
        leaks.append(f"{where}: server error {status}")
        return
    hits = [m for m in markers if m in body]
    if hits:
        leaks.append(f"{where}: response shows {hits}")
    if not visible:
        # A 302 deeper into the same URL (admin's "<id>/" → "<id>/change/") decides nothing:
        # the target is probed as a pattern of its own.
        deeper = location.startswith(where.split(" ", 2)[-1]) and location != where.split()[-1]
        ok = status in DENIED or (
            status == 302 and (_is_login_or_admin_redirect(location) or deeper)
        )
        if not ok:
            leaks.append(f"{where}: expected a refusal, got {status}")


def _body(r: Any) -> str:
    """The response as text; a spreadsheet is unzipped, so a leaked name inside it is found."""
    raw = b"".join(r.streaming_content) if r.streaming else r.content
    if raw[:2] == b"PK":
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            raw = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    return raw.decode(errors="replace")


def full_identifiers() -> set[str]:
    """What no page or API answer to a GET may show, to any role (issue 15, item 5): a full ID
    number (the audited reveal is a POST) and a birth date in any written form — the hidden middle
    of a masked ID number. Pages and the API show the birth year. (Not "19800517": the import
    template's synthetic example ID carries the tiny city's birth date.)"""
    out: set[str] = set()
    for id_number, born in Person.objects.values_list("id_number", "birth_date"):
        if id_number:
            out.add(id_number)
        if born is not None:
            y, m, d = born.year, born.month, born.day
            out |= {
                f"{born:%Y-%m-%d}",
                f"{born:%Y/%m/%d}",
                f"{y}-{m}-{d}",
                f"{y}/{m}/{d}",
                f"{y}年{m}月{d}日",
                f"{born:%Y年%m月%d日}",
                f"{born:%B} {d}, {y}",
                f"{born:%b}. {d}, {y}",
                f"{d:02d}/{m:02d}/{y}",
            }
    return out


def _is_login_or_admin_redirect(location: str) -> bool:
    return location.startswith(("/accounts/login/", "/admin/login/")) or location == "/admin/"


@pytest.mark.django_db
def test_authorisation_matrix(tiny_city: TinyCity, client: Client) -> None:
    _CITY["tc"] = tiny_city
    patterns = url_patterns()
    api_ops = _api_operations(client)
    roles = [str(r) for r in Role]
    assert set(roles) <= set(tiny_city.users), "every role needs an account in the tiny city"
    before = _snapshot()
    personal = full_identifiers()
    leaks: list[str] = []
    counts = {"requests": 0, "objects": 0}
    probed_objects: set[tuple[str, Any]] = set()

    for role in roles:
        user = tiny_city.users[role]
        markers = forbidden_markers(user) | personal
        web = Client()
        web.force_login(user)
        for name, pattern, route in patterns:
            for kwargs, objects in _kwargs_for(name, pattern):
                url = _url(name, route, kwargs)
                visible = all(oracle(user, o) for o in objects)
                if name.startswith("admin:") and name not in PUBLIC_URL_NAMES:
                    visible = visible and role in SETUP
                for o in objects:
                    probed_objects.add((type(o).__name__, o.pk))
                r = web.get(url)
                _check(
                    counts,
                    _body(r),
                    r.status_code,
                    markers,
                    f"{role} GET {url}",
                    leaks,
                    visible or name in PUBLIC_URL_NAMES,
                    r.get("Location", ""),
                )
                if objects and not visible:
                    # Writes to what the role cannot see must be refused and change nothing.
                    r = web.post(url, {})
                    _check(
                        counts,
                        _body(r),
                        r.status_code,
                        markers,
                        f"{role} POST {url}",
                        leaks,
                        False,
                        r.get("Location", ""),
                    )
        token, _t = api_token_issue(user=user)
        for method, path, params, query in api_ops:
            for url, objects in _api_urls(path, params, query):
                visible = all(oracle(user, o) for o in objects)
                for o in objects:
                    probed_objects.add((type(o).__name__, o.pk))
                if method != "get" and (method, path) in PUBLIC_API_OPERATIONS:
                    continue
                if (method, path) in EMPTY_BODY_WRITES and visible:
                    continue
                r = (
                    getattr(client, method)(
                        url,
                        content_type="application/json",
                        data="{}" if method != "get" else None,
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    if method != "get"
                    else client.get(url, headers={"Authorization": f"Bearer {token}"})
                )
                _check(
                    counts,
                    _body(r),
                    r.status_code,
                    markers,
                    f"{role} {method.upper()} {url}",
                    leaks,
                    visible,
                )

    assert _snapshot() == before, "a refused request changed data"
    endpoints = len(patterns) + len(api_ops)
    summary_line(
        f"authorisation matrix: {len(patterns)} URL patterns + {len(api_ops)} API operations = "
        f"{endpoints} endpoints × {len(roles)} roles × {len(probed_objects)} objects "
        f"(in and out of scope) → {counts['requests']} requests, {len(leaks)} leaks"
    )
    assert not leaks, "access leaks:\n" + "\n".join(leaks[:60])


def _api_operations(client: Client) -> list[tuple[str, str, list[str], list[str]]]:
    schema = api.get_openapi_schema()
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
            unknown = [p for p in params if p not in PARAM_MODELS]
            assert not unknown, f"{method} {path}: register path parameters {unknown}"
            ops.append((method, path, params, query))
    assert ops, "no API operations discovered"
    return ops


def _api_urls(
    path: str, params: list[str], query: list[str]
) -> Iterator[tuple[str, list[models.Model]]]:
    if not params:
        yield path, []
        # List filters that name objects: asking for another area's rows must show nothing.
        for q in query:
            if q in QUERY_MODELS:
                for o in _samples(QUERY_MODELS[q]):
                    yield f"{path}?{q}={o.pk}", []
        return
    (param,) = params
    for o in _samples(PARAM_MODELS[param]):
        yield path.replace("{" + param + "}", str(o.pk)), [o]


def test_every_admin_is_scoped() -> None:
    """No model reaches Django admin except through ScopedModelAdmin (for_actor)."""
    unscoped = [
        m.__name__ for m, a in site._registry.items() if not isinstance(a, ScopedModelAdmin)
    ]
    assert not unscoped, f"admin registrations that bypass scoping: {unscoped}"


def _refused_anonymous(r: Any) -> bool:
    return r.status_code in DENIED or (
        r.status_code == 302 and _is_login_or_admin_redirect(r.get("Location", ""))
    )


@pytest.mark.django_db
def test_nothing_reachable_without_login(tiny_city: TinyCity) -> None:
    """Nobody logged in: every page but the public ones, with every method, is refused or sent to
    the login; every API operation but the public ones answers 401 without a token, with a wrong
    one and with a made-up session; an operation that declares no authentication is on the
    public list; and no API URL is missing from the OpenAPI document (it would escape this walk
    and the matrix)."""
    _CITY["tc"] = tiny_city
    anon = Client()
    leaks: list[str] = []
    requests = 0
    patterns = url_patterns()
    names = {name for name, _p, _r in patterns}
    assert not PUBLIC_URL_NAMES - names, (
        f"public pages that no longer exist: {PUBLIC_URL_NAMES - names}"
    )
    for name, pattern, route in patterns:
        if name in PUBLIC_URL_NAMES:
            continue
        for kwargs, _objects in _kwargs_for(name, pattern)[:1]:
            url = _url(name, route, kwargs)
            for method in ANONYMOUS_METHODS:
                r = anon.generic(method, url)
                requests += 1
                if not _refused_anonymous(r):
                    leaks.append(f"anonymous {method} {url}: {r.status_code}")

    schema = api.get_openapi_schema()
    declared = {(m, p) for p, item in schema["paths"].items() for m in item}
    assert not PUBLIC_API_OPERATIONS - declared, (
        f"public API operations that no longer exist: {PUBLIC_API_OPERATIONS - declared}"
    )
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if (method, path) in PUBLIC_API_OPERATIONS:
                continue
            if not operation.get("security"):
                leaks.append(f"{method.upper()} {path} declares no authentication (auth=None)")
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            url, _objects = next(iter(_api_urls(path, params, [])))
            for headers in (
                {},
                {"Authorization": "Bearer not-a-token"},
                {"Cookie": "sessionid=not-a-session"},
            ):
                r = anon.generic(method.upper(), url, headers=headers)
                requests += 1
                if r.status_code != 401:
                    leaks.append(f"anonymous {method.upper()} {url} {headers}: {r.status_code}")

    # Every operation Ninja routes is in the document (include_in_schema=False would hide one).
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in schema["paths"]}
    for name, _pattern, route in _walk(get_resolver().url_patterns):
        as_documented = "/" + re.sub(r"<\w+:(\w+)>", r"<\1>", route)
        if (
            route.startswith("api/")
            and name not in API_PAGE_NAMES
            and as_documented not in documented
        ):
            leaks.append(f"API URL {route} is not in the OpenAPI document")
    summary_line(
        f"logged out: {len(patterns)} URL patterns × {len(ANONYMOUS_METHODS)} methods and "
        f"{len(declared)} API operations × 3 credentials → {requests} requests, "
        f"{len(leaks)} open"
    )
    assert not leaks, "reachable without login:\n" + "\n".join(leaks[:60])
