"""Community workers report their own health every day (防止带病上岗): an unwell worker is
stored not fit for duty, shown first to the community admin, and `worker_fit_for_duty` says so
to the duty rota."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from health.models import WorkerHealth
from health.worker_selectors import worker_fit_for_duty
from health.workers import worker_health_report
from testkit import TinyCity

NINE = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 Beijing
DAY = datetime.date(2026, 11, 24)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NINE, tick=False) as t:
        yield t


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _send(c: Client, **fields: Any) -> Any:
    page = c.get("/workers/health/")
    token = page.context["form"]["once"].value() if page.context.get("form") else ""
    data = {"temperature": "36.5", "symptoms": ["none"], "contact": "no", "once": token}
    return c.post("/workers/health/", {**data, **fields})


@pytest.mark.django_db
def test_a_fit_worker_reports_in_three_taps(clock: Any, tiny_city: TinyCity) -> None:
    user = tiny_city.users["grid_worker"]
    c = _client(user)
    page = c.get("/workers/health/")
    assert page.status_code == 200 and 'data-testid="worker-form"' in page.content.decode()
    assert worker_fit_for_duty(user.pk, DAY) is None
    r = _send(c, temperature="３６．８")  # full-width digits from a Chinese keyboard
    assert r.status_code == 302
    row = WorkerHealth.objects.get(user=user)
    assert (row.day, str(row.temperature), row.symptoms, row.contact, row.fit) == (
        DAY,
        "36.8",
        0,
        False,
        True,
    )
    # A grid worker's community is their grid's community.
    assert row.community_id == tiny_city.inside.community.pk
    assert row.community_path == tiny_city.inside.community.path
    assert worker_fit_for_duty(user.pk, DAY) is True
    assert worker_fit_for_duty(user.pk, DAY + datetime.timedelta(days=1)) is None
    body = c.get("/workers/health/").content.decode()
    assert 'data-fit="yes"' in body and 'data-testid="worker-form"' not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("temperature", "symptoms", "contact"),
    [("37.3", ["none"], "no"), ("36.5", ["cough"], "no"), ("36.5", ["none"], "yes")],
)
def test_an_unwell_worker_is_not_fit_for_duty(
    clock: Any, tiny_city: TinyCity, temperature: str, symptoms: list[str], contact: str
) -> None:
    user = tiny_city.users["building_head"]
    c = _client(user)
    assert _send(c, temperature=temperature, symptoms=symptoms, contact=contact).status_code == 302
    assert WorkerHealth.objects.get(user=user).fit is False
    assert worker_fit_for_duty(user.pk, DAY) is False
    assert 'data-fit="no"' in c.get("/workers/health/").content.decode()


@pytest.mark.django_db
def test_fever_threshold_is_37_3(clock: Any, tiny_city: TinyCity) -> None:
    a = actor_for_user(tiny_city.users["volunteer"])
    assert worker_health_report(actor=a, temperature="37.2", symptoms=[]).report.fit is True
    b = actor_for_user(tiny_city.users["cadre"])
    assert worker_health_report(actor=b, temperature="37.3", symptoms=[]).report.fit is False


@pytest.mark.django_db
def test_a_second_report_the_same_day_returns_the_first(clock: Any, tiny_city: TinyCity) -> None:
    user = tiny_city.users["health_worker"]
    c = _client(user)
    c.cookies["django_language"] = "en"
    _send(c, temperature="36.6")
    first = WorkerHealth.objects.get(user=user)
    # A new form (e.g. from another tab) with other figures: the first report stands.
    r = c.post(
        "/workers/health/",
        {"temperature": "38.5", "symptoms": ["fever"], "contact": "yes", "once": "tab-2"},
        follow=True,
    )
    assert r.status_code == 200
    assert "your first report stands" in r.content.decode()
    assert list(WorkerHealth.objects.filter(user=user)) == [first]
    assert WorkerHealth.objects.get(user=user).fit is True
    again = worker_health_report(
        actor=actor_for_user(user), temperature="39", symptoms=["fever"], contact=True
    )
    assert not again.created and again.report.pk == first.pk
    # The next day is a new report.
    clock.move_to(NINE + datetime.timedelta(days=1))
    assert _send(c).status_code == 302
    assert WorkerHealth.objects.filter(user=user).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"temperature": "abc"}, "temperature"),
        ({"temperature": "44"}, "temperature"),
        ({"temperature": ""}, "temperature"),
        ({"symptoms": ["none", "cough"]}, "symptoms"),
        ({"symptoms": ["sneezing"]}, "symptoms"),
        ({"contact": "maybe"}, "contact"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    clock: Any, tiny_city: TinyCity, fields: dict[str, Any], field: str
) -> None:
    c = _client(tiny_city.users["grid_worker"])
    r = _send(c, **fields)
    assert r.status_code == 400
    assert f'data-testid="error-{field}"' in r.content.decode()
    assert not WorkerHealth.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["resident", "unit_admin", "street_admin", "district_admin"])
def test_only_community_workers_report_their_own_health(
    clock: Any, tiny_city: TinyCity, role: str
) -> None:
    c = _client(tiny_city.users[role])
    assert c.get("/workers/health/").status_code == 403
    assert c.post("/workers/health/", {"temperature": "36.5"}).status_code == 403
    assert not WorkerHealth.objects.exists()


@pytest.mark.django_db
def test_community_admin_sees_unwell_first_then_missing(clock: Any, tiny_city: TinyCity) -> None:
    users = tiny_city.users
    worker_health_report(actor=actor_for_user(users["volunteer"]), temperature="36.4", symptoms=[])
    worker_health_report(
        actor=actor_for_user(users["cadre"]), temperature="38.0", symptoms=["fever"]
    )
    c = _client(users["community_admin"])
    assert c.get("/workers/").status_code == 302
    r = c.get(f"/workers/community/{tiny_city.inside.community.pk}/")
    assert r.status_code == 200
    board = r.context["board"]
    assert (board.total, board.unwell, board.fit, board.not_reported) == (8, 1, 1, 6)
    statuses = [w.status for w in board.rows]
    assert statuses[0] == "unwell" and statuses[-1] == "fit"
    assert board.rows[0].name == str(Role.CADRE)
    assert "【" not in r.content.decode()


@pytest.mark.django_db
def test_worker_pages_are_scoped(clock: Any, tiny_city: TinyCity) -> None:
    inside = tiny_city.inside.community.pk
    other = tiny_city.other_street.community.pk
    street = _client(tiny_city.users["street_admin"])
    assert street.get(f"/workers/community/{inside}/").status_code == 200
    assert street.get(f"/workers/community/{other}/").status_code == 404
    grid = _client(tiny_city.users["grid_worker"])
    assert grid.get(f"/workers/community/{inside}/").status_code == 404
    assert grid.get("/workers/").status_code == 302
    # A worker sees their own report; another community's office does not.
    worker_health_report(
        actor=actor_for_user(tiny_city.users["grid_worker"]), temperature="36.5", symptoms=[]
    )
    ost = _client(tiny_city.users["【OST】_admin"])
    r = ost.get(f"/workers/community/{other}/")
    assert r.status_code == 200 and r.context["board"].total == 0


@pytest.mark.django_db
def test_worker_of_two_communities_files_under_the_first(clock: Any, tiny_city: TinyCity) -> None:
    user = User.objects.create(username="two_places")
    Grant.objects.create(user=user, role=Role.VOLUNTEER, place=tiny_city.inside.community)
    Grant.objects.create(user=user, role=Role.VOLUNTEER, place=tiny_city.other_street.community)
    c = _client(user)
    page = c.get("/workers/health/")
    assert 'data-testid="several-note"' in page.content.decode()
    _send(c, temperature="37.8")
    row = WorkerHealth.objects.get(user=user)
    assert row.community_id == tiny_city.inside.community.pk
    # Both communities' lists show them unwell.
    for admin, community in (
        (tiny_city.users["community_admin"], tiny_city.inside.community),
        (tiny_city.users["【OST】_admin"], tiny_city.other_street.community),
    ):
        board = _client(admin).get(f"/workers/community/{community.pk}/").context["board"]
        assert [w.status for w in board.rows if w.user_id == user.pk] == ["unwell"]
