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
