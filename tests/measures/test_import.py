"""`frame measures import FILE`: a practice's licensed wording goes in; anything that would
change the instrument's structure is refused, naming the problem, and nothing is stored."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from frame.audit.models import Action, AuditEvent
from frame.measures.models import ImportedWording
from frame.measures.wording import ImportRefused, check
from tests.factories import PracticeFactory

# Fictional stand-in words: tests never hold a licensed instrument's real wording.
CORE10_FILE: dict[str, Any] = {
    "instrument": "core10",
    "version": "1.0",
    "instructions": "Stand-in instructions for testing.",
    "items": [{"number": n, "text": f"Stand-in wording {n}"} for n in range(1, 11)],
    "response_sets": {
        "frequency": {"options": [{"label": f"Stand-in option {v}", "value": v} for v in range(5)]}
    },
}


def import_file(tmp_path: Path, data: Any, *extra: str) -> tuple[str, str]:
    path = tmp_path / "wording.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    out, err = io.StringIO(), io.StringIO()
    call_command("measures", "import", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def altered(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(CORE10_FILE)
    change(data)
    return data


def test_import_stores_the_wording_for_the_practice_and_audits_it(
    tmp_path: Path, practice: Any
) -> None:
    out, _ = import_file(tmp_path, CORE10_FILE)
    assert out == "Imported the wording for CORE-10 (10 items) into Willowbank Counselling.\n"
    stored = ImportedWording.objects.get(practice=practice, instrument="core10")
    assert stored.items["1"] == "Stand-in wording 1"
    assert stored.option_labels == {"frequency": [f"Stand-in option {v}" for v in range(5)]}
    assert stored.instrument_version == "1.0"
    event = AuditEvent.objects.get(action=Action.MEASURE_WORDING_IMPORTED)
    assert event.practice_id == practice.pk
    assert event.detail == {
        "instrument": "core10", "instrument_version": "1.0", "items": 10, "replaced": False,
    }  # fmt: skip
    assert "Stand-in" not in json.dumps(event.canonical())


def test_importing_again_replaces_the_wording(tmp_path: Path, practice: Any) -> None:
    import_file(tmp_path, CORE10_FILE)
    import_file(tmp_path, altered(lambda d: d["items"][0].update(text="Revised stand-in")))
    stored = ImportedWording.objects.get(practice=practice, instrument="core10")
    assert stored.items["1"] == "Revised stand-in"
    assert ImportedWording.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action=Action.MEASURE_WORDING_IMPORTED).last().detail["replaced"]
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["items"].append({"number": 11, "text": "Extra"}),
         "CORE-10 has 10 items; this file has 11."),
        (lambda d: d["items"].pop(),
         "CORE-10 has 10 items; this file has 9."),
        (lambda d: d["items"].reverse(),
         "Items must be numbered 1 to 10 in order"),
        (lambda d: d["items"][1].update(reverse=False),
         "Item 2 of CORE-10 is scored in reverse; this file says it is not."),
        (lambda d: d["items"][0].update(reverse=True),
         "Item 1 of CORE-10 is not scored in reverse; this file says it is."),
        (lambda d: d["items"][5].update(scored=False),
         "Item 6 of CORE-10 cannot change whether it counts in the score."),
        (lambda d: d["response_sets"]["frequency"]["options"].pop(),
         "CORE-10's 'frequency' options number 5; this file gives 4."),
        (lambda d: [o.update(value=o["value"] + 1)
                    for o in d["response_sets"]["frequency"]["options"]],
         "CORE-10's 'frequency' options are valued 0, 1, 2, 3, 4; this file gives 1, 2, 3, 4, 5."),
        (lambda d: d.update(scoring={"method": "sum"}),
         "CORE-10 is scored as the mean times 10; this file says the sum."),
        (lambda d: d.update(scoring={"max_missing": 2}),
         "CORE-10's scoring has max_missing 1; this file says 2."),
        (lambda d: d.update(version="2.0"),
         "This file is for CORE-10 version 2.0; Frame's definition is version 1.0."),
        (lambda d: d["items"][3].update(text="  "), "Item 4 has no wording."),
        (lambda d: d["items"][3].update(text="x" * 501), "longer than 500 characters"),
        (lambda d: d["response_sets"].update(extra={"options": []}),
         "CORE-10 has no response set called 'extra'."),
        (lambda d: d.update(cutoff=5), "Frame does not take these fields: cutoff."),
        (lambda d: d.update(instrument="phq9"),
         "PHQ-9 comes with its own wording in Frame; there is nothing to import."),
        (lambda d: d.update(instrument="core-11"), "There is no instrument called 'core-11'"),
    ],
)  # fmt: skip
def test_imports_that_alter_the_structure_are_refused_naming_the_problem(
    tmp_path: Path, practice: Any, capsys: Any, change: Any, problem: str
) -> None:
    data = altered(change)
    with pytest.raises(ImportRefused) as error:
        check(data)
    assert problem in error.value.problems or any(problem in p for p in error.value.problems)

    path = tmp_path / "wording.json"
    path.write_text(json.dumps(data))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("measures", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert f"Nothing was imported from {path}" in err.getvalue()
    assert problem in err.getvalue()
    assert not ImportedWording.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.MEASURE_WORDING_IMPORTED).exists()


def test_every_problem_is_listed_at_once() -> None:
    def two_problems(d: dict[str, Any]) -> None:
        d["items"][1]["reverse"] = False
        d["response_sets"]["frequency"]["options"].pop()

    with pytest.raises(ImportRefused) as error:
        check(altered(two_problems))
    assert len(error.value.problems) == 2


def test_ors_wording_has_items_but_no_option_labels() -> None:
    wording = check(
        {"instrument": "ors", "items": [{"number": n, "text": f"Line {n}"} for n in range(1, 5)]}
    )
    assert wording.items == {1: "Line 1", 2: "Line 2", 3: "Line 3", 4: "Line 4"}
    with pytest.raises(ImportRefused, match="marks on a line"):
        check(
            {
                "instrument": "ors",
                "items": [{"number": n, "text": f"Line {n}"} for n in range(1, 5)],
                "response_sets": {"line": {"options": [{"label": "a", "value": 0}]}},
            }
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "is not a JSON file Frame can read"), ("[1, 2]", "one JSON object")],
)
def test_unreadable_files_are_refused(
    tmp_path: Path, practice: Any, content: str, message: str
) -> None:
    path = tmp_path / "wording.json"
    path.write_text(content)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("measures", "import", str(path), stderr=err)
    assert exit_.value.code == 2 and message in err.getvalue()


def test_a_missing_file_is_refused(tmp_path: Path, practice: Any) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("measures", "import", str(tmp_path / "absent.json"), stderr=err)
    assert "Cannot read" in err.getvalue()


def test_with_several_practices_the_practice_must_be_named(
    tmp_path: Path, practice: Any, other_practice: Any
) -> None:
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(CORE10_FILE))
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("measures", "import", str(path), stderr=err)
    assert "several practices; choose one with --practice" in err.getvalue()
    assert f"{other_practice.pk} Harbour Lane Therapy" in err.getvalue()
    with pytest.raises(SystemExit):
        call_command("measures", "import", str(path), "--practice", "99999", stderr=err)
    call_command(
        "measures", "import", str(path), "--practice", str(other_practice.pk), stdout=io.StringIO()
    )
    assert ImportedWording.objects.get().practice == other_practice


def test_wording_is_kept_per_practice(tmp_path: Path, practice: Any) -> None:
    second = PracticeFactory()
    import_file(tmp_path, CORE10_FILE, "--practice", str(practice.pk))
    import_file(
        tmp_path,
        altered(lambda d: d["items"][0].update(text="Other stand-in")),
        "--practice",
        str(second.pk),
    )
    assert ImportedWording.objects.get(practice=practice).items["1"] == "Stand-in wording 1"
    assert ImportedWording.objects.get(practice=second).items["1"] == "Other stand-in"
