"""`frame audit verify`: check the audit trail's hash chain and export its head.

On an intact chain it prints a one-line summary, writes the head (last sequence number, its hash,
the time) to the head file with mode 0600 and exits 0. Otherwise it names the first bad sequence
number in plain words, leaves the head file alone and exits 1.

Keep a copy of the head file somewhere other than this machine (copy it after each scheduled
verification). Whoever can change the database can usually change files beside it too; a copy
they cannot reach is what proves that the end of the trail has not been cut off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from frame.audit import chain
from frame.audit.actions import record
from frame.audit.models import Action


class Command(BaseCommand):
    help = "Check the audit trail. `frame audit verify` checks its hash chain end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="verify", parser_class=CommandParser
        )
        verify = subcommands.add_parser(
            "verify",
            help="Check every event's hash and link, and compare with the exported head.",
            description=(
                "Check every event's hash and link, compare the end of the trail with the head "
                "exported by the last successful check, then export the new head. Keep a copy of "
                "the head file off this machine."
            ),
        )
        verify.add_argument(
            "--head-file",
            type=Path,
            default=None,
            help="Where the head is exported (default: FRAME_AUDIT_HEAD_FILE, in the data folder).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(head_file=options["head_file"] or Path(settings.FRAME_AUDIT_HEAD_FILE))

    def verify(self, *, head_file: Path) -> None:
        try:
            expected = chain.read_head(head_file)
        except chain.HeadFileError as error:
            self.stderr.write(
                f"{error} It cannot be trusted to show whether events were removed from the end "
                "of the trail. Restore it from your copy kept off this machine, then run the "
                "check again."
            )
            raise SystemExit(1) from None

        result = chain.verify(expected_head=expected)
        if result.problem is not None:
            self.stderr.write(
                f"The audit trail is damaged. First bad sequence number: {result.problem.seq}. "
                f"{result.problem.message} The head file has not been updated."
            )
            raise SystemExit(1)

        chain.write_head(head_file, result.head)
        record(
            action=Action.AUDIT_VERIFIED,
            detail={"events": result.events, "head_seq": result.head.seq},
        )
        compared = (
            f"matches the head exported {expected.recorded_at}"
            if expected is not None
            else "no earlier head to compare with"
        )
        self.stdout.write(
            f"Audit trail intact: {result.events:,} event{'' if result.events == 1 else 's'}, "
            f"last {result.head.seq} "
            f"(hash {result.head.hash[:12]}…); {compared}. Head saved to {head_file}."
        )
        if expected is None:
            self.stderr.write(
                "This was the first check with this head file, so removal of events from the end "
                "of the trail could not be checked this time. Keep a copy of the head file off "
                "this machine."
            )
