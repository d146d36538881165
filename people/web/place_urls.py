from django.urls import path

from people.web import place_views as views

app_name = "places"
urlpatterns = [
    path("places/", views.place_roots, name="roots"),
    path("places/<int:place_id>/", views.place_detail, name="detail"),
]
