"""`frame keys`: new rings, rotation that round-trips and resumes, and the per-key status."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    validate_totp_code,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.core.management import call_command

from frame.accounts.adapters import MFA_CONTEXT
from frame.audit.models import Action, AuditEvent
from frame.clients.models import Client
from frame.lib import crypto
from frame.lib.management.commands import keys
from tests.factories import ClientFactory, UserFactory

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
EDIT = "Updated after the assessment session."


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def key_ids(client: Client) -> set[str]:
    row = Client.objects.filter(pk=client.pk).values_list("referral_reason", "safe_contact_notes")
    return {crypto.key_id_of(value) for value in row.get()}


def mfa_key_ids() -> set[str]:
    found = set()
    for data in Authenticator.objects.values_list("data", flat=True):
        for key in ("secret", "seed"):
            if key in data:
                found.add(crypto.key_id_of(data[key]))
    return found


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def ring_file(settings: Any, tmp_path: Path) -> Path:
    """A local install's key ring file, holding a single key k1."""
    settings.FRAME_KEYRING = ""
    settings.FRAME_KEYRING_FILE = tmp_path / "keyring.json"
    crypto.write_keyring_file(settings.FRAME_KEYRING_FILE, crypto.KeyRing.generate())
    crypto.reset_keyring_cache()
    return Path(settings.FRAME_KEYRING_FILE)


@pytest.fixture
def records(db: Any, ring_file: Path) -> dict[str, Any]:
    """Seven clients and one person's TOTP and recovery codes, all sealed with k1."""
    clients = {
        ClientFactory(
            referral_reason=f"Referral {n}: grief after a stillbirth ✦ {n}",
            safe_contact_notes=f"Notes {n}: call the mobile only",
        ).pk: n
        for n in range(7)
    }
    user = UserFactory()
    totp = TOTP.activate(user, TOTP_SECRET)
    codes = RecoveryCodes.activate(user)
    return {
        "clients": clients,
        "totp": totp.instance.pk,
        "secret": TOTP_SECRET,
        "codes": codes.generate_codes(),
        "recovery": codes.instance.pk,
    }


def assert_everything_opens(records: dict[str, Any]) -> None:
    for pk, n in records["clients"].items():
        client = Client.objects.get(pk=pk)
        assert client.referral_reason == f"Referral {n}: grief after a stillbirth ✦ {n}"
        assert client.safe_contact_notes == f"Notes {n}: call the mobile only"
    # allauth's own path: its MFA adapter opens the secret, then the code is checked against it.
    sealed_secret = Authenticator.objects.get(pk=records["totp"]).data["secret"]
    assert validate_totp_code(decrypt(sealed_secret), totp_code(records["secret"]))
    codes = RecoveryCodes(Authenticator.objects.get(pk=records["recovery"]))
    assert codes.generate_codes() == records["codes"]


def test_keys_new_prints_a_fresh_ring(db: Any) -> None:
    out = io.StringIO()
    call_command("keys", "new", stdout=out, stderr=io.StringIO())
    ring = crypto.KeyRing.from_json(out.getvalue())
    assert ring.primary == "k1"
    assert ring.keys["k1"] != crypto.keyring().keys["k1"]


def test_rotation_round_trips_every_value_onto_the_new_key(
    records: dict[str, Any], ring_file: Path
) -> None:
    assert mfa_key_ids() == {"k1"}

    output = run("rotate", "--batch-size", "3")

    ring = crypto.KeyRing.from_json(ring_file.read_text())
    assert ring.primary == "k2"
    assert set(ring.keys) == {"k1", "k2"}
    assert stat.S_IMODE(ring_file.stat().st_mode) == 0o600
    assert "Added key k2" in output
    assert "of 7 rows checked" in output  # progress, batch by batch
    assert all(key_ids(c) == {"k2"} for c in Client.objects.all())
    assert mfa_key_ids() == {"k2"}
    assert_everything_opens(records)

    # The old key is no longer needed by anything.
    crypto.write_keyring_file(ring_file, crypto.KeyRing(primary="k2", keys={"k2": ring.keys["k2"]}))
    crypto.reset_keyring_cache()
    assert_everything_opens(records)


def test_rotation_records_one_audit_event_with_counts_and_never_values(
    records: dict[str, Any],
) -> None:
    run("rotate")
    events = list(AuditEvent.objects.filter(action=Action.KEYS_ROTATED))
    assert len(events) == 1
    detail = events[0].detail
    assert events[0].outcome == "ok"
    assert detail["primary_key"] == "k2"
    assert detail["added_key"] == "k2"
    assert detail["key_ids"] == ["k1", "k2"]
    assert detail["reencrypted"] == {
        "clients.Client.referral_reason": 7,
        "clients.Client.safe_contact_notes": 7,
        keys.MFA_LABEL: 2,
    }
    text = json.dumps(detail)
    assert "grief" not in text and "mobile" not in text and TOTP_SECRET not in text


def test_an_interrupted_rotation_resumes_without_adding_another_key(
    records: dict[str, Any], ring_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*args: Any) -> None:
        raise KeyboardInterrupt  # as if someone pressed Ctrl-C after the first batch

    monkeypatch.setattr(keys.Command, "_progress", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run("rotate", "--batch-size", "3")

    on_new_key = [c for c in Client.objects.all() if key_ids(c) == {"k2"}]
    assert len(on_new_key) == 3  # the first batch was committed, the rest not yet touched
    assert Client.objects.count() - len(on_new_key) == 4
    interrupted = AuditEvent.objects.get(action=Action.KEYS_ROTATED)
    assert interrupted.outcome == "interrupted"
    assert interrupted.detail["reencrypted"] == {
        "clients.Client.referral_reason": 3,
        "clients.Client.safe_contact_notes": 3,
    }
    assert_everything_opens(records)  # half-way through, everything still opens

    monkeypatch.undo()
    output = run("rotate", "--batch-size", "3")

    assert "did not finish" in output
    assert set(crypto.KeyRing.from_json(ring_file.read_text()).keys) == {"k1", "k2"}
    assert all(key_ids(c) == {"k2"} for c in Client.objects.all())
    assert mfa_key_ids() == {"k2"}
    finished = AuditEvent.objects.filter(action=Action.KEYS_ROTATED).order_by("-seq").first()
    assert finished is not None and finished.outcome == "ok"
    assert finished.detail["already_current"] == 6
    assert_everything_opens(records)


def test_an_environment_key_ring_is_explained_then_rotated(
    records: dict[str, Any], settings: Any
) -> None:
    settings.FRAME_KEYRING = crypto.keyring().to_json()  # the same k1, now from the environment
    output = run("rotate")
    assert "frame keys new --from-current" in output
    assert "nothing to re-encrypt yet" in output
    assert not AuditEvent.objects.filter(action=Action.KEYS_ROTATED).exists()

    extended = io.StringIO()
    call_command("keys", "new", "--from-current", stdout=extended, stderr=io.StringIO())
    ring = crypto.KeyRing.from_json(extended.getvalue())
    assert ring.primary == "k2" and set(ring.keys) == {"k1", "k2"}
    settings.FRAME_KEYRING = extended.getvalue()

    output = run("rotate")
    assert "16 stored values use keys other than the primary key k2" in output
    assert all(key_ids(c) == {"k2"} for c in Client.objects.all())
    assert mfa_key_ids() == {"k2"}
    assert_everything_opens(records)


def test_status_counts_values_per_key(records: dict[str, Any]) -> None:
    before = run("status")
    assert "Primary key k1" in before
    assert "k1: 16 values (primary)" in before
    run("rotate")
    after = run("status")
    assert "k1: 0 values" in after
    assert "k2: 16 values (primary)" in after
    assert "clients.Client.referral_reason: k2 7" in after


def test_rotation_stops_on_a_value_that_cannot_be_opened(
    records: dict[str, Any], settings: Any
) -> None:
    damaged = Client.objects.order_by("pk").first()
    assert damaged is not None
    foreign = crypto.seal("x", context="elsewhere", ring=crypto.KeyRing.generate())
    Client.objects.filter(pk=damaged.pk).update(referral_reason=keys.Sealed(foreign))

    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("keys", "rotate", stdout=io.StringIO(), stderr=err)

    assert stopped.value.code == 1
    assert f"clients.Client.referral_reason of row {damaged.pk} cannot be opened" in err.getvalue()
    assert AuditEvent.objects.get(action=Action.KEYS_ROTATED).outcome == "failed"


def test_rotation_never_overwrites_an_edit_made_while_it_runs(
    records: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = Client.objects.order_by("pk").first()
    assert target is not None
    real_open = crypto.open_sealed
    edited: list[bool] = []

    def open_while_someone_edits(value: str, *, context: str, ring: Any = None) -> str:
        plaintext = real_open(value, context=context, ring=ring)
        if not edited:  # another practitioner saves the first client just after rotation read it
            edited.append(True)
            other = Client.objects.get(pk=target.pk)
            other.referral_reason = EDIT
            other.save()
        return plaintext

    monkeypatch.setattr(crypto, "open_sealed", open_while_someone_edits)
    output = run("rotate")
    monkeypatch.undo()

    assert "2 values were edited while this ran" in output

    assert Client.objects.get(pk=target.pk).referral_reason == EDIT
    event = AuditEvent.objects.get(action=Action.KEYS_ROTATED)
    assert event.detail["changed_meanwhile"] == 2  # both columns of that row were left alone
    assert event.outcome == "incomplete"
    # The edit itself was sealed with the new primary key; the untouched notes were written back
    # as they were, on k1. Running rotate again finishes the job without losing the edit.
    assert key_ids(target) == {"k1", "k2"}
    run("rotate")
    assert key_ids(target) == {"k2"}
    assert Client.objects.get(pk=target.pk).referral_reason == EDIT


def test_mfa_secrets_are_sealed_with_the_mfa_context(records: dict[str, Any]) -> None:
    data = Authenticator.objects.get(pk=records["totp"]).data
    assert TOTP_SECRET not in json.dumps(data)
    assert crypto.open_sealed(data["secret"], context=MFA_CONTEXT) == TOTP_SECRET
