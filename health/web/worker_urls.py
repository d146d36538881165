from django.urls import path

from health.web import worker_views

app_name = "workers"

urlpatterns = [
    path("", worker_views.workers_home, name="home"),
    path("health/", worker_views.worker_report, name="report"),
    path("community/<int:place_id>/", worker_views.worker_community, name="community"),
]
