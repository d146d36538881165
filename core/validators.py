"""Validation and normalisation of the personal data every form, import and API call takes in.

Each ``validate_*`` function returns the canonical value, so it is both the cleaner (store its
result) and a Django validator (the return value is ignored there). Failures raise
``ValidationError`` with a stable ``code`` that the API, the Excel importer and the tests rely on;
messages are English msgids translated in the .po catalogue.

Non-string input (say a float read from a spreadsheet cell) is turned into text with ``str()`` so
that the "Excel turned it into a number" case gets its own, explainable error.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.error_codes import CoreError
from core.errors import field_error

__all__ = [
    "DASHES",
    "EARLIEST_BIRTH_DATE",
    "ID_CHECK_MAP",
    "ID_WEIGHTS",
    "NAME_MAX_LENGTH",
    "PROVINCE_CODES",
    "clean_text",
    "id_check_digit",
    "id_number_birth_date",
    "id_number_sex",
    "normalize_line",
    "normalize_name",
    "normalize_paragraphs",
    "normalize_text",
    "phone_kind",
    "validate_birth_date",
    "validate_id_number",
    "validate_mobile",
    "validate_phone",
]

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _today(today: datetime.date | None) -> datetime.date:
    if today is not None:
        return today
    # The city's calendar day, not the server's: a baby born at 07:00 in Wuhan is "today" there
    # even though it is still yesterday in UTC.
    if settings.configured and settings.USE_TZ:
        return timezone.localdate()
    return datetime.date.today()


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

# The one rule for text people type:
# - Free text (notes, details, titles, reasons, answers, names of things, addresses) keeps what
#   was typed: "，（）；：“”。、" are correct Chinese punctuation, and full-width digits in a
#   sentence are the writer's. Only invisible and control characters go, and runs of whitespace
#   become one space (normalize_line; normalize_paragraphs keeps the line breaks).
# - What the machine reads — numbers, ID numbers, phones, codes, building and room numbers,
#   search terms, keys — is normalised: NFKC turns full-width "０-９", "Ａ-Ｚ" and "　" into
#   ASCII (normalize_text, and the validators below that start from it).

# Characters that ride along invisibly when text is pasted from WeChat, web pages or Excel, and
# control characters (NUL is refused by PostgreSQL): zero-width space, BOM, word joiner, soft
# hyphen, direction marks and overrides (they can reorder what a reader sees), interlinear
# annotation marks. ZWJ/ZWNJ (U+200C/D) stay: emoji and some scripts need them. Tab, newline and
# the other whitespace controls are whitespace, handled by the whitespace rules.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_WHITESPACE_RUN = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _visible(text: str) -> str:
    return _INVISIBLE_RE.sub("", text)


def normalize_line(value: object) -> str:
    """Free text on one line, kept as typed: invisible and control characters gone, whitespace
    runs (line breaks included) made one space, stripped. No NFKC, so "，（）；：“”。、" and
    full-width digits stay as written."""
    return _WHITESPACE_RUN.sub(" ", _visible(_text(value))).strip()


def normalize_paragraphs(value: object) -> str:
    """Free text of several lines (a notice's body, a summary, remarks) as typed: invisible and
    control characters gone, trailing spaces of each line gone, at most one blank line between
    paragraphs, no blank lines around. Spacing inside and at the start of a line stays: "　　"
    is how a Chinese paragraph is indented."""
    lines = _visible(_text(value).replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    text = "\n".join(line.rstrip() for line in lines)
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def normalize_text(value: object) -> str:
    """What the machine reads (numbers, codes, room numbers, search terms): NFKC (full-width
    "０-９", "Ａ-Ｚ", "　" become ASCII), invisible characters gone, whitespace runs made one
    space, stripped. Never for free text: NFKC also turns "，（）；：" into ASCII."""
    text = _visible(unicodedata.normalize("NFKC", _text(value)))
    return _WHITESPACE_RUN.sub(" ", text).strip()


def clean_text(
    value: object,
    *,
    field: str = "",
    max_length: int | None = None,
    required: bool = False,
    multiline: bool = False,
    truncate: bool = False,
    required_message: object = None,
) -> str:
    """Free text a person typed, cleaned by the one rule above: normalize_paragraphs when
    `multiline` (paragraphs and indents kept, blank lines around gone), else normalize_line
    (one line: whitespace runs, line breaks included, made one space, stripped).

    - `required`: empty text (after cleaning) is `field`'s error, code "required", with
      `required_message` (default "This field is required.").
    - `max_length`: longer text is `field`'s error "At most N characters.", code "too_long";
      with `truncate` it is cut to `max_length` silently instead (the services' notes, reasons
      and names, whose forms already bound the length).

    `field` names the error; it must be given whenever an error can be raised."""
    if not field and (required or (max_length is not None and not truncate)):
        raise TypeError("clean_text: name the field whose error this can be")
    text = normalize_paragraphs(value) if multiline else normalize_line(value)
    if required and not text:
        raise field_error(
            field, required_message or _("This field is required."), CoreError.REQUIRED
        )
    if max_length is not None and len(text) > max_length:
        if truncate:
            return text[:max_length]
        raise field_error(
            field, _("At most %(n)s characters.") % {"n": max_length}, CoreError.TOO_LONG
        )
    return text


# Every dash people type inside a number: ASCII, Unicode hyphens and dashes, minus signs, the
# small and full-width forms. ID numbers drop them like spaces; phones read them as separators.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_NO_DASHES = str.maketrans(dict.fromkeys(DASHES, ""))
_ASCII_DASHES = str.maketrans(dict.fromkeys(DASHES, "-"))


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

NAME_MAX_LENGTH = 50
MIDDLE_DOT = "·"  # U+00B7, the 间隔号 of transcribed minority and foreign names

# Look-alikes people type for the middle dot (Japanese IME, bullets, full-width full stop); they
# are mapped before NFKC because NFKC would turn "．" into "." and leave the others alone.
_DOT_VARIANTS = str.maketrans(dict.fromkeys("・･•‧．∙⋅⸱\u0387", MIDDLE_DOT))
_NAME_PUNCT = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "－": "-"})
# Han ideographs (BMP, compatibility block, extension planes) plus "〇", which is category Nl
# and would otherwise be taken for a digit.
_CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RE = re.compile(f"[{_CJK}]")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_ASCII_DOT_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s*\.\s*(?=[{_CJK}])")
_SPACES_AROUND_DOT = re.compile(r" ?· ?")
_NAME_SEPARATORS = frozenset(" ·'-")
_DOUBLE_SEPARATOR = re.compile(r"[ ·'-]{2,}")


def _is_name_letter(char: str) -> bool:
    # Any script's letters and combining marks: Uyghur, Tibetan, Mongolian and Latin names with
    # diacritics must pass; "〇" is a Han character despite its Unicode category.
    return char == "〇" or unicodedata.category(char)[0] in {"L", "M"}


def _is_digit(char: str) -> bool:
    return char != "〇" and unicodedata.category(char)[0] == "N"


def _script(char: str) -> str | None:
    """The writing system of a letter ("HAN", "KANA", "LATIN", "CYRILLIC"…); None for separators,
    marks and modifier letters (a mark belongs to the letter it follows)."""
    if _CJK_RE.match(char):
        return "HAN"
    if unicodedata.category(char) not in {"Lu", "Ll", "Lt", "Lo"}:
        return None
    word = unicodedata.name(char, "").split(" ", 1)[0]
    return "KANA" if word in {"HIRAGANA", "KATAKANA"} else word or None


def _shown(chars: Iterable[str], limit: int = 8) -> str:
    """The offending characters, each once, quoted, in the order typed: “<” “>” “(” “)”."""
    return " ".join(f"“{c}”" for c in list(dict.fromkeys(chars))[:limit])


def _foreign_runs(text: str) -> str:
    """The stretches of a name written in letters other than Han or kana: "李Ming" → “Ming”."""
    runs = re.findall(rf"[^{_CJK}\u3040-\u30ff]+", text)
    return " ".join(f"“{r.strip(' ·')}”" for r in runs if r.strip(" ·'-"))


def normalize_name(value: str) -> str:
    """Canonical person name: "张 伟" → "张伟", "Li  Ming" → "Li Ming", "阿依古丽・买买提" → "·".

    Each way a name can be wrong has its own code and says what is wrong, naming the characters:
    name_empty, name_symbols, name_digits, name_mixed_scripts, name_edge,
    name_double_separator, name_too_long — checked in that order.
    """
    text = normalize_text(_text(value).translate(_DOT_VARIANTS).translate(_NAME_PUNCT))
    if not text:
        raise ValidationError(_("Enter a name."), code=CoreError.NAME_EMPTY)
    if _CJK_RE.search(text):
        # "阿依古丽.买买提" — an ASCII full stop between Han characters is a mistyped middle dot.
        text = _ASCII_DOT_BETWEEN_CJK.sub(MIDDLE_DOT, text)
    # Chinese names are written without spaces; the space came from alignment in a form or sheet.
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _SPACES_AROUND_DOT.sub(MIDDLE_DOT, text)

    # Markup ("<script>…"), brackets and other symbols first: they are the bigger mistake, and a
    # digit inside "alert(1)" is not what is wrong with it.
    symbols = [
        c for c in text if not _is_name_letter(c) and not _is_digit(c) and c not in _NAME_SEPARATORS
    ]
    if symbols:
        raise ValidationError(
            _(
                "A name cannot contain the symbols %(symbols)s. Use letters only, with a middle "
                "dot (·), a space, an apostrophe or a hyphen between parts."
            ),
            code=CoreError.NAME_SYMBOLS,
            params={"symbols": _shown(symbols)},
        )
    digits = [c for c in text if _is_digit(c)]
    if digits:
        raise ValidationError(
            _("A name cannot contain digits (%(digits)s)."),
            code=CoreError.NAME_DIGITS,
            params={"digits": _shown(digits)},
        )
    scripts = {s for s in map(_script, text) if s}
    if "HAN" in scripts and scripts - {"HAN", "KANA"}:
        # "李Ming", "张ｗei": on a Chinese ID card a name is all Han characters; a foreigner's is
        # all letters.
        raise ValidationError(
            _(
                "A name cannot mix Chinese characters with other letters (%(letters)s). Write it "
                "in Chinese characters only or in letters only."
            ),
            code=CoreError.NAME_MIXED_SCRIPTS,
            params={"letters": _foreign_runs(text)},
        )
    if len(scripts - {"HAN", "KANA"}) > 1:
        # "Ivаn" with a Cyrillic "а": letters that look alike but are not the same.
        raise ValidationError(
            _(
                "A name cannot mix letters of different alphabets (such as Latin and Cyrillic "
                "letters that look alike); type it again in one alphabet."
            ),
            code=CoreError.NAME_MIXED_SCRIPTS,
        )
    if not _is_name_letter(text[0]):
        raise ValidationError(
            _("A name cannot begin with “%(char)s”."),
            code=CoreError.NAME_EDGE,
            params={"char": text[0]},
        )
    if not _is_name_letter(text[-1]):
        raise ValidationError(
            _("A name cannot end with “%(char)s”."),
            code=CoreError.NAME_EDGE,
            params={"char": text[-1]},
        )
    double = _DOUBLE_SEPARATOR.search(text)
    if double:
        raise ValidationError(
            _("A name cannot have two separators in a row (“%(chars)s”)."),
            code=CoreError.NAME_DOUBLE_SEPARATOR,
            params={"chars": double.group()},
        )
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name can have at most %(limit)d characters; this one has %(count)d."),
            code=CoreError.NAME_TOO_LONG,
            params={"limit": NAME_MAX_LENGTH, "count": len(text)},
        )
    return text


# --------------------------------------------------------------------------------------------
# Resident identity numbers (GB 11643-1999)
# --------------------------------------------------------------------------------------------

# Province-level codes of GB/T 2260, plus 83 (Taiwan residents' residence permits, issued with
# prefix 830000 since 2018; Hong Kong and Macao permits use 810000 / 820000).
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83"),
    }
)
# Codes a foreign permanent resident's "9" prefix may be followed by (mainland provinces only).
_MAINLAND_PROVINCE_CODES = frozenset(c for c in PROVINCE_CODES if c[0] in "123456")

# ISO 7064 MOD 11-2: weight i is 2^(17-i) mod 11; the check character makes the total ≡ 1.
ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_MAP = "10X98765432"

# re.ASCII throughout: NFKC leaves e.g. Arabic-Indic digits alone, and \d would accept them.
_ID_SCIENTIFIC = re.compile(r"^\d[.,]?\d*E[+]?\d{1,2}$", re.ASCII)
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_OLD_ID_SHAPE = re.compile(r"^\d{15}$", re.ASCII)
_ASCII_DIGITS = re.compile(r"^\d{17}$", re.ASCII)
_ID_CHARACTERS = frozenset("0123456789X")


def id_check_digit(first17: str) -> str:
    """The 18th character for 17 ASCII digits (used by the demo data generator)."""
    if not _ASCII_DIGITS.match(first17):
        raise ValueError("id_check_digit needs exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_MAP[total % 11]


def _id_region_ok(number: str) -> bool:
    if number[0] == "9":
        # Foreign permanent residence ID (2023 design, same MOD 11-2 check): "9" marks a
        # foreigner, digits 2-3 are the issuing province.
        return number[1:3] in _MAINLAND_PROVINCE_CODES
    return number[:2] in PROVINCE_CODES


def _parse_compact_date(digits: str) -> datetime.date | None:
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def validate_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """Return the canonical 18-character ID number or raise ValidationError with a code.

    Codes: id_empty, id_scientific_notation, id_format (a character that is not a digit or X),
    id_old_15_digit, id_length, id_format (an X before the end), id_region, id_birth_date,
    id_check_digit — checked in that order, so the first real cause is reported. Spaces and every
    kind of dash typed between the groups ("420103-1983…", "420103 1983…") are dropped alike.
    """
    number = "".join(normalize_text(_text(value)).split()).translate(_NO_DASHES).upper()
    if not number:
        raise ValidationError(_("Enter the ID number."), code=CoreError.ID_EMPTY)
    if _ID_SCIENTIFIC.match(number):
        raise ValidationError(
            _(
                "Excel has turned this ID number into a number (shown like 4.20106E+17) and its "
                "last digits are lost. Format the cell as text and type the 18 characters again."
            ),
            code=CoreError.ID_SCIENTIFIC_NOTATION,
        )
    strangers = [c for c in number if c not in _ID_CHARACTERS]
    if strangers:
        # Say which characters are wrong ("*" of a masked copy, a letter, a Chinese character)
        # rather than count them as if the length were the problem.
        raise ValidationError(
            _("An ID number has only digits and possibly a final X; %(chars)s cannot be in it."),
            code=CoreError.ID_FORMAT,
            params={"chars": _shown(strangers)},
        )
    if _OLD_ID_SHAPE.match(number):
        raise ValidationError(
            _(
                "15-digit first-generation ID numbers are no longer valid; enter the 18-digit "
                "number."
            ),
            code=CoreError.ID_OLD_15_DIGIT,
        )
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code=CoreError.ID_LENGTH,
            params={"count": len(number)},
        )
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("Only the last character of an ID number can be X."), code=CoreError.ID_FORMAT
        )
    if not _id_region_ok(number):
        raise ValidationError(
            _("The ID number does not start with a valid province code."), code=CoreError.ID_REGION
        )
    birth = _parse_compact_date(number[6:14])
    if birth is None:
        raise ValidationError(
            _("The birth date in the ID number (digits 7–14) is not a real date."),
            code=CoreError.ID_BIRTH_DATE,
        )
    if birth < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date in the ID number (digits 7–14) is before 1900."),
            code=CoreError.ID_BIRTH_DATE,
        )
    if birth > _today(today):
        raise ValidationError(
            _("The birth date in the ID number (digits 7–14) is in the future."),
            code=CoreError.ID_BIRTH_DATE,
        )
    # The expected digit is deliberately not shown: it would let anyone mint a "valid" number.
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _(
                "The check digit (last character) of the ID number is wrong; a digit was "
                "probably mistyped."
            ),
            code=CoreError.ID_CHECK_DIGIT,
        )
    return number


def id_number_birth_date(value: str) -> datetime.date:
    """Birth date encoded in a valid ID number (raises ValidationError if it is not valid)."""
    number = validate_id_number(value)
    birth = _parse_compact_date(number[6:14])
    assert birth is not None  # validate_id_number has checked it
    return birth


def id_number_sex(value: str) -> Literal["M", "F"]:
    """Sex from the 17th digit of a valid ID number: odd is "M", even is "F"."""
    number = validate_id_number(value)
    return "M" if int(number[16]) % 2 else "F"


def validate_birth_date(
    value: datetime.date, *, today: datetime.date | None = None
) -> datetime.date:
    """A birth date typed on its own (residents without an ID number, e.g. newborns)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value > _today(today):
        raise ValidationError(
            _("The birth date cannot be in the future."), code=CoreError.BIRTH_DATE_FUTURE
        )
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date cannot be before 1900."), code=CoreError.BIRTH_DATE_TOO_EARLY
        )
    return value


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

_COUNTRY_PREFIX = re.compile(r"^(?:\+\s*\(?\s*86\s*\)?|\(\s*\+\s*86\s*\)|0086)[\s.-]*", re.ASCII)
_EXTENSION = re.compile(
    r"^(?P<main>.*?)\s*(?:转|轉|分机|ext\.?|x)\s*(?P<ext>\d{1,6})$", re.I | re.A
)
_PHONE_CHARS = re.compile(r"^[\d\s().-]+$", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[\s().-]+", re.ASCII)
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_MOBILE_WITH_86 = re.compile(r"^861[3-9]\d{9}$", re.ASCII)
_LOCAL_NUMBER = re.compile(r"^[2-9]\d{6,7}$", re.ASCII)
_LANDLINE_CANONICAL = re.compile(r"^0\d{2,3}-[2-9]\d{6,7}(?:-\d{1,6})?$", re.ASCII)


def _area_code_length(digits: str) -> int:
    # Mainland area codes are prefix-free: 010 and 02x have three digits, every other 0xxx has
    # four, so a number typed without separators can still be split.
    if digits.startswith("010") or re.match(r"^02[0-9]", digits):
        return 3
    if re.match(r"^0[3-9][0-9]{2}", digits):
        return 4
    return 0


def _parse_phone(digits: str, ext: str | None, international: bool) -> str | None:
    if _MOBILE.match(digits):
        return digits if ext is None else None
    if not international and ext is None and _MOBILE_WITH_86.match(digits):
        return digits[2:]
    if international and not digits.startswith("0"):
        digits = "0" + digits  # +86 27 8555 1234 drops the trunk prefix
    area_len = _area_code_length(digits)
    if not area_len or not _LOCAL_NUMBER.match(digits[area_len:]):
        return None
    canonical = f"{digits[:area_len]}-{digits[area_len:]}"
    return f"{canonical}-{ext}" if ext else canonical


def validate_mobile(value: str) -> str:
    """A mainland mobile number ("13812345678"), for logins and text messages; raises
    ValidationError (validate_phone's codes, or not_mobile for a landline)."""
    phone = validate_phone(value)
    if phone_kind(phone) != "mobile":
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 1."),
            code=CoreError.NOT_MOBILE,
        )
    return phone


def validate_phone(value: str) -> str:
    """Return "13812345678" or "027-85551234[-ext]"; raise ValidationError with a code.

    Spaces, brackets, dots and every kind of dash between the groups are separators. Codes:
    phone_empty, phone_area_code_missing, phone_invalid (its message says what is wrong: a
    character that has no place in a number, a number abroad, a mobile number with too few or
    too many digits or with an extension, or a number of no known shape).
    """
    text = normalize_text(_text(value)).translate(_ASCII_DASHES)
    if not text:
        raise ValidationError(_("Enter a phone number."), code=CoreError.PHONE_EMPTY)

    ext: str | None = None
    match = _EXTENSION.match(text)
    if match:
        text, ext = match["main"], match["ext"]
    prefix = _COUNTRY_PREFIX.match(text)
    international = prefix is not None
    if prefix:
        text = text[prefix.end() :]
    if not international and (text.startswith("+") or text.startswith("00")):
        raise ValidationError(
            _("Only numbers in mainland China (+86) can be entered."), code=CoreError.PHONE_INVALID
        )
    if not text or not _PHONE_CHARS.match(text):
        strangers = [c for c in text if not _PHONE_CHARS.match(c)]
        raise ValidationError(
            _(
                "A phone number has only digits, spaces, dashes and brackets (and 转 before an "
                "extension); %(chars)s cannot be in it."
            )
            if strangers
            else _(
                "Enter an 11-digit mobile number or a landline number with its area code, "
                "e.g. 13812345678 or 027-85551234."
            ),
            code=CoreError.PHONE_INVALID,
            params={"chars": _shown(strangers)},
        )

    groups = [g for g in _PHONE_SEPARATORS.split(text) if g]
    candidates = [("".join(groups), ext)]
    if ext is None and len(groups) >= 2 and len(groups[-1]) <= 6:
        # "027-85551234-123": a short trailing group after a complete number is an extension.
        candidates.append(("".join(groups[:-1]), groups[-1]))
    for digits, extension in candidates:
        canonical = _parse_phone(digits, extension, international)
        if canonical:
            return canonical

    if not international and any(_LOCAL_NUMBER.match(d) for d, _e in candidates):
        raise ValidationError(
            _("Add the area code to this landline number, e.g. 027-85551234."),
            code=CoreError.PHONE_AREA_CODE_MISSING,
        )
    digits = candidates[0][0]
    if _MOBILE.match(digits) or (len(candidates) > 1 and _MOBILE.match(candidates[1][0])):
        raise ValidationError(
            _("A mobile number has no extension; enter its 11 digits only."),
            code=CoreError.PHONE_INVALID,
        )
    if digits.startswith("1") and len(digits) != 11:
        raise ValidationError(
            _("A mobile number has 11 digits; this one has %(count)d."),
            code=CoreError.PHONE_INVALID,
            params={"count": len(digits)},
        )
    raise ValidationError(
        _(
            "Enter an 11-digit mobile number or a landline number with its area code, "
            "e.g. 13812345678 or 027-85551234."
        ),
        code=CoreError.PHONE_INVALID,
    )


def phone_kind(canonical: str) -> Literal["mobile", "landline"]:
    """Kind of a number already returned by validate_phone."""
    if _MOBILE.match(canonical):
        return "mobile"
    if _LANDLINE_CANONICAL.match(canonical):
        return "landline"
    raise ValueError("phone_kind expects a canonical number from validate_phone")
