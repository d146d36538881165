"""Small builders the posts and roster tests share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.actor import Actor
from core.roles import Role
from health.models import WorkerHealth
from mobilisation import posts, roster
from mobilisation.models import Post, PostKind, Shift
from places.models import Place
from testkit import TinyCity

TZ = dt.timezone(dt.timedelta(hours=8))


def admin(tc: TinyCity) -> Actor:
    return actor_for_user(tc.users["community_admin"])


def actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def new_post(tc: TinyCity, name: str = "北门先锋岗", needed: int = 2) -> Post:
    return posts.post_save(
        actor=admin(tc),
        post=None,
        community=tc.inside.community,
        name=name,
        kind=PostKind.VANGUARD,
        needed_per_shift=needed,
    )


def new_shift(post: Post, tc: TinyCity, start: dt.datetime, hours: int = 6) -> Shift:
    return roster.shift_create(
        actor=admin(tc), post=post, starts_at=start, ends_at=start + dt.timedelta(hours=hours)
    )


def local_at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def health(user: User, community: Place, day: dt.date, *, fit: bool) -> WorkerHealth:
    return WorkerHealth.objects.create(
        user=user,
        community=community,
        community_path=community.path,
        day=day,
        temperature=Decimal("36.5") if fit else Decimal("38.2"),
        fit=fit,
        created_at=timezone.now(),
    )


def second_admin(tc: TinyCity, name: str = "second-admin") -> Actor:
    user = User.objects.create(username=name)
    Grant.objects.create(user=user, role=Role.COMMUNITY_ADMIN, place=tc.inside.community)
    return actor_for_user(user)
