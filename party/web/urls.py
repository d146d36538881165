from django.urls import path

from party.web import deployment_urls, recognition_urls, study_urls, views

app_name = "party"
urlpatterns = [
    path("party/", views.party_org_roots, name="roots"),
    path("party/<int:org_id>/", views.party_org_detail, name="detail"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    *deployment_urls.urlpatterns,
    *study_urls.urlpatterns,
    *recognition_urls.urlpatterns,
]
