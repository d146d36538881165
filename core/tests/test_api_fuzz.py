"""Schemathesis over the OpenAPI document (issue 18 item 8): every API operation, called in-process
through Django's WSGI application with the bearer tokens of three roles, a few seeded examples
each. It fails on any 5xx, on any success that did not need the token (`ignored_auth`: the call
is repeated without it and with a wrong one), and on answers that do not match the schema.

Bounded for CI: EXAMPLES examples per operation and role, derandomised, so a run is the same run
on every machine (about a minute on a busy two-core machine, SQLite or PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api_auth import BearerAuth, SessionAuth
from accounts.services import api_token_issue
from core.tests.test_access_matrix import PARAM_MODELS, oracle
from testkit import TinyCity, summary_line

EXAMPLES = 5
# Generated ids name nothing (404): a couple of examples cover that path.
MISSING_EXAMPLES = 2
# An office high up, a worker on the ground, a resident: three different scopes and answers.
ROLES = ("city_admin", "grid_worker", "resident")
CHECKS = [
    not_a_server_error,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI application inside the test's transaction: like the test client, it must not
    close the connection at the end of each request (that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema: Any) -> list[Any]:
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document has a broken operation: {result}"
        found.append(result.ok())
    return found


def _seen_ids(user: Any, operation: Any) -> dict[str, Any] | None:
    """Path parameters naming objects the user may see (the first of each kind), so that the
    examples reach the operation's work and not only its 404; None when it takes none."""
    names = [p.name for p in operation.path_parameters]
    if not names:
        return None
    ids = {}
    for name in names:
        model = PARAM_MODELS[name]
        rows = list(model._default_manager.order_by("pk"))
        ids[name] = next((o for o in rows if oracle(user, o)), rows[0]).pk
    return ids


def _short(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return "\n".join(lines[:25])


def _fuzz(operation: Any, token: str, path_parameters: dict[str, Any] | None, examples: int) -> int:
    calls = 0

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(path_parameters=path_parameters))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()
    return calls


@pytest.mark.django_db
def test_api_survives_schemathesis(tiny_city: TinyCity, wsgi_app: WSGIHandler) -> None:
    tokens = {role: api_token_issue(user=tiny_city.users[role])[0] for role in ROLES}
    # The document itself needs a login in production (settings.API_DOCS_PUBLIC).
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", wsgi_app, headers={"Authorization": f"Bearer {tokens[ROLES[0]]}"}
    )
    operations = _operations(schema)
    assert len(operations) > 50, "the OpenAPI document lost its operations"
    calls = 0
    failures: list[str] = []
    for role, token in tokens.items():
        user = tiny_city.users[role]
        for operation in operations:
            # Ids of objects the role sees (the operation's work), then generated ones (404).
            seen = _seen_ids(user, operation)
            passes = [(seen, EXAMPLES), (None, MISSING_EXAMPLES)] if seen else [(None, EXAMPLES)]
            for ids, examples in passes:
                try:
                    calls += _fuzz(operation, token, ids, examples)
                except (Exception, BaseExceptionGroup) as exc:  # every failure in one report
                    failures.append(f"{role} {operation.label} {ids or ''}: {_short(exc)}")
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures)
    summary_line(
        f"schemathesis: {len(operations)} API operations × {len(ROLES)} roles × ≤{EXAMPLES} "
        f"examples → {calls} calls, no 5xx, no ignored auth, answers as the schema says"
    )


@pytest.mark.django_db
def test_fuzzing_catches_an_operation_that_ignores_its_token(
    tiny_city: TinyCity, wsgi_app: WSGIHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness itself: were the inbox to answer without a valid token, the run fails."""
    user = tiny_city.users["resident"]
    token, _t = api_token_issue(user=user)
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", wsgi_app, headers={"Authorization": f"Bearer {token}"}
    )
    (inbox,) = [o for o in _operations(schema) if o.label == "GET /api/notifications"]
    real = BearerAuth.authenticate
    monkeypatch.setattr(
        BearerAuth, "authenticate", lambda self, request, _k: real(self, request, token)
    )
    monkeypatch.setattr(SessionAuth, "authenticate", lambda self, request, key: user)
    with pytest.raises(BaseExceptionGroup, match="without authentication"):
        _fuzz(inbox, token, None, 1)
