app_name = "people_import"
urlpatterns: list = []  # filled by the registry import pages
