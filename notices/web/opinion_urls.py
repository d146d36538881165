"""The opinion pages' URL patterns (filled in by the opinion pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
