"""An uploaded workbook's XML is untrusted (issue 18 item 8, bandit B314): entity expansion
(billion laughs) and external entities are refused as a damaged file, quickly, and nothing from
outside the file is read."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError

from people.registry_import.xlsx import read_sheet

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + ']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheets><sheet name='&lol9;'/></sheets></workbook>"
)
OUTSIDE = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheets><sheet name='&x;'/></sheets></workbook>"
)


def _workbook(workbook_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", workbook_xml)
    return out.getvalue()


@pytest.mark.parametrize("xml", [LAUGHS, OUTSIDE], ids=["billion laughs", "external entity"])
def test_entities_in_a_workbook_are_refused_as_damaged(xml: str) -> None:
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        read_sheet(_workbook(xml))
    assert time.monotonic() - started < 5
    assert "file" in refused.value.message_dict
    assert "root:" not in str(refused.value)
