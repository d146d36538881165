"""Triage URLs of the dashboard pages (included by triage.web.urls under the "triage" namespace)."""

from django.urls import URLPattern, path

from triage.web import dashboard_views as views

urlpatterns: list[URLPattern] = [
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("dashboard/summary/", views.dashboard_summary, name="dashboard_summary"),
    path("dashboard/<int:place_id>/", views.dashboard, name="dashboard"),
]
