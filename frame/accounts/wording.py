"""Small helpers for Frame's own words about people and roles."""

from __future__ import annotations

from frame.accounts.models import Role


def with_article(word: str) -> str:
    """'an owner', 'a practitioner': roles read naturally in a sentence."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def role_phrase(role: str) -> str:
    return with_article(Role(role).label.lower())
