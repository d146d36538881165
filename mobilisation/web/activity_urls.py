from django.urls import URLPattern, path

from mobilisation.web import activity_views as views

urlpatterns: list[URLPattern] = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity"),
    path("hours/", views.hours, name="hours"),
]
