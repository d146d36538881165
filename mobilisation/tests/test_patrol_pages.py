"""The patrol pages render for the community's workers and offices, refuse others, record a
finding once when the form is sent twice, and show a refused request/case next to its field."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mobilisation.models import FindingKind, Patrol, PatrolFinding, PatrolRoute
from service_requests.models import RequestCategory, ServiceRequest
from testkit import TinyCity
from triage.models import TriageCase

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _token(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="once" value="([^"]+)"', html[start:])
    assert found
    return found.group(1)


def _ours(tc: TinyCity) -> tuple[PatrolRoute, Patrol]:
    patrol = Patrol.objects.get(community=tc.inside.community)
    return patrol.route, patrol


def test_list_renders_for_workers_and_offices_and_refuses_others(tiny_city: TinyCity) -> None:
    tc = tiny_city
    route, patrol = _ours(tc)
    html = _client(tc, "volunteer").get("/duty/patrols/").content.decode()
    assert 'data-testid="start-form"' in html and "夜间巡查" in html
    assert "【OST】夜间巡查" not in html and "【ODI】" not in html
    r = _client(tc, "street_admin").get("/duty/patrols/?show=open&q=夜间")
    assert r.status_code == 200 and 'data-testid="start-form"' not in r.content.decode()
    for role in ("resident", "unit_admin"):
        assert _client(tc, role).get("/duty/patrols/").status_code == 403
    assert _client(tc, "volunteer").get(f"/duty/patrols/{patrol.pk}/").status_code == 200
    assert _client(tc, "resident").get(f"/duty/patrols/{patrol.pk}/").status_code == 404
    assert _client(tc, "【OST】_admin").get(f"/duty/patrols/{patrol.pk}/").status_code == 404
    assert _client(tc, "【OST】_admin").get(f"/duty/patrols/routes/{route.pk}/").status_code == 404
    assert _client(tc, "grid_worker").get(f"/duty/patrols/routes/{route.pk}/").status_code == 200
    assert _client(tc, "grid_worker").get("/duty/patrols/routes/new/").status_code == 403


def test_admin_adds_a_route_once_and_a_worker_starts_a_round(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "community_admin")
    page = c.get("/duty/patrols/routes/new/").content.decode()
    form = {
        "once": _token(page, "route-form"),
        "community": str(tc.inside.community.pk),
        "name": "白天巡查",
        "checkpoints": "东门\n菜市场",
        "action": "save",
    }
    before = PatrolRoute.objects.count()
    first = c.post("/duty/patrols/routes/new/", form)
    again = c.post("/duty/patrols/routes/new/", form)
    assert first.status_code == again.status_code == 302
    assert PatrolRoute.objects.count() == before + 1
    route = PatrolRoute.objects.get(name="白天巡查")
    assert first["Location"] == f"/duty/patrols/routes/{route.pk}/"
    bad = c.post("/duty/patrols/routes/new/", {**form, "once": "t2", "name": " "})
    assert bad.status_code == 400 and 'data-testid="error-name"' in bad.content.decode()
    w = _client(tc, "grid_worker")
    page = w.get(f"/duty/patrols/?route={route.pk}").content.decode()
    start = {
        "once": _token(page, "start-form"),
        "route": str(route.pk),
        "patrollers": [str(tc.users["volunteer"].pk)],
    }
    r = w.post("/duty/patrols/", start)
    assert w.post("/duty/patrols/", start)["Location"] == r["Location"]
    patrol = Patrol.objects.get(route=route)
    assert set(patrol.patrollers.values_list("pk", flat=True)) == {
        tc.users["grid_worker"].pk,
        tc.users["volunteer"].pk,
    }


def test_finding_becomes_a_request_once_and_a_refusal_sits_by_its_field(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    route, _patrol = _ours(tc)
    w = _client(tc, "grid_worker")
    page = w.get(f"/duty/patrols/?route={route.pk}").content.decode()
    w.post("/duty/patrols/", {"once": _token(page, "start-form"), "route": str(route.pk)})
    patrol = Patrol.objects.filter(route=route, started_by=tc.users["grid_worker"]).get()
    url = f"/duty/patrols/{patrol.pk}/"
    resident = tc.inside.residents[1]
    found = w.post(
        url, {"action": "search", "once": "x", "rq": resident.person.name, "details": "咳"}
    )
    html = found.content.decode()
    assert found.status_code == 200 and f'value="{resident.pk}"' in html
    form = {
        "action": "finding",
        "once": _token(html, "finding-form"),
        "kind": FindingKind.ELDERLY_ALONE,
        "details": "独居老人家中缺药",
        "building": str(tc.inside.building.pk),
        "rq": resident.person.name,
        "resident": str(resident.pk),
        "to_request": RequestCategory.MEDICINE,
    }
    before = ServiceRequest.objects.count()
    assert w.post(url, form).status_code == 302
    assert w.post(url, form).status_code == 302
    assert ServiceRequest.objects.count() == before + 1
    finding = PatrolFinding.objects.get(patrol=patrol)
    assert finding.request is not None
    assert f'href="/requests/{finding.request_id}/"' in w.get(url).content.decode()

    v = _client(tc, "volunteer")
    page = v.get(f"/duty/patrols/?route={route.pk}").content.decode()
    v.post("/duty/patrols/", {"once": _token(page, "start-form"), "route": str(route.pk)})
    vp = Patrol.objects.filter(route=route, started_by=tc.users["volunteer"]).latest("pk")
    counts = (PatrolFinding.objects.count(), TriageCase.objects.count())
    html = v.get(f"/duty/patrols/{vp.pk}/").content.decode()
    r = v.post(
        f"/duty/patrols/{vp.pk}/",
        {**form, "once": _token(html, "finding-form"), "to_request": "", "to_case": "on"},
    )
    assert r.status_code == 400 and 'data-testid="error-to_case"' in r.content.decode()
    assert counts == (PatrolFinding.objects.count(), TriageCase.objects.count())
    # Someone not on the round cannot post to it.
    assert _client(tc, "cadre").post(url, {**form, "once": "z"}).status_code in (403, 404)
