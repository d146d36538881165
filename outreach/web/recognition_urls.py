"""The recognition pages' URL patterns (M17): one parameter each, named as the access matrix
expects."""

from django.urls import URLPattern, path

from outreach.web import recognition_views as views

urlpatterns: list[URLPattern] = [
    path("recognition/", views.recognition_home, name="recognition"),
    path("recognition/people/<int:person_id>/", views.frontline, name="frontline"),
    path("recognition/commendations/", views.commendations, name="commendations"),
    path("recognition/commendations/new/", views.commendation_new, name="commendation_new"),
    path(
        "recognition/commendations/<int:commendation_id>/",
        views.commendation_detail,
        name="commendation",
    ),
    path(
        "recognition/nominations/<int:nomination_id>/",
        views.nomination_detail,
        name="nomination",
    ),
    path(
        "recognition/accountability/<int:accountability_id>/",
        views.accountability_detail,
        name="accountability",
    ),
    path("recognition/activists/", views.activists, name="activists"),
]
