"""The notice pages' URL patterns (filled in by the notice pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
