"""From where: the request being served, for the audit trail.

`RequestOriginMiddleware` keeps the current request in a context variable for the length of the
request, so `audit_record` can note the address and browser of every event without each caller
passing them, and signal handlers (logins, grant changes) know who acted. Outside a request (jobs,
commands) there is none: the address stays empty.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from ipaddress import ip_address

from django.http import HttpRequest, HttpResponse

from core.masking import mask_in_text

USER_AGENT_LENGTH = 120

_current: ContextVar[HttpRequest | None] = ContextVar("linli_request", default=None)


@dataclass(frozen=True)
class Origin:
    ip: str | None
    user_agent: str


def current_request() -> HttpRequest | None:
    return _current.get()


def current_origin() -> Origin:
    request = _current.get()
    if request is None:
        return Origin(ip=None, user_agent="")
    return Origin(
        ip=_valid_ip(request.META.get("REMOTE_ADDR", "")),
        # Shortened: enough to tell a phone from a desktop; a full string can fingerprint.
        user_agent=mask_in_text(str(request.META.get("HTTP_USER_AGENT", "")))[:USER_AGENT_LENGTH],
    )


def current_user_id() -> int | None:
    """Who is logged in on the current request (None outside one, or for a visitor)."""
    request = _current.get()
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _valid_ip(value: str) -> str | None:
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


class RequestOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
