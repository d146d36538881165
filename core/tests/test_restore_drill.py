"""On PostgreSQL: the restore drill (`make restore-drill`, deploy/restore_drill.py) dumps a
database, restores it into a fresh one, finds the copy equal, and notices a spoiled copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection

from testkit import build_tiny_city

ROOT = Path(__file__).resolve().parents[2]


def drill_databases() -> set[str]:
    server = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres")
    with psycopg.connect(urlunsplit(server), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", ["linli_drill_%"]
        ).fetchall()
    return {name for (name,) in rows}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_a_city_equal_and_catches_a_spoiled_copy() -> None:
    # The tiny city in the migrated test database stands in for the demo city (`make
    # restore-drill` builds that): the same dump, restore and checks in a fraction of the time.
    build_tiny_city()
    before = drill_databases()
    done = subprocess.run(
        [
            sys.executable,
            "deploy/restore_drill.py",
            "--source",
            connection.settings_dict["NAME"],
            "--sample",
            "50",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = done.stdout
    for line in ("pg_dump -Fc", "pg_restore", "row counts", "ORM sample", "migrate --check"):
        assert line in report
    assert "MISMATCH" not in report
    assert "people.Person: " in report and "people.Person: 0)" not in report
    assert "spoiled copy      caught by every check" in report
    assert report.rstrip().endswith("OK: the copy matches")
    assert drill_databases() == before  # the restored copy is dropped; the source is kept
    assert connection.settings_dict["NAME"] not in drill_databases()
