"""frame reindexnotes: rebuild the note search index from the signed notes themselves.

Run it once after upgrading to a Frame with note search (notes signed earlier are not in the
index yet), and after `frame keys rotate` to move the index to the new primary key. Safe to run
at any time: the index is derived data and each note's rows are replaced, never added twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frame.notes.actions import rebuild_search_index


class Command(BaseCommand):
    help = "Rebuild the search index of signed session notes (words stored as keyed hashes)."

    def handle(self, *args: Any, **options: Any) -> None:
        notes, rows = rebuild_search_index()
        self.stdout.write(f"Indexed {notes} signed note{'s' if notes != 1 else ''} ({rows} words).")
