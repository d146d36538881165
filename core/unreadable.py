"""The marker for a stored value that fails to decrypt (core.fields): pages show "(cannot be
read)", masking keeps it as it is, and saving the row writes the stored text back unchanged."""

from __future__ import annotations

from django.utils.translation import gettext

__all__ = ["Unreadable", "unreadable"]


class Unreadable(str):
    """Never a wrong value: the text shown is the marker, the stored text stays in `raw`."""

    raw: str

    def __new__(cls, raw: str) -> Unreadable:
        shown = super().__new__(cls, gettext("(cannot be read)"))
        shown.raw = raw
        return shown


def unreadable(value: object) -> bool:
    return isinstance(value, Unreadable)
