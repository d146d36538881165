from django.urls import path

from people.web import registry_views as views

app_name = "registry"
urlpatterns = [
    path("", views.registry_list, name="list"),
    path("export/", views.registry_export, name="export"),
    path("households/new/", views.household_add, name="household_add"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:household_id>/move/", views.household_move, name="household_move"),
    path(
        "households/<int:household_id>/residents/new/",
        views.resident_add,
        name="resident_add",
    ),
    path("residents/<int:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:resident_id>/status/", views.resident_status, name="resident_status"),
    path("residents/<int:resident_id>/move/", views.resident_move, name="resident_move"),
]
