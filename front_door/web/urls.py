"""The front door's pages: joining by a building's code (join_urls), logging in with a phone
and a text code, and invitations (login_urls)."""

from django.urls import include, path

app_name = "front_door"
urlpatterns = [
    path("", include("front_door.web.join_urls")),
    path("", include("front_door.web.login_urls")),
]
