"""Error codes mobilisation puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class MobilisationError(StrEnum):
    ALREADY_DEPLOYED = "already_deployed"
    EXPIRED = "expired"
    NOT_MOBILE = "not_mobile"
    REGISTERED = "registered"
    REVOKED = "revoked"
    UNKNOWN = "unknown"
