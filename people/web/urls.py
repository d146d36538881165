from django.urls import path

from people.web import views

app_name = "people"
urlpatterns = [
    path("residents/<int:resident_id>/", views.resident_detail, name="resident"),
    path("residents/<int:resident_id>/reveal/", views.resident_reveal, name="resident_reveal"),
]
