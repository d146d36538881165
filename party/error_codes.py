"""Error codes party puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class PartyError(StrEnum):
    ALREADY_DEPLOYED = "already_deployed"
    DECIDED = "decided"
    EXPIRED = "expired"
    NONE = "none"
    NOT_MOBILE = "not_mobile"
    PUBLISHED = "published"
    REGISTERED = "registered"
    REVOKED = "revoked"
    UNKNOWN = "unknown"
