from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Grant, User
from accounts.selectors import actor_forget
from core.admin_site import ScopedModelAdmin, site
from core.forms import keep_stored, kept_phone_field


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = ["role", "place", "unit", "household"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role"):
            services.grant_check(
                role=data["role"],
                place=data.get("place"),
                unit=data.get("unit"),
                household=data.get("household"),
            )
        return data


class GrantInline(admin.TabularInline):
    model = Grant
    form = GrantForm
    fk_name = "user"
    extra = 1
    raw_id_fields = ["place", "unit", "household"]

    def get_queryset(self, request: HttpRequest) -> Any:
        from core.http import actor_of

        return Grant.objects.for_actor(actor_of(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        from core.http import actor_of

        manager_qs = db_field.remote_field.model._default_manager.get_queryset()
        if hasattr(manager_qs, "for_actor"):
            kwargs["queryset"] = manager_qs.for_actor(actor_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # revoking a role is how an admin ends someone's access

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class StaffChangeForm(UserChangeForm):
    """A staff member's phone is shown masked and kept unless a new one is typed (edit forms
    never show a phone in full)."""

    phone = kept_phone_field(label=_("phone"), max_length=24)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "phone" in self.fields:
            keep_stored(self, phone=self.instance.phone if self.instance.pk else "")


class StaffAdmin(ScopedModelAdmin, UserAdmin):
    """Staff accounts: no superuser or Django-permission switches; access is grants only."""

    form = StaffChangeForm
    inlines = [GrantInline]
    list_display = ["username", "display_name", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Profile"), {"fields": ("display_name", "phone", "is_active")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "display_name", "password1", "password2")}),)
    filter_horizontal = ()

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.created_by_id = self.actor(request).user_id
        super().save_model(request, obj, form, change)
        actor_forget(obj.pk)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and str(id).isdigit():
            actor_forget(int(id))  # the old password's sessions end now, not in 30 s
        return response

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        actor_forget(obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for pk in queryset.values_list("pk", flat=True):
            actor_forget(pk)
        super().delete_queryset(request, queryset)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            for grant_form in formset.forms:
                if grant_form.instance.pk is None:
                    grant_form.instance.created_by_id = self.actor(request).user_id
        super().save_related(request, form, formsets, change)
        services.user_sync_staff_flag(user=form.instance)
        # The user's grants changed: their next request reads them afresh.
        actor_forget(form.instance.pk)


site.register(User, StaffAdmin)
