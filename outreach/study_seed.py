"""The themed party day of February 2020 (全市2月份疫情防控专题支部主题党日) from the shared seed:
the organisation department's notice as the programme's introduction and its eight attachments
(附件一…附件八) as the materials. The public protection guide that follows 附件八 in the same
file is the guide's (notices), not a study material.

`programme_from_seed` is what the demo city and the tests call; it publishes through
`outreach.study.programme_publish`, so the same rules hold. The same title at the same place twice
gives the existing programme.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accounts.models import User
from accounts.selectors import actor_for_user
from core.actor import Actor
from outreach.models import StudyProgramme
from party.models import PartyOrg
from places.models import Place

SEED_FILE = "003_fb3ec269a0b8634c.txt"
ATTACHMENTS = ["附件一", "附件二", "附件三", "附件四", "附件五", "附件六", "附件七", "附件八"]
GUIDE_HEADING = "公众防护指南"
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
SOURCE_RE = re.compile(r"^来源[：:]\s*(?P<source>.+?)\s*(?:发布时间[：:]\s*(?P<date>.+))?$")


@dataclass(frozen=True)
class SeedMaterial:
    title: str
    body: str
    source: str
    issued_on: datetime.date | None


@dataclass(frozen=True)
class SeedProgramme:
    title: str
    intro: str
    issuer: str
    materials: list[SeedMaterial]


def seed_path() -> Path:
    # A copy of ../shared/seed's document ships with the code: `make run` on a fresh machine has
    # only this repository.
    return Path(__file__).resolve().parent / "seed" / SEED_FILE


def _date(text: str) -> datetime.date | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _material(lines: list[str], issuer: str) -> SeedMaterial:
    """An attachment's lines (after its 附件N line): the heading, then the text. Its source is
    the 来源 line, else the issuing body that signs it; its date the 发布时间 or the signed date
    (a dated line in brackets under the heading counts too)."""
    title = lines[0] if lines else ""
    rest = lines[1:]
    source, issued_on = "", None
    body: list[str] = []
    for i, line in enumerate(rest):
        m = SOURCE_RE.match(line)
        if m and not source:
            source = m["source"].strip()
            issued_on = _date(m["date"] or "")
            continue
        if i == 0 and re.fullmatch(r"[（(].*[)）]", line) and _date(line):
            issued_on = issued_on or _date(line)
            continue
        body.append(line)
    if not source:
        # A notice signed by the department: "中共武汉市委组织部" then its date, at the end.
        if len(body) >= 2 and _date(body[-1]) and len(body[-1]) <= 16:
            issued_on = issued_on or _date(body[-1])
            source = body[-2] if len(body[-2]) <= 40 else issuer
            body = body[:-2]
        else:
            # A decision headed by its issuer ("中共武汉市委关于…的决定").
            m = re.match(r"^(中共\S+?)关于", title)
            source = m[1] if m else issuer
    return SeedMaterial(title[:200], "\n\n".join(body), source[:200], issued_on)


def read_seed(path: Path | None = None) -> SeedProgramme:
    text = (path or seed_path()).read_text(encoding="utf-8")
    guide_at = text.find(GUIDE_HEADING)
    if guide_at >= 0:
        # Cut at the start of the guide's heading line.
        text = text[: text.rfind("\n", 0, guide_at) + 1]
    lines = _lines(text)
    starts = [i for i, line in enumerate(lines) if line in ATTACHMENTS]
    head = lines[: starts[0]] if starts else lines
    issuer = head[0] if head else ""
    title_line = next(
        (line for line in head if "主题党日" in line), head[1] if len(head) > 1 else ""
    )
    title = title_line.split(" ")[0].strip() or title_line
    intro = "\n\n".join(line for line in head[1:] if line != title_line)
    materials = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        materials.append(_material(lines[start + 1 : end], issuer))
    return SeedProgramme(title, intro, issuer, materials)


@transaction.atomic
def programme_from_seed(
    *,
    place: Place,
    published_by: User,
    orgs: Sequence[PartyOrg],
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> StudyProgramme:
    """The seed's themed party day published at `place` by `published_by` (an admin of the place)
    for `orgs`, with its eight materials. The same title at the same place again: the existing
    programme, unchanged."""
    from outreach import study

    seed = read_seed()
    existing = StudyProgramme.objects.filter(title=seed.title, place=place).first()
    if existing is not None:
        return existing
    actor = actor_for_user(published_by)
    programme = study.programme_publish(
        actor=actor,
        place=place,
        title=seed.title,
        intro=seed.intro,
        starts_on=starts_on,
        ends_on=ends_on,
        orgs=list(orgs),
    )
    for m in seed.materials:
        study.material_add(
            actor=actor,
            programme=programme,
            title=m.title,
            body=m.body,
            source=m.source,
            issued_on=m.issued_on,
        )
    return programme


def seed_materials_add(*, actor: Actor, programme: StudyProgramme) -> int:
    """Add the seed's eight attachments to a programme (the "materials from the seed" button);
    those already there by title are skipped. Returns how many were added."""
    from outreach import study

    have = set(programme.materials.values_list("title", flat=True))
    added = 0
    for m in read_seed().materials:
        if m.title in have:
            continue
        study.material_add(
            actor=actor,
            programme=programme,
            title=m.title,
            body=m.body,
            source=m.source,
            issued_on=m.issued_on,
        )
        added += 1
    return added
