from __future__ import annotations

from django import template

from health.rules import symptom_labels

register = template.Library()


@register.filter
def symptoms(bits: int) -> str:
    """Symptom bits as words ("咳嗽、乏力"), or an empty string for none."""
    return "、".join(symptom_labels(bits or 0))


@register.filter
def member_errors(
    errors: dict[int, list[dict[str, str]]], resident_id: int
) -> list[dict[str, str]]:
    return errors.get(resident_id, [])


@register.filter
def posted(values: object, key: str) -> str:
    getter = getattr(values, "get", None)
    return str(getter(key, "")) if getter else ""


@register.filter
def posted_list(values: object, key: str) -> list[str]:
    getter = getattr(values, "getlist", None)
    return list(getter(key)) if getter else []


@register.simple_tag
def field_key(prefix: str, pk: int) -> str:
    return f"{prefix}_{pk}"
