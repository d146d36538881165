from django.urls import path

from mobilisation.web import post_views as views

urlpatterns = [
    path("", views.home, name="home"),
    path("posts/", views.post_list, name="posts"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("zones/", views.zone_list, name="zones"),
    path("zones/new/", views.zone_new, name="zone_new"),
    path("zones/<int:zone_id>/", views.zone_detail, name="zone"),
    path("my-building/", views.my_zone, name="my_zone"),
]
