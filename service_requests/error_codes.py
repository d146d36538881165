"""Error codes service_requests puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class ServiceRequestsError(StrEnum):
    ALREADY = "already"
    BEFORE_RESPOND = "before_respond"
    BOOKED = "booked"
    NOT_CONFIRMED = "not_confirmed"
    NOT_HELPER = "not_helper"
    NOT_OWN_PLACE = "not_own_place"
    NOT_OWN_STOCK = "not_own_stock"
    NOT_OWN_VEHICLE = "not_own_vehicle"
    OUT_OF_SCOPE = "out_of_scope"
    TOO_FAR = "too_far"
    TOO_LATE = "too_late"
    TOP = "top"
    TWICE = "twice"
