"""`frame createpractice`: a practice and its owner, without the setup link (e.g. on a server)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frame.accounts import actions
from frame.accounts.forms import SetupForm


class Command(BaseCommand):
    help = (
        "Create a practice and its owner. Asks for the password twice, or reads it from standard "
        "input with --password-stdin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="The practice's name.")
        parser.add_argument("--email", required=True, help="The owner's email address.")
        parser.add_argument("--name", required=True, help="The owner's full name.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (for scripts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            confirmation = password
        else:
            password = getpass.getpass("Choose a password for this account: ")
            confirmation = getpass.getpass("Type the password again: ")
        form = SetupForm(
            {
                "practice_name": options["practice"],
                "full_name": options["name"],
                "email": options["email"],
                "password1": password,
                "password2": confirmation,
            }
        )
        if not form.is_valid():
            raise CommandError(_plain_errors(form))
        try:
            user = actions.create_practice(
                practice_name=form.cleaned_data["practice_name"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except actions.AccountActionError as error:
            raise CommandError(str(error)) from None
        membership = user.active_membership
        assert membership is not None  # noqa: S101 (create_practice always makes one)
        self.stdout.write(
            f"Created {membership.practice.name}, owned by {user.full_name} <{user.email}>.\n"
            "They will be asked to set up two-step sign-in the first time they sign in."
        )


OPTION_NAMES = {
    "practice_name": "--practice",
    "full_name": "--name",
    "email": "--email",
    "password1": "password",
    "password2": "password",
}


def _plain_errors(form: SetupForm) -> str:
    lines = ["Nothing was created:"]
    for field, errors in form.errors.items():
        label = OPTION_NAMES.get(field, "")
        for error in errors:
            lines.append(f"  {label}: {error}" if label else f"  {error}")
    return "\n".join(lines)
