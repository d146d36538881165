from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

PAGE_SIZE = 50

# Every API list: at most API_PAGE_MAX rows a page (documented in OpenAPI as the limit's maximum),
# and an offset below API_OFFSET_MAX (no list is that long; past 2**63 the database overflows).
API_PAGE_MAX = 200
API_OFFSET_MAX = 10_000_000
_LIMIT_HELP = f"Rows per page, 1 to {API_PAGE_MAX}."
_OFFSET_HELP = f"Rows to skip, 0 to {API_OFFSET_MAX:,}."


class PageQuery(Schema):
    """`limit` and `offset` of an API list; list queries extend it (one maximum for all)."""

    limit: int = Field(PAGE_SIZE, ge=1, le=API_PAGE_MAX, description=_LIMIT_HELP)
    offset: int = Field(0, ge=0, le=API_OFFSET_MAX, description=_OFFSET_HELP)


class ApiPagination(LimitOffsetPagination):
    """Ninja's limit/offset pagination ({items, count}) under the same maximum as PageQuery."""

    Input = PageQuery  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=API_PAGE_MAX, **kwargs)


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def search_term(request: HttpRequest) -> str:
    return search_text(request.GET.get("q", ""))


def search_text(value: str) -> str:
    """A search box's text as pages and the API read it: normalised (full-width digits and
    letters as typed on a phone), at most 50 characters."""
    from core.validators import normalize_text

    return normalize_text(value or "")[:50]
