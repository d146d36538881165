"""One rule for pages and the API (issue 15, item 7): `GET /api/triage/cases/{id}` gave the
health worker the full phone the case page masks behind the audited reveal.

- Every field of an API answer that carries an ID number or a phone declares how it is shown
  (core.disclosure), found from the API's own operations, so a new field cannot slip through.
- Every GET operation whose answer carries a masked or policy-shown ID or phone is compared with
  the page of the same resource, for every role of the tiny city: the API never shows in full a
  number the page masks, and (where both are the same resource) shows in full exactly what the
  page does. An operation added tomorrow with such a field fails here until its page is named.
- The API offers the page's audited reveal: same roles, a reason, an audit row.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from accounts.models import User
from accounts.services import api_token_issue
from config.api import api
from core.masking import mask_id_number, mask_phone
from core.models import AuditEvent
from core.roles import REVEAL_ROLES, Role
from mobilisation.models import Deployment
from places.models import Household
from service_requests.models import ServiceRequest
from testkit import TinyCity
from triage.models import TriageCase

pytestmark = pytest.mark.django_db

PERSONAL_NAMES = ("phone", "id_number", "idcard", "id_card")
# Not a person's number to mask: the institution's own line, and the reveal's own answer.
NOT_COMPARED = {"public", "revealed"}


# ---- the API's operations and their answer fields ---------------------------------------------


def _operations() -> Iterator[tuple[str, str, Any]]:
    """(method, OpenAPI path, ninja Operation) for every operation of the API."""
    schema = api.get_openapi_schema()
    by_id = {}
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            for op in view.operations:
                by_id[op.operation_id or api.get_openapi_operation_id(op)] = op
    for path, item in schema["paths"].items():
        for method, details in item.items():
            yield method, path, by_id[details["operationId"]]


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _fields(model: Any, seen: set[type] | None = None) -> Iterator[tuple[str, str, FieldInfo]]:
    """(model, field, its FieldInfo) for the model and every model inside it."""
    seen = set() if seen is None else seen
    for m in _models(model):
        if m in seen:
            continue
        seen.add(m)
        for name, info in m.model_fields.items():
            yield m.__name__, name, info
            yield from _fields(info.annotation, seen)


def _is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    args = typing.get_args(annotation)
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and str in args


def _disclosure(info: FieldInfo) -> str | None:
    extra = info.json_schema_extra
    return extra.get("x-disclosure") if isinstance(extra, dict) else None  # type: ignore[return-value]


def _personal_fields(op: Any) -> list[tuple[str, str, str | None]]:
    out = []
    for model in op.response_models.values():
        for owner, name, info in _fields(model):
            if any(w in name.lower() for w in PERSONAL_NAMES) and _is_text(info.annotation):
                out.append((owner, name, _disclosure(info)))
    return out


def test_every_answer_field_with_an_id_or_phone_says_how_it_is_shown() -> None:
    offenders = []
    birth_dates = []
    for method, path, op in _operations():
        for owner, name, disclosure in _personal_fields(op):
            if disclosure is None:
                offenders.append(f"{method.upper()} {path}: {owner}.{name}")
        for model in op.response_models.values():
            for owner, name, _info in _fields(model):
                if "birth" in name and name != "birth_year":
                    birth_dates.append(f"{method.upper()} {path}: {owner}.{name}")
    assert not offenders, (
        "declare these with a core.disclosure type (MaskedPhone, MaskedIdNumber, ShownPhone, "
        "InstitutionPhone):\n" + "\n".join(sorted(set(offenders)))
    )
    # The birth date is the masked middle of an ID number: answers carry the year only.
    assert not birth_dates, "\n".join(sorted(set(birth_dates)))


# ---- page against API, for every role ----------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """An API operation and the page of the same resource, and the numbers both may carry."""

    api: Callable[[TinyCity], str]
    page: Callable[[TinyCity], str]
    numbers: Callable[[TinyCity], list[str]]
    # The page shows the resource itself (not a list that may hold it): shown alike, both ways.
    same: bool = True


def _case(tc: TinyCity) -> TriageCase:
    return TriageCase.objects.get(resident=tc.inside.residents[0])


def _request(tc: TinyCity) -> ServiceRequest:
    return ServiceRequest.objects.filter(resident__in=tc.inside.residents).order_by("pk")[0]


def _deployment(tc: TinyCity) -> Deployment:
    return Deployment.objects.get(user=tc.users["cadre"], community=tc.inside.community)


def _people(tc: TinyCity) -> list[str]:
    out = []
    for r in tc.inside.residents:
        out += [r.person.phone, r.person.id_number or ""]
    return [n for n in out if n]


HOUSEHOLD_PHONE = "13347370001"
CADRE_PHONE = "13347370003"

PAIRS: dict[str, Pair] = {
    "/api/residents": Pair(
        lambda tc: f"/api/residents?household={tc.inside.household.pk}",
        lambda tc: reverse("home:household", args=[tc.inside.household.pk]),
        _people,
    ),
    "/api/residents/{resident_id}": Pair(
        lambda tc: f"/api/residents/{tc.inside.residents[0].pk}",
        lambda tc: reverse("people:resident", args=[tc.inside.residents[0].pk]),
        _people,
    ),
    "/api/households": Pair(
        lambda tc: f"/api/households?place={tc.inside.building.pk}",
        lambda tc: reverse("home:household", args=[tc.inside.household.pk]),
        lambda tc: [HOUSEHOLD_PHONE],
    ),
    "/api/households/{household_id}": Pair(
        lambda tc: f"/api/households/{tc.inside.household.pk}",
        lambda tc: reverse("home:household", args=[tc.inside.household.pk]),
        lambda tc: [HOUSEHOLD_PHONE],
    ),
    "/api/triage/cases/{case_id}": Pair(
        lambda tc: f"/api/triage/cases/{_case(tc).pk}",
        lambda tc: reverse("triage:case", args=[_case(tc).pk]),
        _people,
    ),
    "/api/requests/{request_id}": Pair(
        lambda tc: f"/api/requests/{_request(tc).pk}",
        lambda tc: reverse("requests:detail", args=[_request(tc).pk]),
        _people,
    ),
    "/api/care/mine": Pair(
        lambda tc: "/api/care/mine",
        lambda tc: reverse("care:mine"),
        lambda tc: [*_people(tc), HOUSEHOLD_PHONE],
    ),
    "/api/deployments/{deployment_id}": Pair(
        lambda tc: f"/api/deployments/{_deployment(tc).pk}",
        lambda tc: reverse("party:deployment", args=[_deployment(tc).pk]),
        lambda tc: [CADRE_PHONE],
    ),
    # Lists: the page of one deployment is where its phone is shown.
    "/api/deployments": Pair(
        lambda tc: f"/api/deployments?community={tc.inside.community.pk}",
        lambda tc: reverse("party:deployment", args=[_deployment(tc).pk]),
        lambda tc: [CADRE_PHONE],
        same=False,
    ),
    "/api/deployments/mine": Pair(
        lambda tc: "/api/deployments/mine",
        lambda tc: reverse("party:deployment", args=[_deployment(tc).pk]),
        lambda tc: [CADRE_PHONE],
        same=False,
    ),
    # The grid worker's call list has the call links; its API keeps phones masked for everyone.
    "/api/coverage/{place_id}/not-reported": Pair(
        lambda tc: f"/api/coverage/{tc.inside.grid.pk}/not-reported",
        lambda tc: reverse("health:not_reported", args=[tc.inside.grid.pk]),
        _people,
        same=False,
    ),
    # Rejected rows of an import: masked on the page and in the API (the tiny city's import has
    # none; tests/test_import_web.py covers their masking).
    "/api/registry-imports/{import_id}": Pair(
        lambda tc: f"/api/registry-imports/{_import(tc)}",
        lambda tc: reverse("people_import:detail", args=[_import(tc)]),
        _people,
        same=False,
    ),
}


def _import(tc: TinyCity) -> int:
    from people.models import RegistryImport

    return RegistryImport.objects.get(community=tc.inside.community).pk


def _compared_operations() -> dict[str, Any]:
    """GET operations whose answer carries a person's ID or phone (masked or by policy)."""
    return {
        path: op
        for method, path, op in _operations()
        if method == "get"
        and any(d not in NOT_COMPARED for _o, _n, d in _personal_fields(op) if d is not None)
    }


def test_every_operation_with_a_persons_number_has_its_page_named() -> None:
    found = set(_compared_operations())
    assert found - set(PAIRS) == set(), "name the page of each of these in PAIRS"
    assert set(PAIRS) - found == set(), "these no longer carry an ID or phone: remove them"


def _body(response: Any) -> str:
    return response.content.decode(errors="replace") if response.status_code == 200 else ""


@pytest.fixture
def city(tiny_city: TinyCity) -> TinyCity:
    Household.objects.filter(pk=tiny_city.inside.household.pk).update(phone=HOUSEHOLD_PHONE)
    User.objects.filter(pk=tiny_city.users["cadre"].pk).update(phone=CADRE_PHONE)
    return tiny_city


def test_the_api_shows_in_full_what_the_page_shows_in_full_and_no_more(city: TinyCity) -> None:
    tc = city
    api_client = Client()
    mismatches: list[str] = []
    compared = 0
    shown_by_both: set[str] = set()
    for role in [str(r) for r in Role]:
        user = tc.users[role]
        token, _t = api_token_issue(user=user)
        page_client = Client()
        page_client.force_login(user)
        for path, pair in PAIRS.items():
            api_url, page_url = pair.api(tc), pair.page(tc)
            api_answer = api_client.get(api_url, headers={"Authorization": f"Bearer {token}"})
            assert api_answer.status_code < 500, f"{role} {api_url}"
            page_answer = page_client.get(page_url)
            api_text, page_text = _body(api_answer), _body(page_answer)
            for number in pair.numbers(tc):
                in_api, in_page = number in api_text, number in page_text
                if in_api and not in_page:
                    mismatches.append(f"{role}: {api_url} shows {number}, {page_url} masks it")
                elif pair.same and api_text and page_text and in_page != in_api:
                    mismatches.append(f"{role}: {page_url} shows {number}, {api_url} masks it")
                compared += 1
                if in_api and in_page:
                    shown_by_both.add(f"{role} {path}")
    assert compared > 400, "the comparison must cover the roles and resources"
    assert not mismatches, "page and API disagree:\n" + "\n".join(mismatches)
    # Where a role's job is to call, both show the number (the comparison is not all masks).
    assert {
        "cadre /api/care/mine",
        "community_admin /api/requests/{request_id}",
        "grid_worker /api/requests/{request_id}",
        "community_admin /api/deployments/{deployment_id}",
        "cadre /api/deployments/{deployment_id}",
    } <= shown_by_both, shown_by_both


def test_the_case_api_masks_the_phone_as_the_case_page(city: TinyCity) -> None:
    """The reported defect, spelled out: the health worker reads the case through the API."""
    case = _case(city)
    phone = case.resident.person.phone
    token, _t = api_token_issue(user=city.users["health_worker"])
    answer = Client().get(
        f"/api/triage/cases/{case.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["phone"] == mask_phone(phone) and phone not in answer.content.decode()
    assert data["named"] and data["resident_id"] == case.resident_id


# ---- the reveal, through the API as through the page -------------------------------------------


def test_the_api_offers_the_pages_audited_reveal(city: TinyCity) -> None:
    resident = city.inside.residents[0]
    person = resident.person
    url = f"/api/residents/{resident.pk}/reveal"
    for role in [str(r) for r in Role]:
        user = city.users[role]
        token, _t = api_token_issue(user=user)
        headers = {"Authorization": f"Bearer {token}"}
        page = Client()
        page.force_login(user)
        before = AuditEvent.objects.count()
        page_answer = page.post(
            reverse("people:resident_reveal", args=[resident.pk]), {"reason": "上门核对"}
        )
        page_revealed = page_answer.status_code == 200 and person.phone in _body(page_answer)
        assert AuditEvent.objects.count() == before + (1 if page_revealed else 0), role
        # Without a reason: refused and not recorded (422 where the role may reveal at all).
        answer = Client().post(url, "{}", content_type="application/json", headers=headers)
        assert answer.status_code in (403, 404, 422), role
        assert AuditEvent.objects.count() == before + (1 if page_revealed else 0), role
        reason = json.dumps({"reason": "电话 13812345678 核对"})
        answer = Client().post(url, reason, "application/json", headers=headers)
        api_revealed = answer.status_code == 200
        assert api_revealed == page_revealed == (role in REVEAL_ROLES), role
        if api_revealed:
            assert answer.json() == {
                "resident_id": resident.pk,
                "id_number": person.id_number,
                "phone": person.phone,
            }
            event = AuditEvent.objects.latest("pk")
            assert (event.action, event.user_id) == ("reveal", user.pk)
            assert event.target_id == str(resident.pk)
            assert event.detail["reason"] == "电话 138****5678 核对"
            assert AuditEvent.objects.count() == before + 2
        else:
            assert answer.status_code in (403, 404), role
            assert AuditEvent.objects.count() == before, role
            assert person.phone not in answer.content.decode()
    # Elsewhere the API keeps them masked.
    token, _t = api_token_issue(user=city.users["grid_worker"])
    data = (
        Client()
        .get(f"/api/residents/{resident.pk}", headers={"Authorization": f"Bearer {token}"})
        .json()
    )
    assert data["phone_masked"] == mask_phone(person.phone)
    assert data["id_number_masked"] == mask_id_number(person.id_number)
