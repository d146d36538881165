from django.urls import path

from health.web import sweep_views as views

app_name = "sweeps"

urlpatterns = [
    path("", views.sweep_list, name="list"),
    path("new/", views.sweep_new, name="new"),
    path("<int:sweep_id>/", views.sweep_detail, name="detail"),
    path("<int:sweep_id>/close/", views.sweep_close_view, name="close"),
    path("<int:sweep_id>/export.xlsx", views.sweep_export, name="export"),
]
