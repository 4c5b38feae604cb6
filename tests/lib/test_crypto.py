"""The key ring and AES-GCM sealing: round trips, and every kind of tampering fails loudly."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frame.lib import crypto

RING = crypto.KeyRing.generate()
CONTEXT = "clients_client.referral_reason.5b0c8e52-44a9-4d7e-9a53-4f3f3c7c2d10"


@given(text=st.text(), context=st.text(min_size=1))
def test_any_unicode_text_round_trips(text: str, context: str) -> None:
    sealed = crypto.seal(text, context=context, ring=RING)
    assert crypto.open_sealed(sealed, context=context, ring=RING) == text


def test_the_same_text_seals_differently_each_time() -> None:
    first = crypto.seal("Low mood since a change of job.", context=CONTEXT, ring=RING)
    second = crypto.seal("Low mood since a change of job.", context=CONTEXT, ring=RING)
    assert first != second  # fresh nonce each time: equal texts are not recognisable as equal


def test_the_key_id_travels_inside_the_sealed_value() -> None:
    sealed = crypto.seal("text", context=CONTEXT, ring=RING)
    assert sealed.startswith("frame1$k1$")
    assert crypto.key_id_of(sealed) == "k1"


@given(data=st.data())
def test_changing_any_character_of_a_sealed_value_raises(data: st.DataObject) -> None:
    sealed = crypto.seal("Sleeping badly since March.", context=CONTEXT, ring=RING)
    index = data.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    replacement = data.draw(st.characters().filter(lambda c: c != sealed[index]))
    tampered = sealed[:index] + replacement + sealed[index + 1 :]
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(tampered, context=CONTEXT, ring=RING)


@given(data=st.data())
def test_cutting_a_sealed_value_short_raises(data: st.DataObject) -> None:
    sealed = crypto.seal("Sleeping badly since March.", context=CONTEXT, ring=RING)
    end = data.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(sealed[:end], context=CONTEXT, ring=RING)


def test_a_value_moved_to_another_row_or_column_raises() -> None:
    sealed = crypto.seal("text", context=CONTEXT, ring=RING)
    other_row = CONTEXT.replace("5b0c8e52", "00000000")
    other_column = CONTEXT.replace("referral_reason", "safe_contact_notes")
    for context in (other_row, other_column):
        with pytest.raises(crypto.DecryptionError, match="integrity check"):
            crypto.open_sealed(sealed, context=context, ring=RING)


def test_a_wrong_key_with_the_same_id_raises() -> None:
    sealed = crypto.seal("text", context=CONTEXT, ring=RING)
    impostor = crypto.KeyRing.generate()  # also calls its key "k1"
    with pytest.raises(crypto.DecryptionError, match="integrity check"):
        crypto.open_sealed(sealed, context=CONTEXT, ring=impostor)


def test_a_key_missing_from_the_ring_raises() -> None:
    sealed = crypto.seal("text", context=CONTEXT, ring=RING.with_new_primary())
    with pytest.raises(crypto.DecryptionError, match="no key 'k2'"):
        crypto.open_sealed(sealed, context=CONTEXT, ring=RING)


@pytest.mark.parametrize("stored", ["", "plain clinical text", "frame1$k1$", "frame1$$abc", "x$y"])
def test_values_not_in_the_sealed_format_raise(stored: str) -> None:
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(stored, context=CONTEXT, ring=RING)


def test_a_new_primary_key_keeps_every_old_key() -> None:
    rotated = RING.with_new_primary()
    assert rotated.primary == "k2"
    assert rotated.keys["k1"] == RING.keys["k1"]
    assert rotated.keys["k2"] != RING.keys["k1"]
    assert rotated.with_new_primary().primary == "k3"
    without_k1 = crypto.KeyRing(primary="k2", keys={"k2": rotated.keys["k2"]})
    assert without_k1.with_new_primary().primary == "k3"  # never reuses a retired id


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not json", "not valid JSON"),
        ('{"keys": {}}', "not valid JSON"),
        ('{"primary": "k2", "keys": {"k1": "' + "A" * 43 + '="}}', "primary key 'k2'"),
        ('{"primary": "k1", "keys": {"k1": "c2hvcnQ="}}', "must be 32 bytes"),
        ('{"primary": "k$1", "keys": {"k$1": "' + "A" * 43 + '="}}', "must be 1 to 32"),
    ],
)
def test_a_malformed_key_ring_is_refused(text: str, complaint: str) -> None:
    with pytest.raises(crypto.KeyRingError, match=complaint):
        crypto.KeyRing.from_json(text)


def test_a_key_ring_survives_its_json_form() -> None:
    assert crypto.KeyRing.from_json(RING.to_json()) == RING


@pytest.fixture
def ring_file(settings: Any, tmp_path: Path) -> Path:
    """Use a key ring file, as a local install does, instead of FRAME_KEYRING."""
    settings.FRAME_KEYRING = ""
    settings.FRAME_KEYRING_FILE = tmp_path / "data" / "keyring.json"
    crypto.reset_keyring_cache()
    return Path(settings.FRAME_KEYRING_FILE)


def test_a_local_install_creates_its_key_ring_file_privately(ring_file: Path) -> None:
    ring = crypto.keyring()
    assert crypto.KeyRing.from_json(ring_file.read_text()) == ring
    assert stat.S_IMODE(ring_file.stat().st_mode) == 0o600
    assert [p.name for p in ring_file.parent.iterdir()] == ["keyring.json"]  # no temp left


def test_creating_the_key_ring_never_replaces_an_existing_one(ring_file: Path) -> None:
    # Two processes starting together on a new install must not end up with different rings.
    first, second = crypto.KeyRing.generate(), crypto.KeyRing.generate()
    crypto.write_keyring_file(ring_file, first, create=True)
    crypto.write_keyring_file(ring_file, second, create=True)
    assert crypto.KeyRing.from_json(ring_file.read_text()) == first


def test_a_running_process_notices_a_rewritten_key_ring_file(ring_file: Path) -> None:
    old = crypto.keyring()
    new = old.with_new_primary()
    crypto.write_keyring_file(ring_file, new)
    os.utime(ring_file, ns=(1, 1))  # a different stamp even on coarse-grained file systems
    sealed = crypto.seal("text", context=CONTEXT)  # no cache reset in between
    assert crypto.key_id_of(sealed) == new.primary
    assert crypto.open_sealed(sealed, context=CONTEXT) == "text"


def test_an_unreadable_key_ring_file_is_an_error_not_a_new_ring(ring_file: Path) -> None:
    ring_file.parent.mkdir(parents=True)
    ring_file.write_text(json.dumps({"primary": "k1"}))
    with pytest.raises(crypto.KeyRingError):
        crypto.keyring()
    assert json.loads(ring_file.read_text()) == {"primary": "k1"}
