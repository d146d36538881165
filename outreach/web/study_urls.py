"""The study pages' URL patterns (主题党日, M3)."""

from django.urls import URLPattern, path

from outreach.web import study_views as views

urlpatterns: list[URLPattern] = [
    path("study/", views.study_list, name="study_list"),
    path("study/new/", views.programme_new, name="programme_new"),
    path("study/<int:programme_id>/", views.programme, name="programme"),
    path("study/materials/<int:material_id>/", views.material, name="material"),
    path("study/<int:programme_id>/completion/", views.completion, name="completion"),
    path("study/<int:programme_id>/discussion/", views.discussion, name="discussion"),
    path("study/<int:programme_id>/remind/", views.remind, name="remind"),
]
