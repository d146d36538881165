"""The duty pages; each part's patterns live beside its views."""

from mobilisation.web import activity_urls, patrol_urls, post_urls, roster_urls, wellbeing_urls

app_name = "duty"
urlpatterns = [
    *post_urls.urlpatterns,
    *roster_urls.urlpatterns,
    *patrol_urls.urlpatterns,
    *activity_urls.urlpatterns,
    *wellbeing_urls.urlpatterns,
]
