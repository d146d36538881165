"""Rules of the house that a linter of our own enforces (architecture.md, rule 3)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit import summary_line

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


# --- floors ----------------------------------------------------------------------------------
# The house's floors, lowest first (docs/structure.md): an app imports only from its own floor
# or below, at module level or inside a function. Tests and migrations are not part of the house.
FLOORS: dict[str, int] = {
    "core": 0,  # actor, scoping, roles, errors, validators, masking, audit, once, pagination
    "places": 1,  # the tree only
    "accounts": 2,  # users, grants, tokens, login, the actor cache, middleware, API auth
    "notifications": 3,  # notify(), the inbox, preferences, text messages and their codes
    "people": 4,
    "supplies": 4,
    "party": 4,  # organisation tree, members, units (and, for now, the models of 8 and 9)
    "health": 5,
    "service_requests": 5,
    "front_door": 5,  # join codes and joining, phone login, invitations
    # the second factor: authenticator app, text codes (notifications), recovery codes; below
    # front_door, whose phone login asks it which roles a text code alone may not log in
    "second_factor": 4,
    "triage": 6,
    "care": 7,
    "notices": 7,
    "reports": 7,
    "duty": 8,  # only the migration history of the tables mobilisation now owns
    "mobilisation": 8,  # deployments, coverage, posts, zones, the roster, patrols, activities
    "outreach": 9,
    "home": 10,
    "demo": 10,
    "testkit": 10,
    "config": 11,
}
# The named doors up (move 5 of the house's redesign): the only modules allowed to call a higher
# floor, each for one reason said in its docstring.
DOORS = {
    "health/flows.py": "a stored report fills its follow-up in triage, in the same transaction",
    "people/flows.py": "a resident who moves, moves out or dies: their triage case follows",
}
# Known exceptions: helper visibility (a helper sees the households they care for and the
# residents of requests they were sent to) reads the care and request tables from the registry's
# and the tree's querysets; a later step gives it a table of its own.
KNOWN_EXCEPTIONS = {
    ("people/querysets.py", "care.models"),
    ("people/querysets.py", "service_requests.models"),
    ("places/querysets.py", "people.querysets"),
}


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository
    line: int
    module: str

    @property
    def app(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def target(self) -> str:
        return self.module.split(".", 1)[0]


def imports_in(path: str, source: str) -> list[Import]:
    """Every absolute import of one module, wherever it stands in the file."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(Import(path, node.lineno, node.module))
    return found


def house_imports() -> list[Import]:
    found = []
    for p in sorted(ROOT.glob("*/**/*.py")):
        rel = p.relative_to(ROOT)
        if rel.parts[0] not in FLOORS or {"tests", "migrations"} & set(rel.parts):
            continue
        found += imports_in(rel.as_posix(), p.read_text())
    return [i for i in found if i.target in FLOORS and i.target != i.app]


def upward(imports: list[Import]) -> list[Import]:
    return [
        i
        for i in imports
        if FLOORS[i.target] > FLOORS[i.app]
        and i.path not in DOORS
        and (i.path, i.module) not in KNOWN_EXCEPTIONS
    ]


def circles(imports: list[Import]) -> list[list[str]]:
    """Groups of apps that import each other, directly or round a loop (strongly connected)."""
    edges: dict[str, set[str]] = {}
    for i in imports:
        edges.setdefault(i.app, set()).add(i.target)

    def reach(a: str) -> set[str]:
        seen: set[str] = set()
        todo = [a]
        while todo:
            for b in edges.get(todo.pop(), set()) - seen:
                seen.add(b)
                todo.append(b)
        return seen

    groups = {frozenset({a, *(b for b in reach(a) if a in reach(b))}) for a in edges}
    return sorted(sorted(g) for g in groups if len(g) > 1)


def test_every_app_has_a_floor() -> None:
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - FLOORS.keys() == set(), "a new app needs a floor in FLOORS and structure.md"


def test_no_import_runs_from_a_lower_floor_to_a_higher_one() -> None:
    imports = house_imports()
    assert len(imports) > 500, "the rule must be reading the real modules"
    offenders = [f"{i.path}:{i.line} {i.app} → {i.module}" for i in upward(imports)]
    summary_line(f"house floors: {len(imports)} imports between apps, 0 upward beyond doors")
    assert not offenders, "imports up a floor:\n" + "\n".join(offenders)


def test_no_import_circle_between_apps_besides_the_doors() -> None:
    allowed = {(i.path, i.module) for i in house_imports() if i.path in DOORS} | KNOWN_EXCEPTIONS
    rest = [i for i in house_imports() if (i.path, i.module) not in allowed]
    assert circles(rest) == []


def test_the_doors_and_exceptions_are_still_needed() -> None:
    """A door or exception nobody uses any more is taken off the list."""
    imports = house_imports()
    for path in DOORS:
        assert any(i.path == path and FLOORS[i.target] > FLOORS[i.app] for i in imports), path
    for path, module in KNOWN_EXCEPTIONS:
        assert any(i.path == path and i.module == module for i in imports), (path, module)


def test_the_floor_rules_catch_an_upward_import_and_a_circle() -> None:
    inside_a_function = "def f():\n    from triage.cases import case_open\n"
    found = imports_in("health/anything.py", inside_a_function)
    assert [i.module for i in upward(found)] == ["triage.cases"]
    back = imports_in("triage/x.py", "from health.models import HealthFlag\n")
    assert circles(found + back) == [["health", "triage"]]
    assert upward(imports_in("triage/y.py", "import health.models\n")) == []


# --- policies --------------------------------------------------------------------------------
# Every "may this actor do this" rule of an app lives in its policies.py. A module-level
# `*_ROLES` set elsewhere is a rule out of place; the queryset modules keep the roles that scope
# rows (who sees what), core keeps the roles themselves.
NOT_A_POLICY = {
    # Which grants count as helpers in the coverage figures: a count, not a permission.
    ("mobilisation/coverage.py", "HELPER_ROLES"),
    # A setting (from the environment), read through second_factor.policies.
    ("config/settings.py", "SECOND_FACTOR_ROLES"),
}


def roles_constants(path: str, source: str) -> list[tuple[str, str]]:
    found = []
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        found += [
            (path, t.id) for t in targets if isinstance(t, ast.Name) and t.id.endswith("_ROLES")
        ]
    return found


def _policy_free(rel: Path) -> bool:
    return (
        rel.parts[0] in FLOORS
        and rel.parts[0] not in {"core", "demo", "testkit"}
        and not {"tests", "migrations"} & set(rel.parts)
        and rel.name != "policies.py"
        and not rel.name.endswith("querysets.py")
    )


def test_roles_that_decide_who_may_act_live_in_policies() -> None:
    found = [
        item
        for p in sorted(ROOT.glob("*/**/*.py"))
        if _policy_free(p.relative_to(ROOT))
        for item in roles_constants(p.relative_to(ROOT).as_posix(), p.read_text())
    ]
    offenders = [f"{path}: {name}" for path, name in found if (path, name) not in NOT_A_POLICY]
    assert not offenders, "move these into the app's policies.py:\n" + "\n".join(offenders)
    assert set(NOT_A_POLICY) <= set(found), "an exception nobody needs any more"


def test_the_policy_rule_catches_a_roles_set_in_a_service() -> None:
    source = "OPEN_ROLES = frozenset({Role.COMMUNITY_ADMIN})\nlimit: int = 3\n"
    assert roles_constants("triage/cases.py", source) == [("triage/cases.py", "OPEN_ROLES")]
    assert _policy_free(Path("triage/cases.py"))
    assert not _policy_free(Path("triage/policies.py"))


def test_every_app_with_rules_has_one_policies_module() -> None:
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} - {"core", "demo", "duty", "home"}
    missing = sorted(a for a in apps if not (ROOT / a / "policies.py").exists())
    assert missing == [], f"apps without policies.py: {missing}"


# --- URL names in templates ------------------------------------------------------------------
URL_TAG = re.compile(r"""\{%\s*url\s+['"]([^'"]+)['"]""")


def test_every_url_name_a_template_names_exists() -> None:
    """A template naming a URL that does not exist fails only when that branch renders (the
    stale-form page of a logged-out user was a 500 this way); every name is checked here."""
    from django.urls import get_resolver

    def names(resolver: Any, prefix: str = "") -> set[str]:
        found = set()
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                found |= names(p, ns)
            elif p.name:
                found.add(prefix + p.name)
        return found

    known = names(get_resolver())
    used = {
        (t.relative_to(ROOT).as_posix(), name)
        for t in ROOT.glob("templates/**/*.html")
        for name in URL_TAG.findall(t.read_text())
    }
    assert len(used) > 100, "the rule must be reading the real templates"
    assert sorted(u for u in used if u[1] not in known) == []
    assert URL_TAG.findall("""<a href="{% url 'login' %}">""") == ["login"]


def may_functions(path: str, source: str) -> list[tuple[str, str]]:
    return [
        (path, n.name)
        for n in ast.parse(source).body
        if isinstance(n, ast.FunctionDef) and n.name.startswith(("may_", "can_"))
    ]


def test_may_rules_live_in_policies() -> None:
    found = [
        f"{path}: {name}"
        for p in sorted(ROOT.glob("*/**/*.py"))
        if _policy_free(p.relative_to(ROOT))
        for path, name in may_functions(p.relative_to(ROOT).as_posix(), p.read_text())
    ]
    assert found == [], "move these into the app's policies.py:\n" + "\n".join(found)
    sample = "def may_close(actor, need):\n    return True\n"
    assert may_functions("x/services.py", sample) == [("x/services.py", "may_close")]


def test_every_folder_of_tests_is_run_by_make_test() -> None:
    """pytest collects only pyproject's testpaths: a new app's tests/ outside them would never
    run (notifications' and front_door's were not, until this test)."""
    import tomllib

    testpaths = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"][
            "testpaths"
        ]
    )
    with_tests = {p.parent.name for p in ROOT.glob("*/tests") if p.is_dir()}
    with_tests |= {p.name for p in ROOT.glob("e2e") if p.is_dir()}
    assert with_tests - testpaths == set()
