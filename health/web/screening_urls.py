from django.urls import path

from health.web import screening_views as views

app_name = "screening"

urlpatterns = [
    path("", views.screening_home, name="home"),
    path("buildings/<int:place_id>/", views.screening_building, name="building"),
    path("households/<int:household_id>/", views.screening_household, name="household"),
]
