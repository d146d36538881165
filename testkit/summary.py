"""Lines a test leaves for the end of the run's log."""

from __future__ import annotations

import os
from pathlib import Path

SUMMARY_DIR = Path(__file__).resolve().parent.parent / "test-output" / "summary"


def summary_line(line: str) -> None:
    """A line for the end of the test run's log (e.g. the matrix's size). Written to a file per
    process, so that with parallel workers (pytest-xdist) the controlling process prints it."""
    SUMMARY_DIR.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(SUMMARY_DIR / f"{worker}.txt", "a", encoding="utf-8") as f:
        f.write(line + "\n")
