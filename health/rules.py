"""The rules of a health report, as pure functions: what a temperature is, when a slot is open,
what counts as abnormal. Services and forms call these; nothing here touches the database."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.error_codes import CoreError
from core.errors import field_error
from core.validators import normalize_text
from health.error_codes import HealthError
from health.models import Slot, Symptom

TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("43.0")
# 37.3 °C and above is a fever in the 2020 screening rules (体温≥37.3℃).
FEVER_FROM = Decimal("37.3")
# Beijing time at which each slot of a day stops taking reports: the morning round is collected
# until 14:00 (late risers, night shifts), the afternoon round until midnight.
SLOT_CLOSES = {Slot.MORNING: datetime.time(14, 0), Slot.AFTERNOON: None}
# Beijing time at which each slot starts taking reports (settings.HEALTH_SLOT_OPENS): an
# afternoon report sent in the morning would fill a round that has not begun.


def slot_opens_at(day: datetime.date, slot: str) -> datetime.datetime:
    opens = datetime.time.fromisoformat(settings.HEALTH_SLOT_OPENS[slot])
    return datetime.datetime.combine(day, opens, timezone.get_current_timezone())


# An offline queue may carry reports recorded this long ago (a grid worker in a dead zone).
SYNC_GRACE = datetime.timedelta(days=3)
# A phone's clock may run this much ahead of ours.
CLOCK_SKEW = datetime.timedelta(minutes=5)

SYMPTOM_CODES: dict[str, int] = {
    "fever": Symptom.FEVER,
    "cough": Symptom.COUGH,
    "short_breath": Symptom.SHORT_BREATH,
    "fatigue": Symptom.FATIGUE,
    "diarrhoea": Symptom.DIARRHOEA,
    "taste_smell": Symptom.TASTE_SMELL,
}
NO_SYMPTOMS = "none"

_UNITS = re.compile(r"\s*(°\s*c|℃|度|c)$", re.IGNORECASE)

TEMPERATURE_HELP = gettext_lazy("Between 34.0 and 43.0 °C, e.g. 36.5")


def parse_temperature(value: object, field: str = "temperature") -> Decimal:
    """36.8, "３６．８", "36,8", "36.8℃" → Decimal("36.8"); anything else is a field error."""
    text = normalize_text(str(value if value is not None else ""))
    text = _UNITS.sub("", text).replace(",", ".").replace("，", ".").replace("。", ".")
    if not text:
        raise field_error(field, _("Enter the temperature."), code=CoreError.REQUIRED)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise field_error(
            field, _("Enter the temperature as a number, e.g. 36.5."), code=CoreError.INVALID
        ) from None
    if not number.is_finite():
        raise field_error(field, _("Enter the temperature as a number, e.g. 36.5."))
    # The range first: 1e309 cannot be rounded to tenths (decimal.InvalidOperation).
    if TEMPERATURE_MIN <= number <= TEMPERATURE_MAX:
        number = number.quantize(Decimal("0.1"))
    if not TEMPERATURE_MIN <= number <= TEMPERATURE_MAX:
        raise field_error(
            field,
            _("A body temperature is between 34.0 and 43.0 °C; %(value)s is not.")
            % {"value": text[:12]},
            code=CoreError.OUT_OF_RANGE,
        )
    return number


def parse_recorded_at(value: object) -> datetime.datetime | None:
    """When a report or visit was filled in on the phone (ISO 8601, e.g. from the outbox), or
    None when it was sent at once."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        try:
            parsed = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise field_error(
                "recorded_at", _("Enter a date and time."), code=CoreError.INVALID
            ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def symptom_bits(codes: Iterable[str], field: str = "symptoms") -> int:
    """["cough", "fatigue"] → 10. "none" alone means none; "none" with a symptom is an error."""
    bits = 0
    seen = set()
    for raw in codes:
        code = normalize_text(str(raw)).lower()
        if not code:
            continue
        seen.add(code)
        if code == NO_SYMPTOMS:
            continue
        if code not in SYMPTOM_CODES:
            raise field_error(
                field,
                _("Unknown symptom “%(code)s”.") % {"code": code[:30]},
                code=CoreError.INVALID,
            )
        bits |= SYMPTOM_CODES[code]
    if NO_SYMPTOMS in seen and bits:
        raise field_error(field, _("Choose “none” or symptoms, not both."), code=CoreError.INVALID)
    return bits


def symptom_codes(bits: int) -> list[str]:
    return [code for code, bit in SYMPTOM_CODES.items() if bits & bit]


def symptom_labels(bits: int) -> list[str]:
    return [str(s.label) for s in Symptom if bits & s.value]


def is_abnormal(temperature: Decimal | None, symptoms: int, contact: bool) -> bool:
    return bool(symptoms) or contact or (temperature is not None and temperature >= FEVER_FROM)


# Enum `.values` builds a new list on every call; the hot path checks membership often.
_SLOTS = frozenset(Slot.values)


def local_now() -> datetime.datetime:
    return timezone.localtime()


def current_slot(now: datetime.datetime | None = None) -> tuple[datetime.date, str]:
    """The day and slot a report made now belongs to (Beijing time: before noon is morning)."""
    local = timezone.localtime(now) if now is not None else local_now()
    return local.date(), (Slot.MORNING if local.hour < 12 else Slot.AFTERNOON)


@functools.lru_cache(maxsize=64)
def slot_closes_at(day: datetime.date, slot: str) -> datetime.datetime:
    closes = SLOT_CLOSES.get(Slot(slot))
    tz = timezone.get_current_timezone()
    if closes is None:
        return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)
    return datetime.datetime.combine(day, closes, tz)


def check_slot_open(
    day: datetime.date,
    slot: str,
    *,
    now: datetime.datetime | None = None,
    recorded_at: datetime.datetime | None = None,
) -> None:
    """Refuse a future day and a closed slot. A report recorded offline counts at the time it was
    recorded, if that was within the slot and not longer ago than SYNC_GRACE."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if slot not in _SLOTS:
        raise field_error(
            "slot", _("Choose the morning or the afternoon slot."), code=CoreError.INVALID
        )
    if day > today:
        raise field_error("day", _("A report cannot be for a future day."), code=CoreError.FUTURE)
    at = now
    if recorded_at is not None:
        if recorded_at > now + CLOCK_SKEW:
            raise field_error(
                "recorded_at", _("The time recorded is in the future."), code=CoreError.FUTURE
            )
        if recorded_at < now - SYNC_GRACE:
            raise field_error(
                "recorded_at",
                _("Reports recorded more than 3 days ago can no longer be synced."),
                code=CoreError.TOO_OLD,
            )
        if timezone.localtime(recorded_at).date() != day:
            raise field_error(
                "recorded_at",
                _("The time recorded is not on the report's day."),
                code=CoreError.INVALID,
            )
        at = recorded_at
    if at < slot_opens_at(day, slot):
        raise field_error(
            "slot",
            _("The %(slot)s slot of %(day)s opens at %(time)s.")
            % {
                "slot": Slot(slot).label,
                "day": day.isoformat(),
                "time": settings.HEALTH_SLOT_OPENS[slot],
            },
            code=HealthError.NOT_OPEN,
        )
    if at >= slot_closes_at(day, slot):
        raise field_error(
            "slot",
            _("The %(slot)s slot of %(day)s has closed.")
            % {"slot": Slot(slot).label, "day": day.isoformat()},
            code=CoreError.CLOSED,
        )
