from django.urls import path

from home.web import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
]
