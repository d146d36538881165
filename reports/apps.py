from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The community daily report and its roll-ups up the tree (reads health, triage, requests,
    care and duty; nothing below imports it)."""

    name = "reports"
    verbose_name = "Daily reports"
