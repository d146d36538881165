from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def search_term(request: HttpRequest) -> str:
    return search_text(request.GET.get("q", ""))


def search_text(value: str) -> str:
    """A search box's text as pages and the API read it: normalised (full-width digits and
    letters as typed on a phone), at most 50 characters."""
    from core.validators import normalize_text

    return normalize_text(value or "")[:50]
