"""Who sees study rows. Programmes and materials: the offices above and below the publishing
department, the unit admins and party members under it. Records, discussion and reminders: the
member's own, the offices of the member's organisation's area, the unit's party admin; a
discussion thread and its reminders also the members of that organisation."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import PARTY_ROLES, Role
from core.scoping import ScopedQuerySet, ancestor_paths, any_of, path_prefix_q


def member_orgs(actor: Actor) -> list[tuple[int, str, int | None]]:
    """The actor's party membership: (organisation id, its scope path, unit id), or nothing."""
    if not actor.person_id:
        return []
    from party.models import PartyMember

    return list(
        PartyMember.objects.filter(person_id=actor.person_id).values_list(
            "org_id", "org__scope_path", "unit_id"
        )
    )


def published_over_q(actor: Actor, field: str) -> Q | None:
    """Rows published by a department whose path (`field`) is at, above or below the actor."""
    above: list[str] = []
    below: list[Q] = []
    for g in actor.place_grants(PARTY_ROLES):
        above += ancestor_paths(g.place_path)
        below.append(Q(**{f"{field}__startswith": g.place_path}))
    for g in actor.grants_for(Role.UNIT_ADMIN):
        above += ancestor_paths(g.unit_place_path)
    for _org, scope_path, _unit in member_orgs(actor):
        above += ancestor_paths(scope_path)
    return any_of([*below, *([Q(**{f"{field}__in": sorted(set(above))})] if above else [])])


class StudyProgrammeQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return published_over_q(actor, "place_path")


class StudyMaterialQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return published_over_q(actor, "place_path")


def _org_rows_q(actor: Actor, *, own_field: str | None, members_of_org: bool) -> Q | None:
    qs: list[Q | None] = [path_prefix_q(actor, PARTY_ROLES, "scope_path")]
    qs += [Q(unit_id=g.unit_id) for g in actor.grants_for(Role.UNIT_ADMIN) if g.unit_id]
    if own_field and actor.user_id:
        qs.append(Q(**{own_field: actor.user_id}))
    if members_of_org:
        qs += [Q(org_id=org_id) for org_id, _p, _u in member_orgs(actor)]
    return any_of([q for q in qs if q is not None])


class StudyRecordQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return _org_rows_q(actor, own_field="user_id", members_of_org=False)


class DiscussionPostQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return _org_rows_q(actor, own_field="author_id", members_of_org=True)


class StudyReminderQuerySet(ScopedQuerySet):
    """A reminder sent to an organisation reaches the members of its whole subtree (a committee's
    reminder is read by the members of its branches), so they see it too."""

    def access_q(self, actor: Actor) -> Q | None:
        base = _org_rows_q(actor, own_field=None, members_of_org=True)
        above = _member_org_ancestors(actor)
        return any_of([q for q in [base, Q(org__path__in=above) if above else None] if q])


def _member_org_ancestors(actor: Actor) -> list[str]:
    """The paths of the member's organisation and every organisation above it."""
    if not actor.person_id:
        return []
    from party.models import PartyMember

    paths = PartyMember.objects.filter(person_id=actor.person_id).values_list(
        "org__path", flat=True
    )
    return sorted({a for p in paths for a in ancestor_paths(p)})
