"""The project's settings with the benchmark URLs (bench/health_urls.py): for the gunicorn the
health benchmark starts. Nothing else differs from config.settings."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.health_urls"
