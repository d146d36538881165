"""Single-item request bodies list their choices: OpenAPI shows an `enum` for each typed field.

Each typed field is a `Literal[...]` of the model's TextChoices values (plus "" where "not sent"
reaches the service, which then names the field as required). The lists are written out in the
schemas; these tests keep them equal to the models', so a new choice cannot be forgotten there.
A wrong value is then ninja's 422 "Choose one of the allowed values." (core.api).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db.models import TextChoices
from django.test import Client

from care.models import ContactKind, HealthState
from config.api import api
from core.api import input_error_message
from health.models import Declared, VisitOutcome
from mobilisation.models import FindingKind, NeedKind
from notices.models import IncidentKind, NoticeKind, RelayChannel
from notices.models import Urgency as NoticeUrgency
from people.models import Relation, ResidentStatus
from service_requests.models import RequestCategory, Urgency
from testkit import TinyCity


def values(choices: type[TextChoices], *extra: str) -> set[str]:
    return {str(v) for v in choices.values} | set(extra)


# (method, path, field): the values OpenAPI must list for it.
TYPED: dict[tuple[str, str, str], set[str]] = {
    ("post", "/api/care/assignments/{assignment_id}/contacts", "kind"): values(ContactKind, ""),
    ("post", "/api/care/assignments/{assignment_id}/contacts", "health"): values(HealthState),
    ("post", "/api/care/assignments/{assignment_id}/contacts", "request_category"): values(
        RequestCategory, ""
    ),
    ("post", "/api/care/assignments/{assignment_id}/contacts", "request_urgency"): values(
        Urgency, ""
    ),
    ("post", "/api/patrols/{patrol_id}/findings", "kind"): values(FindingKind, ""),
    ("post", "/api/patrols/{patrol_id}/findings", "to_request"): values(RequestCategory, ""),
    ("post", "/api/worker-needs", "kind"): values(NeedKind, ""),
    ("post", "/api/health-reports", "presence"): {"", "present", "away"},
    ("post", "/api/health-reports", "declared"): values(Declared),
    ("post", "/api/screening-visits", "outcome"): values(VisitOutcome),
    ("post", "/api/notices", "kind"): values(NoticeKind, ""),
    ("post", "/api/notices/{notice_id}/relay", "channels"): values(RelayChannel),
    ("post", "/api/opinion/incidents", "kind"): values(IncidentKind, ""),
    ("post", "/api/opinion/incidents", "urgency"): values(NoticeUrgency, ""),
    ("post", "/api/opinion/incidents/{incident_id}/actions", "status"): {"", "handling", "closed"},
    ("post", "/api/supervision/rectifications/{rectification_id}/updates", "status"): {
        "",
        "reported",
        "closed",
        "open",
    },
    ("post", "/api/residents", "relation"): values(Relation),
    ("patch", "/api/residents/{resident_id}", "relation"): values(Relation),
    ("post", "/api/residents/{resident_id}/status", "status"): values(ResidentStatus, ""),
    ("post", "/api/residents/{resident_id}/move", "relation"): values(Relation, ""),
    ("post", "/api/requests", "category"): values(RequestCategory, ""),
    ("post", "/api/requests", "urgency"): values(Urgency),
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _enum(schema: dict[str, Any], prop: dict[str, Any]) -> list[str] | None:
    """The enum of a property: itself, its nullable form (anyOf) or its list items."""
    prop = _resolve(schema, prop)
    if "enum" in prop:
        return list(prop["enum"])
    for part in prop.get("anyOf", []):
        found = _enum(schema, part)
        if found is not None:
            return found
    if "items" in prop:
        return _enum(schema, prop["items"])
    return None


@pytest.mark.parametrize(("method", "path", "field"), sorted(TYPED))
def test_a_typed_choice_is_listed_in_openapi(
    schema: dict[str, Any], method: str, path: str, field: str
) -> None:
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    prop = _resolve(schema, body)["properties"][field]
    listed = _enum(schema, prop)
    assert listed is not None, f"{method.upper()} {path}: {field} lists no enum"
    assert set(listed) == TYPED[(method, path, field)]
    assert len(listed) == len(set(listed))


def test_a_bad_choice_is_ninjas_422_in_the_users_words(tiny_city: TinyCity) -> None:
    client = Client()
    client.force_login(tiny_city.users["grid_worker"])
    elder = tiny_city.inside.residents[1]
    body = {"resident_id": elder.pk, "category": "rocket", "details": "x"}
    r = client.post("/api/requests", json.dumps(body), content_type="application/json")
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("category", "literal_error")]
    assert errors[0]["message"] == str(input_error_message("literal_error", {}))
    assert "Input should be" not in errors[0]["message"]
