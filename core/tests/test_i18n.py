"""Chinese first, English complete: every catalogue entry translated, and the compiled .mo in step
with the .po (a fresh machine may have no gettext to compile it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str, bool, bool, str]]:
    """(msgid, msgstr, fuzzy, plural, context) of each entry but the header."""
    out = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        m = re.search(r'^msgid (".*"(?:\n".*")*)', block, re.M)
        if not m:
            continue
        msgid = "".join(json.loads(x) for x in m.group(1).split("\n"))
        if not msgid:
            continue
        s = re.search(r"^msgstr(?:\[0\])? (\".*\"(?:\n\".*\")*)", block, re.M)
        msgstr = "".join(json.loads(x) for x in s.group(1).split("\n")) if s else ""
        fuzzy = bool(re.search(r"^#,.*fuzzy", block, re.M))
        plural = "msgid_plural" in block
        c = re.search(r'^msgctxt (".*")', block, re.M)
        out.append((msgid, msgstr, fuzzy, plural, json.loads(c.group(1)) if c else ""))
    return out


def test_every_entry_is_translated() -> None:
    entries = _entries()
    assert len(entries) > 150
    missing = [e[0] for e in entries if not e[1] or e[2]]
    assert not missing, f"untranslated or fuzzy: {missing}"


def test_compiled_catalogue_matches_the_po() -> None:
    stale = []
    with translation.override("zh-hans"):
        for msgid, msgstr, _fuzzy, plural, context in _entries():
            found = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if not plural and found != msgstr:
                stale.append(msgid)
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:10]}"


def test_english_is_the_source() -> None:
    with translation.override("en"):
        assert translation.gettext("Log out") == "Log out"
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") == "退出登录"
