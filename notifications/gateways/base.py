from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    ok: bool
    provider_message_id: str = ""
    # Short and free of personal data: it is stored on the delivery and may be logged.
    error: str = ""
    # False for an error no retry can mend (a template the provider refused, a barred number).
    retry: bool = True


class TextGateway(Protocol):
    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> SendResult: ...
