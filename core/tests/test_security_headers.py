"""Headers and deploy checks (issue 18, item 3).

- Pages and API answers carry personal data: none may be stored by a browser or proxy
  (Cache-Control: no-store), each carries a strict Content-Security-Policy, a same-origin
  Referrer-Policy (join and invitation links carry tokens in their path), nosniff and frame
  denial. Static files keep their caching.
- The policy allows no inline script and no eval, so templates must have none: a scan of every
  template fails on an inline <script>, an on*= handler, a javascript: URL, hx-on, <style> or
  style="" (the root guard; the browser tests fail on any violation at run time).
- `manage.py check --deploy` under production settings finds nothing.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_issue
from testkit import TinyCity

REPO = Path(settings.BASE_DIR)
POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def parse_policy(header: str) -> dict[str, set[str]]:
    directives: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_dynamic_headers(response: object) -> None:
    """The headers every page and API answer from Django carries."""
    headers = response.headers  # type: ignore[attr-defined]
    assert "no-store" in headers["Cache-Control"]
    assert parse_policy(headers["Content-Security-Policy"]) == POLICY
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


# ---- pages, API answers, static files ---------------------------------------------------------


@pytest.mark.django_db
def test_login_page_carries_the_headers() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_dynamic_headers(response)


def test_a_page_with_personal_data_is_never_stored(tiny_city: TinyCity) -> None:
    client = Client()
    client.force_login(tiny_city.users["grid_worker"])
    response = client.get("/registry/")
    assert response.status_code == 200
    resident = tiny_city.inside.residents[0]
    assert resident.person.name in response.content.decode()
    assert_dynamic_headers(response)


def test_an_api_answer_is_never_stored(tiny_city: TinyCity) -> None:
    token, _t = api_token_issue(user=tiny_city.users["grid_worker"])
    response = Client().get("/api/residents", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["items"]
    assert_dynamic_headers(response)


def test_refusals_and_missing_pages_are_not_stored_either(db: None) -> None:
    assert_dynamic_headers(Client().get("/api/residents"))  # 401
    assert_dynamic_headers(Client().get("/no-such-page/"))


def test_a_static_file_keeps_its_caching() -> None:
    response = Client().get(static("css/linli.css"))
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "max-age" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_policy_allows_no_inline_script_or_style_and_no_eval() -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("default-src", "script-src", "style-src", "script-src-attr", "style-src-attr"):
        sources = set(directives.get(name, ()))
        assert not sources & {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"}, name


# ---- templates: nothing the policy would block --------------------------------------------------

TEMPLATE_DIRS = [REPO / "templates", *REPO.glob("*/templates")]
FORBIDDEN = {
    "an inline <script> (use a static file under static/js/)": re.compile(
        r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I
    ),
    "an on*= event handler (use data-attributes and static/js/page.js)": re.compile(
        r"<[a-z][^<>]*?\son[a-z]+\s*=", re.I
    ),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "an hx-on attribute (htmx evaluates it)": re.compile(r"\b(?:data-)?hx-on\b", re.I),
    "js: in hx-vals/hx-vars (htmx evaluates it)": re.compile(r"hx-va(?:ls|rs)=.{0,3}js:", re.I),
    "a <style> element (use a file under static/css/)": re.compile(r"<style\b", re.I),
    "a style= attribute (use a class, or data-width/data-colour)": re.compile(
        r"<[a-z][^<>]*?\sstyle\s*=", re.I
    ),
}


def template_files() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))


def scan(text: str) -> list[str]:
    return [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]


def test_the_template_scan_finds_every_kind_of_inline_code() -> None:
    for bad in (
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<select name="b" onchange="this.form.submit()">',
        '<button class="x" onClick = "go()">',
        '<a href="javascript:void(0)">',
        '<div hx-on:click="x()">',
        "<div hx-vals='js:{a: b()}'>",
        "<style>.a{}</style>",
        '<span class="fill" style="width: 5%">',
    ):
        assert scan(bad), bad
    for good in (
        '<script src="/static/js/page.js" defer></script>',
        '<select name="b" data-submit-on-change>',
        '<span class="fill" data-width="5">',
        '<link rel="stylesheet" href="/static/css/linli.css">',
        "<p>Questions on tests? Once a day at noon = fine.</p>",
    ):
        assert not scan(good), good


def test_no_template_has_inline_code_the_policy_would_block() -> None:
    files = template_files()
    assert len(files) > 100
    found = [
        f"{path.relative_to(REPO)}: {what}"
        for path in files
        for what in scan(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


# ---- manage.py check --deploy -----------------------------------------------------------------


def production_environment(var_dir: Path) -> dict[str, str]:
    """Every variable production requires, with safe stand-in values: the one place to add a new
    required variable (an encryption key…)."""
    return {
        "LINLI_PRODUCTION": "1",
        "LINLI_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "linli.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://linli.example.cn",
        "DATABASE_URL": "postgres://linli@127.0.0.1:5432/linli",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "TEXT_GATEWAY": "console",
        "TEXT_CONSOLE_IN_PRODUCTION": "1",
        "LINLI_DATA_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "LINLI_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def test_check_deploy_finds_nothing_in_production(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **production_environment(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.stderr == ""
    assert done.returncode == 0
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."
