"""Sharing a pack with a supervisor: only shared packs, read-only, until the expiry date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.supervision import actions, packs
from frame.supervision.models import Pack, PackShare, SupervisorNote

pytestmark = pytest.mark.django_db

NOTE_CANARY = "Canary-supervisor: notice the parallel process here"
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def _pack(practitioner: Any, client: Any) -> Pack:
    return actions.build_pack(
        by=practitioner, chosen=packs.Chosen(client_ids=[client.pk], event_ids=[], genders={})
    )


def _share(pack: Pack, practitioner: Any, supervisor: Any, days: int = 14) -> PackShare:
    return actions.share_pack(
        pack=pack,
        by=practitioner,
        supervisor=supervisor,
        expires_on=timezone.localdate() + dt.timedelta(days=days),
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("expires", "message"),
    [
        ("14/06/2026", "must be in the future"),  # yesterday
        ("15/06/2026", "must be in the future"),  # today
        ("17/06/2027", "a year at most"),
        ("", "Please enter the share until"),
        ("next week", "Enter the share until as day, month and year"),
    ],
)
def test_a_share_with_a_bad_expiry_is_refused_clearly(
    practitioner: Any, supervisor: Any, client_record: Any, as_user: Any, expires: str, message: str
) -> None:
    pack = _pack(practitioner, client_record)
    response = as_user(practitioner).post(
        reverse("supervision:pack_share", args=[pack.pk]),
        {"supervisor": str(supervisor.pk), "expires_on": expires},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PackShare.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_only_supervisors_of_the_practice_can_be_chosen(
    practitioner: Any,
    colleague: Any,
    supervisor: Any,
    outside_supervisor: Any,
    client_record: Any,
    as_user: Any,
) -> None:
    pack = _pack(practitioner, client_record)
    for person in (colleague, outside_supervisor):
        response = as_user(practitioner).post(
            reverse("supervision:pack_share", args=[pack.pk]),
            {"supervisor": str(person.pk), "expires_on": "30/06/2026"},
        )
        assert "Please choose one of the options listed." in response.content.decode()
        with pytest.raises(ValidationError):
            actions.share_pack(
                pack=pack, by=practitioner, supervisor=person, expires_on=dt.date(2026, 6, 30)
            )
    assert not PackShare.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_supervisor_sees_only_packs_shared_with_them_and_every_view_is_audited(
    practitioner: Any,
    supervisor: Any,
    other_supervisor: Any,
    client_record: Any,
    as_user: Any,
) -> None:
    shared = _pack(practitioner, client_record)
    not_shared = _pack(practitioner, client_record)
    someone_elses = _pack(practitioner, client_record)
    response = as_user(practitioner).post(
        reverse("supervision:pack_share", args=[shared.pk]),
        {"supervisor": str(supervisor.pk), "expires_on": "30/06/2026"},
    )
    assert response.status_code == 302
    _share(someone_elses, practitioner, other_supervisor)
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_PACK_SHARED).count() == 2

    http = as_user(supervisor)
    listing = http.get(reverse("supervision:shared")).content.decode()
    assert reverse("supervision:shared_pack", args=[shared.pk]) in listing
    assert str(not_shared.pk) not in listing and str(someone_elses.pk) not in listing
    home = http.get(reverse("home")).content.decode()
    assert reverse("supervision:shared_pack", args=[shared.pk]) in home

    page = http.get(reverse("supervision:shared_pack", args=[shared.pk]))
    assert page.status_code == 200
    assert client_record.case_code in page.content.decode()
    assert "Feltham" not in page.content.decode()
    http.get(reverse("supervision:shared_pack", args=[shared.pk]))
    views = AuditEvent.objects.filter(action=Action.SUPERVISION_SHARED_PACK_VIEWED)
    assert views.count() == 2 and {v.actor_id for v in views} == {supervisor.pk}

    for other in (not_shared, someone_elses):
        assert http.get(reverse("supervision:shared_pack", args=[other.pk])).status_code == 404
    # Read-only: the practitioner's own pages stay closed to them.
    for name in ("pack", "pack_pdf", "pack_share", "pack_withdraw"):
        assert http.get(reverse(f"supervision:{name}", args=[shared.pk])).status_code in {404, 405}
        assert http.post(reverse(f"supervision:{name}", args=[shared.pk])).status_code == 404


def test_after_the_expiry_date_the_pack_is_not_found(
    practitioner: Any, supervisor: Any, client_record: Any, as_user: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        pack = _pack(practitioner, client_record)
        _share(pack, practitioner, supervisor, days=3)
    url = reverse("supervision:shared_pack", args=[pack.pk])
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):  # the last day: still open
        assert as_user(supervisor).get(url).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=4), tick=False):
        assert as_user(supervisor).get(url).status_code == 404
        assert (
            str(pack.pk)
            not in as_user(supervisor).get(reverse("supervision:shared")).content.decode()
        )
        with pytest.raises(PermissionDenied):
            actions.add_supervisor_note(
                share=PackShare.objects.get(), by=supervisor, text="Too late"
            )


@time_machine.travel(NOW, tick=False)
def test_a_withdrawn_share_is_not_found(
    practitioner: Any, supervisor: Any, client_record: Any, as_user: Any
) -> None:
    pack = _pack(practitioner, client_record)
    share = _share(pack, practitioner, supervisor)
    url = reverse("supervision:shared_pack", args=[pack.pk])
    assert as_user(supervisor).get(url).status_code == 200
    response = as_user(practitioner).post(
        reverse("supervision:pack_withdraw", args=[pack.pk]), {"share": str(share.pk)}
    )
    assert response.status_code == 302
    assert as_user(supervisor).get(url).status_code == 404
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_SHARE_WITHDRAWN).exists()


@time_machine.travel(NOW, tick=False)
def test_a_supervisor_reaches_no_client_note_or_log(
    practitioner: Any, supervisor: Any, client_record: Any, as_user: Any
) -> None:
    from tests.notes.sweep import sweep_note_appointment

    pack = _pack(practitioner, client_record)
    _share(pack, practitioner, supervisor)
    supervision = actions.record_supervision(
        by=practitioner,
        held_on=dt.date(2026, 6, 1),
        minutes=60,
        kind="individual",
        supervisor_name="Pat Lindqvist",
    )
    appointment = sweep_note_appointment(client_record, practitioner)
    http = as_user(supervisor)
    for url in (
        reverse("clients:card", args=[client_record.pk]),
        reverse("notes:timeline", args=[client_record.pk]),
        reverse("notes:note", args=[appointment.pk]),
        reverse("boundaries:log", args=[client_record.pk]),
        reverse("supervision:detail", args=[supervision.pk]),
        reverse("supervision:log"),
    ):
        response = http.get(url)
        assert response.status_code == 404, url
        assert b"Feltham" not in response.content


@time_machine.travel(NOW, tick=False)
def test_supervisor_notes_stay_theirs(
    practitioner: Any,
    supervisor: Any,
    other_supervisor: Any,
    client_record: Any,
    as_user: Any,
) -> None:
    pack = _pack(practitioner, client_record)
    _share(pack, practitioner, supervisor)
    _share(pack, practitioner, other_supervisor)
    url = reverse("supervision:shared_pack", args=[pack.pk])
    empty = as_user(supervisor).post(url, {"text": "   "})
    assert "Please enter the your note" in empty.content.decode() or (
        "Please write your note" in empty.content.decode()
    )
    saved = as_user(supervisor).post(url, {"text": NOTE_CANARY})
    assert saved.status_code == 302
    note = SupervisorNote.objects.get()
    assert note.author == supervisor and note.text == NOTE_CANARY
    assert NOTE_CANARY in as_user(supervisor).get(url).content.decode()
    assert NOTE_CANARY not in as_user(other_supervisor).get(url).content.decode()
    own = reverse("supervision:pack", args=[pack.pk])
    assert NOTE_CANARY not in as_user(practitioner).get(own).content.decode()
    assert not AuditEvent.objects.filter(detail__icontains="Canary").exists()
    # After the share ends, the note is still the supervisor's to read.
    PackShare.objects.filter(supervisor=supervisor).update(expires_on=dt.date(2026, 6, 1))
    assert as_user(supervisor).get(url).status_code == 404
    notes_page = as_user(supervisor).get(reverse("supervision:shared_notes")).content.decode()
    assert NOTE_CANARY in notes_page
    assert (
        NOTE_CANARY
        not in as_user(other_supervisor).get(reverse("supervision:shared_notes")).content.decode()
    )


@time_machine.travel(NOW, tick=False)
def test_the_practitioner_following_a_shared_link_lands_on_their_own_pack(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    pack = _pack(practitioner, client_record)
    response = as_user(practitioner).get(reverse("supervision:shared_pack", args=[pack.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:pack", args=[pack.pk])
    assert as_user(practitioner).get(reverse("supervision:shared")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_supervisor_of_another_practice_never_sees_a_pack(
    practitioner: Any, outside_supervisor: Any, client_record: Any, as_user: Any
) -> None:
    pack = _pack(practitioner, client_record)
    # Even a share row made behind the actions' backs (say, by a bad import) opens nothing.
    PackShare.objects.create(
        pack=pack, supervisor=outside_supervisor, expires_on=dt.date(2026, 7, 1)
    )
    url = reverse("supervision:shared_pack", args=[pack.pk])
    assert as_user(outside_supervisor).get(url).status_code == 404
