from django.urls import path

from reports.web import views

app_name = "daily"

urlpatterns = [
    path("", views.daily_home, name="home"),
    path("<int:daily_report_id>/", views.daily_report, name="report"),
    path("<int:daily_report_id>/export.xlsx", views.daily_report_export, name="report_export"),
    path("places/<int:place_id>/", views.daily_place, name="place"),
    path("places/<int:place_id>/export.xlsx", views.daily_place_export, name="place_export"),
    path("places/<int:place_id>/deadline/", views.daily_deadline, name="deadline"),
]
