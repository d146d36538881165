from django.urls import path

from health.web import views

app_name = "health"

urlpatterns = [
    path("", views.health_home, name="home"),
    path("report/", views.household_report, name="report"),
    path("coverage/<int:place_id>/", views.coverage_page, name="coverage"),
    path("coverage/<int:place_id>/missing/", views.not_reported_page, name="not_reported"),
    path("coverage/<int:place_id>/missing/call/", views.call_result, name="call_result"),
    path("flags/", views.flag_list, name="flags"),
]
