from __future__ import annotations

from accounts.models import Grant, User
from core.actor import Actor, ScopeGrant
from places.models import Place

# Every request needs its user and their actor; reading them costs three queries, so both are
# kept in the shared cache (one entry) for a short while. Setup forgets the entry whenever it
# changes a user, their grants or password, and so does a change of language; a change made any
# other way (a shell, a migration) takes effect within this many seconds.
ACTOR_CACHE_SECONDS = 30
_ACTOR_ATTR = "_linli_actor"


def _actor_key(user_id: object) -> str:
    return f"actor:v3:{user_id}"  # v3: ScopeGrant.household_path


def _cache_entry(user: User) -> Actor:
    from django.core.cache import cache

    actor = actor_for_user(user)
    cache.set(_actor_key(user.pk), (user, actor), ACTOR_CACHE_SECONDS)
    setattr(user, _ACTOR_ATTR, actor)
    return actor


def user_with_actor(user_id: object) -> User | None:
    """The user of a session, with their actor attached (for `actor_cached`)."""
    from django.core.cache import cache

    entry = cache.get(_actor_key(user_id))
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Actor):
        user, actor = entry
        setattr(user, _ACTOR_ATTR, actor)
        return user  # type: ignore[no-any-return]
    user = User._default_manager.filter(pk=user_id).first()
    if user is not None:
        _cache_entry(user)
    return user


def actor_cached(user: User) -> Actor:
    """The actor of a logged-in user: attached by the authentication backend, else from the
    cache, else read from the grants (and cached)."""
    from django.core.cache import cache

    actor = getattr(user, _ACTOR_ATTR, None)
    if isinstance(actor, Actor):
        return actor
    entry = cache.get(_actor_key(user.pk))
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Actor):
        setattr(user, _ACTOR_ATTR, entry[1])
        return entry[1]  # type: ignore[no-any-return]
    return _cache_entry(user)


def actor_forget(user_id: int) -> None:
    from django.core.cache import cache

    cache.delete(_actor_key(user_id))


def actor_for_user(user: User) -> Actor:
    """Read the user's grants once; the Actor is what every selector and service is given."""
    grants = list(
        Grant.objects.filter(user=user)
        .select_related("place", "unit", "unit__place", "household", "household__building")
        .order_by("pk")
    )
    ancestor_ids: set[int] = set()
    for g in grants:
        node_path = _node_path(g)
        ancestor_ids.update(int(p) for p in node_path.strip("/").split("/") if p)
    names = dict(Place.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    scope_grants = tuple(_scope_grant(g, names) for g in grants)
    return Actor(
        user_id=user.pk,
        username=user.username,
        display_name=str(user),
        is_superuser=user.is_superuser,
        person_id=user.person_id,
        grants=scope_grants,
    )


def _node_path(g: Grant) -> str:
    if g.place is not None:
        return g.place.path
    if g.unit is not None:
        return g.unit.place_path
    if g.household is not None:
        return g.household.building.path
    return ""


def _scope_grant(g: Grant, names: dict[int, str]) -> ScopeGrant:
    path = _node_path(g)
    # The city is the same for everyone: the label starts at the district.
    chain = [names.get(int(p), "") for p in path.strip("/").split("/") if p][1:]
    if g.unit is not None:
        chain = [g.unit.name]
    elif g.household is not None:
        chain.append(g.household.room)
    if g.place is not None and g.place.parent_id is None:
        chain = [g.place.name]
    from core.roles import ROLE_SCOPE_KIND

    return ScopeGrant(
        role=g.role,
        scope_kind=ROLE_SCOPE_KIND[g.role] if g.place is None else g.place.kind,
        place_id=g.place_id,
        place_path=g.place.path if g.place is not None else "",
        unit_id=g.unit_id,
        unit_place_path=g.unit.place_path if g.unit is not None else "",
        household_id=g.household_id,
        household_path=path if g.household is not None else "",
        label=" · ".join(c for c in chain if c),
    )
