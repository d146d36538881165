"""Oversized bodies are refused before they are read (issue 15 item 26)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.test import Client

from testkit import TinyCity


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the oversized body was read")

    readline = read  # type: ignore[assignment]


def _send(c: Client, path: str, length: int) -> Any:
    return c.generic(
        "POST",
        path,
        content_type="application/json",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},  # type: ignore[arg-type]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/health-reports", "/api/registry-imports", "/registry/imports/", "/health/report/"],
)
def test_a_50_mb_body_is_refused_without_being_read(tiny_city: TinyCity, path: str) -> None:
    c = Client()
    c.force_login(tiny_city.users["grid_worker"])
    r = _send(c, path, 50 * 1024 * 1024)
    assert r.status_code == 413
    if path.startswith("/api/"):
        assert r["Content-Type"].startswith("application/json")
        assert re.search(r"[\u4e00-\u9fff]", r.json()["detail"]) and "MB" in r.json()["detail"]
    else:
        assert 'data-testid="too-large"' in r.content.decode()


@pytest.mark.django_db
def test_a_5_mb_json_body_is_a_json_413_in_the_users_language(tiny_city: TinyCity) -> None:
    c = Client()
    c.force_login(tiny_city.users["resident"])
    body = json.dumps({"resident": 1, "note": "x" * (5 * 1024 * 1024)})
    r = c.post("/api/health-reports", body, content_type="application/json")
    assert r.status_code == 413 and r["Content-Type"].startswith("application/json")
    assert "2 MB" in r.json()["detail"]
    r = c.post(
        "/api/health-reports",
        body,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert r.json()["detail"] == "The request is too large: send at most 2 MB."


@pytest.mark.django_db
def test_an_import_within_its_limit_still_reaches_the_import(tiny_city: TinyCity) -> None:
    c = Client()
    c.force_login(tiny_city.users["grid_worker"])
    # 3 MB: over the general limit, within the import's; the import itself answers.
    r = _send(c, "/api/health-reports", 3 * 1024 * 1024)
    assert r.status_code == 413
    content = io.BytesIO(b"x" * (3 * 1024 * 1024))
    content.name = "registry.xlsx"
    r = c.post("/api/registry-imports", {"file": content})
    assert r.status_code != 413
