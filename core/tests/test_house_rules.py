"""Rules of the house that a linter of our own enforces (architecture.md, rule 3)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIRECT_QUERY = re.compile(r"\.objects\.(get|filter|all|exclude|create|update|delete)\(")


def _view_files() -> list[Path]:
    files = []
    for folder in ("web", "api"):
        files += [p for p in ROOT.glob(f"*/{folder}/**/*.py") if ".venv" not in p.parts]
    return files


def test_pages_and_endpoints_never_query_models_directly() -> None:
    """Views and endpoints go through selectors/services, where `for_actor` is applied."""
    files = _view_files()
    assert len(files) >= 8, "the rule must be looking at the real view modules"
    offenders = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in files
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if DIRECT_QUERY.search(line)
    ]
    assert not offenders, "direct model queries in views/endpoints:\n" + "\n".join(offenders)


def test_the_rule_catches_a_direct_query() -> None:
    assert DIRECT_QUERY.search("x = Resident.objects.filter(pk=1)")
    assert not DIRECT_QUERY.search("x = Resident.objects.for_actor(actor)")
