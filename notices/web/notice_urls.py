"""The notice pages: the list, publishing, one notice (read by residents), its relay by a
community, its reach per community and withdrawing it."""

from django.urls import URLPattern, path

from notices.web import notice_views as views

urlpatterns: list[URLPattern] = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/relay/", views.notice_relay, name="notice_relay"),
    path("notices/<int:notice_id>/reach/", views.notice_reach, name="notice_reach"),
    path("notices/<int:notice_id>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
]
