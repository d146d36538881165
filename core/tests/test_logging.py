import logging

from core.logging import NoPersonalDataFilter, scrub


def test_scrub_hides_id_numbers_and_mobiles() -> None:
    text = "lookup 11010519491231002X phone 13812345678 room 502"
    cleaned = scrub(text)
    assert "11010519491231002X" not in cleaned
    assert "13812345678" not in cleaned
    assert "room 502" in cleaned


def test_filter_rewrites_the_record() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s", ("13812345678",), None)
    assert NoPersonalDataFilter().filter(record)
    assert "13812345678" not in record.getMessage()
