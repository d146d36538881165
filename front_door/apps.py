from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontDoorConfig(AppConfig):
    name = "front_door"
    verbose_name = _("Front door")
