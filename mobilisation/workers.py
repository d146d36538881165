"""Who works in a community (M5, M7): the people who may lead or join a post or zone, be put on
a shift, a patrol or an activity. A worker holds one of mobilisation.duty_querysets.WORKER_ROLES
on the community or on one of its grids or buildings. One definition, shared by every duty
service and form."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import Grant, User
from mobilisation.duty_querysets import WORKER_ROLES
from places.models import Place


def _worker_grants_q(community_path: str) -> Q:
    return Q(role__in=WORKER_ROLES, place__path__startswith=community_path, user__is_active=True)


def community_worker_ids(community_path: str) -> set[int]:
    """The ids of the active users working in the community whose path is given (one query)."""
    return set(
        Grant.objects.filter(_worker_grants_q(community_path)).values_list("user_id", flat=True)
    )


def is_community_worker(user_id: int, community_path: str) -> bool:
    return Grant.objects.filter(_worker_grants_q(community_path), user_id=user_id).exists()


@dataclass
class WorkerOption:
    """A worker of the community with the labels of the roles they hold there."""

    user: User
    roles: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        name = self.user.display_name or self.user.username
        return f"{name}（{'、'.join(self.roles)}）" if self.roles else name


def community_worker_options(community: Place) -> list[WorkerOption]:
    """The community's workers, by name, each with their roles there (one query); for the
    choices of leader, member and assignee."""
    grants = (
        Grant.objects.filter(_worker_grants_q(community.path))
        .select_related("user")
        .order_by("user__display_name", "user__username", "pk")
    )
    by_user: dict[int, WorkerOption] = {}
    for g in grants:
        option = by_user.setdefault(g.user_id, WorkerOption(user=g.user))
        label = str(g.get_role_display())
        if label not in option.roles:
            option.roles.append(label)
    return list(by_user.values())
