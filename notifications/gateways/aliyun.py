"""Alibaba Cloud SMS (dysmsapi 2017-05-25) through its official SDK, imported only when
`TEXT_GATEWAY=aliyun`: `pip install -r requirements-text.txt`. Needs ALIYUN_SMS_ACCESS_KEY_ID,
ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME and a template code per template
(TEXT_TEMPLATE_CODES, e.g. `code=SMS_1234,invite=SMS_5678,…`)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.conf import settings

from notifications.gateways.base import SendResult

# Errors no retry mends (a refused template or signature, a barred or invalid number).
_FINAL = {
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.BLACK_KEY_CONTROL_LIMIT",
}


class AliyunGateway:
    def __init__(self) -> None:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as open_api_models

        config = open_api_models.Config(
            access_key_id=settings.ALIYUN_SMS_ACCESS_KEY_ID,
            access_key_secret=settings.ALIYUN_SMS_ACCESS_KEY_SECRET,
            endpoint=settings.ALIYUN_SMS_ENDPOINT,
        )
        self.client = Client(config)

    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> SendResult:
        from alibabacloud_dysmsapi20170525 import models as dysms_models

        code = settings.TEXT_TEMPLATE_CODES.get(template, "")
        if not code:
            return SendResult(ok=False, error=f"no template code for {template}", retry=False)
        request = dysms_models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=settings.ALIYUN_SMS_SIGN_NAME,
            template_code=code,
            template_param=json.dumps(dict(params), ensure_ascii=False),
        )
        try:
            body = self.client.send_sms(request).body
        except Exception as e:  # the SDK raises its own errors for network and auth failures
            return SendResult(ok=False, error=type(e).__name__[:200])
        if body.code == "OK":
            return SendResult(ok=True, provider_message_id=str(body.biz_id or ""))
        return SendResult(ok=False, error=str(body.code)[:200], retry=body.code not in _FINAL)
