"""Keep ID numbers and phone numbers out of logs, whatever a record carries.

A record can carry them in its message and arguments, in the text of an exception logged with
`exc_info` (an IntegrityError quoting the duplicate key, a ValueError quoting what was typed), in
its stack, or in fields passed as `extra`. The filter masks every one of those on the record
itself — the exception is formatted once, masked, and kept only as text, so no later handler or
formatter can print it raw — and the formatter masks the final line as a last guard (a format
string may pull in anything). settings.LOGGING puts both on the one console handler that the
root, Django's and Huey's loggers write to.
"""

from __future__ import annotations

import logging
from typing import Any

from core.masking import mask_in_text

__all__ = ["NoPersonalDataFilter", "NoPersonalDataFormatter", "scrub"]

scrub = mask_in_text

# The attributes every LogRecord has; anything else on a record came in through `extra`.
_STANDARD = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys() | {"message", "asctime"}
)
_FORMATTER = logging.Formatter()


def _scrubbed(value: Any) -> Any:
    return scrub(value) if isinstance(value, str) else value


class NoPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: print the template only
            message = str(record.msg)
            record.args = None
        cleaned = scrub(message)
        if cleaned != message or record.args is None:
            record.msg, record.args = cleaned, None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = _FORMATTER.formatException(record.exc_info)
            # The formatted text is what handlers print; the exception object would let one
            # format it again, unmasked.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD:
                setattr(record, key, _scrubbed(value))
        return True


class NoPersonalDataFormatter(logging.Formatter):
    """The formatted line (message, traceback, stack) with ID and phone numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
