"""What every form page shares: a service's field-named errors on the form, a form sent twice
done once (core.once), and ID numbers and phones that an edit form never shows in full."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.http import actor_of
from core.masking import mask_id_number, mask_phone
from core.once import once_claim, once_done, once_release


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form fields it names (others on the form)."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


class KeptValueField(forms.CharField):
    """An ID number or phone on an edit form (issue 15, item 22).

    The stored value never goes into the page — not as the input's value, not as its initial
    value: the field shows it masked, as its placeholder and help text, exactly as the page
    beside it shows it. Left empty (or sent back as the mask itself), the field cleans to the
    stored value, so saving the form changes nothing; anything else typed replaces it and is
    validated by the service as any new value is. Call `keep(stored)` when building the form."""

    def __init__(self, *, mask: Callable[[str | None], str], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.mask = mask
        self.stored = ""

    def keep(self, stored: str | None) -> None:
        self.stored = (stored or "").strip()
        self.initial = None
        masked = self.mask(self.stored) if self.stored else ""
        if masked:
            self.widget.attrs["placeholder"] = masked
            self.widget.attrs["autocomplete"] = "off"
            self.help_text = _("Leave empty to keep %(value)s.") % {"value": masked}

    def prepare_value(self, value: Any) -> Any:
        # Whatever path a value takes into the page (initial data, an instance), never this one.
        if self.stored and value is not None and str(value).strip() == self.stored:
            return ""
        return super().prepare_value(value)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        typed = (value or "").strip()
        if self.stored and (not typed or typed == self.mask(self.stored)):
            return self.stored
        return value


def kept_phone_field(**kwargs: Any) -> KeptValueField:
    return KeptValueField(mask=mask_phone, **kwargs)


def kept_id_number_field(**kwargs: Any) -> KeptValueField:
    return KeptValueField(mask=mask_id_number, **kwargs)


def keep_stored(form: forms.BaseForm, **stored: str | None) -> None:
    """Show each named KeptValueField's stored value masked, and keep it unless replaced."""
    for name, value in stored.items():
        field = form.fields[name]
        assert isinstance(field, KeptValueField), f"{name} must be a KeptValueField"
        field.keep(value)


class OnceTokenMixin(forms.Form):
    """A hidden token per rendered form: the same form sent twice is done once (core.once)."""

    once = forms.CharField(widget=forms.HiddenInput, required=False)


def run_once(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], str],
    done_message: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """Validate and run `action` once per form token: a redirect to the URL it returns when done
    (or when this form was already sent), None to show the form again with its errors (then
    nothing changed and the token is free again)."""
    actor = actor_of(request)
    token = request.POST.get("once", "")
    already = once_claim(actor, token)
    if already is not None:
        messages.info(request, _("This form was already sent; it was saved once."))
        return redirect(already or request.path)
    try:
        if form.is_valid():
            url = action(form.cleaned_data)
            once_done(actor, token, url)
            if done_message:
                messages.success(request, done_message)
            return redirect(url)
    except ValidationError as e:
        add_service_errors(form, e, aliases)
    except BaseException:
        once_release(actor, token)
        raise
    once_release(actor, token)
    return None
