"""Masked display of personal data for people whose role may see a record but not its identifiers.

Every function takes whatever is stored (canonical, legacy, partly masked, empty or None), never
raises, and never shows more than its rule: masking is idempotent, and input of an unexpected
shape is masked harder rather than shown.
"""

from __future__ import annotations

import re

from core.unreadable import Unreadable

__all__ = ["MASK", "mask_id_number", "mask_in_text", "mask_name", "mask_phone"]

MASK = "*"

_MOBILE = re.compile(r"^1[0-9*]{10}$", re.ASCII)
_LANDLINE = re.compile(
    r"^(?P<area>0[0-9]{2,3})-(?P<local>[0-9*]{7,8})(?:-(?P<ext>[0-9*]{1,6}))?$", re.ASCII
)


def _clean(value: object) -> str:
    if value is None:
        return ""
    return "".join(str(value).split())


def _keep_ends(text: str, head: int, tail: int) -> str:
    masked = len(text) - head - tail
    return text[:head] + MASK * masked + (text[len(text) - tail :] if tail else "")


def mask_id_number(value: str | None) -> str:
    """Show "420102********123X": region code and last four kept, birth date hidden."""
    if isinstance(value, Unreadable):  # the marker of a value that failed to decrypt
        return str(value)
    text = _clean(value).upper()
    if len(text) >= 18:
        return _keep_ends(text, 6, 4)
    # Legacy 15-digit or truncated values: keep at most a quarter at each end, so a short value
    # is never mostly visible.
    return _keep_ends(text, len(text) // 4, len(text) // 4)


def mask_phone(value: str | None) -> str:
    """Show "138****5678" for mobiles, "027-****1234" for landlines (extension hidden too)."""
    if isinstance(value, Unreadable):
        return str(value)
    text = _clean(value)
    if _MOBILE.match(text):
        return _keep_ends(text, 3, 4)
    landline = _LANDLINE.match(text)
    if landline:
        masked = f"{landline['area']}-{_keep_ends(landline['local'], 0, 4)}"
        ext = landline["ext"]
        return f"{masked}-{MASK * len(ext)}" if ext else masked
    # Unknown shape: show only the last quarter (at most four characters).
    return _keep_ends(text, 0, min(4, len(text) // 4))


def mask_name(value: str | None) -> str:
    """Show "张*", "欧***": first character kept; a one-character name is fully hidden."""
    text = "" if value is None else " ".join(str(value).split())
    if len(text) <= 1:
        return MASK * len(text)
    return text[0] + MASK * (len(text) - 1)


# ID numbers and phone numbers inside free text (a typed reason, a log line, an exception's
# message, a cell of an uploaded file): 18-character IDs (GB 11643) and old 15-digit ones, spaced
# or dashed as people type them; mobiles, with +86 and spaces or dashes; landlines with their area
# code. Full-width digits are read as digits (the text is matched through a same-length ASCII copy).
_SEP = r"[ \-]?"
_IN_TEXT = re.compile(
    "|".join(
        (
            rf"(?P<id>(?<![0-9])[0-9]{{6}}{_SEP}(?:18|19|20)[0-9]{{2}}{_SEP}"
            rf"(?:0[1-9]|1[0-2]){_SEP}(?:0[1-9]|[12][0-9]|3[01]){_SEP}[0-9]{{3}}[0-9Xx]"
            r"(?![0-9]))",
            r"(?P<old_id>(?<![0-9])[0-9]{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}"
            r"(?![0-9]))",
            rf"(?P<mobile>(?<![0-9+])(?:\+?86{_SEP})?1[3-9][0-9](?:{_SEP}[0-9]{{4}}){{2}}(?![0-9]))",
            r"(?P<landline>(?<![0-9])0[0-9]{2,3}[ \-][0-9]{7,8}(?![0-9]))",
        )
    ),
    re.ASCII,
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－＋\u3000", "0123456789Xx-+ ")


def _masked(kind: str | None, found: str) -> str:
    digits = re.sub(r"[ \-+]", "", found)
    if kind in ("id", "old_id"):
        return mask_id_number(digits)
    if kind == "mobile":
        return mask_phone(digits[-11:])
    return mask_phone(found.replace(" ", "-", 1))


def mask_in_text(text: str) -> str:
    """Free text with every ID number and phone number in it masked as pages mask them
    ("420102********123X", "138****5678", "027-****1234"); everything else kept as it was."""
    if not text:
        return text
    ascii_copy = text.translate(_FULL_WIDTH)  # same length: positions match the original
    out: list[str] = []
    last = 0
    for match in _IN_TEXT.finditer(ascii_copy):
        out.append(text[last : match.start()])
        out.append(_masked(match.lastgroup, match.group()))
        last = match.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)
