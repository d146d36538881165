"""Triage URLs of the case pages (included by triage.web.urls under the "triage" namespace)."""

from django.urls import URLPattern, path

from triage.web import case_views as views

urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    # One URL per form of the case page (a post to the case itself still reaches them).
    path("cases/<int:case_id>/assess/", views.case_assess, name="case_assess"),
    path("cases/<int:case_id>/dispose/", views.case_dispose, name="case_dispose"),
    path("cases/<int:case_id>/transport/", views.case_transport, name="case_transport"),
    path("cases/<int:case_id>/contact/", views.case_contact, name="case_contact"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up_detail, name="follow_up"),
]
