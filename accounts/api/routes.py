from collections.abc import Callable

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from accounts.models import User
from accounts.services import (
    TOKEN_LIFETIME,
    api_token_issue,
    login_locked_for,
)
from core.api import ErrorOut
from core.error_codes import CoreError
from core.errors import field_error
from core.http import actor_of

router = Router(tags=["accounts"])

# What a higher floor asks of a token's request once the password is right (second_factor: the
# code of an account that needs one, added at start-up by second_factor.apps): None to go on, or
# the refusal's status and body.
TokenCheck = Callable[[HttpRequest, User, str], tuple[int, dict[str, object]] | None]
TOKEN_CHECKS: list[TokenCheck] = []


class TokenIn(Schema):
    username: str
    password: str
    # The second factor's code (authenticator app or recovery code), for accounts that use one.
    code: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_in: int


class GrantOut(Schema):
    role: str
    scope_kind: str
    place_id: int | None
    unit_id: int | None
    household_id: int | None
    label: str


class MeOut(Schema):
    username: str
    display_name: str
    grants: list[GrantOut]


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def auth_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Exchange a username and password for a bearer token (sent as `Authorization: Bearer …`)."""
    if not payload.username.strip():
        raise field_error("username", _("Username is required."), CoreError.REQUIRED)
    # The backend counts this attempt and refuses a locked username (accounts.backends).
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None and login_locked_for(request, payload.username):
        return Status(
            429,
            {
                "detail": _("Too many wrong passwords for this username. Wait 15 minutes."),
                "errors": [
                    {
                        "field": "password",
                        "message": _("Too many wrong passwords."),
                        "code": "locked",
                    }
                ],
            },
        )
    if user is None:
        return Status(
            401,
            {
                "detail": _("Wrong username or password."),
                "errors": [
                    {
                        "field": "password",
                        "message": _("Wrong username or password."),
                        "code": "invalid_login",
                    }
                ],
            },
        )
    for check in TOKEN_CHECKS:
        refusal = check(request, user, payload.code)  # type: ignore[arg-type]
        if refusal is not None:
            return Status(*refusal)
    raw, _token = api_token_issue(user=user)  # type: ignore[arg-type]
    return Status(200, {"token": raw, "expires_in": int(TOKEN_LIFETIME.total_seconds())})


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request)
    return {
        "username": actor.username,
        "display_name": actor.display_name,
        "grants": [g.__dict__ for g in actor.grants],
    }
