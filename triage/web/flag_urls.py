"""The flag page, at /health/flags/<id>/ where residents' reports raise it (namespace "flags")."""

from django.urls import path

from triage.web import flag_views

app_name = "flags"

urlpatterns = [
    path("<int:flag_id>/", flag_views.flag_detail, name="detail"),
    path("<int:flag_id>/handover/", flag_views.flag_handover, name="handover"),
    path("<int:flag_id>/dismiss/", flag_views.flag_dismiss, name="dismiss"),
]
