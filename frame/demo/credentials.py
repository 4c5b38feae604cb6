"""Sign-in passwords for demo and synthetic staff accounts, printed once by the command."""

from __future__ import annotations

import secrets

_WORDS = [
    "harbour",
    "lantern",
    "meadow",
    "kestrel",
    "orchard",
    "willow",
    "bramble",
    "quayside",
    "ember",
    "heather",
    "tideline",
    "copper",
    "thistle",
    "saffron",
    "juniper",
    "marram",
    "pebble",
    "skylark",
    "fernbank",
    "driftwood",
]


def new_password() -> str:
    """Four random words and a number: long enough for the validators, easy to type."""
    words = [secrets.choice(_WORDS) for _ in range(4)]
    return "-".join([*words[:2], str(secrets.randbelow(9000) + 1000), *words[2:]])
