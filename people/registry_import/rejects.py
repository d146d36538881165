"""The rejected rows given back as .xlsx: as the uploader typed them, with their row number
and the reason; in full to whoever may import into the community, masked to supervisors."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.actor import Actor
from core.audit import audit_record
from core.masking import mask_id_number, mask_in_text, mask_phone
from core.spreadsheets import new_workbook, workbook_bytes
from core.validators import normalize_text
from people.models import RegistryImport
from people.policies import may_import
from people.registry_import.xlsx import COLUMNS, HEADER_LOOKUP, header_key


def build_rejected_workbook(
    rejected: list[dict[str, Any]],
    *,
    row_header: str,
    reason_header: str,
    masked: bool = False,
) -> bytes:
    """The rejected rows as the uploader typed them, with their row number and the reason."""
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet("未导入")
    headers: list[str] = []
    for entry in rejected:
        for header, _value in entry.get("values", []):
            if header not in headers:
                headers.append(header)
    if not headers:
        headers = [c.header for c in COLUMNS]
    id_headers = {h for h in headers if HEADER_LOOKUP.get(header_key(h)) == "id_number"}
    phone_headers = {h for h in headers if HEADER_LOOKUP.get(header_key(h)) == "phone"}
    birth_headers = {h for h in headers if is_birth_header(h)}
    for index, header in enumerate(headers, 2):
        letter = get_column_letter(index)
        width = max(10, min(30, 2 * len(header) + 4))
        if header in id_headers:
            width = 22
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions[get_column_letter(len(headers) + 2)].width = 60
    ws.append([row_header, *headers, reason_header])
    for entry in rejected:
        values = dict((h, v) for h, v in entry.get("values", []))
        cells: list[Any] = [entry["row"]]
        for header in headers:
            value = values.get(header, "")
            if masked and value:
                value = _masked_cell(header, value, id_headers, phone_headers, birth_headers)
            cells.append(_text_cell(ws, value) if header in id_headers | phone_headers else value)
        reasons = "；".join(f"{e['column']}：{e['message']}" for e in entry.get("errors", []))
        cells.append(reasons or entry.get("reason", ""))
        ws.append(cells)
    return workbook_bytes(wb)


# Columns a file may carry besides the template's that hold a birth date (出生日期, 出生年月,
# 生日, date of birth…): the hidden middle of a masked ID number.
_BIRTH_WORDS = ("出生", "生日", "birth", "dob")
_YEAR = re.compile(r"(?<![0-9])((?:18|19|20)[0-9]{2})(?:[0-9]{4})?(?![0-9])")  # 1983, 19830306


def is_birth_header(header: str) -> bool:
    key = header_key(header)
    return any(word in key for word in _BIRTH_WORDS)


def _masked_cell(
    header: str, value: str, id_headers: set[str], phone_headers: set[str], birth: set[str]
) -> str:
    """A typed cell as a masked copy shows it: ID and phone masked, a birth date as its year
    (or nothing, when no year can be read from it), and any ID or phone number typed into
    another column (a guardian's, in a note) masked too."""
    if header in id_headers:
        return mask_id_number(value)
    if header in phone_headers:
        return mask_phone(value)
    if header in birth:
        year = _YEAR.search(normalize_text(value))
        return year.group(1) if year else ""
    return mask_in_text(value)


def _text_cell(ws: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "@"
    return cell


def import_rejected_workbook(registry_import: RegistryImport, *, masked: bool = False) -> bytes:
    """The rejected rows as typed, with their row number and the reason, as .xlsx."""
    return build_rejected_workbook(
        registry_import.rejected or [],
        row_header=_("Row in your file"),
        reason_header=_("Why it was not imported"),
        masked=masked,
    )


def import_rejected_export(*, actor: Actor, registry_import: RegistryImport) -> bytes:
    """The rejected rows for download: in full to whoever may import into the community (it is
    their own file), masked to supervisors; audited either way."""
    full = may_import(actor, registry_import.community) or (
        actor.user_id is not None and actor.user_id == registry_import.uploaded_by_id
    )
    audit_record(
        actor=actor,
        action="export_rejected",
        target_type="registry_import",
        target_id=registry_import.pk,
        place_path=registry_import.community_path,
        detail={"rows": registry_import.rejected_count, "masked": not full},
    )
    return import_rejected_workbook(registry_import, masked=not full)
