"""What the registry keeps past its purpose (core.retention; docs/retention.md): an import's
uploaded workbook and its rejected rows (names, ID and phone numbers as typed). The import's
record stays (who, when, which file, the counts); the file goes RETENTION_REGISTRY_IMPORT_FILE_DAYS
after the import finished, or after an upload was previewed and never confirmed (then cancelled)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.retention import Window, in_batches, register
from people.models import ImportStatus, RegistryImport


def purge_import_files(window: Window) -> int:
    rows = RegistryImport.objects.filter(
        Q(status__in=[ImportStatus.DONE, ImportStatus.FAILED], finished_at__lt=window.before)
        | Q(
            status__in=[ImportStatus.PREVIEWED, ImportStatus.CANCELLED],
            created_at__lt=window.before,
        )
    ).exclude(content=b"")

    def clear(ids: list[int]) -> None:
        batch = RegistryImport.objects.filter(pk__in=ids)
        # Left unconfirmed this long, a preview is abandoned: without its file it cannot run.
        batch.filter(status=ImportStatus.PREVIEWED).update(status=ImportStatus.CANCELLED)
        batch.update(content=b"", rejected=[])

    return in_batches(rows, window, "registry_import_files", clear)


register(
    "registry_import_files",
    _("Registry import files"),
    "RETENTION_REGISTRY_IMPORT_FILE_DAYS",
    purge_import_files,
)
