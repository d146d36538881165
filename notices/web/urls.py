"""Notices, public opinion, supervision and the protection guide; each part's patterns live
beside its views, under its own prefix (notices/, opinion/, supervision/, guide/)."""

from notices.web import guide_urls, notice_urls, opinion_urls, supervision_urls

app_name = "notices"
urlpatterns = [
    *notice_urls.urlpatterns,
    *opinion_urls.urlpatterns,
    *supervision_urls.urlpatterns,
    *guide_urls.urlpatterns,
]
