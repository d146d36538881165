"""What every form page shares: a service's field-named errors on the form, and a form sent twice
done once (core.once)."""

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
