"""Open311 GeoReport v2, mounted at /open311/v2/ (JSON only; docs/open311.md)."""

from django.urls import path

from service_requests.open311 import views

app_name = "open311"

urlpatterns = [
    path("services.json", views.services_list, name="services"),
    path("requests.json", views.requests_list, name="requests"),
    path("requests/<str:request_id>.json", views.request_detail, name="request"),
]
