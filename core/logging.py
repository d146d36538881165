"""Keep ID numbers and phone numbers out of logs, whatever a message carries."""

from __future__ import annotations

import logging
import re

_ID = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}\d{7}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    return _MOBILE.sub("1**********", _ID.sub("******************", text))


class NoPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
