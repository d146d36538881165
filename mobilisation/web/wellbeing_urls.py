from django.urls import URLPattern, path

from mobilisation.web import wellbeing_views as views

urlpatterns: list[URLPattern] = [
    path("wellbeing/", views.wellbeing, name="wellbeing"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
]
