"""Scans of paper agreements: checked by their first bytes, encrypted, stored under a new name.

The name a person's computer gave the file is kept only as (encrypted) metadata; the stored file
is called by a random name and lives in the data folder's uploads (never served by URL).

Each file is sealed with AES-GCM under its own random data key, bound to the file's name, so a
copied or swapped file fails to open. The data key is kept in the agreement's row in an
encrypted field: `frame keys rotate` re-seals it with the rest of the database, and the file
itself never needs rewriting when keys change.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from frame.lib import crypto

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_FOLDER = "agreements"
_SEALED_PREFIX = b"frame-file2$"

# What each accepted type starts with. The type stored is the one these bytes prove, never the
# type or extension the browser claimed.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass(frozen=True)
class StoredScan:
    name: str
    original_name: str
    content_type: str
    size: int
    data_key: str


def _kind(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def read_valid_scan(upload: UploadedFile) -> tuple[bytes, str, str]:
    """The file's bytes, content type and extension, or ValidationError in plain words."""
    size = upload.size or 0
    if size > MAX_SCAN_BYTES:
        raise ValidationError(
            f"The scan is too large ({size / 1_048_576:.1f} MB). "
            f"Please keep it under {MAX_SCAN_BYTES // 1_048_576} MB."
        )
    if size == 0:
        raise ValidationError("The scan is empty. Please choose the file again.")
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError(
            f"The scan is too large. Please keep it under {MAX_SCAN_BYTES // 1_048_576} MB."
        )
    kind = _kind(data[:16])
    if kind is None:
        raise ValidationError(
            "The scan must be a PDF, JPEG or PNG file. This file is not one of those, "
            "whatever its name says."
        )
    return data, kind[0], kind[1]


def _context(name: str) -> bytes:
    return f"contracts.agreement.scan.{name}".encode()


def new_data_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def _seal(data: bytes, name: str, data_key: str) -> bytes:
    nonce = os.urandom(crypto.NONCE_BYTES)
    sealed = AESGCM(base64.urlsafe_b64decode(data_key)).encrypt(nonce, data, _context(name))
    return _SEALED_PREFIX + nonce + sealed


def _open(blob: bytes, name: str, data_key: str) -> bytes:
    if not blob.startswith(_SEALED_PREFIX):
        raise crypto.DecryptionError("This file is not in Frame's sealed format.")
    raw = blob[len(_SEALED_PREFIX) :]
    try:
        key = base64.urlsafe_b64decode(data_key)
        return AESGCM(key).decrypt(
            raw[: crypto.NONCE_BYTES], raw[crypto.NONCE_BYTES :], _context(name)
        )
    except (InvalidTag, ValueError) as error:
        raise crypto.DecryptionError("A stored file failed its integrity check.") from error


def store_scan(upload: UploadedFile) -> StoredScan:
    """Validate, encrypt and store an uploaded scan. Call `discard_scan` if the save that
    records it fails, so no orphan file is left behind."""
    data, content_type, extension = read_valid_scan(upload)
    name = f"{SCAN_FOLDER}/{secrets.token_hex(16)}.{extension}.sealed"
    data_key = new_data_key()
    saved = default_storage.save(name, ContentFile(_seal(data, name, data_key)))
    if saved != name:  # never expected with 128 random bits; the seal is bound to the name
        default_storage.delete(saved)
        raise RuntimeError("Could not store the scan under its generated name.")
    return StoredScan(
        name=name,
        original_name=(upload.name or "")[:200],
        content_type=content_type,
        size=len(data),
        data_key=data_key,
    )


def read_scan(name: str, data_key: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return _open(handle.read(), name, data_key)


def discard_scan(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
