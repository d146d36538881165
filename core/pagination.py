from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def search_term(request: HttpRequest) -> str:
    from core.validators import normalize_text

    return normalize_text(request.GET.get("q", ""))[:50]
