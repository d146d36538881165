from django.apps import AppConfig


class MobilisationConfig(AppConfig):
    """Deployments of cadres to communities (check-in links, acceptance, the handover when they
    leave) and coverage (应下尽下, communities short of helpers). Models stay in party/ with
    their tables; the roster, posts and patrols are duty/."""

    name = "mobilisation"
    verbose_name = "Mobilisation"
