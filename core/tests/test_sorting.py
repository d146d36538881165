"""Natural order of the names people number (issue 15, item 16)."""

from __future__ import annotations

import pytest

from core.sorting import chinese_number, natural_key


def naturally(names: list[str]) -> list[str]:
    return sorted(names, key=natural_key)


def test_buildings_and_rooms_sort_by_their_numbers() -> None:
    assert naturally(["10栋", "9栋", "1栋", "100栋"]) == ["1栋", "9栋", "10栋", "100栋"]
    assert naturally(["1单元1001", "1单元101", "2单元101", "1单元102"]) == [
        "1单元101",
        "1单元102",
        "1单元1001",
        "2单元101",
    ]
    assert naturally(["第10网格", "第3网格", "第1网格"]) == ["第1网格", "第3网格", "第10网格"]
    assert naturally(["3-12", "3-2", "12-1"]) == ["3-2", "3-12", "12-1"]


def test_full_width_digits_leading_zeros_and_case_are_the_same_number() -> None:
    assert natural_key("１０栋") == natural_key("10栋")
    assert natural_key("010栋") == natural_key("10栋")
    assert natural_key("A座") == natural_key("a座")
    assert naturally(["１０栋", "9栋"]) == ["9栋", "１０栋"]


def test_chinese_numerals_count_as_numbers() -> None:
    assert naturally(["十号楼", "二号楼", "十二号楼", "一号楼"]) == [
        "一号楼",
        "二号楼",
        "十号楼",
        "十二号楼",
    ]
    assert naturally(["二单元", "1单元", "3单元"]) == ["1单元", "二单元", "3单元"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零一", 101)],
        *[("两百", 200), ("二〇二〇", 2020), ("三千零五十", 3050), ("十十", None)],
    ],
)
def test_chinese_number(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


def test_the_key_is_a_plain_string_the_database_can_index() -> None:
    key = natural_key("1单元101")
    assert key == "0000000001单元0000000101"
    assert len(natural_key("1-" * 50)) <= 255
    assert natural_key("") == ""
