"""Error codes the front door puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
"""

from __future__ import annotations

from enum import StrEnum


class FrontDoorError(StrEnum):
    TOKEN_UNKNOWN = "token_unknown"
