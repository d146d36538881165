"""Model fields for personal data at rest (core.encryption does the cryptography).

`EncryptedCharField` encrypts on every write (save, bulk_create, bulk_update, update) and
decrypts on read, so code keeps using `person.phone`. It cannot be filtered by its value (the
ciphertext differs each time): lookups go through a `BlindIndexField` beside it, which
`pre_save` fills from the plain value on save() and bulk_create(); bulk_update() and update()
callers set the hash themselves (people.search.person_search_fields does it for people).

Empty values stay empty ("" and NULL are stored as they are), so "has no phone" still filters.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from core import encryption
from core.unreadable import Unreadable, unreadable

__all__ = ["BlindIndexField", "EncryptedCharField", "Unreadable", "index_of", "unreadable"]

logger = logging.getLogger(__name__)

_NOT_DIGIT = re.compile(r"\D")


def index_of(purpose: str, value: str | None) -> str | None:
    """The blind index for one purpose: "id_number" / "phone" (the whole value), "id_last4"
    (the last four characters, X upper-cased), "phone_last4" (the last four digits). Empty in,
    empty out (None for None), so "no phone" and uniqueness over NULL keep working."""
    if value is None:
        return None
    text = "".join(str(value).split())
    if purpose == "phone_last4":
        text = _NOT_DIGIT.sub("", text)
        text = text[-4:] if len(text) >= 4 else ""
    elif purpose == "id_last4":
        text = text.upper()[-4:]
    elif purpose == "id_number":
        text = text.upper()
    if not text:
        return ""
    return encryption.index_hash(purpose, text)


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: "
                "look it up by its hash field"
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):  # type: ignore[type-arg]
    """A CharField whose column holds "v1:<key>:<base64>" (text). max_length bounds the plain
    value (forms and full_clean check it); the column itself is text."""

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)

    @property
    def aad(self) -> tuple[str, str]:
        return self.model._meta.db_table, self.column

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOnlyExact
        # Any other lookup (in, endswith, contains…) would compare plain text with ciphertext.
        return None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        table, column = self.aad
        try:
            return encryption.decrypt(value, table=table, column=column)
        except encryption.Undecryptable as e:
            # The message names the column and key, never the value.
            logger.error("Encrypted value cannot be read: %s", e)
            return Unreadable(value)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if isinstance(value, Unreadable):
            return value.raw
        value = self.get_prep_value(value)
        if value is None or value == "":
            return value
        table, column = self.aad
        return encryption.encrypt(str(value), table=table, column=column)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The keyed hash of another field of the same model, kept by pre_save."""

    def __init__(self, *args: Any, source: str = "", purpose: str = "", **kwargs: Any) -> None:
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", encryption.HASH_LENGTH)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == encryption.HASH_LENGTH:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        plain = getattr(model_instance, self.source)
        if isinstance(plain, Unreadable):  # keep the hash of the value we cannot read
            return getattr(model_instance, self.attname)
        value = index_of(self.purpose, plain)
        if value is None and not self.null:
            value = ""
        setattr(model_instance, self.attname, value)
        return value
