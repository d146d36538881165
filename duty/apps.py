from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """Only the migration history of the duty tables (`duty_post`, `duty_shift`…): their models
    and everything that uses them are mobilisation's (`mobilisation/duty_models.py`). It stays
    installed because its first migration creates those tables on a new database."""

    name = "duty"
    verbose_name = _("Duty and mobilisation")
