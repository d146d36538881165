"""The recognition pages' URL patterns (filled in by the recognition pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
