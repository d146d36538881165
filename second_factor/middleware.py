"""Before the second factor, an account that must use one reaches only enrolment, verification
and logout: pages redirect there, session API calls get 403 with the code
"second_factor_required". An account must use one when a role of theirs is in
SECOND_FACTOR_ROLES, or when it has enrolled one (optional enrolment binds too). Bearer tokens
are not this middleware's: they needed the code when they were issued (second_factor.tokens)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from core.http import actor_of
from second_factor.error_codes import SecondFactorError
from second_factor.policies import actor_must_use_second_factor
from second_factor.selectors import is_enrolled
from second_factor.session import PENDING_KEY, is_pending, is_verified

# Reachable before the second factor: its own pages, logging out, choosing a language.
OPEN_URL_NAMES = {"accounts:logout", "accounts:set_language"}
OPEN_NAMESPACE = "second_factor"


def _is_open(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 shows nothing
    return match.namespace == OPEN_NAMESPACE or match.view_name in OPEN_URL_NAMES


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        blocked = self._blocked(request)
        if blocked is not None:
            return blocked
        return self.get_response(request)

    def _blocked(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(request):
            return None
        required = actor_must_use_second_factor(actor_of(request))
        if not required and not is_pending(request):
            return None
        if _is_open(request.path_info):
            return None
        enrolled = is_enrolled(user)
        if not required and not enrolled:
            # The factor was reset by Setup since this login: nothing left to ask for.
            request.session.pop(PENDING_KEY, None)
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _("Confirm your second factor first."),
                    "errors": [
                        {
                            "field": "__all__",
                            "message": _("Confirm your second factor first."),
                            "code": SecondFactorError.SECOND_FACTOR_REQUIRED.value,
                        }
                    ],
                },
                status=403,
            )
        target = reverse("second_factor:verify" if enrolled else "second_factor:enrol")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
