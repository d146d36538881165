from django.urls import URLPattern, path

from mobilisation.web import patrol_views as views

urlpatterns: list[URLPattern] = [
    path("patrols/", views.patrols, name="patrols"),
    path("patrols/routes/new/", views.route_new, name="route_new"),
    path("patrols/routes/<int:route_id>/", views.route_detail, name="route"),
    path("patrols/<int:patrol_id>/", views.patrol_detail, name="patrol"),
]
