"""Validators: exact canonical values and stable error codes for the inputs residents really type.

Every ID number here is synthetic. The check digits come from `reference_check_digit`, an
independent ISO 7064 MOD 11-2 (weights as powers of two, not the table the code uses), so a wrong
table in core.validators cannot make these tests agree with it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.validators import (
    PROVINCE_CODES,
    clean_text,
    id_check_digit,
    id_number_birth_date,
    id_number_sex,
    normalize_line,
    normalize_name,
    normalize_paragraphs,
    normalize_text,
    phone_kind,
    validate_birth_date,
    validate_id_number,
    validate_phone,
)

TODAY = datetime.date(2025, 6, 30)

# The example printed in GB 11643-1999 itself: Beijing Chaoyang, 1949-12-31, check digit X.
GB_EXAMPLE = "11010519491231002X"


def reference_check_digit(first17: str) -> str:
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(region: str, birth: str, sequence: str) -> str:
    first17 = region + birth + sequence
    assert len(first17) == 17
    return first17 + reference_check_digit(first17)


def error_code(func: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        func(*args, **kwargs)
    return excinfo.value.code


def error_message(func: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        func(*args, **kwargs)
    with translation.override("en"):
        return excinfo.value.messages[0]


# --- normalize_text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１３８", "138"),
        ("ＡＢＣ ｄｅｆ", "ABC def"),
        ("  张　三  ", "张 三"),
        ("a \t\n  b", "a b"),
        ("\ufeffabc\u200b", "abc"),
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


# --- free text: kept as typed ----------------------------------------------------------------

TYPED = "老人胸闷，需要药（降压药）；地址：３栋“东门”。谢谢、辛苦"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (TYPED, TYPED),  # full-width punctuation and digits stay as typed
        ("  买药，  谢谢\n 明天\t再来 ", "买药， 谢谢 明天 再来"),
        ("\ufeff买药\u200b，谢谢\u2060", "买药，谢谢"),  # invisible characters pasted from chats
        ("买\x00药\x07，\x1b谢谢", "买药，谢谢"),  # control characters (NUL: PostgreSQL refuses it)
        ("药\u202e反转\u202c", "药反转"),  # direction overrides reorder what a reader sees
        ("张　三", "张 三"),  # a full-width space is whitespace
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # ZWJ joins an emoji: kept
        (None, ""),
    ],
)
def test_normalize_line_keeps_what_was_typed(raw: Any, expected: str) -> None:
    assert normalize_line(raw) == expected


def test_normalize_paragraphs_keeps_lines_punctuation_and_indents() -> None:
    raw = (
        "\n　　一、关于封控：  \r\n　　各小区（含商铺）暂停营业；"
        "\n\n\n\n二、请\x00居民理解。\u200b\n\n"
    )
    assert normalize_paragraphs(raw) == (
        "　　一、关于封控：\n　　各小区（含商铺）暂停营业；\n\n二、请居民理解。"
    )
    assert normalize_paragraphs("   \n\t\n") == ""


def test_normalize_text_is_for_what_the_machine_reads() -> None:
    # The same typed text through the code normaliser loses its Chinese punctuation: that is why
    # free text must not use it.
    assert normalize_text("（３栋）１０１，") == "(3栋)101,"


def _error(exc: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    """(field, code) of a one-field error."""
    [(field, errors)] = exc.value.error_dict.items()
    return field, errors[0].code or ""


def test_clean_text_required_empty_is_the_fields_error() -> None:
    with pytest.raises(ValidationError) as exc:
        clean_text(" \u200b\n ", field="name", required=True)
    assert _error(exc) == ("name", "required")
    with pytest.raises(ValidationError) as exc:
        clean_text(None, field="title", required=True, required_message="Enter a title.")
    assert exc.value.error_dict["title"][0].messages == ["Enter a title."]
    assert clean_text("", field="note") == ""  # not required: empty is fine


def test_clean_text_too_long_is_an_error_or_cut() -> None:
    assert clean_text("买药，谢谢", field="note", max_length=5) == "买药，谢谢"
    with pytest.raises(ValidationError) as exc:
        clean_text("买药，谢谢！", field="note", max_length=5)
    assert _error(exc) == ("note", "too_long")
    # truncate: cut silently, as the services' notes always were (normalize_line(v)[:n])
    assert clean_text("  买药，\n 谢谢！ ", max_length=5, truncate=True) == "买药， 谢"


def test_clean_text_multiline_keeps_paragraphs() -> None:
    raw = "\n　　一、关于封控：  \r\n\n\n\n二、请居民理解。\n"
    assert clean_text(raw, field="body", multiline=True) == "　　一、关于封控：\n\n二、请居民理解。"


def test_clean_text_single_line_collapses() -> None:
    assert clean_text("  一、关于封控：\r\n\t二、请\x00居民理解。 ", field="x") == (
        "一、关于封控： 二、请居民理解。"
    )


def test_clean_text_needs_a_field_to_name_in_errors() -> None:
    with pytest.raises(TypeError):
        clean_text("x", required=True)
    with pytest.raises(TypeError):
        clean_text("x", max_length=3)


# --- ID numbers: accepted forms ------------------------------------------------------------------


def test_reference_agrees_on_the_standard_example() -> None:
    assert reference_check_digit(GB_EXAMPLE[:17]) == "X"
    assert id_check_digit(GB_EXAMPLE[:17]) == "X"


@pytest.mark.parametrize(
    "raw",
    [
        GB_EXAMPLE,
        "11010519491231002x",  # lower-case x
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and letter
        "１１０１０５１９４９１２３１００２ｘ",
        "110105 19491231 002X",  # spaces between the groups
        " 110105　19491231　002x ",  # full-width spaces and padding
        "11010519491231002X\u200b",  # zero-width space pasted from a chat
        # Dashes between the groups are dropped like spaces, whatever dash was typed.
        "110105-19491231-002X",
        "110105‐19491231‑002X",  # Unicode hyphen, non-breaking hyphen
        "110105–19491231—002X",  # en dash, em dash
        "110105−19491231﹣002X",  # minus sign, small hyphen-minus
        "１１０１０５－１９４９１２３１－００２Ｘ",  # full-width digits, dash and letter
        "110105 - 19491231 - 002x",
    ],
)
def test_id_number_canonical_form(raw: str) -> None:
    assert validate_id_number(raw, today=TODAY) == GB_EXAMPLE


def test_id_number_with_digit_check() -> None:
    number = make_id("420102", "19900307", "123")
    assert number[-1] != "X"
    assert validate_id_number(number, today=TODAY) == number


def test_id_number_born_today_is_valid() -> None:
    number = make_id("420102", TODAY.strftime("%Y%m%d"), "002")
    assert validate_id_number(number, today=TODAY) == number


def test_leap_day_in_leap_year_is_valid() -> None:
    number = make_id("420102", "20000229", "031")
    assert validate_id_number(number, today=TODAY) == number


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_hong_kong_macao_taiwan_residence_permits(prefix: str) -> None:
    number = make_id(prefix, "19880515", "004")
    assert validate_id_number(number, today=TODAY) == number


def test_foreign_permanent_residence_id() -> None:
    # 2023 design: "9", issuing province (11), nationality code (840), then as a resident ID.
    number = make_id("911840", "19850101", "015")
    assert validate_id_number(number, today=TODAY) == number


# --- ID numbers: rejected forms ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", "　"])
def test_id_empty(raw: str) -> None:
    assert error_code(validate_id_number, raw, today=TODAY) == "id_empty"


def test_old_15_digit_id() -> None:
    old = "110105491231002"
    assert error_code(validate_id_number, old, today=TODAY) == "id_old_15_digit"
    assert "15-digit" in error_message(validate_id_number, old, today=TODAY)


@pytest.mark.parametrize(
    "raw", ["4.2010619900307e+17", "4.20106E+17", "4.20106e17", "4,20106E+17", 4.2010619900307e17]
)
def test_scientific_notation_from_excel(raw: Any) -> None:
    assert error_code(validate_id_number, raw, today=TODAY) == "id_scientific_notation"


def test_scientific_notation_message_explains_the_fix() -> None:
    message = error_message(validate_id_number, "4.20106E+17", today=TODAY)
    assert "Excel" in message
    assert "text" in message


@pytest.mark.parametrize(
    ("raw", "count"),
    [("1101051949123100", 16), ("11010519491231002", 17), ("11010519491231002X1", 19)],
)
def test_id_wrong_length(raw: str, count: int) -> None:
    assert error_code(validate_id_number, raw, today=TODAY) == "id_length"
    assert f"has {count}" in error_message(validate_id_number, raw, today=TODAY)


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002A",  # last character neither digit nor X
        "1101051949X231002X",  # X inside
        "11010519491231*02X",
        "٤10105194912310021",  # Arabic-Indic digit: \d would take it, NFKC leaves it
    ],
)
def test_id_format(raw: str) -> None:
    assert error_code(validate_id_number, raw, today=TODAY) == "id_format"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("420103********6672", "“*”"),  # a masked copy pasted back
        ("张伟", "“张” “伟”"),  # the name typed into the ID field
        ("11010519491231002A", "“A”"),
        ("110105/19491231/002X", "“/”"),
    ],
)
def test_id_format_names_the_wrong_characters(raw: str, shown: str) -> None:
    message = error_message(validate_id_number, raw, today=TODAY)
    assert message == (
        f"An ID number has only digits and possibly a final X; {shown} cannot be in it."
    )


def test_id_x_inside_says_only_the_last_can_be_x() -> None:
    message = error_message(validate_id_number, "1101051949X231002X", today=TODAY)
    assert message == "Only the last character of an ID number can be X."


def test_id_dash_that_hides_a_missing_digit_is_a_length_error() -> None:
    assert error_code(validate_id_number, "110105-19491231-02X", today=TODAY) == "id_length"


@pytest.mark.parametrize("region", ["000000", "200000", "100000", "660000", "720000", "990101"])
def test_id_bad_region(region: str) -> None:
    number = make_id(region, "19900307", "123")  # correct check digit: only the region is wrong
    assert error_code(validate_id_number, number, today=TODAY) == "id_region"


def test_foreign_id_needs_a_real_province_after_the_9() -> None:
    number = make_id("970840", "19850101", "015")
    assert error_code(validate_id_number, number, today=TODAY) == "id_region"


@pytest.mark.parametrize(
    "birth",
    [
        "19900229",  # 1990 is not a leap year
        "19000229",  # nor is 1900 (divisible by 100)
        "19901301",
        "19900431",
        "19900000",
        "18991231",  # before 1900
    ],
)
def test_id_impossible_birth_date(birth: str) -> None:
    number = make_id("420102", birth, "123")
    assert error_code(validate_id_number, number, today=TODAY) == "id_birth_date"


def test_id_future_birth_date() -> None:
    tomorrow = TODAY + datetime.timedelta(days=1)
    number = make_id("420102", tomorrow.strftime("%Y%m%d"), "123")
    assert error_code(validate_id_number, number, today=TODAY) == "id_birth_date"
    assert "future" in error_message(validate_id_number, number, today=TODAY)


def test_id_wrong_check_digit() -> None:
    wrong = GB_EXAMPLE[:17] + "1"
    assert error_code(validate_id_number, wrong, today=TODAY) == "id_check_digit"
    message = error_message(validate_id_number, wrong, today=TODAY)
    assert "check digit" in message
    assert "X" not in message  # the expected value is not given away


def test_region_is_reported_before_check_digit() -> None:
    number = make_id("200000", "19900307", "123")
    broken = number[:17] + ("0" if number[17] != "0" else "1")
    assert error_code(validate_id_number, broken, today=TODAY) == "id_region"


def test_id_helpers() -> None:
    assert id_number_birth_date(GB_EXAMPLE) == datetime.date(1949, 12, 31)
    assert id_number_sex(GB_EXAMPLE) == "F"  # 17th digit 2
    assert id_number_sex(make_id("420102", "19900307", "123")) == "M"  # 17th digit 3
    assert id_number_sex("11010519491231002x") == "F"
    assert error_code(id_number_sex, GB_EXAMPLE[:17] + "1") == "id_check_digit"


@pytest.mark.parametrize(
    "bad", ["", "1234567890123456", "123456789012345678", "１１０１０５１９４９１２３１００２"]
)
def test_id_check_digit_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        id_check_digit(bad)


@settings(database=None)  # keep hypothesis from writing .hypothesis/ into the project
@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    rest_of_region=st.integers(0, 9999),
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 999),
)
def test_property_generated_numbers_validate_and_single_changes_break_them(
    province: str, rest_of_region: int, birth: datetime.date, sequence: int
) -> None:
    first17 = f"{province}{rest_of_region:04d}{birth:%Y%m%d}{sequence:03d}"
    number = first17 + id_check_digit(first17)
    assert number[-1] == reference_check_digit(first17)
    assert validate_id_number(number, today=TODAY) == number
    assert id_number_birth_date(number) == birth

    for position, original in enumerate(number):
        for replacement in "0123456789X":
            if replacement == original:
                continue
            mutated = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(ValidationError):
                validate_id_number(mutated, today=TODAY)


# --- birth dates typed on their own ------------------------------------------------------------


def test_validate_birth_date() -> None:
    assert validate_birth_date(TODAY, today=TODAY) == TODAY
    assert validate_birth_date(datetime.datetime(1990, 3, 7, 8, 0), today=TODAY) == datetime.date(
        1990, 3, 7
    )
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert error_code(validate_birth_date, tomorrow, today=TODAY) == "birth_date_future"
    early = datetime.date(1899, 12, 31)
    assert error_code(validate_birth_date, early, today=TODAY) == "birth_date_too_early"


# --- phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("+8613812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("(+86) 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("＋８６　１３８－１２３４－５６７８", "13812345678"),
        ("027-85551234", "027-85551234"),
        ("02785551234", "027-85551234"),
        ("027 85551234", "027-85551234"),
        ("(027)85551234", "027-85551234"),
        ("（０２７）８５５５１２３４", "027-85551234"),
        ("010-62345678", "010-62345678"),
        ("0710-3251234", "0710-3251234"),
        ("07103251234", "0710-3251234"),
        ("0710 325 1234", "0710-3251234"),
        ("027-85551234-123", "027-85551234-123"),
        ("027-85551234转123", "027-85551234-123"),
        ("027 8555 1234 转 8", "027-85551234-8"),
        ("0710-3251234 ext. 12", "0710-3251234-12"),
        ("+86 27 8555 1234", "027-85551234"),
        ("+86 (0)27 8555 1234", "027-85551234"),
        # Every dash people type is a separator, like a space.
        ("138‐1234‑5678", "13812345678"),
        ("138–1234—5678", "13812345678"),
        ("138−1234﹣5678", "13812345678"),
        ("138⸺1234 5678", "13812345678"),
        ("027—85551234", "027-85551234"),
        ("027 – 8555 1234", "027-85551234"),
    ],
)
def test_phone_canonical_form(raw: str, expected: str) -> None:
    assert validate_phone(raw) == expected


@pytest.mark.parametrize("raw", ["85551234", "8555 1234", "3251234", "85551234转123"])
def test_landline_without_area_code(raw: str) -> None:
    assert error_code(validate_phone, raw) == "phone_area_code_missing"


def test_area_code_message_tells_what_to_add() -> None:
    message = error_message(validate_phone, "85551234")
    assert "area code" in message
    assert "027" in message


@pytest.mark.parametrize(
    "raw",
    [
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # no mobile range starts 12
        "10812345678",
        "13812345678-12",  # mobiles have no extension
        "027-05551234",  # local number may not start with 0
        "010-12345678",  # ... or 1
        "027-855512",  # too short
        "027-855512345",  # too long
        "0012785551234",
        "+1 415 555 1234",  # not a mainland number
        "4008123123",
        "138abc45678",
        "phone",
    ],
)
def test_phone_invalid(raw: str) -> None:
    assert error_code(validate_phone, raw) == "phone_invalid"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1381234567", "A mobile number has 11 digits; this one has 10."),
        ("138 1234 56789", "A mobile number has 11 digits; this one has 12."),
        ("13812345678-12", "A mobile number has no extension; enter its 11 digits only."),
        ("13812345678转12", "A mobile number has no extension; enter its 11 digits only."),
        ("+1 415 555 1234", "Only numbers in mainland China (+86) can be entered."),
        ("0012785551234", "Only numbers in mainland China (+86) can be entered."),
        (
            "138abc45678",
            "A phone number has only digits, spaces, dashes and brackets (and 转 before an "
            "extension); “a” “b” “c” cannot be in it.",
        ),
        (
            "138****5678",  # a masked number copied back
            "A phone number has only digits, spaces, dashes and brackets (and 转 before an "
            "extension); “*” cannot be in it.",
        ),
        (
            "4008123123",
            "Enter an 11-digit mobile number or a landline number with its area code, "
            "e.g. 13812345678 or 027-85551234.",
        ),
    ],
)
def test_phone_message_says_what_is_wrong(raw: str, message: str) -> None:
    assert error_message(validate_phone, raw) == message


@pytest.mark.parametrize("raw", ["", "   ", "　"])
def test_phone_empty(raw: str) -> None:
    assert error_code(validate_phone, raw) == "phone_empty"


@pytest.mark.parametrize(
    ("canonical", "kind"),
    [
        ("13812345678", "mobile"),
        ("027-85551234", "landline"),
        ("0710-3251234-12", "landline"),
    ],
)
def test_phone_kind(canonical: str, kind: str) -> None:
    assert phone_kind(canonical) == kind


def test_phone_kind_rejects_non_canonical() -> None:
    with pytest.raises(ValueError):
        phone_kind("02785551234")


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张伟", "张伟"),
        ("张 伟", "张伟"),
        ("张　伟", "张伟"),  # full-width space
        (" 欧阳  娜 娜 ", "欧阳娜娜"),
        ("Li  Ming", "Li Ming"),
        ("ＬＩ　Ｍｉｎｇ", "LI Ming"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),  # katakana middle dot
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽‧买买提", "阿依古丽·买买提"),
        ("阿依古丽．买买提", "阿依古丽·买买提"),  # full-width full stop
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("O’Brien", "O'Brien"),
        ("Mary-Jane Smith", "Mary-Jane Smith"),
        ("李〇", "李〇"),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "　"])
def test_name_empty(raw: str) -> None:
    assert error_code(normalize_name, raw) == "name_empty"


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        (
            "<script>alert(1)</script>",
            "name_symbols",
            "A name cannot contain the symbols “<” “>” “(” “)” “/”. Use letters only, with a "
            "middle dot (·), a space, an apostrophe or a hyphen between parts.",
        ),
        ("张@伟", "name_symbols", None),
        ("张伟(大)", "name_symbols", None),
        ("J. Smith", "name_symbols", None),  # a full stop outside Han text is not a middle dot
        ("张伟2", "name_digits", "A name cannot contain digits (“2”)."),
        ("张伟２", "name_digits", "A name cannot contain digits (“2”)."),  # full-width digit
        (
            "李Ming",
            "name_mixed_scripts",
            "A name cannot mix Chinese characters with other letters (“Ming”). Write it in "
            "Chinese characters only or in letters only.",
        ),
        (
            "Ivаn",  # the "а" is Cyrillic
            "name_mixed_scripts",
            "A name cannot mix letters of different alphabets (such as Latin and Cyrillic "
            "letters that look alike); type it again in one alphabet.",
        ),
        ("·张伟", "name_edge", "A name cannot begin with “·”."),
        ("张伟·", "name_edge", "A name cannot end with “·”."),
        ("-Mary", "name_edge", "A name cannot begin with “-”."),
        ("张··伟", "name_double_separator", "A name cannot have two separators in a row (“··”)."),
        ("Mary--Jane", "name_double_separator", None),
    ],
)
def test_name_error_says_what_is_wrong(raw: str, code: str, message: str | None) -> None:
    assert error_code(normalize_name, raw) == code
    if message is not None:
        assert error_message(normalize_name, raw) == message


@pytest.mark.parametrize(
    ("raw", "chinese"),
    [
        ("", "请输入姓名。"),
        ("<b>张伟</b>", "姓名不能包含符号"),
        ("张伟2", "姓名不能包含数字（“2”）。"),
        ("李Ming", "姓名不能混用汉字和其他字母（“Ming”）"),
        ("Ivаn", "姓名不能混用不同字母表的字母"),
        ("·张伟", "姓名不能以“·”开头。"),
        ("张伟·", "姓名不能以“·”结尾。"),
        ("张··伟", "姓名中不能连续出现两个分隔符（“··”）。"),
        ("张" * 51, "姓名最多 50 个字符，当前为 51 个。"),
    ],
)
def test_name_errors_in_chinese(raw: str, chinese: str) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        normalize_name(raw)
    with translation.override("zh-hans"):
        assert chinese in excinfo.value.messages[0]


@pytest.mark.parametrize(
    "raw", ["山田さくら", "Zoë O’Brien", "ئابدۇرېھىم", "Мария Иванова", "李〇"]
)
def test_names_in_one_script_are_accepted(raw: str) -> None:
    # Japanese names mix kanji and kana; Uyghur, Cyrillic and accented Latin names are letters.
    assert normalize_name(raw) == raw.replace("’", "'")


def test_name_with_invisible_characters_is_cleaned_not_refused() -> None:
    assert normalize_name("张\u200b伟\x07") == "张伟"


def test_name_too_long() -> None:
    assert normalize_name("张" * 50) == "张" * 50
    assert error_code(normalize_name, "张" * 51) == "name_too_long"
