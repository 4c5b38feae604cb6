"""`frame measures`: score questionnaires and classify change from the command line.

frame measures score INSTRUMENT ANSWERS
frame measures change INSTRUMENT --before ANSWERS --after ANSWERS
frame measures episode --phq9 FIRST,LAST --gad7 FIRST,LAST --sessions N
frame measures import FILE [--practice ID]
frame measures list

ANSWERS are the chosen options' positions in item order (0 = the first option), separated by
commas, with nothing between two commas for an unanswered item: `1,2,,3,0,0,1,2,0`. For lines
marked on paper (ORS, SRS) give the measured values instead. score, change and episode print one
JSON object and exit 0; anything malformed exits 2 with a message saying what is wrong.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from frame.measures import definitions, scoring, wording
from frame.measures.change import classify, classify_episode, convention_for
from frame.measures.scoring import AnswerError, as_json_number

_WHOLE = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


class Malformed(Exception):
    """Input the command cannot work with; the message says why, in plain words."""


class Command(BaseCommand):
    help = "Score questionnaires, classify change and episodes, import licensed wording."
    # Pure calculations: nothing here depends on the checks that guard a running server.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand",
            required=True,
            metavar="score|change|episode|import|list",
            parser_class=CommandParser,
        )
        score = sub.add_parser("score", help="Score one set of answers; prints JSON.")
        score.add_argument("instrument", help="e.g. phq9, gad7, phq15, core10")
        score.add_argument("answers", help="option positions in item order, e.g. 1,2,,3,0,0,1,2,0")

        change = sub.add_parser("change", help="Classify the change between two scores; JSON.")
        change.add_argument("instrument")
        change.add_argument("--before", required=True, help="the earlier answers")
        change.add_argument("--after", required=True, help="the later answers")
        change.add_argument("--threshold", help="a reliable-change threshold of your own")
        change.add_argument("--cutoff", help="a clinical cut-off of your own")
        change.add_argument(
            "--sd", help="Jacobson-Truax: the standard deviation (with --reliability)"
        )
        change.add_argument("--reliability", help="Jacobson-Truax: the reliability, e.g. 0.9")

        episode = sub.add_parser("episode", help="Classify an NHS Talking Therapies episode; JSON.")
        episode.add_argument(
            "--phq9", required=True, help="first and last PHQ-9 totals: FIRST,LAST"
        )
        episode.add_argument(
            "--gad7", required=True, help="first and last GAD-7 totals: FIRST,LAST"
        )
        episode.add_argument("--sessions", required=True, help="attended treatment sessions")

        imported = sub.add_parser(
            "import", help="Import a practice's licensed wording (JSON file)."
        )
        imported.add_argument("file", type=Path)
        imported.add_argument("--practice", help="the practice's id (needed if there are several)")

        sub.add_parser("list", help="List the instruments Frame knows.")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            "score": self.score,
            "change": self.change,
            "episode": self.episode,
            "import": self.import_wording,
            "list": self.list_instruments,
        }
        try:
            handlers[options["subcommand"]](options)
        except (Malformed, AnswerError, definitions.UnknownInstrument) as error:
            self.refuse(str(error))

    def refuse(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def emit(self, result: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(result))

    # --- score, change, episode -------------------------------------------------------------

    def score(self, options: dict[str, Any]) -> None:
        instrument = definitions.get(options["instrument"])
        result = scoring.score(instrument, scoring.parse_answers(instrument, options["answers"]))
        self.emit(
            {
                "instrument": instrument.id,
                "valid": result.valid,
                "total": result.total_for_json(),
                "band": result.band,
                "prorated": result.prorated,
                "risk_items": list(result.risk_items),
            }
        )

    def change(self, options: dict[str, Any]) -> None:
        instrument = definitions.get(options["instrument"])
        before = scoring.score(instrument, scoring.parse_answers(instrument, options["before"]))
        after = scoring.score(instrument, scoring.parse_answers(instrument, options["after"]))
        try:
            convention = convention_for(
                instrument,
                threshold=_decimal(options["threshold"], "--threshold"),
                cutoff=_decimal(options["cutoff"], "--cutoff"),
                sd=_decimal(options["sd"], "--sd"),
                reliability=_decimal(options["reliability"], "--reliability"),
            )
        except ValueError as error:
            raise Malformed(str(error)) from None
        result = classify(before.total, after.total, convention)
        self.emit(
            {
                "before": as_json_number(result.before),
                "after": as_json_number(result.after),
                "change": as_json_number(result.change),
                "reliable": None if result.reliable is None else str(result.reliable),
                "clinically_significant": result.clinically_significant,
            }
        )

    def episode(self, options: dict[str, Any]) -> None:
        phq9 = _pair(options["phq9"], "--phq9", definitions.get("phq9"))
        gad7 = _pair(options["gad7"], "--gad7", definitions.get("gad7"))
        sessions = options["sessions"].strip()
        if not _WHOLE.fullmatch(sessions):
            raise Malformed(f"--sessions must be a whole number of sessions, not {sessions!r}.")
        result = classify_episode(phq9=phq9, gad7=gad7, sessions=int(sessions))
        self.emit(
            {
                "assessable": result.assessable,
                "case_at_start": result.case_at_start,
                "recovery": result.recovery,
                "reliable_improvement": result.reliable_improvement,
                "reliable_deterioration": result.reliable_deterioration,
                "reliable_recovery": result.reliable_recovery,
            }
        )

    def list_instruments(self, options: dict[str, Any]) -> None:
        for instrument in definitions.all_instruments():
            words = {
                "shipped": "wording included",
                "imported-by-practice": "scoring only: import your licensed wording",
                "client-goals": "the client's own goals",
            }[instrument.wording]
            self.stdout.write(f"{instrument.id:<18} {instrument.title} ({words})")

    # --- import -----------------------------------------------------------------------------

    def import_wording(self, options: dict[str, Any]) -> None:
        from frame.accounts.models import Practice
        from frame.measures.actions import import_wording

        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise Malformed(f"Cannot read {path}: {error.strerror or error}.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise Malformed(f"{path} is not a JSON file Frame can read ({error}).") from None
        try:
            checked = wording.check(data)
        except wording.ImportRefused as refused:
            lines = "\n".join(f"- {problem}" for problem in refused.problems)
            raise Malformed(f"Nothing was imported from {path}:\n{lines}") from None

        practices = list(Practice.objects.order_by("pk"))
        chosen = options["practice"]
        if chosen is not None:
            practice = next((p for p in practices if str(p.pk) == str(chosen).strip()), None)
            if practice is None:
                raise Malformed(f"There is no practice with id {chosen!r}.")
        elif len(practices) == 1:
            practice = practices[0]
        elif not practices:
            raise Malformed("There is no practice yet: set Frame up first.")
        else:
            names = "; ".join(f"{p.pk} {p.name}" for p in practices)
            raise Malformed(
                f"This Frame has several practices; choose one with --practice: {names}."
            )
        stored = import_wording(practice=practice, wording=checked, by=None)
        self.stdout.write(
            f"Imported the wording for {checked.instrument.short_title} "
            f"({len(stored.items)} items) into {practice.name}."
        )


def _decimal(value: str | None, flag: str) -> Decimal | None:
    if value is None:
        return None
    value = value.strip()
    if not _NUMBER.fullmatch(value):
        raise Malformed(f"{flag} must be a number such as 6 or 0.9, not {value!r}.")
    return Decimal(value)


def _pair(value: str, flag: str, instrument: definitions.Instrument) -> tuple[int, int]:
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2:
        raise Malformed(f"{flag} takes two totals, first and last, like 14,8; got {value!r}.")
    totals = []
    for part in parts:
        if not _WHOLE.fullmatch(part):
            raise Malformed(f"{flag}: {part!r} is not a whole-number total.")
        total = int(part)
        if not instrument.range_min <= total <= instrument.range_max:
            raise Malformed(
                f"{flag}: {total} is outside the {instrument.short_title} range "
                f"{instrument.range_min} to {instrument.range_max}."
            )
        totals.append(total)
    return totals[0], totals[1]
