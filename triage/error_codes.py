"""Error codes triage puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class TriageError(StrEnum):
    BELOW_OCCUPIED = "below_occupied"
    CYCLE = "cycle"
    FULL = "full"
    NO_BED_NEEDED = "no_bed_needed"
    NOT_DUE = "not_due"
    OCCUPIED = "occupied"
    SCOPE = "scope"
    SELF = "self"
    TRANSITION = "transition"
    UNCHANGED = "unchanged"
    UNTRIAGED = "untriaged"
    WRONG_KIND = "wrong_kind"
