"""Deployment coverage (应下尽下): per unit, how many members should deploy, are exempt (and
why), are undecided, are deployed now or not yet; and the communities with too few helpers for
their size. Every figure comes from a bounded number of grouped queries (no query per unit or
per community), scoped by `Unit.objects.for_actor` and the actor's area."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Grant
from core.actor import Actor
from core.roles import Role
from core.scoping import path_prefix_q
from mobilisation import rules
from mobilisation.models import Deployment, DeploymentStatus
from mobilisation.policies import COVERAGE_AREA_ROLES, COVERAGE_ROLES
from party.models import DeployCall, ExemptReason, PartyMember, Unit
from people.models import Resident, ResidentStatus
from places.models import Place, PlaceKind

# What the members list of a unit can be narrowed to (one per figure).
MEMBER_FILTERS = ("all", "should", "exempt", "unmarked", "deployed", "not_yet", "extra")
# Whose grants count as helpers in the coverage figures (a count, not a permission).
HELPER_ROLES = (Role.CADRE, Role.VOLUNTEER)
LIVING = (ResidentStatus.PRESENT, ResidentStatus.AWAY)


def reads_coverage(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(COVERAGE_ROLES)


@dataclass
class UnitCoverage:
    unit_id: int
    name: str
    members: int = 0
    should: int = 0
    exempt: int = 0
    unmarked: int = 0
    deployed: int = 0  # should deploy, and an active deployment now
    not_yet: int = 0  # should deploy, no active deployment
    extra: int = 0  # deployed although not marked (undecided)
    exempt_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def not_yet_share(self) -> float:
        return self.not_yet / self.should if self.should else 0.0

    @property
    def deployed_pct(self) -> int:
        return round(100 * self.deployed / self.should) if self.should else 0

    @property
    def not_yet_pct(self) -> int:
        return 100 - self.deployed_pct if self.should else 0


def _active_deployment() -> Exists:
    return Exists(
        Deployment.objects.filter(member_id=OuterRef("pk"), status=DeploymentStatus.ACTIVE)
    )


def unit_coverage(actor: Actor, *, q: str = "", unit_id: int | None = None) -> list[UnitCoverage]:
    """One row per unit the actor sees (search by name; or the one unit `unit_id`), the largest
    share not yet deployed first. Three queries, whatever the number of units."""
    units = Unit.objects.for_actor(actor)
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    if q:
        units = units.filter(name__icontains=q)
    rows = {
        pk: UnitCoverage(unit_id=pk, name=name)
        for pk, name in units.order_by("name").values_list("pk", "name")
    }
    if not rows:
        return []
    ids = list(rows)
    # Members per (unit, call, exemption reason), and members deployed now per (unit, call): two
    # grouped queries merged here (no EXISTS per member).
    for uid, call, reason, n in (
        PartyMember.objects.filter(unit_id__in=ids)
        .order_by()
        .values_list("unit_id", "deploy_call", "exempt_reason")
        .annotate(n=Count("pk"))
    ):
        row = rows[uid]
        row.members += n
        if call == DeployCall.SHOULD:
            row.should += n
        elif call == DeployCall.EXEMPT:
            row.exempt += n
            row.exempt_by_reason[reason] = row.exempt_by_reason.get(reason, 0) + n
        else:
            row.unmarked += n
    for uid, call, n in (
        Deployment.objects.filter(status=DeploymentStatus.ACTIVE, member__unit_id__in=ids)
        .order_by()
        .values_list("member__unit_id", "member__deploy_call")
        .annotate(n=Count("member_id", distinct=True))
    ):
        if call == DeployCall.SHOULD:
            rows[uid].deployed += n
        elif call == DeployCall.UNMARKED:
            rows[uid].extra += n
    for row in rows.values():
        row.not_yet = row.should - row.deployed
        row.exempt_by_reason = {r: row.exempt_by_reason.get(r, 0) for r in ExemptReason.values}
    return sorted(rows.values(), key=lambda r: (-r.not_yet_share, -r.not_yet, r.name))


def coverage_totals(rows: list[UnitCoverage]) -> UnitCoverage:
    total = UnitCoverage(unit_id=0, name="")
    for r in rows:
        for name in ("members", "should", "exempt", "unmarked", "deployed", "not_yet", "extra"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        for reason, n in r.exempt_by_reason.items():
            total.exempt_by_reason[reason] = total.exempt_by_reason.get(reason, 0) + n
    return total


def unit_members_coverage(
    actor: Actor, unit: Unit, *, show: str = "all", q: str = ""
) -> QuerySet[PartyMember]:
    """The members behind one figure of a unit the caller accessed (party.selectors.access_unit),
    with whether they are deployed now and where."""
    members = PartyMember.objects.filter(unit_id=unit.pk).annotate(active=_active_deployment())
    if q:
        members = members.filter(person__name__icontains=q)
    should = Q(deploy_call=DeployCall.SHOULD)
    narrow = {
        "should": should,
        "exempt": Q(deploy_call=DeployCall.EXEMPT),
        "unmarked": Q(deploy_call=DeployCall.UNMARKED),
        "deployed": should & Q(active=True),
        "not_yet": should & Q(active=False),
        "extra": Q(deploy_call=DeployCall.UNMARKED) & Q(active=True),
    }
    if show in narrow:
        members = members.filter(narrow[show])
    return members.select_related("person").order_by("person__name", "pk")


def active_places(member_ids: list[int]) -> dict[int, str]:
    """Where each of these members is deployed now (one query)."""
    return dict(
        Deployment.objects.filter(member_id__in=member_ids, status=DeploymentStatus.ACTIVE)
        .values_list("member_id", "community__name")
        .order_by()
    )


@dataclass
class CommunityHelpers:
    community_id: int
    name: str
    street: str
    residents: int
    helpers: int

    @property
    def per_helper(self) -> int | None:
        return round(self.residents / self.helpers) if self.helpers else None

    @property
    def short(self) -> bool:
        return self.helpers == 0 or self.residents > rules.RESIDENTS_PER_HELPER_MAX * self.helpers


def community_helpers(
    actor: Actor, *, q: str = "", short_only: bool = True
) -> list[CommunityHelpers]:
    """The communities of the actor's area (city, district, street admins) with their living
    residents and helpers (distinct users with a cadre or volunteer grant there), the most
    residents per helper first; by default only those above the rule or with no helper. Three
    queries whatever the number of communities."""
    area = path_prefix_q(actor, COVERAGE_AREA_ROLES, "path")
    if area is None and not actor.is_superuser:
        return []
    communities = Place.objects.filter(kind=PlaceKind.COMMUNITY)
    if area is not None:
        communities = communities.filter(area)
    if q:
        communities = communities.filter(name__icontains=q)
    named = {
        pk: (name, street or "")
        for pk, name, street in communities.values_list("pk", "name", "parent__name")
    }
    if not named:
        return []
    ids = communities.values("pk")
    residents = dict(
        Resident.objects.filter(community_id__in=ids, status__in=LIVING)
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )
    helpers = dict(
        Grant.objects.filter(role__in=HELPER_ROLES, place_id__in=ids, user__is_active=True)
        .order_by()
        .values("place_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("place_id", "n")
    )
    rows = [
        CommunityHelpers(
            community_id=pk,
            name=name,
            street=street,
            residents=int(residents.get(pk, 0)),
            helpers=int(helpers.get(pk, 0)),
        )
        for pk, (name, street) in named.items()
    ]
    if short_only:
        rows = [r for r in rows if r.short]
    return sorted(
        rows,
        key=lambda r: (r.helpers != 0, -(r.residents / r.helpers if r.helpers else r.residents)),
    )
