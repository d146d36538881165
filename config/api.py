"""The JSON API root: /api/, OpenAPI at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI

from accounts.api_auth import BearerAuth, SessionAuth
from core.api import install_error_handlers

# Deny by default: every operation needs a bearer token or a session unless it says auth=None.
api = NinjaAPI(
    title="Linli API",
    version="1",
    urls_namespace="api",
    auth=[BearerAuth(), SessionAuth(csrf=True)],
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
