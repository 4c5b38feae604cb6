"""`frame keys`: the key ring that encrypts clinical text and MFA secrets at rest.

frame keys new                   print a fresh key ring (JSON) for FRAME_KEYRING on a server
frame keys new --from-current    print the current ring with a new primary key added
frame keys rotate                add a new primary key (key ring file) and re-encrypt everything
frame keys status                how many stored values use each key

Re-encryption goes through every EncryptedTextField of every model and the TOTP secrets and
recovery-code seeds inside allauth's `Authenticator.data`, in batches, each batch in its own
transaction. Values already on the primary key are skipped, so running `rotate` again after an
interruption carries on where it stopped instead of adding yet another key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from frame.lib import crypto
from frame.lib.fields import EncryptedTextField, Sealed, context_for, encrypted_fields

BATCH_SIZE = 500
MFA_LABEL = "mfa.Authenticator (TOTP secrets and recovery-code seeds)"
_MFA_SINGLE_KEYS = ("secret", "seed")  # sealed strings inside Authenticator.data
_MFA_LIST_KEYS = ("migrated_codes",)  # lists of sealed strings (codes migrated from elsewhere)


@dataclass
class Tally:
    """What a re-encryption run did. Counts and names only: never a value."""

    reencrypted: Counter[str] = field(default_factory=Counter)
    already_current: int = 0
    changed_meanwhile: int = 0  # edited by someone else mid-batch: left for the next run
    rows_checked: int = 0

    @property
    def total_reencrypted(self) -> int:
        return sum(self.reencrypted.values())


Progress = Callable[[str, int, int, Tally], None]  # label, rows done, rows in total, running tally


class RotationError(Exception):
    """A stored value could not be opened with the current key ring; the batch was left as is."""


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with encrypted columns, each column listed once (on its own table)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        own = [f for f in encrypted_fields(model) if f.model is model]
        if own:
            found.append((model, own))
    return found


def _label(model: type[models.Model], column: EncryptedTextField | None = None) -> str:
    base = f"{model._meta.app_label}.{model.__name__}"
    return f"{base}.{column.name}" if column is not None else base


def _batches(queryset: models.QuerySet[Any], batch_size: int) -> Iterator[models.QuerySet[Any]]:
    """`batch_size` rows at a time in primary-key order: a keyset walk that never holds them all."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        keys = list(page.values_list("pk", flat=True)[:batch_size])
        if not keys:
            return
        yield queryset.filter(pk__in=keys).order_by("pk")
        last = keys[-1]


def reencrypt_everything(
    *,
    ring: crypto.KeyRing,
    tally: Tally,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Tally:
    """Re-seal every stored value that is not yet on `ring.primary`. Safe to run again."""
    for model, columns in encrypted_columns():
        _reencrypt_model(
            model, columns, ring=ring, tally=tally, batch_size=batch_size, progress=progress
        )
    _reencrypt_mfa(ring=ring, tally=tally, batch_size=batch_size, progress=progress)
    return tally


def _needs_resealing(value: str, ring: crypto.KeyRing, where: str) -> bool:
    try:
        kid = crypto.key_id_of(value)
    except crypto.DecryptionError as error:
        raise RotationError(f"{where} cannot be opened: {error}") from error
    return kid != ring.primary


def _reencrypt_model(
    model: type[models.Model],
    columns: list[EncryptedTextField],
    *,
    ring: crypto.KeyRing,
    tally: Tally,
    batch_size: int,
    progress: Progress | None,
) -> None:
    manager = model._base_manager
    total, done = manager.count(), 0
    labels = {c.attname: _label(model, c) for c in columns}
    for batch in _batches(manager.all(), batch_size):
        with transaction.atomic():
            for pk, *values in batch.values_list("pk", *labels):
                old: dict[str, Sealed] = {}
                new: dict[str, Sealed] = {}
                for column, value in zip(columns, values, strict=True):
                    where = f"{labels[column.attname]} of row {pk}"
                    if value is None:
                        continue
                    if not _needs_resealing(value, ring, where):
                        tally.already_current += 1
                        continue
                    context = context_for(model, column.column, pk)
                    try:
                        plaintext = crypto.open_sealed(value, context=context, ring=ring)
                    except crypto.DecryptionError as error:
                        raise RotationError(f"{where} cannot be opened: {error}") from error
                    old[column.attname] = value
                    new[column.attname] = Sealed(crypto.seal(plaintext, context=context, ring=ring))
                # Compare-and-swap: replace only what was read, so an edit saved by someone else
                # in the meantime is never overwritten with the older text.
                if new and manager.filter(pk=pk, **old).update(**new):
                    tally.reencrypted.update(labels[name] for name in new)
                elif new:
                    tally.changed_meanwhile += len(new)
                done += 1
                tally.rows_checked += 1
        if progress is not None:
            progress(_label(model), done, total, tally)


def _reencrypt_mfa(
    *, ring: crypto.KeyRing, tally: Tally, batch_size: int, progress: Progress | None
) -> None:
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    adapter = get_adapter()  # the adapter allauth itself uses to seal and open these secrets
    authenticators = Authenticator.objects.exclude(type=Authenticator.Type.WEBAUTHN)
    total, done = authenticators.count(), 0
    for batch in _batches(authenticators, batch_size):
        with transaction.atomic():
            # Locked, so a recovery code being used right now cannot be marked unused again.
            for pk, data in batch.select_for_update().values_list("pk", "data"):
                where = f"An MFA secret of authenticator {pk}"
                new_data = _reseal_mfa_data(data, adapter, ring, tally, where)
                if new_data is not None:
                    Authenticator.objects.filter(pk=pk).update(data=new_data)
                done += 1
                tally.rows_checked += 1
        if progress is not None:
            progress(MFA_LABEL, done, total, tally)


def _reseal_mfa_data(
    data: Any, adapter: Any, ring: crypto.KeyRing, tally: Tally, where: str
) -> dict[str, Any] | None:
    """A copy of `data` with its sealed secrets on the primary key, or None if nothing changed."""
    if not isinstance(data, dict):
        return None
    new_data, changed = dict(data), 0

    def reseal(value: str) -> str:
        if not _needs_resealing(value, ring, where):
            tally.already_current += 1
            return value
        try:
            plaintext = adapter.decrypt(value)
        except crypto.DecryptionError as error:
            raise RotationError(f"{where} cannot be opened: {error}") from error
        return str(adapter.encrypt(plaintext))

    for key in _MFA_SINGLE_KEYS:
        if isinstance(data.get(key), str):
            new_data[key] = reseal(data[key])
            changed += new_data[key] != data[key]
    for key in _MFA_LIST_KEYS:
        if isinstance(data.get(key), list):
            new_data[key] = [reseal(v) for v in data[key]]
            changed += sum(a != b for a, b in zip(new_data[key], data[key], strict=True))
    tally.reencrypted[MFA_LABEL] += changed
    return new_data if changed else None


def key_usage() -> dict[str, Counter[str]]:
    """For each place encrypted values live, how many values use each key id."""
    from allauth.mfa.models import Authenticator

    usage: dict[str, Counter[str]] = {}
    for model, columns in encrypted_columns():
        for column in columns:
            counts: Counter[str] = Counter()
            values = model._base_manager.exclude(**{f"{column.attname}__isnull": True})
            for value in values.values_list(column.attname, flat=True).iterator(chunk_size=2000):
                counts[_key_id_or_unreadable(value)] += 1
            usage[_label(model, column)] = counts
    counts = Counter()
    for data in (
        Authenticator.objects.exclude(type=Authenticator.Type.WEBAUTHN)
        .values_list("data", flat=True)
        .iterator(chunk_size=2000)
    ):
        if isinstance(data, dict):
            for key in _MFA_SINGLE_KEYS:
                if isinstance(data.get(key), str):
                    counts[_key_id_or_unreadable(data[key])] += 1
            for key in _MFA_LIST_KEYS:
                for value in data.get(key) or []:
                    counts[_key_id_or_unreadable(value)] += 1
    usage[MFA_LABEL] = counts
    return usage


def _key_id_or_unreadable(value: str) -> str:
    try:
        return crypto.key_id_of(value)
    except crypto.DecryptionError:
        return "(not in Frame's sealed format)"


ENVIRONMENT_ROTATION = """\
The key ring comes from the FRAME_KEYRING environment variable, which Frame cannot change for you.
Rotating takes a new key in the ring first, then re-encryption:
  1. Run `frame keys new --from-current`. It prints your current key ring with a new primary key
     added; the old keys stay in it, so values sealed with them still open.
  2. Put that JSON in FRAME_KEYRING for every Frame process, and restart them all.
  3. Run `frame keys rotate`: it re-encrypts every stored value with the new primary key.
  4. When `frame keys status` shows no values on an old key, you may remove that key from the
     ring. Keep the old ring for as long as you keep backups made with it."""


def _ring_source() -> str:
    if settings.FRAME_KEYRING:
        return "the FRAME_KEYRING environment variable"
    return f"the file {settings.FRAME_KEYRING_FILE}"


class Command(BaseCommand):
    help = "Manage the encryption key ring: new, rotate, status."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand",
            required=True,
            metavar="{new,rotate,status}",
            parser_class=CommandParser,
        )
        new = subcommands.add_parser(
            "new", help="Print a key ring as JSON, for FRAME_KEYRING on a server."
        )
        new.add_argument(
            "--from-current",
            action="store_true",
            help="Print the current key ring with a new primary key added (to rotate a server).",
        )
        rotate = subcommands.add_parser(
            "rotate", help="Add a new primary key and re-encrypt every stored value with it."
        )
        rotate.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="Rows per transaction."
        )
        subcommands.add_parser("status", help="Show how many stored values use each key.")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "new":
            self.new(from_current=options["from_current"])
        elif subcommand == "rotate":
            self.rotate(batch_size=max(1, options["batch_size"]))
        elif subcommand == "status":
            self.status()

    # --- new -------------------------------------------------------------------------------------

    def new(self, *, from_current: bool) -> None:
        ring = crypto.keyring().with_new_primary() if from_current else crypto.KeyRing.generate()
        self.stdout.write(ring.to_json())
        self.stderr.write(
            "This is secret: anyone with it can read the encrypted text of any copy of the "
            "database. Store it where your server's other secrets live, and keep a backup copy: "
            "without it, encrypted text cannot be recovered."
        )

    # --- rotate ----------------------------------------------------------------------------------

    def rotate(self, *, batch_size: int) -> None:
        from frame.audit.actions import record
        from frame.audit.models import Action

        ring = crypto.keyring()
        pending = sum(
            n for counts in key_usage().values() for kid, n in counts.items() if kid != ring.primary
        )
        added_key = ""
        if settings.FRAME_KEYRING:
            self.stdout.write(ENVIRONMENT_ROTATION)
            if not pending:
                self.stdout.write(
                    f"Every stored value already uses the primary key {ring.primary}, so there is "
                    "nothing to re-encrypt yet: add a key first (steps 1 and 2)."
                )
                return
            self.stdout.write(
                f"{pending:,} stored values use keys other than the primary key {ring.primary}."
            )
        elif pending:
            self.stdout.write(
                f"{pending:,} stored values still use keys other than the primary key "
                f"{ring.primary}: an earlier rotation did not finish. Carrying it on, without "
                "adding another key."
            )
        else:
            path = Path(settings.FRAME_KEYRING_FILE)
            ring = ring.with_new_primary()
            crypto.write_keyring_file(path, ring)
            crypto.reset_keyring_cache()
            added_key = ring.primary
            self.stdout.write(
                f"Added key {added_key} to {path} as the primary key; the older keys are kept. "
                "Back up this file now."
            )

        self.stdout.write(f"Re-encrypting stored values with key {ring.primary}…")
        tally = Tally()
        outcome = "failed"
        try:
            reencrypt_everything(
                ring=ring, tally=tally, batch_size=batch_size, progress=self._progress
            )
            outcome = "ok" if not tally.changed_meanwhile else "incomplete"
        except KeyboardInterrupt:
            outcome = "interrupted"
            raise
        except RotationError as error:
            self.stderr.write(
                f"Stopped: {error}. Nothing in that batch was changed. Restore the key ring that "
                "includes the missing key, then run `frame keys rotate` again."
            )
            raise SystemExit(1) from None
        finally:
            record(
                action=Action.KEYS_ROTATED,
                outcome=outcome,
                detail={
                    "primary_key": ring.primary,
                    "added_key": added_key,
                    "key_ids": sorted(ring.keys),
                    "reencrypted": dict(sorted(tally.reencrypted.items())),
                    "already_current": tally.already_current,
                    "changed_meanwhile": tally.changed_meanwhile,
                },
            )
            if outcome == "interrupted":
                self.stderr.write(
                    f"Interrupted after re-encrypting {tally.total_reencrypted:,} values. "
                    "Everything stored so far is safe: run `frame keys rotate` again to finish."
                )

        self.stdout.write(
            f"Done: {tally.total_reencrypted:,} values re-encrypted with key {ring.primary}, "
            f"{tally.already_current:,} already used it."
        )
        if tally.changed_meanwhile:
            self.stdout.write(
                f"{tally.changed_meanwhile:,} values were edited while this ran and were left "
                "for now; run `frame keys rotate` again to finish them."
            )
        old = sorted(set(ring.keys) - {ring.primary})
        if old and not tally.changed_meanwhile:
            self.stdout.write(
                f"No stored value uses {', '.join(old)} any more. Keep the old keys for as long as "
                "you keep backups made before today."
            )

    def _progress(self, label: str, done: int, total: int, tally: Tally) -> None:
        self.stdout.write(
            f"  {label}: {done:,} of {total:,} rows checked "
            f"({tally.total_reencrypted:,} values re-encrypted so far)"
        )

    # --- status ----------------------------------------------------------------------------------

    def status(self) -> None:
        ring = crypto.keyring()
        usage = key_usage()
        totals: Counter[str] = Counter()
        for counts in usage.values():
            totals.update(counts)
        self.stdout.write(
            f"Key ring: {_ring_source()}. Primary key {ring.primary}; "
            f"keys {', '.join(sorted(ring.keys))}."
        )
        for kid in sorted(set(ring.keys) | set(totals)):
            note = ""
            if kid == ring.primary:
                note = " (primary)"
            elif kid not in ring.keys:
                note = " (NOT in the key ring: these values cannot be opened)"
            count = totals.get(kid, 0)
            self.stdout.write(f"  {kid}: {count:,} value{'' if count == 1 else 's'}{note}")
        for label, counts in usage.items():
            if counts:
                detail = ", ".join(f"{kid} {n:,}" for kid, n in sorted(counts.items()))
                self.stdout.write(f"    {label}: {detail}")
