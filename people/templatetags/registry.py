from __future__ import annotations

from django import template

from people.models import VULNERABILITY_FIELDS, Resident
from people.selectors import flag_label

register = template.Library()


@register.filter
def flag_labels(resident: Resident) -> list[str]:
    """The resident's vulnerability flags, as labels, in the order pages show them."""
    return [flag_label(f) for f in VULNERABILITY_FIELDS if getattr(resident, f, False)]
