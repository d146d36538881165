"""Error codes people puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class PeopleError(StrEnum):
    ALREADY_CONFIRMED = "already_confirmed"
    FILE_EMPTY = "file_empty"
    FILE_MISSING_COLUMNS = "file_missing_columns"
    FILE_NO_HEADER = "file_no_header"
    FILE_NO_ROWS = "file_no_rows"
    FILE_NOT_XLSX = "file_not_xlsx"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TOO_MANY_ROWS = "file_too_many_rows"
    FILE_XLS = "file_xls"
    ID_REGISTERED = "id_registered"
    NO_HOUSEHOLD = "no_household"
    NOTHING_TO_IMPORT = "nothing_to_import"
    ROOM_TAKEN = "room_taken"
    SAME = "same"
    STILL_CHECKING = "still_checking"
    TAKEN = "taken"
