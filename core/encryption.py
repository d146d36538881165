"""Personal data at rest: AES-GCM under a key ring, and keyed hashes (blind indexes) for lookups.

A stored value reads "v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>". The associated data is
"<table>.<column>", so a value copied into another column (or another table) fails to decrypt.
The first key of settings.LINLI_DATA_KEYS encrypts; every key in the ring decrypts, so values
under an older key stay readable until `manage.py rotate_keys` rewrites them.

Lookups never decrypt: `index_hash(purpose, value)` is an HMAC-SHA256 under a separate key
(settings.LINLI_INDEX_KEY), so exact matches and uniqueness work on the hash column. The
purpose is part of the message: a phone hash and an ID hash of the same digits differ.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = [
    "FORMAT",
    "HASH_LENGTH",
    "KeyRing",
    "Undecryptable",
    "decrypt",
    "encrypt",
    "index_hash",
    "key_id_of",
    "key_ring",
    "new_key",
    "parse_keys",
]

logger = logging.getLogger(__name__)

FORMAT = "v1"
NONCE_BYTES = 12
# 128 bits of the HMAC, in hex: collisions are out of reach for a city's registry, and each
# hash column costs 32 bytes a row rather than 64.
HASH_LENGTH = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class Undecryptable(Exception):
    """A stored value that does not decrypt: tampered, copied from another column, or under a
    key no longer in the ring. The message never carries the value."""


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, AESGCM]
    index_key: bytes


def _decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ImproperlyConfigured(f"{name}: a key is not valid base64") from e
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name}: every key must be 32 bytes (base64 of 32 bytes)")
    return raw


def parse_keys(data_keys: str, index_key: str) -> KeyRing:
    """Parse "k2:<base64>,k1:<base64>" (the first encrypts) and the index key."""
    keys: dict[str, AESGCM] = {}
    current = ""
    for entry in (e.strip() for e in data_keys.split(",")):
        if not entry:
            continue
        key_id, sep, b64 = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured("LINLI_DATA_KEYS: each entry is <key id>:<base64 key>")
        if key_id in keys:
            raise ImproperlyConfigured(f"LINLI_DATA_KEYS: key id {key_id} appears twice")
        keys[key_id] = AESGCM(_decode_key(b64, "LINLI_DATA_KEYS"))
        current = current or key_id
    if not keys:
        raise ImproperlyConfigured("LINLI_DATA_KEYS holds no key")
    return KeyRing(current=current, keys=keys, index_key=_decode_key(index_key, "LINLI_INDEX_KEY"))


@cache
def key_ring() -> KeyRing:
    return parse_keys(settings.LINLI_DATA_KEYS, settings.LINLI_INDEX_KEY)


@receiver(setting_changed)
def _forget_keys(*, setting: str, **_: object) -> None:
    if setting in {"LINLI_DATA_KEYS", "LINLI_INDEX_KEY"}:
        key_ring.cache_clear()


def _aad(table: str, column: str) -> bytes:
    return f"{table}.{column}".encode()


def encrypt(plain: str, *, table: str, column: str) -> str:
    ring = key_ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.keys[ring.current].encrypt(nonce, plain.encode(), _aad(table, column))
    return f"{FORMAT}:{ring.current}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str | None:
    """The key id a stored value was encrypted under, or None if it is not in our format."""
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == FORMAT else None


def decrypt(stored: str, *, table: str, column: str) -> str:
    """The plain value, or Undecryptable (never a wrong value: GCM's tag checks every byte)."""
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT:
        raise Undecryptable(f"{table}.{column}: not an encrypted value")
    key = key_ring().keys.get(parts[1])
    if key is None:
        raise Undecryptable(f"{table}.{column}: key {parts[1]} is not in LINLI_DATA_KEYS")
    try:
        blob = base64.b64decode(parts[2], validate=True)
        plain = key.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(table, column))
        return plain.decode()
    except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError) as e:
        raise Undecryptable(f"{table}.{column}: authentication failed (key {parts[1]})") from e


def index_hash(purpose: str, value: str) -> str:
    """The keyed hash a lookup compares: same purpose and value, same hash."""
    message = f"{purpose}\0{value}".encode()
    return hmac.new(key_ring().index_key, message, hashlib.sha256).hexdigest()[:HASH_LENGTH]


def new_key() -> str:
    """A fresh 32-byte key in the form the settings take (base64)."""
    return base64.b64encode(os.urandom(32)).decode()
