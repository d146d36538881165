"""Our password rule beside Django's (issue 18 item 9): no password that is or contains the
username or phone number, a date, or a keyboard run — what a guessing script tries first."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Rows of the keyboard and its columns (1qaz2wsx…), and the digits and letters in order.
_RUNS = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "abcdefghijklmnopqrstuvwxyz",
)
RUN_LENGTH = 5  # this many keys in a row, forwards or backwards
_DATES = (
    # 19900101, 1990-01-01, 1990/1/1, 1990.01.01
    re.compile(r"(19|20)\d\d[-/.]?(0?[1-9]|1[0-2])[-/.]?(0?[1-9]|[12]\d|3[01])"),
    # 01011990, 01-01-1990, 010190 (day month year or month day year, two or four digits)
    re.compile(r"(0[1-9]|[12]\d|3[01])[-/.]?(0[1-9]|1[0-2])[-/.]?((19|20)\d\d|\d\d)(?!\d)"),
    re.compile(r"(0[1-9]|1[0-2])[-/.]?(0[1-9]|[12]\d|3[01])[-/.]?((19|20)\d\d|\d\d)(?!\d)"),
)


def _has_run(text: str) -> bool:
    for row in _RUNS:
        for seq in (row, row[::-1]):
            for i in range(len(seq) - RUN_LENGTH + 1):
                if seq[i : i + RUN_LENGTH] in text:
                    return True
    return False


class GuessablePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        text = password.lower()
        for attr in ("username", "phone"):
            value = str(getattr(user, attr, "") or "").strip().lower()
            if len(value) >= 3 and value in text:
                raise ValidationError(
                    _("The password must not contain your username or phone number."),
                    code="password_has_name",
                )
        if any(pattern.search(text) for pattern in _DATES):
            raise ValidationError(
                _("The password must not contain a date, such as a birthday."),
                code="password_has_date",
            )
        if _has_run(text):
            raise ValidationError(
                _("The password must not contain a keyboard run such as qwert or 12345."),
                code="password_keyboard_run",
            )

    def get_help_text(self) -> str:
        return _(
            "Not your username or phone number, no dates, no keyboard runs such as qwert or 12345."
        )
