"""Credentials in URLs never reach a log (issue 18 item 9): an Open311 client's `?api_key=`, any
`token=` in a query string, and the tokens in check-in, join and invitation links, masked by the
one shared filter (core.logging) in Django's request logs and gunicorn's access log alike."""

from __future__ import annotations

import io
import logging

from core.logging import MASKED, scrub
from core.tests.test_logging import _printed

KEY = "ll_k3yTh4tMustN0tLeak"
REQUEST_LINE = f"GET /open311/v2/requests.json?status=open&api_key={KEY}&service_code=food HTTP/1.1"


def test_django_request_lines_hide_the_api_key() -> None:
    with _printed() as out:
        logging.getLogger("django.server").info('"%s" %s %s', REQUEST_LINE, 200, 512)
    printed = out.getvalue()
    assert KEY not in printed
    assert f"api_key={MASKED}" in printed
    # The rest of the line is still there to read.
    assert "status=open" in printed and "service_code=food" in printed and "200" in printed


def test_link_tokens_and_tracebacks_are_masked() -> None:
    with _printed() as out:
        logging.getLogger("django.request").warning("Not Found: %s", "/invite/inv-s3cret/code/")
        try:
            raise ValueError(f"cannot open /checkin/chk-s3cret/?token={KEY}")
        except ValueError:
            logging.getLogger("django.request").exception("Internal Server Error: /join/j-s3cret/")
    printed = out.getvalue()
    for secret in ("inv-s3cret", "chk-s3cret", "j-s3cret", KEY):
        assert secret not in printed
    assert f"/invite/{MASKED}/code/" in printed and "ValueError" in printed


def test_gunicorn_access_log_hides_the_api_key() -> None:
    from gunicorn.config import Config

    from config.gunicorn_logger import MaskingLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = MaskingLogger(cfg)
    out = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(out)  # type: ignore[attr-defined]
    referer = f"https://linli.example/join/j-s3cret/?api_key={KEY}"
    logger.access_log.info('"%s" %s "%s"', REQUEST_LINE, 200, referer)
    printed = out.getvalue()
    assert KEY not in printed and "j-s3cret" not in printed
    assert f"api_key={MASKED}" in printed and "service_code=food" in printed


def test_only_credential_parameters_are_masked() -> None:
    text = "/api/requests?service_code=food&tokens_left=3&key=abc;secret=x&password=y#top"
    assert scrub(text) == (
        f"/api/requests?service_code=food&tokens_left=3&key={MASKED};secret={MASKED}"
        f"&password={MASKED}#top"
    )
    assert scrub("dedupe key=abc token=xyz") == "dedupe key=abc token=xyz"
