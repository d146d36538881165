"""Tencent Cloud SMS (2021-01-11) through its official SDK, imported only when
`TEXT_GATEWAY=tencent`: `pip install -r requirements-text.txt`. Needs TENCENT_SMS_SECRET_ID,
TENCENT_SMS_SECRET_KEY, TENCENT_SMS_APP_ID, TENCENT_SMS_SIGN_NAME, TENCENT_SMS_REGION and a
template id per template (TEXT_TEMPLATE_CODES). Tencent's templates take their parameters in
order: `notifications.texts.PARAM_ORDER`."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from notifications.gateways.base import SendResult
from notifications.texts import PARAM_ORDER

_FINAL_PREFIXES = (
    "FailedOperation.TemplateIncorrect",
    "FailedOperation.SignatureIncorrect",
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
)


class TencentGateway:
    def __init__(self) -> None:
        from tencentcloud.common import credential
        from tencentcloud.sms.v20210111 import sms_client

        cred = credential.Credential(
            settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY
        )
        self.client = sms_client.SmsClient(cred, settings.TENCENT_SMS_REGION)

    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> SendResult:
        from tencentcloud.sms.v20210111 import models

        template_id = settings.TEXT_TEMPLATE_CODES.get(template, "")
        if not template_id:
            return SendResult(ok=False, error=f"no template id for {template}", retry=False)
        request = models.SendSmsRequest()
        request.SmsSdkAppId = settings.TENCENT_SMS_APP_ID
        request.SignName = settings.TENCENT_SMS_SIGN_NAME
        request.TemplateId = template_id
        request.TemplateParamSet = [str(params.get(k, "")) for k in PARAM_ORDER.get(template, ())]
        request.PhoneNumberSet = ["+86" + phone]
        try:
            status = self.client.SendSms(request).SendStatusSet[0]
        except Exception as e:  # the SDK raises TencentCloudSDKException for network and auth
            return SendResult(ok=False, error=type(e).__name__[:200])
        if status.Code == "Ok":
            return SendResult(ok=True, provider_message_id=str(status.SerialNo or ""))
        final = str(status.Code).startswith(_FINAL_PREFIXES)
        return SendResult(ok=False, error=str(status.Code)[:200], retry=not final)
