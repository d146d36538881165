from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from accounts.forms import AdminLoginForm
from config.api import api
from core.admin_site import site as admin_site

# The setup site's login shares the login page's lockout message (the lock itself is in the
# authentication backend, for every way in).
admin_site.login_form = AdminLoginForm

# The API authenticates each operation itself (bearer token or session, deny by default), so the
# login redirect of LoginRequiredMiddleware must not answer for it with an HTML page.
api_patterns, api_app, api_namespace = api.urls
for pattern in api_patterns:
    if hasattr(pattern, "callback") and pattern.callback is not None:
        pattern.callback = login_not_required(pattern.callback)

urlpatterns = [
    path("", include("home.web.urls")),
    path("", include("accounts.web.urls")),
    path("", include("people.web.place_urls")),
    path("", include("people.web.urls")),
    path("registry/", include("people.web.registry_urls")),
    path("registry/imports/", include("people.web.import_urls")),
    path("", include("config.party_urls")),
    path("health/flags/", include("triage.web.flag_urls")),
    path("health/", include("health.web.urls")),
    path("screening/", include("health.web.screening_urls")),
    path("sweeps/", include("health.web.sweep_urls")),
    path("daily/", include("reports.web.urls")),
    path("workers/", include("health.web.worker_urls")),
    path("triage/", include("triage.web.urls")),
    path("care/", include("care.web.urls")),
    path("requests/", include("service_requests.web.urls")),
    path("supplies/", include("supplies.web.urls")),
    path("duty/", include("mobilisation.web.urls")),
    path("", include("notices.web.urls")),
    path("inbox/", include("notifications.web.urls")),
    path("", include("front_door.web.urls")),
    path("", include("second_factor.web.urls")),
    path("open311/v2/", include("service_requests.open311.urls")),
    path("api/", include((api_patterns, api_app), namespace=api_namespace)),
    path("admin/", admin_site.urls),
    # Browsers and tools ask for /favicon.ico whatever the page says.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
        name="favicon",
    ),
    path(
        "robots.txt",
        login_not_required(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
        ),
        name="robots",
    ),
]

# Failures outside a view's own answer: JSON under /api/, our pages elsewhere (core.error_views).
handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
