"""Django admin for setting up places, organisations, units and staff — scoped like everything.

Only city and district admins enter it. Every ModelAdmin derives from ScopedModelAdmin, whose
querysets, foreign-key choices and permissions all come from `for_actor`; a test checks that no
model is registered any other way.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.audit import audit_record
from core.http import actor_of
from core.roles import SETUP_ROLES


class LinliAdminSite(admin.AdminSite):
    site_header = _("Linli setup")
    site_title = _("Linli setup")
    index_title = _("Places, organisations, units and staff")
    final_catch_all_view = False  # unknown admin URLs are a plain 404, for everyone

    def has_permission(self, request: HttpRequest) -> bool:
        actor = actor_of(request)
        return request.user.is_active and (actor.is_superuser or actor.has_role(SETUP_ROLES))


site = LinliAdminSite(name="admin")


class ScopedModelAdmin(admin.ModelAdmin):
    """Rows, choices and rights all follow the actor's grants (deny by default)."""

    def actor(self, request: HttpRequest) -> Actor:
        return actor_of(request)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = self.model._default_manager.get_queryset()
        return qs.for_actor(self.actor(request))  # type: ignore[attr-defined]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        manager_qs = related._default_manager.get_queryset()
        if hasattr(manager_qs, "for_actor"):
            kwargs["queryset"] = manager_qs.for_actor(self.actor(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> Any:
        # Django redirects with "does not exist"; outside one's area must look like missing.
        raise Http404

    def _may_setup(self, request: HttpRequest) -> bool:
        actor = self.actor(request)
        return actor.is_superuser or actor.has_role(SETUP_ROLES)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_setup(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_setup(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_setup(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_setup(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing entered is lost: records are ended, not deleted

    # --- the audit trail: every Setup edit, by field NAME (issue 18, item 5) -------------------
    # Django's own LogEntry keeps the object's text; the audit event keeps only which fields
    # changed, never what they held.

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        request._audit_changes = _changed_names(form, formsets)  # type: ignore[attr-defined]
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "setup_add")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "setup_change")
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, "setup_delete")
        return super().log_deletions(request, queryset)

    def _audit(self, request: HttpRequest, obj: Any, action: str) -> None:
        actor = self.actor(request)
        audit_record(
            actor=actor,
            action=action,
            target_type=obj._meta.label_lower[:40],
            target_id=obj.pk,
            place_path=_place_path_of(obj) or widest_setup_path(actor),
            detail=getattr(request, "_audit_changes", None) or {},
        )


def _changed_names(form: Any, formsets: Any) -> dict[str, Any]:
    """{"fields": [names], "inlines": {model: {"added": n, "changed": [names], "deleted": n}}}."""
    out: dict[str, Any] = {"fields": list(getattr(form, "changed_data", []))}
    inlines: dict[str, Any] = {}
    for formset in formsets or []:
        changed = sorted({name for _obj, names in formset.changed_objects for name in names})
        entry = {
            "added": len(formset.new_objects),
            "changed": changed,
            "deleted": len(formset.deleted_objects),
        }
        if entry["added"] or entry["changed"] or entry["deleted"]:
            inlines[formset.model._meta.model_name] = entry
    if inlines:
        out["inlines"] = inlines
    return out


def _place_path_of(obj: Any) -> str:
    """Where the edited row sits in the tree, so that place's admins read its edits."""
    for attr in ("place_path", "path"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value.startswith("/"):
            return value
    for attr in ("place", "community", "building"):
        related = getattr(obj, attr, None)
        value = getattr(related, "path", None)
        if isinstance(value, str) and value.startswith("/"):
            return value
    return ""


def widest_setup_path(actor: Actor) -> str:
    paths = [g.place_path for g in actor.place_grants(SETUP_ROLES) if g.place_path]
    return min(paths, key=len, default="")
