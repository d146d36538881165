"""The triage pages, one module of views and URLs per kind of page."""

from triage.web import case_urls, dashboard_urls, site_urls

app_name = "triage"

urlpatterns = [*case_urls.urlpatterns, *site_urls.urlpatterns, *dashboard_urls.urlpatterns]
