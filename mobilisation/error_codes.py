"""Error codes mobilisation puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class MobilisationError(StrEnum):
    ALREADY_DEPLOYED = "already_deployed"
    BEFORE_START = "before_start"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    EXPIRED = "expired"
    MISMATCH = "mismatch"
    NOT_ALLOWED = "not_allowed"
    NOT_CHECKED_IN = "not_checked_in"
    NOT_HERE = "not_here"
    NOT_IN_COMMUNITY = "not_in_community"
    NOT_MEMBER = "not_member"
    NOT_PARTICIPANT = "not_participant"
    NOT_WORKER = "not_worker"
    OUTSIDE_WINDOW = "outside_window"
    OVER = "over"
    OVERLAP = "overlap"
    REGISTERED = "registered"
    REMOVED = "removed"
    REVOKED = "revoked"
    UNKNOWN = "unknown"
    UNWELL = "unwell"
