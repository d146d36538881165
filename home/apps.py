from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Each role's home page, the resident's household page and the main navigation: it asks
    every app for its counts (top floor: nothing imports it)."""

    name = "home"
    verbose_name = "Home"
