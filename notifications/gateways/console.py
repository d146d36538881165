"""The console gateway: nothing leaves the machine. The message is logged (number masked) and
stays readable on the outbox page, so a visitor of the demo can join without a phone."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from core.masking import mask_phone
from notifications.gateways.base import SendResult
from notifications.texts import text_words

log = logging.getLogger("linli.text")


class ConsoleGateway:
    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> SendResult:
        log.info("text to %s: %s", mask_phone(phone), text_words(template, params))
        return SendResult(ok=True, provider_message_id="console")
