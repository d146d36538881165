"""Setup: reset a staff member's lost second factor (city and district admins, over the accounts
Setup shows them). The reset is an action on this list; nothing here edits an account."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_site import ScopedModelAdmin, site
from second_factor.models import Account, TextDevice
from second_factor.reset import second_factor_reset


@admin.register(Account, site=site)
class AccountSecondFactorAdmin(ScopedModelAdmin):
    list_display = ["username", "display_name", "second_factor"]
    search_fields = ["username", "display_name"]
    actions = ["reset_second_factor"]
    fields = ["username", "display_name"]
    readonly_fields = ["username", "display_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        def confirmed(model: Any) -> Exists:
            return Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))

        qs = super().get_queryset(request)
        return qs.annotate(has_app=confirmed(TOTPDevice), has_text=confirmed(TextDevice))

    @admin.display(description=_("second factor"), boolean=True)
    def second_factor(self, obj: Any) -> bool:
        return bool(obj.has_app or obj.has_text)

    @admin.action(description=_("Reset the second factor (lost phone)"))
    def reset_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        actor = self.actor(request)
        users = list(queryset)
        for user in users:
            second_factor_reset(actor=actor, user=user)
        messages.success(
            request,
            ngettext(
                "%(n)d account must set up its second factor again at its next login.",
                "%(n)d accounts must set up their second factor again at their next login.",
                len(users),
            )
            % {"n": len(users)},
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
