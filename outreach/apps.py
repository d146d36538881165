from django.apps import AppConfig


class OutreachConfig(AppConfig):
    """The themed party day (study), recognition and accountability, and the frontline record
    computed from duty, care and requests. Models stay in party/ with their tables."""

    name = "outreach"
    verbose_name = "Outreach"
