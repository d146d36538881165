from django.urls import path

from places.web import views

app_name = "places"
urlpatterns = [
    path("places/", views.place_roots, name="roots"),
    path("places/<int:place_id>/", views.place_detail, name="detail"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
]
