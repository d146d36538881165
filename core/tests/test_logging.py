import logging

from core.logging import NoPersonalDataFilter, scrub

GB_EXAMPLE_ID = "11010519491231002X"  # the GB 11643 standard's own example, not a person


def test_scrub_hides_id_numbers_and_mobiles() -> None:
    text = f"lookup {GB_EXAMPLE_ID} phone 13812345678 room 502"
    cleaned = scrub(text)
    assert GB_EXAMPLE_ID not in cleaned
    assert "13812345678" not in cleaned
    assert "room 502" in cleaned


def test_filter_rewrites_the_record() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s", ("13812345678",), None)
    assert NoPersonalDataFilter().filter(record)
    assert "13812345678" not in record.getMessage()
