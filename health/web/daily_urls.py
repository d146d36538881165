from django.urls import path

from health.web import daily_views

app_name = "daily"

urlpatterns = [
    path("", daily_views.daily_home, name="home"),
    path("<int:daily_report_id>/", daily_views.daily_report, name="report"),
    path(
        "<int:daily_report_id>/export.xlsx", daily_views.daily_report_export, name="report_export"
    ),
    path("places/<int:place_id>/", daily_views.daily_place, name="place"),
    path("places/<int:place_id>/export.xlsx", daily_views.daily_place_export, name="place_export"),
    path("places/<int:place_id>/deadline/", daily_views.daily_deadline, name="deadline"),
]
