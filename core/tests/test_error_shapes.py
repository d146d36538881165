"""Errors reach users in their language and never as a developer's page (issue 15 item 10): under
/api/ every failure is the JSON error shape; a stale form gets a page that offers to send again
what was typed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from testkit import TinyCity

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _logged_in(tc: TinyCity, role: str = "city_admin", **kwargs: Any) -> Client:
    c = Client(**kwargs)
    c.force_login(tc.users[role])
    return c


@pytest.mark.django_db
def test_pydantic_limits_are_said_in_chinese_and_english(tiny_city: TinyCity) -> None:
    c = _logged_in(tiny_city)
    r = c.get("/api/residents?limit=0")
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["field"] == "limit" and CHINESE.search(error["message"]), error
    assert "Input should" not in r.text
    r = c.get("/api/residents?limit=0", headers={"Accept-Language": "en"})
    assert r.json()["errors"][0]["message"] == "Enter 1 or more."
    r = c.get("/api/residents?limit=999", headers={"Accept-Language": "en"})
    assert r.json()["errors"][0]["message"] == "Enter 200 or less."


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_a_json_answer_in_the_users_language(
    tiny_city: TinyCity,
) -> None:
    c = _logged_in(tiny_city, "resident")
    r = c.post("/api/health-reports", "{not json", content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert "Cannot parse" not in r.text and CHINESE.search(r.json()["detail"])


@pytest.mark.django_db
def test_unknown_api_paths_and_server_errors_answer_json(
    tiny_city: TinyCity, monkeypatch: Any
) -> None:
    c = Client(raise_request_exception=False)
    for url in ("/api/no-such-thing", "/api/residents/not-a-number", "/api/guide/abc"):
        r = c.get(url)
        assert r.status_code in (401, 404, 422), url
        assert r["Content-Type"].startswith("application/json"), (url, r.text[:100])
        assert CHINESE.search(r.json()["detail"])

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("notices.api.guide_routes.guide_items", boom)
    r = c.get("/api/guide")
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    assert CHINESE.search(r.json()["detail"]) and "Traceback" not in r.text
    r = c.get("/api/guide", headers={"Accept-Language": "en"})
    assert r.json()["detail"].startswith("Something went wrong on our side")


@pytest.mark.django_db
def test_a_stale_form_offers_to_send_again_what_was_typed(tiny_city: TinyCity) -> None:
    c = _logged_in(tiny_city, "grid_worker", enforce_csrf_checks=True)
    head = tiny_city.inside.residents[0]
    body = {"details": "楼下水管爆了，（急）", "password": "s3cret-pass", "amount": "3"}
    r = c.post(f"/requests/new/?resident={head.pk}", body)
    assert r.status_code == 403
    page = r.content.decode()
    assert 'data-testid="csrf-failure"' in page and "CSRF" not in page
    assert "楼下水管爆了，（急）" in page and 'name="amount" value="3"' in page
    assert "s3cret-pass" not in page
    assert 'name="csrfmiddlewaretoken"' in page  # a fresh token: the resend works
    assert 'data-testid="resend"' in page


@pytest.mark.django_db
def test_an_api_write_without_the_session_csrf_token_is_json(tiny_city: TinyCity) -> None:
    c = _logged_in(tiny_city, "resident", enforce_csrf_checks=True)
    head = tiny_city.inside.residents[0]
    r = c.post(
        "/api/health-reports",
        json.dumps({"resident": head.pk, "temperature": "36.5"}),
        content_type="application/json",
    )
    assert r.status_code in (401, 403)
    assert r["Content-Type"].startswith("application/json")
    assert CHINESE.search(r.json()["detail"])


@pytest.mark.django_db
def test_a_multipart_body_without_boundary_is_a_400(tiny_city: TinyCity) -> None:
    """Found by schemathesis (issue 15 item 25): POST /api/registry-imports with a multipart
    Content-Type and no boundary was a 500."""
    c = _logged_in(tiny_city, "community_admin")
    r = c.generic("POST", "/api/registry-imports", b"x", content_type="multipart/form-data")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert CHINESE.search(r.json()["detail"])


@pytest.mark.django_db
def test_a_stale_form_of_someone_logged_out_offers_to_log_in_again(tiny_city: TinyCity) -> None:
    """The stale-form page of someone whose session ended was a 500: it named a URL that does
    not exist (`login` instead of `accounts:login`)."""
    c = Client(enforce_csrf_checks=True)
    r = c.post("/accounts/login/", {"username": "grid_worker", "password": "x"})
    assert r.status_code == 403
    page = r.content.decode()
    assert 'data-testid="csrf-failure"' in page
    assert 'href="/accounts/login/?next=/accounts/login/"' in page
