"""The "party" URL namespace: the organisation tree (party/), deployments and coverage
(mobilisation/), the themed party day and recognition (outreach/). One namespace, as before the
split, so every URL name and path stays what users and links know."""

from mobilisation.web import deployment_urls
from outreach.web import recognition_urls, study_urls
from party.web import urls as party_urls

app_name = "party"
urlpatterns = [
    *party_urls.urlpatterns,
    *deployment_urls.urlpatterns,
    *study_urls.urlpatterns,
    *recognition_urls.urlpatterns,
]
