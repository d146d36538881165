"""My sessions and tokens (issue 18 item 2): each logged-in device and API token of the user,
ending one, or all of them ("log out everywhere"); and changing one's password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.session_selectors import my_sessions, my_tokens
from accounts.user_sessions import sessions_revoke
from core.http import actor_of


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@require_http_methods(["GET", "POST"])
def my_sessions_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    current = request.session.session_key
    if request.method == "POST":
        everywhere = request.POST.get("everywhere", "")
        ended = sessions_revoke(
            actor=actor,
            current_session_key=current,
            session_id=_id(request.POST.get("session")),
            token_id=_id(request.POST.get("token")),
            everywhere=everywhere in {"others", "all"},
            including_this=everywhere == "all",
        )
        if everywhere == "all":
            # This session ended too: the next page is the login page.
            return redirect("accounts:login")
        if ended:
            messages.success(request, _("Logged out there."))
        return redirect("accounts:sessions")
    context = {
        "sessions": my_sessions(actor, current_session_key=current),
        "tokens": my_tokens(actor),
    }
    return render(request, "accounts/sessions.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:sessions")
    extra_context = {"title": gettext_lazy("Change password")}

    def form_valid(self, form: Any) -> HttpResponse:
        form.save()  # a new password ends every session and token (accounts.signals)…
        # …and this browser logs in again, with a new session.
        login(self.request, form.user, backend="accounts.backends.CachedModelBackend")
        messages.success(
            self.request, _("Your password was changed. Other devices are logged out.")
        )
        return redirect(self.get_success_url())
