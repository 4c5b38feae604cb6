"""`frame audit verify`: exit codes, plain-words messages and the exported head file."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from frame.audit.actions import record
from frame.audit.maintenance import audit_unlocked
from frame.audit.models import Action, AuditEvent


def verify(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except SystemExit as stopped:
        return int(stopped.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def head_file(settings: Any, tmp_path: Path) -> Path:
    settings.FRAME_AUDIT_HEAD_FILE = tmp_path / "audit-head.json"
    return Path(settings.FRAME_AUDIT_HEAD_FILE)


@pytest.fixture
def events(db: Any) -> None:
    for n in range(6):
        record(action=Action.CLIENT_VIEWED, client="c-1", detail={"n": n})


def test_an_intact_chain_exits_0_with_a_one_line_summary(events: None, head_file: Path) -> None:
    code, out, err = verify()
    assert code == 0
    assert out.count("\n") == 1
    assert out.startswith("Audit trail intact: 6 events, last 6")
    assert "could not be checked this time" in err  # first run: nothing to compare with yet

    head = json.loads(head_file.read_text())
    assert head["seq"] == 6
    assert head["hash"] == AuditEvent.objects.get(seq=6).hash
    assert head["recorded_at"].endswith("+00:00")
    assert stat.S_IMODE(head_file.stat().st_mode) == 0o600


def test_the_next_run_compares_with_the_exported_head(events: None, head_file: Path) -> None:
    verify()
    code, out, err = verify()
    assert code == 0
    assert "matches the head exported" in out
    assert err == ""
    assert json.loads(head_file.read_text())["seq"] == 7  # the first check's own event


def test_a_successful_check_is_itself_recorded(events: None, head_file: Path) -> None:
    verify()
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == Action.AUDIT_VERIFIED
    assert event.detail == {"events": 6, "head_seq": 6}


def test_an_edit_exits_1_naming_the_event(events: None, head_file: Path) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=3).update(outcome="denied")
    code, out, err = verify()
    assert code == 1
    assert out == ""
    assert "First bad sequence number: 3." in err
    assert "Event 3 has been altered" in err
    assert not head_file.exists()


def test_a_deletion_exits_1_naming_the_event(events: None, head_file: Path) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=2).delete()
    code, _, err = verify()
    assert code == 1
    assert "First bad sequence number: 2." in err


def test_a_removed_tail_exits_1_and_keeps_the_old_head(events: None, head_file: Path) -> None:
    assert verify()[0] == 0  # exports head 6, then records event 7
    before = head_file.read_text()
    with audit_unlocked():
        AuditEvent.objects.filter(seq__gte=5).delete()
    code, _, err = verify()
    assert code == 1
    assert "First bad sequence number: 5." in err
    assert "events 5 to 6 are missing" in err
    assert "The head file has not been updated." in err
    assert head_file.read_text() == before
    assert verify()[0] == 1  # and it keeps failing until someone looks into it


def test_a_damaged_head_file_is_not_trusted(events: None, head_file: Path) -> None:
    head_file.write_text("{not json")
    code, _, err = verify()
    assert code == 1
    assert "cannot be trusted" in err
    assert "Restore it from your copy kept off this machine" in err


def test_the_head_file_can_be_named(events: None, tmp_path: Path) -> None:
    elsewhere = tmp_path / "offsite" / "head.json"
    code, out, _ = verify("--head-file", str(elsewhere))
    assert code == 0
    assert json.loads(elsewhere.read_text())["seq"] == 6
    assert str(elsewhere) in out
