"""Oversized request bodies are refused at the door, before a byte of them is read (issue 15
item 26): a 50 MB upload used to be received whole before the import's 10 MB check refused it.

The declared Content-Length decides (the proxy's client_max_body_size stops bodies that lie, and
Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds what is read into memory). Uploads of a registry
workbook may carry the import's limit; every other request is small.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


def body_limit(path: str) -> int:
    """The most bytes a request to `path` may carry."""
    if any(path.startswith(p) for p in settings.LINLI_UPLOAD_PATHS):
        return int(settings.LINLI_UPLOAD_MAX_BYTES)
    return int(settings.LINLI_BODY_MAX_BYTES)


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.path)
        if length > limit:
            # This runs before LocaleMiddleware: answer in the language the request asks for.
            translation.activate(translation.get_language_from_request(request))
            mb = f"{limit / 1024 / 1024:.0f}"
            message = _("The request is too large: send at most %(mb)s MB.") % {"mb": mb}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": []}, status=413)
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)
