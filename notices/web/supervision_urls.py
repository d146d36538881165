"""The supervision pages' URL patterns (filled in by the supervision pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
