"""The household screening form: one block of fields per member still to be asked. The form only
shapes the input; health.screening.screening_visit_record validates it and names wrong fields
("members.<resident id>.temperature"), which land back on the member's field here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from health.models import Declared, Presence, Symptom, VisitOutcome
from health.rules import NO_SYMPTOMS, SYMPTOM_CODES, TEMPERATURE_HELP
from health.screening import MemberFinding
from health.screening_selectors import MemberRow


def symptom_choices() -> list[tuple[str, Any]]:
    return [(code, Symptom(bit).label) for code, bit in SYMPTOM_CODES.items()] + [
        (NO_SYMPTOMS, _("None"))
    ]


PRESENCE_CHOICES = [
    (Presence.PRESENT, _("Present")),
    (Presence.AWAY, _("Away")),
    (Presence.REFUSED, _("Refused")),
]


def _name(resident_id: int, field: str) -> str:
    return f"m{resident_id}_{field}"


class ScreeningForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. came back at 19:00 to find them in")}),
    )

    def __init__(self, *args: Any, members: list[MemberRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = [m for m in members if m.asked]
        for m in self.members:
            initial_presence = Presence.AWAY if m.status == "away" else Presence.PRESENT
            self.fields[_name(m.resident_id, "presence")] = forms.ChoiceField(
                label=_("Presence"),
                choices=PRESENCE_CHOICES,
                initial=initial_presence,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[_name(m.resident_id, "temperature")] = forms.CharField(
                label=_("Temperature (°C)"),
                required=False,
                max_length=12,
                help_text=TEMPERATURE_HELP,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}
                ),
            )
            self.fields[_name(m.resident_id, "symptoms")] = forms.MultipleChoiceField(
                label=_("Symptoms"),
                choices=symptom_choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[_name(m.resident_id, "contact")] = forms.BooleanField(
                label=_("Contact with a confirmed or suspected case"), required=False
            )
            self.fields[_name(m.resident_id, "declared")] = forms.ChoiceField(
                label=_("Declared category"),
                choices=Declared.choices,
                required=False,
            )

    def outcome(self) -> str:
        value = self.data.get("outcome", VisitOutcome.SCREENED)
        return value if value in VisitOutcome.values else VisitOutcome.SCREENED

    def findings(self) -> list[MemberFinding]:
        """What was typed per member (raw: the service parses and validates it)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        out = []
        for m in self.members:
            rid = m.resident_id
            out.append(
                MemberFinding(
                    resident_id=rid,
                    presence=str(data.get(_name(rid, "presence")) or ""),
                    temperature=str(self.data.get(_name(rid, "temperature"), "")),
                    symptoms=list(data.get(_name(rid, "symptoms")) or []),
                    contact=bool(data.get(_name(rid, "contact"))),
                    declared=str(data.get(_name(rid, "declared")) or ""),
                )
            )
        return out

    def member_blocks(self) -> list[dict[str, Any]]:
        """For the template: each asked member with their bound fields."""
        blocks = []
        for m in self.members:
            rid = m.resident_id
            blocks.append(
                {
                    "member": m,
                    "presence": self[_name(rid, "presence")],
                    "temperature": self[_name(rid, "temperature")],
                    "symptoms": self[_name(rid, "symptoms")],
                    "contact": self[_name(rid, "contact")],
                    "declared": self[_name(rid, "declared")],
                    "errors": any(
                        self[_name(rid, f)].errors
                        for f in ("presence", "temperature", "symptoms", "contact", "declared")
                    ),
                }
            )
        return blocks

    def add_service_errors(self, error: ValidationError) -> None:
        """Put "members.<id>.<field>" errors on the member's field, the rest on the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            parts = key.split(".")
            target = None
            if len(parts) == 3 and parts[0] == "members" and parts[1].isdigit():
                name = _name(int(parts[1]), parts[2])
                target = name if name in self.fields else None
            elif key in self.fields:
                target = key
            self.add_error(target, errors)
