import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from core.logging import NoPersonalDataFilter, NoPersonalDataFormatter, scrub

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


# ---- what the configured handler prints (issue 15, item 24) ---------------------------------

PHONE = "13812345678"


def _console() -> logging.StreamHandler:  # type: ignore[type-arg]
    """The handler settings.LOGGING gives the root logger (the one that reaches the console)."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, NoPersonalDataFilter) for f in h.filters)
    ]
    assert len(handlers) == 1, "settings.LOGGING must put one masking console handler on root"
    return handlers[0]


@contextmanager
def _printed() -> Iterator[io.StringIO]:
    handler = _console()
    out = io.StringIO()
    previous = handler.setStream(out)
    try:
        yield out
    finally:
        handler.setStream(previous)  # type: ignore[arg-type]


def _fail(id_number: str, phone: str) -> None:
    try:
        raise ValueError(f"duplicate key (id_number)=({id_number}) phone {phone}")
    except ValueError as e:
        raise RuntimeError(f"saving {phone} failed") from e


@pytest.mark.parametrize("name", ["linli.test", "django.request", "huey"])
def test_a_logged_traceback_is_masked(name: str) -> None:
    logger = logging.getLogger(name)
    with _printed() as out:
        try:
            _fail(GB_EXAMPLE_ID, PHONE)
        except RuntimeError:
            logger.error("import %s failed", "#12", exc_info=True)
    printed = out.getvalue()
    assert "Traceback (most recent call last)" in printed and "in _fail" in printed
    assert "ValueError: duplicate key" in printed and "RuntimeError: saving" in printed
    assert GB_EXAMPLE_ID not in printed and PHONE not in printed
    assert "110105********002X" in printed and "138****5678" in printed


def test_stack_args_and_extra_fields_are_masked() -> None:
    logger = logging.getLogger("linli.test")
    with _printed() as out:
        logger.warning("call %s", PHONE, stack_info=True, extra={"who": GB_EXAMPLE_ID})
    printed = out.getvalue()
    assert "call 138****5678" in printed and "Stack (most recent call last)" in printed
    assert PHONE not in printed and GB_EXAMPLE_ID not in printed
    record = logging.makeLogRecord({"msg": "m", "who": f"身份证 {GB_EXAMPLE_ID}", "count": 3})
    assert NoPersonalDataFilter().filter(record)
    assert vars(record)["who"] == "身份证 110105********002X" and vars(record)["count"] == 3


def test_the_formatter_masks_what_a_format_string_pulls_in() -> None:
    formatter = NoPersonalDataFormatter("%(message)s %(request)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "GET", None, None)
    record.request = f"<WSGIRequest: GET '/registry/?q={PHONE}'>"
    assert formatter.format(record) == "GET <WSGIRequest: GET '/registry/?q=138****5678'>"


def test_scrub_finds_numbers_as_people_type_them() -> None:
    assert scrub("电话 138-1234-5678，+86 139 1234 5678") == "电话 138****5678，139****5678"
    assert scrub("身份证 420102 19800517 123x") == "身份证 420102********123X"
    assert scrub("１３８１２３４５６７８") == "138****5678"  # full-width digits
    assert scrub("座机 027-85551234") == "座机 027-****1234"
    assert scrub("老身份证 420102800517123") == "老身份证 420*********123"
    # Dates, times, counts, rooms and record numbers stay.
    kept = "2026-11-24 09:30 #1234 1单元101 共 35 人 12.5%"
    assert scrub(kept) == kept


def test_gunicorn_logs_are_masked_too() -> None:
    """gunicorn logs outside settings.LOGGING: its access and error logs get the same filter."""
    from gunicorn.config import Config

    from config.gunicorn_logger import MaskingLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = MaskingLogger(cfg)
    out = io.StringIO()
    for log in (logger.access_log, logger.error_log):
        for handler in log.handlers:
            handler.setStream(out)  # type: ignore[attr-defined]
    logger.access_log.info('"GET %s" %s', f"/api/residents/{PHONE}", 401)
    try:
        raise ValueError(f"bad id {GB_EXAMPLE_ID}")
    except ValueError:
        logger.exception("worker failed")
    printed = out.getvalue()
    assert "/api/residents/138****5678" in printed and "worker failed" in printed
    assert PHONE not in printed and GB_EXAMPLE_ID not in printed


def test_a_record_whose_arguments_do_not_fit_is_still_masked() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s %s", (PHONE,), None)
    assert NoPersonalDataFilter().filter(record)
    assert record.getMessage() == "call %s %s"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, f"call {PHONE} %d", ("x",), None)
    assert NoPersonalDataFilter().filter(record)
    assert record.getMessage() == "call 138****5678 %d"
