from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city and `manage.py demo` (top floor: it builds through every app's services)."""

    name = "demo"
    verbose_name = "Demo city"
