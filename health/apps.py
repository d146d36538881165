from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Health reports and screening")

    def ready(self) -> None:
        # "Should report" follows the registry within the day (health.expected).
        from health.expected import on_residents_placed
        from people.signals import residents_placed

        residents_placed.connect(on_residents_placed, dispatch_uid="health-expected")
