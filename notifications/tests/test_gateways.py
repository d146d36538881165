"""The provider adapters against stand-ins of their SDKs (the SDKs are the outside world: they
would call Alibaba Cloud and Tencent Cloud). What is checked is ours: the template code chosen,
the parameters' shape each provider wants, and which errors are retried."""

from __future__ import annotations

import json
import logging
import sys
import types
from typing import Any

import pytest

from notifications.gateways import gateway
from notifications.gateways.console import ConsoleGateway


class _Obj:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


def _fake_aliyun(monkeypatch: pytest.MonkeyPatch, answer: dict[str, Any]) -> list[Any]:
    sent: list[Any] = []

    class Client:
        def __init__(self, config: Any) -> None:
            self.config = config

        def send_sms(self, request: Any) -> Any:
            sent.append(request)
            return _Obj(body=_Obj(**answer))

    pkg = types.ModuleType("alibabacloud_dysmsapi20170525")
    client_mod = types.ModuleType("alibabacloud_dysmsapi20170525.client")
    client_mod.Client = Client  # type: ignore[attr-defined]
    models_mod = types.ModuleType("alibabacloud_dysmsapi20170525.models")
    models_mod.SendSmsRequest = _Obj  # type: ignore[attr-defined]
    pkg.client = client_mod  # type: ignore[attr-defined]
    pkg.models = models_mod  # type: ignore[attr-defined]
    openapi = types.ModuleType("alibabacloud_tea_openapi")
    openapi_models = types.ModuleType("alibabacloud_tea_openapi.models")
    openapi_models.Config = _Obj  # type: ignore[attr-defined]
    openapi.models = openapi_models  # type: ignore[attr-defined]
    for name, mod in {
        "alibabacloud_dysmsapi20170525": pkg,
        "alibabacloud_dysmsapi20170525.client": client_mod,
        "alibabacloud_dysmsapi20170525.models": models_mod,
        "alibabacloud_tea_openapi": openapi,
        "alibabacloud_tea_openapi.models": openapi_models,
    }.items():
        monkeypatch.setitem(sys.modules, name, mod)
    return sent


@pytest.fixture
def aliyun_settings(settings: Any) -> Any:
    settings.TEXT_GATEWAY = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "id"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "secret"
    settings.ALIYUN_SMS_SIGN_NAME = "邻里"
    settings.ALIYUN_SMS_ENDPOINT = "dysmsapi.aliyuncs.com"
    settings.TEXT_TEMPLATE_CODES = {"code": "SMS_100"}
    return settings


def test_aliyun_sends_the_template_code_and_json_params(
    aliyun_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _fake_aliyun(monkeypatch, {"code": "OK", "biz_id": "B1"})
    result = gateway().send(phone="13800000001", template="code", params={"code": "123456"})
    assert result.ok and result.provider_message_id == "B1"
    (req,) = sent
    assert req.phone_numbers == "13800000001"
    assert req.sign_name == "邻里" and req.template_code == "SMS_100"
    assert json.loads(req.template_param) == {"code": "123456"}


def test_aliyun_refusals_that_no_retry_mends_are_final(
    aliyun_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_aliyun(monkeypatch, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "biz_id": None})
    result = gateway().send(phone="13800000001", template="code", params={"code": "1"})
    assert not result.ok and not result.retry
    _fake_aliyun(monkeypatch, {"code": "isv.BUSINESS_LIMIT_CONTROL", "biz_id": None})
    assert gateway().send(phone="13800000001", template="code", params={"code": "1"}).retry
    # A template without a code configured is never sent.
    result = gateway().send(phone="13800000001", template="invite", params={"link": "x"})
    assert not result.ok and not result.retry


def test_tencent_sends_params_in_the_template_order(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TEXT_GATEWAY = "tencent"
    settings.TENCENT_SMS_SECRET_ID = "id"
    settings.TENCENT_SMS_SECRET_KEY = "key"
    settings.TENCENT_SMS_APP_ID = "1400000000"
    settings.TENCENT_SMS_SIGN_NAME = "邻里"
    settings.TENCENT_SMS_REGION = "ap-guangzhou"
    settings.TEXT_TEMPLATE_CODES = {"report_missing": "900"}
    sent: list[Any] = []
    status = {"Code": "Ok", "SerialNo": "S1"}

    class SmsClient:
        def __init__(self, cred: Any, region: str) -> None:
            assert region == "ap-guangzhou"

        def SendSms(self, request: Any) -> Any:
            sent.append(request)
            return _Obj(SendStatusSet=[_Obj(**status)])

    mods = {
        "tencentcloud": types.ModuleType("tencentcloud"),
        "tencentcloud.common": types.ModuleType("tencentcloud.common"),
        "tencentcloud.common.credential": types.ModuleType("tencentcloud.common.credential"),
        "tencentcloud.sms": types.ModuleType("tencentcloud.sms"),
        "tencentcloud.sms.v20210111": types.ModuleType("tencentcloud.sms.v20210111"),
        "tencentcloud.sms.v20210111.sms_client": types.ModuleType("sms_client"),
        "tencentcloud.sms.v20210111.models": types.ModuleType("models"),
    }
    mods["tencentcloud.common.credential"].Credential = lambda a, b: (a, b)  # type: ignore[attr-defined]
    mods["tencentcloud.common"].credential = mods["tencentcloud.common.credential"]  # type: ignore[attr-defined]
    mods["tencentcloud.sms.v20210111.sms_client"].SmsClient = SmsClient  # type: ignore[attr-defined]
    mods["tencentcloud.sms.v20210111.models"].SendSmsRequest = _Obj  # type: ignore[attr-defined]
    mods["tencentcloud.sms.v20210111"].sms_client = mods["tencentcloud.sms.v20210111.sms_client"]  # type: ignore[attr-defined]
    mods["tencentcloud.sms.v20210111"].models = mods["tencentcloud.sms.v20210111.models"]  # type: ignore[attr-defined]
    for name, mod in mods.items():
        monkeypatch.setitem(sys.modules, name, mod)

    result = gateway().send(
        phone="13800000002", template="report_missing", params={"count": "7", "place": "第3网格"}
    )
    assert result.ok and result.provider_message_id == "S1"
    (req,) = sent
    assert req.PhoneNumberSet == ["+8613800000002"]
    assert req.TemplateId == "900" and req.SmsSdkAppId == "1400000000"
    assert req.TemplateParamSet == ["第3网格", "7"]  # place, then count
    status.update(Code="FailedOperation.PhoneNumberInBlacklist")
    failed = gateway().send(
        phone="13800000002", template="report_missing", params={"count": "7", "place": "x"}
    )
    assert not failed.ok and not failed.retry


def test_the_console_gateway_logs_the_words_with_the_number_masked(
    caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.TEXT_GATEWAY = "console"
    assert isinstance(gateway(), ConsoleGateway)
    with caplog.at_level(logging.INFO, logger="linli.text"):
        assert gateway().send(phone="13812345678", template="code", params={"code": "246810"}).ok
    assert "246810" in caplog.text
    assert "13812345678" not in caplog.text
