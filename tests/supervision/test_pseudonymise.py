"""The scrubber on its own: every kind of identifier, however it is typed, is taken out."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frame.supervision import pseudonymise as p

WHO = p.Identifiers(
    names=["Zoë", "Quennell-Hartigan", "Zed", "Bartholomew Ingleby", "Dr Farouk Osei"],
    organisations=["Marchmont Logistics", "Gorse Hill Surgery"],
    address="14 Orchard Row, Little Wexcombe\nWiltshire",
    postcode="SN8 3QT",
    email="zoe.qh@example.net",
    phones=["07700 900123"],
    date_of_birth=dt.date(1991, 3, 7),
)


@pytest.mark.parametrize(
    "text",
    [
        "Zoë spoke about work",
        "zoe spoke about work",  # typed without the accent
        "ZOË's mother",
        "Ms Quennell-Hartigan arrived early",
        "Quennell said hello",  # part of a double-barrelled name
        "her partner Bartholomew came",
        "Ingleby rang",
        "saw Dr Farouk Osei last week",
        "born 07/03/1991",
        "born 7/3/1991",
        "born 1991-03-07",
        "born 7 March 1991",
        "born 7th March 1991",
        "born March 7, 1991",
        "born 07.03.91",
        "email zoe.qh@example.net or ZOE.QH@EXAMPLE.NET",
        "another email a.b@c.org",
        "call 07700 900123 or 07700900123 or +44 7700 900 123",
        "lives at 14 Orchard Row, Little Wexcombe",
        "in Wiltshire",
        "postcode sn8 3qt",
        "works at Marchmont Logistics",
        "the Gorse Hill Surgery GP",
    ],
)
def test_identifiers_are_scrubbed(text: str) -> None:
    scrubbed = p.scrub(text, WHO)
    lowered = p._plain(scrubbed).lower()
    for fragment in [
        "zoe",
        "quennell",
        "hartigan",
        "bartholomew",
        "ingleby",
        "farouk",
        "osei",
        "1991",
        "example.net",
        "c.org",
        "900123",
        "900 123",
        "orchard",
        "wexcombe",
        "wiltshire",
        "sn8",
        "marchmont",
        "gorse",
    ]:
        assert fragment not in lowered, (text, scrubbed)


def test_ordinary_words_survive() -> None:
    text = "Anxiety at work; wants to talk about endings and the gift she offered."
    assert p.scrub(text, WHO) == text


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (None, "not recorded"),
        (dt.date(2010, 6, 2), "under 18"),
        (dt.date(2008, 6, 1), "18 to 24"),  # 18 today
        (dt.date(2008, 6, 2), "under 18"),  # 18 tomorrow
        (dt.date(1991, 3, 7), "35 to 44"),
        (dt.date(1940, 1, 1), "65 and over"),
    ],
)
def test_age_bands(born: dt.date | None, band: str) -> None:
    assert p.age_band(born, dt.date(2026, 6, 1)) == band


def test_a_pack_names_no_client_in_any_case() -> None:
    other = p.Identifiers(names=["Hyacinth", "Pemberton"])
    sources = [
        p.CaseSource(
            case_code="K7Q2",
            identifiers=WHO,
            themes=["Worried about Hyacinth Pemberton, a friend"],  # another case's client
            events=[p.Event(kind="Gift", month="May 2026", text="Zed brought flowers")],
        ),
        p.CaseSource(case_code="M3X9", identifiers=other, themes=["Grief"]),
    ]
    content = json.loads(p.build_pack(sources, dt.date(2026, 6, 1)))
    text = json.dumps(content).lower()
    assert "hyacinth" not in text and "pemberton" not in text and "zed" not in text
    assert [c["case_code"] for c in content["cases"]] == ["K7Q2", "M3X9"]


def test_a_leak_is_refused_rather_than_stored() -> None:
    case = {"case_code": "K7Q2", "themes": ["Zoe again"]}
    with pytest.raises(p.LeakFound):
        p.check_clean(case, WHO)
