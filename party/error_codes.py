"""Error codes party puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class PartyError(StrEnum):
    """None of its own yet: every code party uses is shared (CoreError)."""
