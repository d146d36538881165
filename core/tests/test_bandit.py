"""Bandit over the project's code (issue 18 item 8), as configured in pyproject.toml's
[tool.bandit] (not the tests, their kit, the benchmarks or the virtualenv).

A medium or high finding fails unless the line explains itself: `# nosec B608: why it is safe`.
A bare `# nosec`, or one without a reason, fails too: it would silence the next finding there.
Low findings (asserts, the demo city's seeded random) are left to review."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

FAILING = {"MEDIUM", "HIGH"}
# A test id or two, a colon, and a few words of why.
EXPLAINED = re.compile(r"#\s*nosec\s+B\d{3}(?:\s*,\s*B\d{3})*:\s*\S.{8,}")
NOSEC = re.compile(r"#\s*nosec\b")


def _bandit() -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", ".", "-f", "json", "-q"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    # Exit status 1 means "found something" (lows included); the JSON says what.
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def test_no_unexplained_medium_or_high_finding() -> None:
    report = _bandit()
    assert not report["errors"], f"files bandit could not read: {report['errors']}"
    scanned = [f for f in report["metrics"] if f != "_totals"]
    assert any(f.endswith("core/logging.py") for f in scanned), "bandit scanned nothing of ours"
    assert not any("/tests/" in f or "/bench/" in f for f in scanned), "scope is wrong"
    found = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}: "
        f"{r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] in FAILING
    ]
    assert not found, "fix these, or explain each at its line (# nosec BXXX: why):\n" + "\n".join(
        found
    )

    bare = []
    for name in scanned:
        path = Path(settings.BASE_DIR) / name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NOSEC.search(line) and not EXPLAINED.search(line):
                bare.append(f"{name}:{number}: {line.strip()}")
    assert not bare, "a nosec without its test id and reason:\n" + "\n".join(bare)
