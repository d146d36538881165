"""No input makes a 500 (issue 15 items 8, 9, 25): extreme values thrown at every API operation's
path and query parameters (read from the OpenAPI schema, so a new endpoint is covered the day it
is added) and at the pages' numeric and date fields, as anonymous and as three roles.

Hypothesis draws the values; each example walks every operation once per caller."""

from __future__ import annotations

import datetime
import json
import os
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import time_machine
from django.test import Client, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from health.models import HealthReport
from testkit import TinyCity

NOON = "2026-11-24T04:00:00+00:00"  # 12:00 in Beijing

# Values seen to break a parser, a database column or date arithmetic somewhere.
NASTY = [
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "9" * 5000,
    "99999999999999999999",
    "100000000000000000000",
    str(10**30),
    str(2**63),
    str(-(2**63) - 1),
    "-1",
    "0",
    "a\x00b",
    "\x00",
    "0001-01-01",
    "9999-12-31",
    "7924-12-25T22:19:39+20:11",
    "2026-02-30",
    "2026-11-24T25:61:00",
    "",
    " ",
    "１２３",
    "<script>alert(1)</script>",
    "%",
    "../..",
    "💥" * 40,
    "x" * 3000,
]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=20),
    st.dates(min_value=datetime.date(1, 1, 1)).map(str),
)
ROLES = (None, "resident", "grid_worker", "city_admin")
# Examples per run in CI; LINLI_FUZZ_EXAMPLES=300 for a longer hunt on a developer's machine.
EXAMPLES = int(os.environ.get("LINLI_FUZZ_EXAMPLES", "15"))


def _clients(tc: TinyCity) -> list[Client]:
    clients = []
    for role in ROLES:
        c = Client(raise_request_exception=False)
        if role:
            c.force_login(tc.users[role])
        clients.append(c)
    return clients


def _operations() -> list[tuple[str, str, list[str], list[str]]]:
    with override_settings(API_DOCS_PUBLIC=True):  # the document's content, not its login
        schema = json.loads(Client().get("/api/openapi.json").content)
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            ops.append(
                (
                    method,
                    path,
                    [p["name"] for p in params if p["in"] == "path"],
                    [p["name"] for p in params if p["in"] == "query"],
                )
            )
    assert len(ops) > 90, "the API's operations were not all found"
    return ops


def _call(c: Client, method: str, url: str) -> Any:
    if method == "get":
        return c.get(url)
    return getattr(c, method)(url, "{}", content_type="application/json")


def _no_5xx(r: Any, method: str, url: str) -> None:
    assert r.status_code < 500, f"{method.upper()} {url} → {r.status_code}: {r.content[:300]!r}"
    if url.startswith("/api/") and r.status_code >= 400:
        # Every API error is the JSON error shape, never an HTML page.
        assert r["Content-Type"].startswith("application/json"), (url, r.content[:200])


@pytest.mark.django_db
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_api_operation_survives_extreme_parameters(tiny_city: TinyCity, data: Any) -> None:
    clients = _clients(tiny_city)
    with time_machine.travel(NOON, tick=False):
        for method, path, params, query in _operations():
            url = path
            for p in params:
                url = url.replace("{" + p + "}", quote(data.draw(VALUES), safe=""))
            chosen = data.draw(st.lists(st.sampled_from(query), unique=True)) if query else []
            if chosen:
                url += "?" + urlencode({q: data.draw(VALUES) for q in chosen})
            for c in clients:
                _no_5xx(_call(c, method, url), method, url)


# Pages with a day, a number or a page in their query string, and forms with numbers.
PAGE_QUERIES = [
    ("/daily/places/{community}/", "day"),
    ("/duty/roster/", "day"),
    ("/health/coverage/{community}/", "day"),
    ("/health/coverage/{community}/missing/", "page"),
    ("/registry/", "page"),
    ("/care/", "page"),
    ("/requests/", "page"),
]


@pytest.mark.django_db
@settings(max_examples=EXAMPLES)
@given(value=VALUES)
def test_pages_survive_extreme_days_numbers_and_ids(tiny_city: TinyCity, value: str) -> None:
    community = tiny_city.inside.community.pk
    clients = _clients(tiny_city)[1:]
    with time_machine.travel(NOON, tick=False):
        for template, name in PAGE_QUERIES:
            url = template.format(community=community) + "?" + urlencode({name: value})
            for c in clients:
                _no_5xx(c.get(url), "get", url)
        # An id in a page's path.
        url = f"/daily/places/{quote(value, safe='')}/"
        if re.fullmatch(r"[0-9]+", value):
            for c in clients:
                _no_5xx(c.get(url), "get", url)


@pytest.mark.django_db
@settings(max_examples=EXAMPLES)
@given(value=VALUES)
def test_health_forms_survive_extreme_numbers(tiny_city: TinyCity, value: str) -> None:
    head = tiny_city.inside.residents[0]
    worker, resident = (Client(raise_request_exception=False) for _ in range(2))
    worker.force_login(tiny_city.users["grid_worker"])
    resident.force_login(tiny_city.users["resident"])
    with time_machine.travel(NOON, tick=False):
        r = worker.post("/workers/health/", {"temperature": value})
        _no_5xx(r, "post", "/workers/health/")
        r = resident.post(
            "/health/report/", {"once": "", "day": value, "slot": "pm", f"t_{head.pk}": value}
        )
        _no_5xx(r, "post", "/health/report/")
        body = {"resident": head.pk, "temperature": value, "day": value}
        r = resident.post("/api/health-reports", json.dumps(body), content_type="application/json")
        _no_5xx(r, "post", "/api/health-reports")
    HealthReport.objects.all().delete()


KNOWN_500S = [
    ("get", "/api/residents?limit=1000000", "city_admin", 422),
    ("get", "/api/residents?offset=100000000000000000000", "city_admin", 400),
    ("get", "/api/requests?offset=100000000000000000000", "city_admin", 400),
    ("get", "/api/guide?offset=99999999999999999999", None, 400),
    ("get", "/checkin/a%00b/", None, 404),
    ("get", "/api/households?q=a%00", "city_admin", 200),
    ("get", "/api/requests/stats?since=7924-12-25T22:19:39%2B20:11", "city_admin", 400),
    ("get", f"/api/residents/{10**30}", "city_admin", 404),
    ("get", "/daily/places/{community}/?day=0001-01-01", "city_admin", 400),
    ("get", "/daily/places/{community}/?day=9999-12-31", "city_admin", 400),
    ("get", "/duty/roster/?day=0001-01-01", "community_admin", 400),
    ("get", "/duty/roster/?day=9999-12-31", "community_admin", 400),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url", "role", "status"), KNOWN_500S)
def test_the_500s_found_by_trying_are_answers_now(
    tiny_city: TinyCity, method: str, url: str, role: str | None, status: int
) -> None:
    c = Client(raise_request_exception=False)
    if role:
        c.force_login(tiny_city.users[role])
    url = url.format(community=tiny_city.inside.community.pk)
    r = _call(c, method, url)
    assert r.status_code == status, (url, r.content[:300])
    if url.startswith("/api/"):
        assert r["Content-Type"].startswith("application/json")
    if status == 400:
        assert "errors" in r.json() if url.startswith("/api/") else "bad-request" in r.text


@pytest.mark.django_db
def test_list_limit_is_one_documented_maximum(tiny_city: TinyCity) -> None:
    with override_settings(API_DOCS_PUBLIC=True):  # the document's content, not its login
        schema = json.loads(Client().get("/api/openapi.json").content)
    limits = {
        (path, method): p["schema"].get("maximum")
        for path, item in schema["paths"].items()
        for method, op in item.items()
        for p in op.get("parameters", [])
        if p["name"] == "limit"
    }
    assert len(limits) >= 15
    assert set(limits.values()) == {200}, limits
    c = Client()
    c.force_login(tiny_city.users["city_admin"])
    assert c.get("/api/residents?limit=200").status_code == 200
    r = c.get("/api/residents?limit=201")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "limit"
