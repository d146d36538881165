"""Who is acting: a user with the (role, scope node) grants they hold, read once per request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScopeGrant:
    role: str
    scope_kind: str
    place_id: int | None = None
    place_path: str = ""
    unit_id: int | None = None
    unit_place_path: str = ""
    household_id: int | None = None
    # A resident's grant: their household's building path ("" otherwise), read with the grant.
    household_path: str = ""
    label: str = ""  # e.g. "江汉区 · 民意街道 · 新华社区 · 第3网格"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str = ""
    display_name: str = ""
    is_superuser: bool = False
    person_id: int | None = None  # the identity behind the login, when known
    grants: tuple[ScopeGrant, ...] = field(default_factory=tuple)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user_id=None)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, *roles: str | Iterable[str]) -> bool:
        wanted = _flatten(roles)
        return any(g.role in wanted for g in self.grants)

    def grants_for(self, *roles: str | Iterable[str]) -> list[ScopeGrant]:
        wanted = _flatten(roles)
        return [g for g in self.grants if g.role in wanted]

    def place_grants(self, *roles: str | Iterable[str]) -> list[ScopeGrant]:
        return [g for g in self.grants_for(*roles) if g.place_id is not None]


def _flatten(roles: tuple[str | Iterable[str], ...]) -> set[str]:
    out: set[str] = set()
    for r in roles:
        if isinstance(r, str):
            out.add(r)
        else:
            out.update(r)
    return out
