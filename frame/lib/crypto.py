"""Field-level encryption with AES-GCM and a key ring kept outside the database.

A sealed value looks like ``frame1$<key id>$<base64url(nonce || ciphertext+tag)>``. The associated
data names the table, column and primary key, so a ciphertext copied into another row or column
fails to open. Opening never returns ciphertext or an empty string on failure: it raises.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "frame1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, altered bytes or moved to another row."""


class KeyRingError(Exception):
    """The key ring is missing, malformed or lacks a key a value needs."""


@dataclass(frozen=True)
class KeyRing:
    primary: str
    keys: dict[str, bytes]

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            data = json.loads(text)
            keys = {
                str(kid): base64.urlsafe_b64decode(value) for kid, value in data["keys"].items()
            }
            primary = str(data["primary"])
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeyRingError(
                f"The key ring is not valid JSON of the expected shape ({error})."
            ) from None
        if primary not in keys:
            raise KeyRingError(f"The key ring's primary key {primary!r} is not among its keys.")
        for kid, key in keys.items():
            if len(key) != 32:
                raise KeyRingError(f"Key {kid!r} must be 32 bytes (AES-256); it is {len(key)}.")
            if "$" in kid:
                raise KeyRingError(f"Key id {kid!r} must not contain '$'.")
        return cls(primary=primary, keys=keys)

    def to_json(self) -> str:
        encoded = {kid: base64.urlsafe_b64encode(key).decode() for kid, key in self.keys.items()}
        return json.dumps({"primary": self.primary, "keys": encoded}, indent=2, sort_keys=True)

    def with_new_primary(self) -> KeyRing:
        kid = f"k{len(self.keys) + 1}"
        while kid in self.keys:
            kid = f"k{secrets.token_hex(3)}"
        return KeyRing(primary=kid, keys={**self.keys, kid: AESGCM.generate_key(bit_length=256)})

    @classmethod
    def generate(cls) -> KeyRing:
        return cls(primary="k1", keys={"k1": AESGCM.generate_key(bit_length=256)})


def seal(plaintext: str, *, context: str, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.primary]).encrypt(nonce, plaintext.encode(), context.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{PREFIX}${ring.primary}${body}"


def key_id_of(sealed: str) -> str:
    parts = sealed.split("$")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("This value is not in Frame's sealed format.")
    return parts[1]


def open_sealed(sealed: str, *, context: str, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    kid = key_id_of(sealed)
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"The key ring has no key {kid!r}; this value cannot be opened.")
    try:
        raw = base64.urlsafe_b64decode(sealed.split("$")[2])
        plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError) as error:
        raise DecryptionError(
            "A stored value failed its integrity check "
            "(wrong key, altered, or moved from another row)."
        ) from error
    return plaintext.decode()


# --- Loading the ring ----------------------------------------------------------------------------

_lock = threading.Lock()
_cached: KeyRing | None = None


def keyring() -> KeyRing:
    """The active key ring: FRAME_KEYRING if set, else the data folder's file."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = _load()
    return _cached


def reset_keyring_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def _load() -> KeyRing:
    from django.conf import settings

    if settings.FRAME_KEYRING:
        return KeyRing.from_json(settings.FRAME_KEYRING)
    path: Path = settings.FRAME_KEYRING_FILE
    if not path.exists():
        write_keyring_file(path, KeyRing.generate(), create=True)
    return KeyRing.from_json(path.read_text())


def write_keyring_file(path: Path, ring: KeyRing, *, create: bool = False) -> None:
    """Write the ring atomically with mode 0600, so an interrupted write never loses a key."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(ring.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    if create and path.exists():
        tmp.unlink()
        return
    os.replace(tmp, path)
