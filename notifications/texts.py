"""Text-message templates: a provider approves each one's wording, with its parameters, in
advance (`TEXT_TEMPLATE_CODES` maps each to the provider's code). A message is always a template
and its params, never free text, and never carries an ID number or a name."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class TextTemplate(StrEnum):
    CODE = "code"  # 您的验证码为${code}，5分钟内有效。
    INVITE = "invite"  # 您已被邀请使用邻里，请打开 ${link} 登录。
    REPORT_REMINDER = "report_reminder"  # 您家今日${slot}健康打卡尚未完成，请及时填报。
    REPORT_MISSING = "report_missing"  # 您负责的${place}还有${count}人未打卡。
    NEW_MESSAGE = "new_message"  # 您在邻里有${count}条新消息，请登录查看。


# What each template says, for the console gateway and the demo's outbox (the providers keep
# their own approved copy of the same words).
TEXT_WORDS: Mapping[TextTemplate, str] = {
    TextTemplate.CODE: "【邻里】您的验证码为{code}，5分钟内有效，请勿告诉他人。",
    TextTemplate.INVITE: "【邻里】您已被邀请使用邻里，请打开 {link} 登录。",
    TextTemplate.REPORT_REMINDER: "【邻里】您家今日{slot}健康打卡尚未完成，请及时填报。",
    TextTemplate.REPORT_MISSING: "【邻里】您负责的{place}还有{count}人未打卡，请跟进。",
    TextTemplate.NEW_MESSAGE: "【邻里】您有{count}条新消息，请登录邻里查看。",
}

# Tencent Cloud's templates take their parameters by position.
PARAM_ORDER: Mapping[str, tuple[str, ...]] = {
    TextTemplate.CODE: ("code",),
    TextTemplate.INVITE: ("link",),
    TextTemplate.REPORT_REMINDER: ("slot",),
    TextTemplate.REPORT_MISSING: ("place", "count"),
    TextTemplate.NEW_MESSAGE: ("count",),
}


def text_words(template: str, params: Mapping[str, object]) -> str:
    """The message as the recipient reads it (the console gateway and the outbox page)."""
    try:
        words = TEXT_WORDS[TextTemplate(template)]
    except ValueError:
        return template
    try:
        return words.format(**params)
    except (KeyError, IndexError):
        return words
