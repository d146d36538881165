"""Error codes shared by several apps, and the codes of core's own validators.

The values are what API clients and pages read in `{field, message, code}`; never change one.
"""

from __future__ import annotations

from enum import StrEnum


class CoreError(StrEnum):
    BELOW_THRESHOLD = "below_threshold"
    BIRTH_DATE_FUTURE = "birth_date_future"
    BIRTH_DATE_TOO_EARLY = "birth_date_too_early"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    ENDED = "ended"
    FUTURE = "future"
    GONE = "gone"
    ID_BIRTH_DATE = "id_birth_date"
    ID_CHECK_DIGIT = "id_check_digit"
    ID_EMPTY = "id_empty"
    ID_FORMAT = "id_format"
    ID_LENGTH = "id_length"
    ID_OLD_15_DIGIT = "id_old_15_digit"
    ID_REGION = "id_region"
    ID_SCIENTIFIC_NOTATION = "id_scientific_notation"
    INACTIVE = "inactive"
    INVALID = "invalid"
    KIND = "kind"
    MAX_LENGTH = "max_length"
    NAME_DIGITS = "name_digits"
    NAME_DOUBLE_SEPARATOR = "name_double_separator"
    NAME_EDGE = "name_edge"
    NAME_EMPTY = "name_empty"
    NAME_MIXED_SCRIPTS = "name_mixed_scripts"
    NAME_SYMBOLS = "name_symbols"
    NAME_TOO_LONG = "name_too_long"
    NOT_BUILDING = "not_building"
    NOT_COMMUNITY = "not_community"
    NOT_FOUND = "not_found"
    NOT_MOBILE = "not_mobile"
    ORDER = "order"
    OUT_OF_RANGE = "out_of_range"
    PAST = "past"
    PHONE_AREA_CODE_MISSING = "phone_area_code_missing"
    PHONE_EMPTY = "phone_empty"
    PHONE_INVALID = "phone_invalid"
    REQUIRED = "required"
    TOO_EARLY = "too_early"
    TOO_LONG = "too_long"
    TOO_OLD = "too_old"
    WRONG_STATUS = "wrong_status"
