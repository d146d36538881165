"""Registry import through the API: upload (preview), read, confirm, rejected rows (.xlsx).

Same flows, scoping and field-named errors as the pages; personal data in the preview masked.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core.api import ErrorOut
from core.disclosure import MaskedIdNumber, MaskedPhone
from core.error_codes import CoreError
from core.errors import field_error
from core.http import actor_of
from core.pagination import ApiPagination
from people.models import RegistryImport
from people.registry_import.rejects import import_rejected_export
from people.registry_import.selectors import (
    access_registry_import,
    earlier_import_of_same_file,
    registry_import_list,
)
from people.registry_import.services import import_confirm, import_upload
from people.registry_import.xlsx import MAX_FILE_BYTES, XLSX_CONTENT_TYPE
from places.selectors import access_place

router = Router(tags=["registry import"])
MAX_REJECTED_SHOWN = 1000


class RowErrorOut(Schema):
    column: str
    code: str
    message: str


class RejectedRowOut(Schema):
    """A rejected row: where, why, and who it was about (ID and phone masked)."""

    row: int
    errors: list[RowErrorOut]
    building: str
    room: str
    name: str
    id_number_masked: MaskedIdNumber
    phone_masked: MaskedPhone


class RegistryImportSummaryOut(Schema):
    id: int
    community_id: int
    file_name: str
    file_sha256: str
    status: str
    total_rows: int
    processed_rows: int
    new_count: int
    changed_count: int
    unchanged_count: int
    rejected_count: int
    error: str
    created_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class RegistryImportOut(RegistryImportSummaryOut):
    same_file_imported_at: datetime.datetime | None
    rejected: list[RejectedRowOut]
    rejected_truncated: bool

    @staticmethod
    def resolve_same_file_imported_at(obj: RegistryImport) -> datetime.datetime | None:
        earlier = earlier_import_of_same_file(obj)
        return earlier.finished_at if earlier else None

    @staticmethod
    def resolve_rejected(obj: RegistryImport) -> list[dict[str, Any]]:
        return [
            {k: r.get(k, "") for k in RejectedRowOut.model_fields}
            for r in (obj.rejected or [])[:MAX_REJECTED_SHOWN]
        ]

    @staticmethod
    def resolve_rejected_truncated(obj: RegistryImport) -> bool:
        return len(obj.rejected or []) > MAX_REJECTED_SHOWN


ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post("/registry-imports", response={201: RegistryImportOut, **ERRORS})
def create_registry_import(
    request: HttpRequest,
    community: Form[int | None] = None,
    file: File[UploadedFile | None] = None,
) -> Status[RegistryImport]:
    """Upload a registry spreadsheet (multipart: `community` id and `file`, .xlsx at most
    10 MB). Nothing is imported yet: the answer counts new, changed, unchanged and rejected
    rows; confirm to import. A big file (more than 3,000 rows) is checked in the background:
    the answer has status `checking`; follow `processed_rows` of `total_rows` with GET until
    the status is `previewed` (or `failed`, with `error`). Errors name the field (`file`,
    `community`)."""
    actor = actor_of(request)
    if community is None:
        raise field_error("community", _("Choose a community."), CoreError.REQUIRED)
    if file is None:
        raise field_error("file", _("Choose the Excel file to upload."), CoreError.REQUIRED)
    place = access_place(actor, community)
    content = file.read(MAX_FILE_BYTES + 1)
    registry_import = import_upload(
        actor=actor, community=place, file_name=file.name or "", content=content
    )
    return Status(201, registry_import)


@router.get("/registry-imports", response=list[RegistryImportSummaryOut])
@paginate(ApiPagination)
def list_registry_imports(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Imports into the communities of the caller's area, newest first."""
    return registry_import_list(actor_of(request))


@router.get("/registry-imports/{import_id}", response={200: RegistryImportOut, 404: ErrorOut})
def get_registry_import(request: HttpRequest, import_id: int) -> RegistryImport:
    """One import: its status, progress (`processed_rows` of `total_rows`), counts and the
    rejected rows (the first 1000; the .xlsx has them all)."""
    return access_registry_import(actor_of(request), import_id)


@router.post("/registry-imports/{import_id}/confirm", response={202: RegistryImportOut, **ERRORS})
def confirm_registry_import(request: HttpRequest, import_id: int) -> Status[RegistryImport]:
    """Import the good rows in the background; follow `status` and `processed_rows`."""
    actor = actor_of(request)
    registry_import = access_registry_import(actor, import_id)
    return Status(202, import_confirm(actor=actor, registry_import=registry_import))


@router.get(
    "/registry-imports/{import_id}/rejected",
    response={200: None, 404: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The rejected rows with a reason column",
                "content": {XLSX_CONTENT_TYPE: {}},
            }
        }
    },
)
def rejected_rows_xlsx(request: HttpRequest, import_id: int) -> HttpResponse:
    """The rejected rows as typed, with the reason for each (.xlsx; the download is audited;
    ID and phone are masked unless the caller may import into the community)."""
    actor = actor_of(request)
    registry_import = access_registry_import(actor, import_id)
    content = import_rejected_export(actor=actor, registry_import=registry_import)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stem = registry_import.file_name.rsplit(".", 1)[0] or "import"
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{stem}-rejected.xlsx") or "attachment"
    )
    return response
