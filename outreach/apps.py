from django.apps import AppConfig


class OutreachConfig(AppConfig):
    """The themed party day (study), recognition and accountability, and the frontline record
    computed from the roster, care and requests. Its models keep the tables party made."""

    name = "outreach"
    verbose_name = "Outreach"
