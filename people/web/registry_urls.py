app_name = "registry"
urlpatterns: list = []  # filled by the registry pages
