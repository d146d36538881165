"""Small things every start and every page showed (issue 15 item 19): the API docs need no
internet, there is a favicon, and the system checks are silent on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings


def test_api_docs_load_everything_from_our_own_static_files() -> None:
    with override_settings(API_DOCS_PUBLIC=True):  # the page's assets, not its login
        r = Client().get("/api/docs")
    assert r.status_code == 200
    page = r.content.decode()
    # Swagger UI came from cdn.jsdelivr.net: a blank page without the internet.
    assert not re.search(r"(src|href)=\"(https?:)?//", page), page[:500]
    assets = re.findall(r"(?:src|href)=\"/static/([^\"?]+)", page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        assert finders.find(asset), f"{asset} is not among the static files"


@pytest.mark.django_db
def test_every_page_names_a_favicon_and_favicon_ico_answers() -> None:
    r = Client().get("/accounts/login/")
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', r.content.decode())
    assert icon and finders.find(icon.group(1))
    r = Client().get("/favicon.ico")
    assert r.status_code == 301 and r["Location"].endswith("favicon.svg")


@pytest.mark.django_db
def test_system_checks_have_no_warnings_on_this_database() -> None:
    out = io.StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=out)
    assert "W047" not in out.getvalue()
    assert "no issues" in out.getvalue(), out.getvalue()
