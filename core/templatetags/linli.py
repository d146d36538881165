from __future__ import annotations

from django import template

from core import masking

register = template.Library()


@register.filter
def mask_id(value: str | None) -> str:
    return masking.mask_id_number(value or "")


@register.filter
def mask_phone(value: str | None) -> str:
    return masking.mask_phone(value or "")


@register.filter
def mask_name(value: str | None) -> str:
    return masking.mask_name(value or "")


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (pagination keeps the search)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()
