"""Who sees an ID number or a person's phone in full: one rule for pages and the API.

Personal identifiers are shown masked (core.masking) unless the reader's job needs the number:
the carer phoning their households, the office handling a resident's request, the community
admin who calls a cadre. Each such rule is one policy function of its app (care.policies,
service_requests.selectors.names_resident, mobilisation.deployment_selectors.calls_cadre), and the
page and the API of that resource both pass its answer to `shown_phone` — so they cannot differ.
Everything else is one audited reveal away: the resident page's "show in full" and
POST /api/residents/{resident_id}/reveal, both people.services.resident_reveal (same roles, same
reason, same audit row).

Every field of an API answer that carries an ID number or a phone is declared with one of the
types below, which the OpenAPI document marks with `x-disclosure`; a house rule test fails on
any output field named like a phone or an ID number without one, and the page/API test compares
each such resource with its page for every role (core/tests/test_page_api_masking.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from core.masking import mask_id_number, mask_phone

__all__ = [
    "InstitutionPhone",
    "MaskedIdNumber",
    "MaskedPhone",
    "RevealedIdNumber",
    "RevealedPhone",
    "ShownPhone",
    "shown_phone",
]


def shown_phone(value: str | None, *, full: bool) -> str:
    """The phone as this reader may see it: in full only when the resource's policy says the
    reader's job needs it."""
    return (value or "") if full else mask_phone(value)


def _disclosure(kind: str, text: str) -> Any:
    return Field(description=text, json_schema_extra={"x-disclosure": kind})


# Masked whatever the endpoint passes in (masking is idempotent).
MaskedPhone = Annotated[
    str,
    AfterValidator(mask_phone),
    _disclosure("masked", "Masked (138****5678); in full only through the audited reveal."),
]
MaskedIdNumber = Annotated[
    str,
    AfterValidator(mask_id_number),
    _disclosure("masked", "Masked (420102********123X); in full only through the audited reveal."),
]
# As `shown_phone` gave it: in full to readers whose job is to call, as the page shows it.
ShownPhone = Annotated[
    str,
    _disclosure("policy", "In full to those who call this person (as the page), else masked."),
]
# The answer of the audited reveal operation itself.
RevealedPhone = Annotated[str, _disclosure("revealed", "In full: this answer is recorded.")]
RevealedIdNumber = Annotated[str, _disclosure("revealed", "In full: this answer is recorded.")]
# Not a person's number: a hospital's or a site's contact line.
InstitutionPhone = Annotated[str, _disclosure("public", "The institution's contact number.")]
