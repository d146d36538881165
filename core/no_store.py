"""Cache-Control: no-store on every response Django makes.

Pages and API answers carry personal data (names, ID and phone numbers, health reports): no
browser, proxy or shared phone may keep a copy. Static files never get here (WhiteNoise answers
them first, with its own long caching). A view that sets its own Cache-Control keeps it: the
QR images of join and check-in links are "private, max-age=300" on purpose.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
