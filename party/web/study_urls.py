"""The study pages' URL patterns (filled in by the study pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
