"""The guide pages' URL patterns (filled in by the guide pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
