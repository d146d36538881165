from django.urls import path

from people.web import import_views

app_name = "people_import"
urlpatterns = [
    path("", import_views.start, name="start"),
    path("template/", import_views.template, name="template"),
    path("<int:import_id>/", import_views.detail, name="detail"),
    path("<int:import_id>/confirm/", import_views.confirm, name="confirm"),
    path("<int:import_id>/progress/", import_views.progress, name="progress"),
    path("<int:import_id>/rejected/", import_views.rejected, name="rejected"),
]
