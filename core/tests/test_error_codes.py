"""Error codes are enum members, never free strings.

Every `field_error(field, message, code)` outside the tests names its code through an app's
`error_codes.py` StrEnum (or leaves the default, CoreError.INVALID). A typo in a free string
would silently become a new code that no API client knows; an enum member cannot.
"""

from __future__ import annotations

import ast
import importlib
from enum import StrEnum
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

APPS = {
    "core": "CoreError",
    "accounts": "AccountsError",
    "places": "PlacesError",
    "people": "PeopleError",
    "party": "PartyError",
    "health": "HealthError",
    "triage": "TriageError",
    "care": "CareError",
    "notices": "NoticesError",
    "mobilisation": "MobilisationError",
    "outreach": "OutreachError",
    "reports": "ReportsError",
    "service_requests": "ServiceRequestsError",
    "supplies": "SuppliesError",
    "notifications": "NotificationsError",
    "front_door": "FrontDoorError",
    "second_factor": "SecondFactorError",
}

# Files whose calls may still carry free strings while they move (none now).
PENDING: set[str] = set()

SKIP_DIRS = {".venv", "var", "node_modules", "migrations", "tests", "__pycache__", ".git"}


def free_string_codes(source: str, filename: str = "<string>") -> list[str]:
    """`file:line` of every field_error call whose code is (or contains) a string literal."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name != "field_error":
            continue
        code = node.args[2] if len(node.args) >= 3 else None
        for keyword in node.keywords:
            if keyword.arg == "code":
                code = keyword.value
        if code is None:
            continue
        if any(
            isinstance(part, ast.Constant) and isinstance(part.value, str)
            for part in ast.walk(code)
        ):
            found.append(f"{filename}:{node.lineno}")
    return found


def project_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if SKIP_DIRS.intersection(parts) or parts[-1].startswith("test_"):
            continue
        files.append(path)
    return files


def test_the_checker_sees_a_free_string() -> None:
    assert free_string_codes('field_error("x", "m", "free_text")') == ["<string>:1"]
    assert free_string_codes('errors.field_error("x", "m", code="free_text")') == ["<string>:1"]
    assert free_string_codes('field_error("x", "m", "a" if y else "b")') == ["<string>:1"]
    assert free_string_codes('field_error("x", "m", CoreError.REQUIRED)') == []
    assert free_string_codes('field_error("x", "m")') == []


def test_no_field_error_carries_a_free_string_code() -> None:
    files = project_files()
    assert len(files) > 100, "the walk found too few files to be looking at the project"
    found = []
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        if relative in PENDING:
            continue
        found += free_string_codes(path.read_text(encoding="utf-8"), relative)
    assert found == [], "use the app's error_codes enum: " + ", ".join(found)


def enums() -> list[type[StrEnum]]:
    return [
        getattr(importlib.import_module(f"{app}.error_codes"), name) for app, name in APPS.items()
    ]


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_enum_value_is_unique_within_it(app: str) -> None:
    path = ROOT / app / "error_codes.py"
    values = [
        node.value.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    ]
    assert len(values) == len(set(values)), f"{app}: a value twice"
    enum = getattr(importlib.import_module(f"{app}.error_codes"), APPS[app])
    assert issubclass(enum, StrEnum)
    assert len(enum.__members__) == len(enum), f"{app}: an alias"
    for member in enum:
        assert member.name == member.value.upper()


def test_a_shared_code_lives_only_in_core() -> None:
    from core.error_codes import CoreError

    core = {member.value for member in CoreError}
    seen: dict[str, str] = {}
    for enum in enums():
        if enum is CoreError:
            continue
        for member in enum:
            assert member.value not in core, f"{enum.__name__}.{member.name} is in CoreError"
            assert member.value not in seen, f"{member.value} in {seen.get(member.value)} too"
            seen[member.value] = enum.__name__


def test_the_default_code_is_invalid() -> None:
    from core.error_codes import CoreError
    from core.errors import field_error, field_errors

    assert field_errors(field_error("x", "m")) == [
        {"field": "x", "message": "m", "code": "invalid"}
    ]
    assert type(field_errors(field_error("x", "m", CoreError.REQUIRED))[0]["code"]) is str


def test_every_app_that_names_errors_has_its_enum() -> None:
    """An app whose code calls field_error keeps its codes in its own error_codes.py."""
    callers = {
        p.relative_to(ROOT).parts[0]
        for p in ROOT.glob("*/**/*.py")
        if not SKIP_DIRS & set(p.relative_to(ROOT).parts) and "field_error(" in p.read_text()
    }
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert (callers & apps) - APPS.keys() == set()
