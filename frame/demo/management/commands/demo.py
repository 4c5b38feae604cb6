"""`frame demo`: load a small fictional practice to explore Frame with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from frame.accounts.actions import AccountActionError
from frame.demo.credentials import new_password
from frame.demo.loading import DemoRefused, load_demo


class Command(BaseCommand):
    help = "Load a fictional demo practice: four staff and forty clients, all made up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default="",
            help="Password for the demo staff accounts (default: a new random one, printed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str = options["password"] or new_password()
        try:
            result = load_demo(password=password)
        except (DemoRefused, AccountActionError) as refusal:
            raise CommandError(
                f"{refusal}\nTo try the demo alongside, give it a data folder of its own:\n"
                "  FRAME_DATA_DIR=./demo-data make demo\n"
                "  FRAME_DATA_DIR=./demo-data make run"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo practice {result.practice.name}: {len(result.staff)} staff, "
                f"{result.clients} clients and {result.people} people in their lives."
            )
        )
        self.stdout.write(f"Sign in at {settings.FRAME_BASE_URL}{reverse('account_login')} as:")
        for user in result.staff:
            self.stdout.write(f"  {user.email:<32} {user.full_name} ({user.role_name})")
        self.stdout.write(f"Password for all of them: {password}")
        self.stdout.write(
            "Each person sets up two-step sign-in (an authenticator app) the first time they "
            "sign in."
        )
        self.stdout.write("Everyone here is made up. Please do not add real client details.")
