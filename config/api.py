"""The JSON API root: /api/, OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from accounts.api_auth import BearerAuth, SessionAuth
from core.actor import Actor
from core.api import ErrorOut, install_error_handlers

# What any operation may answer through the shared handlers (core.api), whatever its own
# `response=` says: an unreadable body, no or a wrong token, out of scope, missing, invalid
# fields, too large, too many. Documented so that clients (and schemathesis) may expect them.
SHARED_ERRORS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Content Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
}


class LinliAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {}).setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, text in SHARED_ERRORS.items():
                    if status == 401 and not operation.get("security"):
                        continue
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": text, "content": error}
        return schema


def docs_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and its page for logged-in users (session or bearer token) unless
    settings.API_DOCS_PUBLIC: the document maps every operation, which helps an attacker more
    than a visitor. Read at each request, so the setting can be turned in a test."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_PUBLIC:
            return view(request, *args, **kwargs)
        actor = getattr(request, "actor", None)
        if isinstance(actor, Actor) and actor.is_authenticated:
            return view(request, *args, **kwargs)
        if BearerAuth()(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            response = HttpResponse(
                ErrorOut(detail=_("Log in or send a valid bearer token.")).model_dump_json(),
                status=401,
                content_type="application/json",
            )
            response["WWW-Authenticate"] = "Bearer"
            return response
        return redirect_to_login(request.get_full_path())

    return guarded


# Deny by default: every operation needs a bearer token or a session unless it says auth=None.
api = LinliAPI(
    title="Linli API",
    version="1",
    urls_namespace="api",
    auth=[BearerAuth(), SessionAuth(csrf=True)],
    docs_decorator=docs_login,
)
install_error_handlers(api)

from accounts.api.routes import router as accounts_router  # noqa: E402
from care.api.routes import router as care_router  # noqa: E402
from health.api.routes import router as health_router  # noqa: E402
from health.api.screening_routes import router as screening_router  # noqa: E402
from mobilisation.api.deployment_routes import router as deployment_router  # noqa: E402
from mobilisation.api.duty_routes import router as duty_router  # noqa: E402
from notices.api.guide_routes import router as guide_router  # noqa: E402
from notices.api.notice_routes import router as notice_router  # noqa: E402
from notices.api.opinion_routes import router as opinion_router  # noqa: E402
from notices.api.supervision_routes import router as supervision_router  # noqa: E402
from notifications.api.routes import router as notifications_router  # noqa: E402
from outreach.api.recognition_routes import router as recognition_router  # noqa: E402
from outreach.api.study_routes import router as study_router  # noqa: E402
from party.api.routes import router as party_router  # noqa: E402
from people.api.import_routes import router as registry_import_router  # noqa: E402
from people.api.place_routes import router as places_router  # noqa: E402
from people.api.routes import router as people_router  # noqa: E402
from reports.api.routes import router as daily_router  # noqa: E402
from service_requests.api.routes import router as requests_router  # noqa: E402
from triage.api.routes import router as triage_router  # noqa: E402

api.add_router("", accounts_router)
api.add_router("", places_router)
api.add_router("", people_router)
api.add_router("", party_router)
api.add_router("", registry_import_router)
api.add_router("", health_router)
api.add_router("", screening_router)
api.add_router("", daily_router)
api.add_router("", triage_router)
api.add_router("", requests_router)
api.add_router("", care_router)
api.add_router("", deployment_router)
api.add_router("", duty_router)
api.add_router("", study_router)
api.add_router("", recognition_router)
api.add_router("", notice_router)
api.add_router("", opinion_router)
api.add_router("", supervision_router)
api.add_router("", guide_router)
api.add_router("", notifications_router)
