"""The opinion pages (舆情): incidents, a new report, one incident with its handling, its
rebuttal."""

from django.urls import URLPattern, path

from notices.web import opinion_views as views

urlpatterns: list[URLPattern] = [
    path("opinion/", views.incident_list, name="incident_list"),
    path("opinion/new/", views.incident_new, name="incident_new"),
    path("opinion/<int:incident_id>/", views.incident_detail, name="incident"),
    path("opinion/<int:incident_id>/rebut/", views.incident_rebut, name="incident_rebut"),
]
