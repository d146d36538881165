"""Inputs no part of Linli can store or compute with are refused at the door, before any view.

A NUL byte (PostgreSQL cannot store or even compare it), a whole number past what the database
holds (2**63: OverflowError on SQLite, a DataError on PostgreSQL), or a date whose year no
record can have (0001-01-01 minus a day is an OverflowError) once reached a view and became a
500. Views and schemas still validate their own fields; this is the one shared bound beneath
them, for every page and API operation, in the path, the query string, a form and a JSON body.
A path that cannot name anything is a 404 (as a missing object is). NUL and other invisible
control characters are taken out of text values (a paste carries them; what was typed stays).
A number or date out of bounds is a 400 that names the field, as JSON under /api/ and as a page
elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

# The largest id, count or offset the database holds (a signed 64-bit integer).
INT_MAX = 2**63 - 1
# Years a date may have in any input: births from 1900, plans up to 2199.
YEAR_MIN, YEAR_MAX = 1900, 2199
# JSON bodies larger than this are left to their endpoint (an import's limit applies there).
JSON_WALK_MAX = 2 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A control character in a JSON body: raw, or escaped as \u0000-\u001f.
_JSON_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\\u00[01][0-9a-fA-F]")
_INTEGER = re.compile(r"[+-]?([0-9]+)")
_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"(\d{4,})-(\d{1,2})-(\d{1,2})")
# The search box takes any text (a 19-digit paste is a search, never an id).
_FREE_TEXT = frozenset({"q"})


def _problem(name: str, value: object) -> str | None:
    """What is wrong with one input value, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _("The number is too large.") if abs(value) > INT_MAX else None
    if not isinstance(value, str):
        return None
    if name in _FREE_TEXT:
        return None
    text = value.strip()
    number = _INTEGER.fullmatch(text)
    if number and _too_large(number.group(1)):
        return _("The number is too large.")
    date = _DATE.match(text)
    if date and not YEAR_MIN <= int(date.group(1)) <= YEAR_MAX:
        return _("Enter a date between the years %(lo)s and %(hi)s.") % {
            "lo": YEAR_MIN,
            "hi": YEAR_MAX,
        }
    return None


def _too_large(digits: str) -> bool:
    # Python refuses int() of more than 4,300 digits: the length decides first.
    return len(digits.lstrip("0")) > 19 or int(digits) > INT_MAX


def _json_values(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _json_values(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _json_values(v, f"{path}.{i}" if path else str(i))
    else:
        yield path or "__all__", value


def _path_names_nothing(path: str) -> bool:
    if "\x00" in path or _CONTROL.search(path):
        return True
    return any(_DIGITS.fullmatch(s) and _too_large(s) for s in path.split("/"))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _clean_query_dict(q: QueryDict) -> QueryDict | None:
    """A copy without control characters, or None when there were none."""
    if not any(_CONTROL.search(k) or any(_CONTROL.search(v) for v in vs) for k, vs in q.lists()):
        return None
    out = QueryDict(mutable=True)
    for k, vs in q.lists():
        out.setlist(_CONTROL.sub("", k), [_CONTROL.sub("", v) for v in vs])
    out._mutable = False
    return out


def _walkable(request: HttpRequest) -> bool:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return False
    return 0 < length <= JSON_WALK_MAX


def bound_inputs(request: HttpRequest) -> list[dict[str, str]]:
    """Take NUL and other invisible control characters out of the query, a form and a JSON
    body (before anything reads them), and return [{field, message, code}] for every value
    out of bounds. A JSON body is parsed once here."""
    found: list[dict[str, str]] = []

    def check(name: str, value: object) -> None:
        message = _problem(name.rsplit(".", 1)[-1], value)
        if message:
            found.append({"field": name, "message": message, "code": "out_of_bounds"})

    cleaned = _clean_query_dict(request.GET)
    if cleaned is not None:
        request.GET = cleaned  # type: ignore[assignment]
    for name, values in request.GET.lists():
        for v in values:
            check(name, v)
    if request.method not in ("POST", "PUT", "PATCH"):
        return found
    if request.content_type == "application/x-www-form-urlencoded":
        cleaned = _clean_query_dict(request.POST)
        if cleaned is not None:
            request.POST = cleaned  # type: ignore[assignment]
        for name, values in request.POST.lists():
            for v in values:
                check(name, v)
    elif request.content_type == "application/json" and _walkable(request):
        try:
            data = json.loads(request.body)
        except ValueError:
            return found  # the endpoint says the body is not JSON
        if _JSON_CONTROL.search(request.body):
            data = _clean(data)
            request._body = json.dumps(data, ensure_ascii=False).encode()
        for name, value in _json_values(data):
            check(name, value)
    return found


class InputBoundsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        if _path_names_nothing(request.path):
            if api:
                return JsonResponse({"detail": _("Not found."), "errors": []}, status=404)
            return render(request, "404.html", status=404)
        problems = bound_inputs(request)
        if problems:
            detail = _("Some fields are not valid.")
            if api:
                return JsonResponse({"detail": detail, "errors": problems}, status=400)
            return render(request, "400.html", {"problems": problems}, status=400)
        return self.get_response(request)
