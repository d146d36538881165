"""The protection guide's pages: the public list (search, topic) and item, and editing by the
city's admins."""

from django.urls import URLPattern, path

from notices.web import guide_views as views

urlpatterns: list[URLPattern] = [
    path("guide/", views.guide_list, name="guide"),
    path("guide/new/", views.guide_new, name="guide_new"),
    path("guide/<int:guide_item_id>/", views.guide_item, name="guide_item"),
    path("guide/<int:guide_item_id>/edit/", views.guide_edit, name="guide_edit"),
]
