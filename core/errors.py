"""Domain errors that carry a field name, so pages and the API can say which field is wrong."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from core.error_codes import CoreError


def field_error(field: str, message: object, code: str = CoreError.INVALID) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})  # type: ignore[arg-type]


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """[{field, message, code}] for a ValidationError of any shape."""
    out: list[dict[str, str]] = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                out.append(
                    {"field": field, "message": _text(e), "code": str(e.code or CoreError.INVALID)}
                )
    else:
        for e in error.error_list:
            out.append(
                {"field": "__all__", "message": _text(e), "code": str(e.code or CoreError.INVALID)}
            )
    return out


def rename_fields(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The same error with some field names changed (a service's "building" is the API's
    "building_id")."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(f, f): errors for f, errors in error.error_dict.items()}  # type: ignore[arg-type]
    )


def _text(e: ValidationError) -> str:
    message = e.message
    if e.params:
        message = message % e.params  # type: ignore[operator]
    return str(message)


class NotAllowed(PermissionDenied):
    """The actor may see the object but not do this to it."""
