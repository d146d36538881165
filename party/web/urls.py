from django.urls import path

from party.web import views

# The "party" namespace also holds the deployment, study and recognition pages (their URL names
# predate the split into mobilisation/ and outreach/): config/party_urls.py joins them.
urlpatterns = [
    path("party/", views.party_org_roots, name="roots"),
    path("party/<int:org_id>/", views.party_org_detail, name="detail"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
]
