"""Field-level encryption with AES-GCM and a key ring kept outside the database.

A sealed value looks like ``frame1$<key id>$<base64url(nonce || ciphertext+tag)>``. The associated
data names the table, column and primary key, so a ciphertext copied into another row or column
fails to open. Opening never returns ciphertext or an empty string on failure: it raises.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "frame1"
NONCE_BYTES = 12
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


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
            if not _KEY_ID.fullmatch(kid):
                raise KeyRingError(f"Key id {kid!r} must be 1 to 32 letters, digits, '-' or '_'.")
            if len(key) != 32:
                raise KeyRingError(f"Key {kid!r} must be 32 bytes (AES-256); it is {len(key)}.")
        return cls(primary=primary, keys=keys)

    def to_json(self) -> str:
        encoded = {kid: base64.urlsafe_b64encode(key).decode() for kid, key in self.keys.items()}
        return json.dumps({"primary": self.primary, "keys": encoded}, indent=2, sort_keys=True)

    def with_new_primary(self) -> KeyRing:
        """The same ring plus a fresh key that becomes primary; every old key is kept."""
        numbers = [int(kid[1:]) for kid in self.keys if re.fullmatch(r"k[0-9]+", kid)]
        kid = f"k{max(numbers, default=0) + 1}"
        while kid in self.keys:  # only possible with hand-made ids; never reuse one
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


def _parts(sealed: str) -> tuple[str, str]:
    parts = sealed.split("$") if isinstance(sealed, str) else []
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        raise DecryptionError("This value is not in Frame's sealed format.")
    return parts[1], parts[2]


def key_id_of(sealed: str) -> str:
    return _parts(sealed)[0]


def _decode_body(body: str) -> bytes:
    # Strict: only the canonical base64url text of the bytes is accepted, so any change to the
    # stored text (even in padding or unused bits) fails instead of decoding to the same bytes.
    try:
        raw = base64.b64decode(body.encode("ascii"), altchars=b"-_", validate=True)
    except (ValueError, binascii.Error):
        raw = b""
    if not raw or base64.urlsafe_b64encode(raw).decode() != body:
        raise DecryptionError("A stored value is damaged: its encoding has been altered.")
    return raw


def open_sealed(sealed: str, *, context: str, ring: KeyRing | None = None) -> str:
    kid, body = _parts(sealed)
    ring = ring or keyring()
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"The key ring has no key {kid!r}; this value cannot be opened.")
    raw = _decode_body(body)
    try:
        plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError) as error:
        raise DecryptionError(
            "A stored value failed its integrity check "
            "(wrong key, altered, or moved from another row)."
        ) from error
    return plaintext.decode()


# --- Loading the ring ----------------------------------------------------------------------------

_lock = threading.Lock()
# The ring and where it came from: FRAME_KEYRING's text, or the file's path and modification stamp.
# Keying the cache on its source means a worker notices `frame keys rotate` rewriting the file.
_cached: tuple[tuple[object, ...], KeyRing] | None = None


def _source() -> tuple[object, ...]:
    from django.conf import settings

    if settings.FRAME_KEYRING:
        return ("env", settings.FRAME_KEYRING)
    path = Path(settings.FRAME_KEYRING_FILE)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ("file", path, None)
    return ("file", path, stat.st_mtime_ns, stat.st_size, stat.st_ino)


def keyring() -> KeyRing:
    """The active key ring: FRAME_KEYRING if set, else the data folder's file (made if absent)."""
    global _cached
    source = _source()
    cached = _cached
    if cached is not None and cached[0] == source:
        return cached[1]
    with _lock:
        if source[0] == "file" and source[2] is None:
            write_keyring_file(Path(str(source[1])), KeyRing.generate(), create=True)
            source = _source()
        if source[0] == "env":
            ring = KeyRing.from_json(str(source[1]))
        else:
            try:
                ring = KeyRing.from_json(Path(str(source[1])).read_text())
            except OSError as error:
                raise KeyRingError(f"The key ring file cannot be read ({error}).") from None
        _cached = (source, ring)
    return ring


def reset_keyring_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def write_keyring_file(path: Path, ring: KeyRing, *, create: bool = False) -> None:
    """Write the ring atomically with mode 0600, so an interrupted write never loses a key.

    With `create=True` an existing file wins: two processes starting at once on a new install
    must end up with the same ring, or one would seal values the other cannot open.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".keyring-", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w") as handle:  # mkstemp creates the file with mode 0600
            handle.write(ring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        if create:
            # link() fails if the file exists: create-if-absent, atomically.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
