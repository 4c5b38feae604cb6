"""`frame seed --clients N --seed S`: a large deterministic synthetic practice for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frame.demo.credentials import new_password
from frame.demo.seeding import SeedRefused, seed_practice, seed_user_email


class Command(BaseCommand):
    help = "Build a large synthetic practice (fictional data) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=1000, help="How many clients to create.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--password",
            default="",
            help="Password for the synthetic staff accounts (default: a new random one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["clients"]
        seed: int = options["seed"]
        if count < 0:
            raise CommandError("--clients must be zero or more.")
        password: str = options["password"] or new_password()
        started = time.monotonic()

        def progress(done: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {done:,} of {count:,} clients ({elapsed:.1f} s)")

        self.stdout.write(f"Seeding {count:,} synthetic clients with seed {seed}…")
        try:
            result = seed_practice(clients=count, seed=seed, password=password, progress=progress)
        except SeedRefused as refusal:
            raise CommandError(
                f"{refusal}\nUse a fresh data folder, for example:\n"
                "  FRAME_DATA_DIR=./bench-data frame migrate && "
                "FRAME_DATA_DIR=./bench-data frame seed --clients 1000"
            ) from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.practice.name}: {result.clients:,} clients, "
                f"{result.people:,} people in their lives, "
                f"{result.care_team_links:,} care-team links in {elapsed:.1f} s."
            )
        )
        self.stdout.write("Staff accounts (all fictional):")
        for index, user in enumerate(result.staff):
            self.stdout.write(f"  {seed_user_email(seed, index)}  {user.role_name}")
        self.stdout.write(f"Password for all of them: {password}")
        self.stdout.write("Each person enrols two-step sign-in the first time they sign in.")
