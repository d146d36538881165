"""Shared by the second factor's tests: the roles that need it, logging in, codes from a
device's key (as an authenticator app computes them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from second_factor.enrolment import app_enrol, app_enrolment_device, app_enrolment_key
from testkit.city import PASSWORD

PRODUCTION_ROLES = frozenset({"street_admin", "district_admin", "city_admin", "unit_admin"})


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or that many 30-second steps later)."""
    t0 = device.t0 - steps_ahead * device.step
    value = totp(device.bin_key, step=device.step, t0=t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def password_login(client: Client, username: str, password: str = PASSWORD) -> str:
    """Log in on the login page; where it sends the browser."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]
    return str(response["Location"])


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    """An account with a confirmed authenticator app (the code of the current step is used)."""
    key = app_enrolment_key()
    device = app_enrolment_device(user=user, key=key)
    return app_enrol(user=user, key=key, typed=app_code(device), address="127.0.0.1")


def enrolment_device(client: Client, user: User) -> TOTPDevice:
    """The authenticator being enrolled on the enrolment page (its secret in the session)."""
    return app_enrolment_device(user=user, key=client.session["second_factor_enrol_key"])


def a_minute_later() -> Any:
    """Two time steps on: the app shows a new code (the one used before would be a replay)."""
    return time_machine.travel(datetime.now(UTC) + timedelta(seconds=61), tick=True)
