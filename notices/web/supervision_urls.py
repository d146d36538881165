"""The supervision pages (督导): inspections, rectifications, teams and area leads."""

from django.urls import URLPattern, path

from notices.web import supervision_views as views

urlpatterns: list[URLPattern] = [
    path("supervision/", views.inspection_list, name="inspection_list"),
    path("supervision/new/", views.inspection_new, name="inspection_new"),
    path("supervision/<int:inspection_id>/", views.inspection_detail, name="inspection"),
    path("supervision/rectifications/", views.rectification_list, name="rectifications"),
    path(
        "supervision/rectifications/<int:rectification_id>/",
        views.rectification_detail,
        name="rectification",
    ),
    path("supervision/teams/", views.team_list, name="teams"),
    path("supervision/teams/<int:team_id>/", views.team_detail, name="team"),
    path("supervision/area-leads/", views.area_lead_list, name="area_leads"),
    path("supervision/area-leads/<int:area_lead_id>/", views.area_lead_detail, name="area_lead"),
]
