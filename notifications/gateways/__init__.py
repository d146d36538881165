"""The text-message gateway the setting `TEXT_GATEWAY` names: `console` (the default: the log
and the outbox page in Setup), `aliyun` (Alibaba Cloud SMS), `tencent` (Tencent Cloud SMS) or
`stand_in` (tests). A provider's SDK is imported only when it is chosen."""

from __future__ import annotations

from django.conf import settings

from notifications.gateways.base import SendResult, TextGateway

__all__ = ["SendResult", "TextGateway", "gateway", "gateway_name"]


def gateway_name() -> str:
    return str(getattr(settings, "TEXT_GATEWAY", "console") or "console")


def gateway() -> TextGateway:
    name = gateway_name()
    if name == "aliyun":
        from notifications.gateways.aliyun import AliyunGateway

        return AliyunGateway()
    if name == "tencent":
        from notifications.gateways.tencent import TencentGateway

        return TencentGateway()
    if name == "stand_in":
        from notifications.gateways.stand_in import StandInGateway

        return StandInGateway()
    from notifications.gateways.console import ConsoleGateway

    return ConsoleGateway()
