"""Triage URLs of the site pages (included by triage.web.urls under the "triage" namespace):
hospitals and isolation sites, the transfer queue and the building disclosure."""

from django.urls import URLPattern, path

from triage.web import site_views as views

urlpatterns: list[URLPattern] = [
    path("sites/", views.site_list, name="sites"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<int:site_id>/", views.site_detail, name="site"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:place_id>/", views.transfer_place, name="transfers_place"),
    path("disclosures/", views.disclosure_list, name="disclosures"),
    path("disclosures/mark/<int:place_id>/", views.disclose, name="disclose"),
    path(
        "disclosures/<int:disclosure_id>/withdraw/",
        views.disclosure_withdraw,
        name="disclosure_withdraw",
    ),
]
