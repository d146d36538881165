"""The OpenAPI document says what the API does (issue 18 items 8 and 9): each schema under its own
name, the shared error answers on every operation, and the document behind a login unless
settings.API_DOCS_PUBLIC (on under DEBUG, off in production)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings
from ninja import Schema

from accounts.services import api_token_issue
from config.api import SHARED_ERRORS, api
from testkit import TinyCity


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_api_schemas_share_a_name() -> None:
    """Two schemas of one name are one entry in the document: the second silently replaces the
    first, and clients (and schemathesis) read the health coverage as mobilisation's."""
    import config.urls  # noqa: F401  (every router, hence every schema, imported)

    modules: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.split(".")[0] not in {"ninja", "pydantic"}:
            modules[schema.__name__].add(schema.__module__)
    shared = {name: sorted(m) for name, m in modules.items() if len(m) > 1}
    assert not shared, f"schemas sharing a name (rename one): {shared}"


def test_every_operation_documents_the_shared_errors() -> None:
    document = api.get_openapi_schema()
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = {int(s) for s in operation["responses"]}
            wanted = set(SHARED_ERRORS) - (set() if operation.get("security") else {401})
            if not wanted <= statuses:
                missing.append(f"{method} {path}: {sorted(wanted - statuses)}")
    assert not missing, missing


@pytest.mark.django_db
@override_settings(API_DOCS_PUBLIC=False)
def test_docs_need_a_login_in_production(tiny_city: TinyCity, client: Client) -> None:
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 401
    assert schema.json()["detail"]
    assert "paths" not in schema.json()
    page = client.get("/api/docs")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/?next=/api/docs")

    token, _t = api_token_issue(user=tiny_city.users["grid_worker"])
    with_token = client.get("/api/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert with_token.status_code == 200
    assert "/api/residents" in json.loads(with_token.content)["paths"]
    wrong = client.get("/api/openapi.json", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401

    client.force_login(tiny_city.users["resident"])
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/docs").status_code == 200


@pytest.mark.django_db
@override_settings(API_DOCS_PUBLIC=True)
def test_docs_open_to_visitors_when_public(client: Client) -> None:
    assert "paths" in client.get("/api/openapi.json").json()
    assert client.get("/api/docs").status_code == 200


@pytest.mark.parametrize(("debug", "public"), [("0", "False"), ("1", "True")])
def test_docs_public_by_default_only_under_debug(debug: str, public: str) -> None:
    """The default follows DEBUG (make run), read from a fresh interpreter's settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"API_DOCS_PUBLIC", "DEBUG"}}
    shown = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.API_DOCS_PUBLIC)"],
        env={**env, "DEBUG": debug},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == public
