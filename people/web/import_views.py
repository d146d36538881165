"""Registry import pages: upload and template, preview, confirm, progress, rejected rows.

Views only translate: they parse the request, call people.registry_import and render.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from core.error_codes import CoreError
from core.errors import field_error, field_errors
from core.http import actor_of
from core.pagination import paginate
from people import policies
from people.models import ImportStatus, RegistryImport
from people.registry_import.rejects import import_rejected_export
from people.registry_import.selectors import (
    access_registry_import,
    community_building_names,
    earlier_import_of_same_file,
    importable_communities,
    importable_count,
    registry_import_list,
    rejected_reasons,
)
from people.registry_import.services import import_confirm, import_upload
from people.registry_import.template import build_template
from people.registry_import.xlsx import MAX_FILE_BYTES, XLSX_CONTENT_TYPE

RECENT = 20
# The rejected rows are summarised by reason, then listed a page at a time (a file of 10,000
# rows may reject thousands); the download has them all.
REJECTED_PER_PAGE = 50
# Followed by the progress bar: a big file's check, and every run.
ACTIVE = (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING)


def start(request: HttpRequest) -> HttpResponse:
    """Download the template, upload a file; the recent imports of the actor's area."""
    actor = actor_of(request)
    communities = importable_communities(actor)
    recent = list(registry_import_list(actor)[:RECENT])
    if not communities and not recent:
        raise PermissionDenied
    context: dict[str, Any] = {"communities": communities, "recent": recent, "errors": {}}
    if request.method == "POST" and communities:
        try:
            registry_import = _upload(request, communities)
        except ValidationError as error:
            context["errors"] = _by_field(error)
            context["chosen"] = request.POST.get("community", "")
            return render(request, "people/import_start.html", context, status=400)
        return redirect("people_import:detail", import_id=registry_import.pk)
    return render(request, "people/import_start.html", context)


def _upload(request: HttpRequest, communities: list[Any]) -> RegistryImport:
    actor = actor_of(request)
    chosen = request.POST.get("community", "")
    community = next((c for c in communities if str(c.pk) == chosen), None)
    if community is None and len(communities) == 1 and not chosen:
        community = communities[0]
    upload = request.FILES.get("file")
    if community is None:
        raise field_error("community", _("Choose a community."), CoreError.REQUIRED)
    if upload is None:
        raise field_error("file", _("Choose the Excel file to upload."), CoreError.REQUIRED)
    # Read no more than the limit allows: a bigger file is refused without filling the memory.
    content = upload.read(MAX_FILE_BYTES + 1)
    return import_upload(
        actor=actor, community=community, file_name=upload.name or "", content=content
    )


def _by_field(error: ValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in field_errors(error):
        field = "general" if e["field"] == "__all__" else e["field"]
        out.setdefault(field, []).append(e["message"])
    return out


def template(request: HttpRequest) -> HttpResponse:
    """The import template; for one of the actor's communities, with its buildings listed."""
    actor = actor_of(request)
    communities = importable_communities(actor)
    if not communities:
        raise PermissionDenied
    chosen = request.GET.get("community", "")
    community = next((c for c in communities if str(c.pk) == chosen), None)
    if community is None and len(communities) == 1:
        # The template promises the community's buildings as a dropdown: an admin of one
        # community gets them even from a link without ?community= (issue 15 item 18).
        community = communities[0]
    names = community_building_names(community) if community else []
    return _xlsx(build_template(names), "实有人口导入模板.xlsx")


def detail(request: HttpRequest, import_id: int) -> HttpResponse:
    actor = actor_of(request)
    registry_import = access_registry_import(actor, import_id)
    return render(request, "people/import_detail.html", _context(request, actor, registry_import))


def _context(
    request: HttpRequest, actor: Any, registry_import: RegistryImport, **extra: Any
) -> dict[str, Any]:
    may_import = policies.may_import(actor, registry_import.community)
    waiting = registry_import.status in (ImportStatus.PREVIEWED, ImportStatus.FAILED)
    return {
        "ri": registry_import,
        "active": registry_import.status in ACTIVE,
        "reasons": rejected_reasons(registry_import),
        "page": paginate(request, registry_import.rejected or [], REJECTED_PER_PAGE),
        "importable": importable_count(registry_import),
        "may_confirm": may_import and waiting and importable_count(registry_import) > 0,
        "earlier": earlier_import_of_same_file(registry_import),
        "errors": {},
        **extra,
    }


@require_POST
def confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    actor = actor_of(request)
    registry_import = access_registry_import(actor, import_id)
    try:
        import_confirm(actor=actor, registry_import=registry_import)
    except ValidationError as error:
        context = _context(request, actor, registry_import, errors=_by_field(error))
        return render(request, "people/import_detail.html", context, status=400)
    return redirect("people_import:detail", import_id=import_id)


def progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The progress bar, polled by htmx while a big file is checked or the import runs; when
    that is over the page reloads, showing the preview or the final counts."""
    actor = actor_of(request)
    registry_import = access_registry_import(actor, import_id)
    if request.htmx and registry_import.status not in ACTIVE:  # type: ignore[attr-defined]
        return HttpResponseClientRefresh()
    context = {"ri": registry_import, "active": registry_import.status in ACTIVE}
    return render(request, "people/import_progress.html", context)


def rejected(request: HttpRequest, import_id: int) -> HttpResponse:
    """The rejected rows as an .xlsx with a reason column (audited)."""
    actor = actor_of(request)
    registry_import = access_registry_import(actor, import_id)
    content = import_rejected_export(actor=actor, registry_import=registry_import)
    stem = registry_import.file_name.rsplit(".", 1)[0] or "import"
    return _xlsx(content, f"{stem}-未导入.xlsx")


def _xlsx(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
