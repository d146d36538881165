"""Keep ID numbers, phone numbers and credentials out of logs, whatever a record carries.

Credentials come in URLs: an Open311 client's `?api_key=` (or any `token=`, `key=`, `secret=`,
`password=` in a query string), and the tokens in the paths of check-in, join and invitation
links. A request line, a 404's path or a traceback quoting a URL shows them masked.

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
import re
from typing import Any

from core.masking import mask_in_text

__all__ = ["MASKED", "NoPersonalDataFilter", "NoPersonalDataFormatter", "scrub"]

MASKED = "[masked]"
# A query parameter that carries a credential: its value runs to the next separator. Only whole
# parameter names (after ? & or ;), so `service_code=` or `tokens_left=` are kept.
_SECRET_QUERY = re.compile(
    r"(?i)([?&;](?:api_key|apikey|key|token|access_token|secret|password|sessionid)=)"
    r"[^&;#\s\"'<>]*"
)
# The token in a check-in, join or invitation link is the credential itself.
_SECRET_PATH = re.compile(r"(/(?:checkin|join|invite)/)[^/?#\s\"'<>]+")


def scrub(text: str) -> str:
    """The text with ID and phone numbers masked as pages mask them, and URL credentials hidden."""
    if not text:
        return text
    text = _SECRET_QUERY.sub(lambda m: m.group(1) + MASKED, text)
    text = _SECRET_PATH.sub(lambda m: m.group(1) + MASKED, text)
    return mask_in_text(text)


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
