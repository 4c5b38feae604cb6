"""What the portal adds to other apps' pages: client card sections, staff home panels, its own
portal home panels, and the signal that gives each new practice its defaults."""

from __future__ import annotations


def register_all() -> None:
    pass
