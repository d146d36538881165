"""Chinese first, English complete: every catalogue entry translated, the compiled .mo in step
with the .po (a fresh machine may have no gettext to compile it), and no short English msgid
shared by unrelated places without a context (issue 15 #13: "Not yet" was 未排查 on the daily
report's status; "Title" was 活动名称 on the notice form; "From" was 来源 as a dispatch's start)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str
    context: str | None
    fuzzy: bool
    plural: bool
    references: tuple[str, ...]  # "path/to/file.py:12"


def _string(block: str, keyword: str) -> str | None:
    m = re.search(rf"^{keyword} (\".*\"(?:\n\".*\")*)", block, re.M)
    return "".join(json.loads(x) for x in m.group(1).split("\n")) if m else None


def _entries() -> list[Entry]:
    """Every entry of the catalogue but the header."""
    out = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = _string(block, "msgid")
        if not msgid:
            continue
        refs = [r for line in re.findall(r"^#: (.*)$", block, re.M) for r in line.split()]
        out.append(
            Entry(
                msgid=msgid,
                msgstr=_string(block, r"msgstr(?:\[0\])?") or "",
                context=_string(block, "msgctxt"),
                fuzzy=bool(re.search(r"^#,.*fuzzy", block, re.M)),
                plural="msgid_plural" in block,
                references=tuple(refs),
            )
        )
    return out


def test_every_entry_is_translated() -> None:
    entries = _entries()
    assert len(entries) > 150
    missing = [(e.context, e.msgid) for e in entries if not e.msgstr or e.fuzzy]
    assert not missing, f"untranslated or fuzzy: {missing}"


def test_compiled_catalogue_matches_the_po() -> None:
    stale = []
    with translation.override("zh-hans"):
        for e in _entries():
            if e.plural:
                continue
            shown = (
                translation.pgettext(e.context, e.msgid)
                if e.context is not None
                else translation.gettext(e.msgid)
            )
            if shown != e.msgstr:
                stale.append((e.context, e.msgid))
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:10]}"


def test_english_is_the_source() -> None:
    with translation.override("en"):
        assert translation.gettext("Log out") == "Log out"
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") == "退出登录"


# ---- short msgids and their contexts -----------------------------------------------------------

# Short English strings that were reviewed and mean the same wherever they are used, so one
# translation fits every place. A short string not on this list that several modules use needs a
# context (pgettext / {% translate "…" context "…" %}) at each use whose meaning differs.
SAME_EVERYWHERE: frozenset[str] = frozenset(
    {
        # Buttons and links that do the same thing on every page.
        *("Save", "Cancel", "Search", "Edit", "Add", "Send", "Publish", "Record", "Register"),
        *("Show", "Change", "Choose", "Choose…", "Call", "Apply filters"),
        *("Add household", "Add resident", "Move household"),
        # Page furniture.
        *("All", "All kinds", "All communities", "Filters", "Breadcrumbs", "Timeline"),
        *("History", "Period", "Today", "Previous day", "Next day", "default", "System"),
        *("Yes", "No", "None", "None.", "Continue", "Log out", "Security"),
        # A home or a network address: 地址 reads right for both; a browser, a result, a start
        # mean the same in the audit trail, the session list and the checklists.
        *("address", "browser", "result", "started at"),
        # Places, and the people in them (the glossary's names).
        *("District", "Street", "Community", "Grid", "Building", "Household", "Unit", "Room"),
        *("Communities", "Residents", "Place", "Area", "parent"),
        *("street", "community", "building", "household", "place", "unit", "resident"),
        *("Person", "person", "People", "Workers", "worker", "Full name", "ID number"),
        *("Phone", "Contact phone", "contact phone", "Work unit", "Address"),
        # Field names that name the same field on every form, column and model. "Name" is a
        # thing's name (a person's has the context "person"); "Title" a title (a service
        # activity's has the context "service activity").
        *("Name", "name", "Note", "note", "Kind", "kind", "Status", "status", "Title", "title"),
        *("Time", "time", "text", "by", "what", "Details", "details", "Reason", "reason"),
        *("Source", "source", "order", "Category", "category", "outcome", "Leader", "leader"),
        *("Deadline", "deadline", "day", "Date", "Slot", "slot", "Since", "First day"),
        *("closed at", "ended at", "recorded at", "filed at"),
        *("reported at", "opened at", "withdrawn at", "Summary", "Finding", "finding"),
        *("Members", "Quantity", "Total", "urgency", "How urgent", "For whom", "Hours served"),
        # Statuses with one meaning everywhere (closed, ended, done, cancelled…). Those that
        # differ carry a context: "Not yet", "Open", "Normal", triage's "Closed".
        *("Closed", "Done", "Cancelled", "Overdue", "Filed", "Reported"),
        *("Published", "Withdrawn", "Urgent", "Moved out", "Deceased", "Unwell", "Fit"),
        *("Not reported", "Other", "abnormal", "disabled"),
        # The names of sections and of the things they hold.
        *("Health", "Care", "Supplies", "Request", "request raised", "No request"),
        *("Symptoms", "Temperature (°C)", "Close contact", "Close contacts"),
        *("Confirmed case", "Suspected case", "triage case", "Protective equipment"),
        # Counts.
        *("%(n)s person", "%(n)s member", "%(n)s day"),
        # What the menu, the roles and the home pages call a section or a count, as the section
        # itself does.
        *("Log in", "Password", "Not allowed.", "user", "phone", "action", "City"),
        *("Places", "Households", "Household members", "Resident", "Grid worker"),
        *("Registry", "Health report", "Abnormal reports", "Notices", "Protection guide"),
        *("My requests", "Triage", "Duty", "Recognition", "Units"),
        *("Party organisations", "Party members", "Deployment", "My deployment"),
        *("Deployment coverage", "Should deploy"),
        # Issue 17: the front door's and the inbox's words that other pages use alike.
        *("revoked at", "answered at", "room", "Unknown action.", "Mobile number", "Username"),
        *("Join requests", "Join codes", "Inbox", "%(n)s unread", "Unread only", "Revoke"),
        *("Confirm", "Failed"),
        # One feature's model labels and its pages, in two apps since the house's floors: the
        # daily report (health's tables, reports' pages), deployments and recognition (party's
        # tables, mobilisation's and outreach's pages), a flag (health's, its page triage's).
        *("Submitted", "Daily reports", "Day", "Expected", "Abnormal", "Febrile patients"),
        *("Confirmed cases", "Suspected cases", "Door-to-door screening", "Declared category"),
        *("Exempt", "Not decided", "Cadre", "Decided at"),
        *("Organisation", "cadre", "party member", "work unit", "decided at", "deployment"),
        *("party organisation",),
    }
)


def _module(reference: str) -> str:
    """The app a reference belongs to; templates/<app>/… is that app's, templates/*.html the
    project's own (core)."""
    parts = reference.rsplit(":", 1)[0].split("/")
    if parts[0] == "templates":
        return parts[1] if len(parts) > 2 else "core"
    return parts[0]


def _shared_short_msgids_without_context() -> dict[str, set[str]]:
    out = {}
    for e in _entries():
        modules = {_module(r) for r in e.references}
        if e.context is None and len(e.msgid.split()) <= 2 and len(modules) > 1:
            out[e.msgid] = modules
    return out


def test_short_msgids_shared_by_modules_have_a_context() -> None:
    unchecked = {
        msgid: sorted(modules)
        for msgid, modules in _shared_short_msgids_without_context().items()
        if msgid not in SAME_EVERYWHERE
    }
    assert not unchecked, (
        "Short msgids used by several modules without a context: give each use whose meaning "
        "differs a context (pgettext / {% translate … context … %}), or add the string to "
        f"SAME_EVERYWHERE if it means the same everywhere: {unchecked}"
    )


def test_same_everywhere_lists_only_shared_msgids() -> None:
    # An entry that is no longer shared (or no longer exists) is taken off the list, so the list
    # stays the record of what was reviewed.
    stale = SAME_EVERYWHERE - set(_shared_short_msgids_without_context())
    assert not stale, f"not shared without a context any more: {sorted(stale)}"


def test_each_meaning_has_its_own_chinese() -> None:
    with translation.override("zh-hans"):
        p = translation.pgettext
        assert p("daily report status", "Not yet") == "未提交"
        assert p("screening status", "Not yet") == "未排查"
        assert p("deployment status", "Not yet") == "未下沉"
        assert translation.gettext("Title") == "标题"
        assert p("service activity", "Title") == "活动名称"
        assert p("time range", "From") == "开始时间"
        assert p("time range", "Until") == "结束时间"
        assert p("date range", "From") == "开始日期"
        assert translation.gettext("From") == "来源"  # where supplies came from
        assert p("person", "Name") == "姓名"
        assert translation.gettext("Name") == "名称"
        assert p("urgency", "Normal") == "一般"
        assert translation.gettext("Normal") == "正常"
        assert p("link", "Open") == "查看"
