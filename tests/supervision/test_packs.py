"""Preparation packs: built from chosen items, pseudonymised, proven with planted identifiers."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.boundaries.models import BoundaryEvent
from frame.clients.models import Client
from frame.measures import actions as measures
from frame.measures import definitions
from frame.safety import actions as safety
from frame.supervision import actions, packs
from frame.supervision.models import Pack
from tests.factories import CareTeamMemberFactory, ClientFactory, PersonFactory
from tests.factories.boundaries import BoundaryEventFactory
from tests.supervision.conftest import held_session, signed_note

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)

# Every identifier planted in the records. None may reach a pack in any form.
PLANTED = [
    "Philippa",
    "Quarrendon",
    "Vask",
    "Pippa",
    "14/02/1990",
    "1990-02-14",
    "14 February 1990",
    "pippa.qv@example.net",
    "07700 900456",
    "07700900456",
    "Larkspur",
    "Hollowfield",
    "HX4 9ZB",
    "Brindlecombe",
    "Ottoline",
    "Fennick",
    "01632 960111",
    "Casimir",
    "07700 900789",
    "Ingrid",
    "Tollemache",
    "Westerleigh",
    "Rupert",
    "Gaskell",
]
# Text in records a pack must never copy, identifying or not (outside the allow-list).
NOT_COPIED = ["Secret-other-heading", "Response-canary", "Referral-canary", "Safe-contact-canary"]


@pytest.fixture
def planted(practice: Any, practitioner: Any) -> Client:
    client = ClientFactory(
        practice=practice,
        created_by=practitioner,
        given_name="Philippa",
        family_name="Quarrendon-Vask",
        preferred_name="Pippa",
        date_of_birth=dt.date(1990, 2, 14),
        email="pippa.qv@example.net",
        phone="07700 900456",
        address="7 Larkspur Mews\nHollowfield",
        postcode="HX4 9ZB",
        employer="Brindlecombe Freight",
        gp_name="Dr Ottoline Marsh",
        gp_surgery="Fennick Lane Surgery",
        gp_phone="01632 960111",
        emergency_contact_name="Casimir Vask",
        emergency_contact_phone="07700 900789",
        referral_reason="Referral-canary: Philippa's GP",
        safe_contact_notes="Safe-contact-canary",
        status="active",
    )
    CareTeamMemberFactory(client=client, user=practitioner)
    PersonFactory(
        client=client,
        name="Ingrid Tollemache",
        relationship="Teacher",
        organisation="Westerleigh Academy",
    )
    PersonFactory(client=client, name="Rupert Gaskell", relationship="Brother")
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        for week in range(3):
            signed_note(
                client,
                practitioner,
                NOW - dt.timedelta(days=28 - week * 7),
                [
                    ("What the client brought", "Secret-other-heading: Philippa's week"),
                    (
                        "Themes",
                        "Shame and anger. Philippa (Pippa) spoke of Ingrid Tollemache and "
                        "CASIMIR; born 14/02/1990, also written 14 February 1990 and 1990-02-14; "
                        "email pippa.qv@example.net; phone 07700900456; lives at 7 Larkspur Mews, "
                        "Hollowfield HX4 9ZB; works at Brindlecombe Freight; saw Dr Ottoline Marsh "
                        "at Fennick Lane Surgery (01632 960111); Pippa's brother Rupert Gaskell.",
                    ),
                ],
            )
        held_session(client, practitioner, NOW - dt.timedelta(days=40))
        measures.record_administration(
            client=client,
            instrument=definitions.get("phq9"),
            answers=[3, 3, 2, 2, 2, 2, 2, 2, 0],
            completed_on=dt.date(2026, 4, 1),
            by=practitioner,
        )
        measures.record_administration(
            client=client,
            instrument=definitions.get("phq9"),
            answers=[1, 1, 1, 1, 1, 1, 1, 0, 0],
            completed_on=dt.date(2026, 5, 20),
            by=practitioner,
        )
        safety.raise_flag(
            client=client,
            reason="Pippa mentioned Rupert Gaskell's threats; call 07700 900789",
            by=practitioner,
            to_supervision=True,
        )
    BoundaryEventFactory(
        client=client,
        created_by=practitioner,
        kind="gift",
        gift_outcome="declined",
        occurred_on=dt.date(2026, 5, 2),
        what_happened="Pippa Quarrendon-Vask left flowers from Westerleigh Academy",
        response="Response-canary",
        to_supervision=True,
    )
    return client


def _build(practitioner: Any, client: Client, as_user: Any, gender: str = "") -> Any:
    event = BoundaryEvent.objects.get(client=client)
    flag = packs.flags_to_take(practitioner).get(client=client)
    return as_user(practitioner).post(
        reverse("supervision:pack_new"),
        {
            "events": [str(event.pk)],
            "flags": [str(flag.pk)],
            "clients": [str(client.pk)],
            f"gender_{client.pk}": gender,
        },
    )


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    result = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def _assert_clean(text: str, where: str) -> None:
    lowered = text.lower()
    squashed = "".join(lowered.split())
    for planted in [*PLANTED, *NOT_COPIED]:
        assert planted.lower() not in lowered, f"{planted!r} reached the {where}"
        assert "".join(planted.lower().split()) not in squashed, f"{planted!r} in the {where}"


@time_machine.travel(NOW, tick=False)
def test_no_planted_identifier_reaches_the_pack_page_pdf_or_database(
    practitioner: Any, planted: Client, as_user: Any, tmp_path: Path
) -> None:
    response = _build(practitioner, planted, as_user, gender="woman")
    pack = Pack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:pack", args=[pack.pk])

    html = as_user(practitioner).get(response["Location"]).content.decode()
    pdf = as_user(practitioner).get(reverse("supervision:pack_pdf", args=[pack.pk]))
    pdf_text = _pdf_text(pdf.content, tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM supervision_pack")
        (raw,) = cursor.fetchone()

    page_part = html[html.index("<main") :]
    for text, where in ((page_part, "page"), (pdf_text, "PDF"), (pack.content, "snapshot")):
        _assert_clean(text, where)
        # What a pack is for is there: the case by code, and the allowed facts.
        assert planted.case_code in text
        assert "35 to 44" in text
        assert "Woman" in text
        assert "Shame and anger" in text
        assert "PHQ-9" in text
        assert "Gift" in text
        assert "Raised by a practitioner" in text
    assert "Sessions so far</dt><dd>4</dd>" in html  # three noted sessions and one more
    assert "[name]" in pack.content and "[email]" in pack.content and "[phone]" in pack.content
    _assert_clean(str(raw), "database column")
    assert planted.case_code not in str(raw)  # the stored snapshot is encrypted
    assert pdf["Content-Disposition"].startswith("attachment;")

    built = AuditEvent.objects.get(action=Action.SUPERVISION_PACK_BUILT)
    assert built.detail == {"cases": 1, "events": 1, "flags": 1}
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_PACK_VIEWED).count() == 1
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_PACK_DOWNLOADED).count() == 1


@time_machine.travel(NOW, tick=False)
def test_gender_appears_only_when_the_practitioner_gives_it(
    practitioner: Any, planted: Client, as_user: Any
) -> None:
    _build(practitioner, planted, as_user)
    pack = Pack.objects.get()
    content = as_user(practitioner).get(reverse("supervision:pack", args=[pack.pk]))
    assert "<dt>Gender</dt>" not in content.content.decode()
    assert '"gender": ""' in pack.content


@time_machine.travel(NOW, tick=False)
def test_the_builder_offers_only_items_marked_for_supervision_on_the_caseload(
    practitioner: Any, colleague: Any, client_record: Any, planted: Client, as_user: Any
) -> None:
    theirs = ClientFactory(practice=planted.practice, created_by=colleague)
    CareTeamMemberFactory(client=theirs, user=colleague)
    not_marked = BoundaryEventFactory(client=planted, created_by=practitioner)
    colleagues = BoundaryEventFactory(client=theirs, created_by=colleague, to_supervision=True)
    html = as_user(practitioner).get(reverse("supervision:pack_new")).content.decode()
    assert str(BoundaryEvent.objects.filter(to_supervision=True, client=planted).get().pk) in html
    assert str(not_marked.pk) not in html
    assert str(colleagues.pk) not in html and theirs.case_code not in html
    assert "Philippa" not in html  # clients are offered by case code only
    # A crafted id for a colleague's client's event or client is not taken either.
    response = as_user(practitioner).post(
        reverse("supervision:pack_new"),
        {"events": [str(colleagues.pk)], "clients": [str(theirs.pk)]},
    )
    assert response.status_code == 200
    assert "Please choose one of the options listed." in response.content.decode()
    assert not Pack.objects.exists()
    with pytest.raises(Exception, match="None of the chosen items"):
        actions.build_pack(
            by=practitioner,
            chosen=packs.Chosen(client_ids=[theirs.pk], event_ids=[colleagues.pk], genders={}),
        )


def test_choosing_nothing_is_refused(practitioner: Any, client_record: Any, as_user: Any) -> None:
    response = as_user(practitioner).post(reverse("supervision:pack_new"), {})
    assert "Please choose at least one event, flag or client" in response.content.decode()
    assert not Pack.objects.exists()


def test_packs_are_their_practitioners_alone(
    practitioner: Any, colleague: Any, administrator: Any, client_record: Any, as_user: Any
) -> None:
    pack = actions.build_pack(
        by=practitioner,
        chosen=packs.Chosen(client_ids=[client_record.pk], event_ids=[], genders={}),
    )
    for person in (colleague, administrator):
        for name in ("pack", "pack_pdf", "pack_share"):
            response = as_user(person).get(reverse(f"supervision:{name}", args=[pack.pk]))
            assert response.status_code == 404


def test_building_a_pack_takes_a_fixed_number_of_queries(
    practitioner: Any, practice: Any, as_user: Any
) -> None:
    from django.test.utils import CaptureQueriesContext

    def clients(n: int) -> list[Any]:
        made = []
        for _ in range(n):
            client = ClientFactory(practice=practice, created_by=practitioner, status="active")
            CareTeamMemberFactory(client=client, user=practitioner)
            PersonFactory(client=client)
            BoundaryEventFactory(client=client, created_by=practitioner, to_supervision=True)
            signed_note(client, practitioner, NOW - dt.timedelta(days=3), [("Themes", "Grief")])
            made.append(client)
        return made

    def count(chosen: list[Any]) -> int:
        event_ids = list(
            BoundaryEvent.objects.filter(client__in=chosen).values_list("pk", flat=True)
        )
        wanted = packs.Chosen(client_ids=[c.pk for c in chosen], event_ids=event_ids, genders={})
        with CaptureQueriesContext(connection) as queries:
            actions.build_pack(by=practitioner, chosen=wanted)
        return len(queries)

    few, many = clients(1), clients(6)
    count(few)  # the first call also loads the practitioner's membership, once
    assert count(few) == count(many)
