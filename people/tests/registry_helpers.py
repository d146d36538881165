"""Helpers for the registry tests: actors for the tiny city's accounts, residents registered
through the real services (so their search keys are real), and logged-in clients."""

from __future__ import annotations

import itertools
from datetime import date

from django.test import Client

from accounts.selectors import actor_for_user
from core.actor import Actor
from core.validators import id_check_digit
from people import services
from people.models import Relation, Resident
from places.models import Household
from testkit import ROOT, TinyCity

_seq = itertools.count(500)


def id_number(born: date = date(1956, 3, 8), region: str = "420103") -> str:
    first17 = f"{region}{born:%Y%m%d}{next(_seq) % 1000:03d}"
    return first17 + id_check_digit(first17)


def mobile() -> str:
    return f"1390000{next(_seq):04d}"


def actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def register(
    household: Household,
    name: str,
    *,
    id_no: str | None = None,
    phone: str | None = None,
    relation: str = Relation.OTHER,
    flags: tuple[str, ...] = (),
    by: Actor = ROOT,
) -> Resident:
    return services.resident_register(
        actor=by,
        household=household,
        data=services.PersonData(
            name=name,
            id_number=id_number() if id_no is None else id_no,
            phone=mobile() if phone is None else phone,
            relation=relation,
        ),
        flags=flags,
    )


def client_for(tc: TinyCity, role: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(tc.users[role])
    return client
