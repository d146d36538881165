"""Resident request pages (mounted at /requests/, namespace "requests")."""

from django.urls import URLPattern, path

from service_requests.web import detail_views, resource_views, stats_views, views

app_name = "requests"

urlpatterns: list[URLPattern] = [
    path("", views.request_list, name="list"),
    path("mine/", views.request_mine, name="mine"),
    path("new/", views.request_new, name="new"),
    path("street/", views.street_queue, name="street"),
    path("vehicles/", resource_views.vehicle_list, name="vehicles"),
    path("vehicles/<int:vehicle_id>/", resource_views.vehicle_detail, name="vehicle"),
    path("targets/", resource_views.targets, name="targets"),
    path("stats/", stats_views.request_stats_page, name="stats"),
    path("<int:request_id>/", detail_views.request_detail, name="detail"),
    *[
        path(f"<int:request_id>/{name.replace('_', '-')}/", view, name=name)
        for name, view in detail_views.action_views.items()
    ],
]
