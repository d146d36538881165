"""The tests' gateway: keeps what it was asked to send, and fails the next N sends when told."""

from __future__ import annotations

from collections.abc import Mapping

from notifications.gateways.base import SendResult

SENT: list[tuple[str, str, dict[str, str]]] = []
FAIL_NEXT = {"count": 0, "retry": True}


def reset() -> None:
    SENT.clear()
    FAIL_NEXT.update(count=0, retry=True)


class StandInGateway:
    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> SendResult:
        if FAIL_NEXT["count"]:
            FAIL_NEXT["count"] = int(FAIL_NEXT["count"]) - 1
            return SendResult(ok=False, error="stand-in failure", retry=bool(FAIL_NEXT["retry"]))
        SENT.append((phone, template, dict(params)))
        return SendResult(ok=True, provider_message_id=f"stand-in-{len(SENT)}")
