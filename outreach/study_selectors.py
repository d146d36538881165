"""Reads of the themed party day study (M3): the programmes an actor takes part in or oversees,
a member's own progress, and completion rolled up per organisation, unit and area.

Every read starts from `for_actor`. Completion is one grouped query over the members the actor
may see (each member's count of studied materials is a correlated subquery on the record's
unique (material, member) index), then folded into rows in Python over the organisations, not
over the members: a city of 100k members is one query returning one row per organisation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core.actor import Actor
from core.roles import PARTY_ROLES, Role
from core.scoping import ancestor_paths, any_of
from outreach.models import (
    DiscussionPost,
    StudyMaterial,
    StudyProgramme,
    StudyRecord,
    StudyReminder,
)
from party.models import PartyMember, PartyOrg
from places.models import PLACE_ORDER, Place, PlaceKind

# ---- who is who -------------------------------------------------------------------------------


def own_member(actor: Actor) -> PartyMember | None:
    """The actor's own party membership (one per person), or None."""
    if not actor.person_id:
        return None
    return (
        PartyMember.objects.select_related("org", "person")
        .filter(person_id=actor.person_id)
        .first()
    )


def publishes_at(actor: Actor, place: Place) -> bool:
    """The organisation department of a city or district: its city or district admin."""
    if actor.is_superuser:
        return True
    if place.kind not in (PlaceKind.CITY, PlaceKind.DISTRICT):
        return False
    return any(
        place.path.startswith(g.place_path)
        for g in actor.place_grants({Role.CITY_ADMIN, Role.DISTRICT_ADMIN})
    )


def publish_places(actor: Actor) -> list[Place]:
    """The cities and districts where the actor may publish a programme."""
    ids = [
        g.place_id for g in actor.place_grants({Role.CITY_ADMIN, Role.DISTRICT_ADMIN}) if g.place_id
    ]
    return list(Place.objects.filter(pk__in=ids).order_by(*PLACE_ORDER))


def oversees_org(actor: Actor, org: PartyOrg) -> bool:
    """An office whose area holds the organisation (community, street, district, city admin), or
    the party admin of its unit: they see its completion and remind its members."""
    if actor.is_superuser:
        return True
    if any(org.scope_path.startswith(g.place_path) for g in actor.place_grants(PARTY_ROLES)):
        return True
    return bool(org.unit_id) and any(
        g.unit_id == org.unit_id for g in actor.grants_for(Role.UNIT_ADMIN)
    )


def reads_completion(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(PARTY_ROLES, Role.UNIT_ADMIN)


def taking_part_q(programme: StudyProgramme, field: str = "org__path") -> Q | None:
    """Rows whose organisation path lies under one of the programme's organisations."""
    return any_of(
        Q(**{f"{field}__startswith": path})
        for path in programme.orgs.values_list("path", flat=True)
    )


def takes_part(programme: StudyProgramme, org: PartyOrg) -> bool:
    # .all(): a list of programmes prefetches its organisations (programme_list).
    return any(org.path.startswith(o.path) for o in programme.orgs.all())


def in_window(programme: StudyProgramme, now: datetime.datetime | None = None) -> bool:
    today = timezone.localdate(now or timezone.now())
    return programme.starts_on <= today <= programme.ends_on


# ---- programmes and materials ---------------------------------------------------------------


def programme_list(actor: Actor, q: str = "") -> QuerySet[StudyProgramme]:
    """Programmes the actor takes part in (a member under one of its organisations) or oversees
    (an office or unit admin who sees it), newest first, with the material count."""
    programmes = StudyProgramme.objects.for_actor(actor)
    if not (actor.is_superuser or reads_completion(actor)):
        member = own_member(actor)
        if member is None:
            return programmes.none()
        programmes = programmes.filter(orgs__path__in=ancestor_paths(member.org.path)).distinct()
    if q:
        programmes = programmes.filter(title__icontains=q)
    return (
        programmes.annotate(n_materials=Count("materials", distinct=True))
        .prefetch_related("orgs")
        .order_by("-starts_on", "-pk")
    )


def access_programme(actor: Actor, programme_id: int) -> StudyProgramme:
    programme = programme_list(actor).select_related("place").filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


def access_material(actor: Actor, material_id: int) -> StudyMaterial:
    material = (
        StudyMaterial.objects.for_actor(actor)
        .select_related("programme")
        .filter(pk=material_id)
        .first()
    )
    if material is None:
        raise Http404
    # The programme must be one the actor takes part in or oversees.
    access_programme(actor, material.programme_id)
    return material


def programme_materials(actor: Actor, programme: StudyProgramme) -> list[StudyMaterial]:
    """The programme's materials in order, each with `.studied` (the actor's own record)."""
    materials = list(StudyMaterial.objects.for_actor(actor).filter(programme=programme))
    mine = own_records(actor, programme)
    for m in materials:
        m.studied = m.pk in mine  # type: ignore[attr-defined]
    return materials


def own_records(actor: Actor, programme: StudyProgramme) -> dict[int, StudyRecord]:
    """The actor's own records of the programme by material id."""
    if not actor.user_id:
        return {}
    member = own_member(actor)
    if member is None:
        return {}
    rows = StudyRecord.objects.for_actor(actor).filter(programme=programme, member=member)
    return {r.material_id: r for r in rows}


def own_record(actor: Actor, material: StudyMaterial) -> StudyRecord | None:
    return own_records(actor, material.programme).get(material.pk)


@dataclass(frozen=True)
class Progress:
    studied: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.studied >= self.total


def own_progress(actor: Actor, programme: StudyProgramme) -> Progress:
    total = StudyMaterial.objects.for_actor(actor).filter(programme=programme).count()
    return Progress(len(own_records(actor, programme)), total)


def own_progress_many(actor: Actor, programmes: list[StudyProgramme]) -> dict[int, Progress]:
    """The actor's progress in each programme of a list page: two queries for the page."""
    member = own_member(actor)
    studied: dict[int, int] = {}
    if member is not None:
        studied = dict(
            StudyRecord.objects.for_actor(actor)
            .filter(member=member, programme__in=programmes)
            .values("programme")
            .annotate(n=Count("pk"))
            .values_list("programme", "n")
        )
    return {p.pk: Progress(studied.get(p.pk, 0), getattr(p, "n_materials", 0)) for p in programmes}


def takes_part_member(actor: Actor, programme: StudyProgramme) -> PartyMember | None:
    """The actor's membership when it lies under one of the programme's organisations."""
    member = own_member(actor)
    if member is None or not takes_part(programme, member.org):
        return None
    return member


# ---- completion -----------------------------------------------------------------------------


@dataclass
class CompletionRow:
    key: int | str
    label: str
    members: int = 0
    started: int = 0
    completed: int = 0
    org_id: int | None = None
    drill: bool = False  # the row is an organisation with organisations below

    @property
    def not_started(self) -> int:
        return self.members - self.started

    @property
    def partial(self) -> int:
        return self.started - self.completed

    @property
    def percent_completed(self) -> int:
        return round(100 * self.completed / self.members) if self.members else 0

    @property
    def percent_started(self) -> int:
        return round(100 * self.started / self.members) if self.members else 0


@dataclass
class Completion:
    programme: StudyProgramme
    org: PartyOrg | None
    materials: int
    total: CompletionRow
    rows: list[CompletionRow] = field(default_factory=list)  # organisations
    areas: list[CompletionRow] = field(default_factory=list)  # districts / streets
    units: list[CompletionRow] = field(default_factory=list)


def _members_base(
    actor: Actor, programme: StudyProgramme, org: PartyOrg | None
) -> QuerySet[PartyMember]:
    members = PartyMember.objects.for_actor(actor)
    q = taking_part_q(programme)
    if q is None:
        return members.none()
    members = members.filter(q)
    if org is not None:
        members = members.filter(org__path__startswith=org.path)
    return members


def _studied_count(programme: StudyProgramme) -> Subquery:
    return Subquery(
        StudyRecord.objects.filter(programme=programme, member=OuterRef("pk"))
        .order_by()
        .values("member")
        .annotate(c=Count("pk"))
        .values("c")[:1],
        output_field=IntegerField(),
    )


def _has_record(programme: StudyProgramme) -> Exists:
    """The member studied something of the programme (an anti-join when negated: NOT IN over a
    city's records is not hashed and turns quadratic)."""
    return Exists(StudyRecord.objects.filter(programme=programme, member=OuterRef("pk")))


def not_started(
    actor: Actor, programme: StudyProgramme, org: PartyOrg | None, q: str = ""
) -> QuerySet[PartyMember]:
    """Members who have not studied any material yet, by name (no phone, no ID)."""
    members = _members_base(actor, programme, org).exclude(_has_record(programme))
    if q:
        members = members.filter(person__name__icontains=q)
    return members.select_related("person", "org").order_by("person__name", "pk")


def access_completion_org(
    actor: Actor, programme: StudyProgramme, org_id: int | None
) -> PartyOrg | None:
    """The organisation to drill into: one the actor sees, taking part in the programme."""
    if org_id is None:
        return None
    org = PartyOrg.objects.for_actor(actor).filter(pk=org_id).first()
    if org is None or not takes_part(programme, org):
        raise Http404
    return org


def completion(actor: Actor, programme: StudyProgramme, org: PartyOrg | None = None) -> Completion:
    """Members / started / completed (every material) / not started: in total, per child
    organisation of `org` (or per organisation taking part), and at the top per area (the
    districts of a city's programme, the streets of a district's) and per work unit."""
    n = StudyMaterial.objects.filter(programme=programme).count()
    done = _studied_count(programme)
    grouped = (
        _members_base(actor, programme, org)
        .annotate(done=Coalesce(done, Value(0)))
        # Grouped by the number studied too: the subquery is then evaluated once per member
        # (a filtered count per figure would run it once per figure).
        .values("org_id", "org__path", "org__scope_path", "unit_id", "org__unit_id", "done")
        .annotate(members=Count("pk"))
        .order_by()
    )
    total = CompletionRow("total", org.name if org else programme.title, org_id=None)
    buckets: dict[int, CompletionRow] = {}
    areas: dict[int, CompletionRow] = {}
    units: dict[int, CompletionRow] = {}
    if org is None:
        tops = list(programme.orgs.order_by("path").values_list("pk", "path", "name"))
    else:
        tops = []
    rows = list(grouped)
    for r in rows:
        k = r["members"]
        counts = (k, k if r["done"] > 0 else 0, k if n and r["done"] >= n else 0)
        _add(total, counts)
        key = _bucket(r["org__path"], org, tops)
        if key is not None:
            _add(buckets.setdefault(key, CompletionRow(key, "", org_id=key)), counts)
        if org is None:
            area = _next_segment(r["org__scope_path"], programme.place_path)
            if area is not None:
                _add(areas.setdefault(area, CompletionRow(area, "")), counts)
            unit = r["unit_id"] or r["org__unit_id"]
            if unit:
                _add(units.setdefault(unit, CompletionRow(unit, "")), counts)
    _label_orgs(buckets, org)
    _label(areas, dict(Place.objects.filter(pk__in=areas).values_list("pk", "name")))
    from party.models import Unit

    _label(units, dict(Unit.objects.filter(pk__in=units).values_list("pk", "name")))
    return Completion(
        programme=programme,
        org=org,
        materials=n,
        total=total,
        rows=sorted(buckets.values(), key=lambda r: (-r.not_started, r.label)),
        areas=sorted(areas.values(), key=lambda r: r.label),
        units=sorted(units.values(), key=lambda r: r.label),
    )


def _add(row: CompletionRow, counts: tuple[int, int, int]) -> None:
    row.members += counts[0]
    row.started += counts[1]
    row.completed += counts[2]


def _next_segment(path: str, prefix: str) -> int | None:
    if not path.startswith(prefix):
        return None
    rest = [p for p in path[len(prefix) :].split("/") if p]
    return int(rest[0]) if rest else None


def _bucket(org_path: str, org: PartyOrg | None, tops: list[tuple[int, str, str]]) -> int | None:
    """The row a member's organisation counts in: the child of `org` above it (or `org` itself
    for its direct members), or the first organisation taking part above it."""
    if org is not None:
        child = _next_segment(org_path, org.path)
        return child if child is not None else org.pk
    for pk, path, _name in tops:
        if org_path.startswith(path):
            return pk
    return None


def _label_orgs(buckets: dict[int, CompletionRow], org: PartyOrg | None) -> None:
    orgs = PartyOrg.objects.filter(pk__in=buckets).annotate(n_children=Count("children"))
    for o in orgs:
        row = buckets[o.pk]
        row.label = o.name
        row.drill = (org is None or o.pk != org.pk) and o.n_children > 0  # type: ignore[attr-defined]


def _label(rows: dict[int, CompletionRow], names: dict[int, str]) -> None:
    for key, row in rows.items():
        row.label = names.get(key, str(key))


def recount(actor: Actor, programme: StudyProgramme, org: PartyOrg | None = None) -> CompletionRow:
    """The same totals member by member (for tests and the benchmark's check)."""
    n = StudyMaterial.objects.filter(programme=programme).count()
    row = CompletionRow("recount", "")
    for m in _members_base(actor, programme, org):
        studied = StudyRecord.objects.filter(programme=programme, member=m).count()
        row.members += 1
        row.started += studied > 0
        row.completed += bool(n) and studied >= n
    return row


# ---- discussion and reminders ---------------------------------------------------------------


def access_thread(actor: Actor, programme: StudyProgramme, org_id: int | None) -> PartyOrg:
    """The organisation whose discussion of the programme the actor opens: by default the
    member's own; a member reads their own organisation's thread, an office or unit admin the
    threads of organisations they oversee. Anything else is 404."""
    member = own_member(actor)
    if org_id is None:
        if member is None or not takes_part(programme, member.org):
            raise Http404
        return member.org
    org = PartyOrg.objects.filter(pk=org_id).first()
    if org is None or not takes_part(programme, org):
        raise Http404
    if (member is not None and member.org_id == org.pk) or oversees_org(actor, org):
        return org
    raise Http404


def thread_posts(
    actor: Actor, programme: StudyProgramme, org: PartyOrg
) -> QuerySet[DiscussionPost]:
    return (
        DiscussionPost.objects.for_actor(actor)
        .filter(programme=programme, org=org)
        .select_related("author", "member__person")
        .order_by("created_at", "pk")
    )


def reminders_for(
    actor: Actor, programme: StudyProgramme, org: PartyOrg
) -> QuerySet[StudyReminder]:
    return (
        StudyReminder.objects.for_actor(actor)
        .filter(programme=programme, org__path__in=ancestor_paths(org.path))
        .select_related("sent_by", "org")
        .order_by("-sent_at", "-pk")
    )


def my_reminders(actor: Actor) -> list[StudyReminder]:
    """Reminders sent to the member's organisation (or one above it) for programmes they have
    not started: shown on their home page until they study."""
    member = own_member(actor)
    if member is None:
        return []
    started = StudyRecord.objects.filter(member=member, programme=OuterRef("programme_id"))
    return list(
        StudyReminder.objects.for_actor(actor)
        .filter(org__path__in=ancestor_paths(member.org.path))
        .exclude(Exists(started))
        .select_related("programme", "org")
        .order_by("-sent_at", "-pk")[:5]
    )


def publish_org_choices(actor: Actor) -> list[tuple[int, str]]:
    """Organisations a department may ask to take part: the top two levels it sees."""
    orgs = (
        PartyOrg.objects.for_actor(actor)
        .filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
        .order_by("path")
        .values_list("pk", "name")[:300]
    )
    return list(orgs)


def orgs_by_ids(actor: Actor, ids: list[int]) -> list[PartyOrg]:
    return list(PartyOrg.objects.for_actor(actor).filter(pk__in=ids))
