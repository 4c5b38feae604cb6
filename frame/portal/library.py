"""Frame's own articles explaining the frame to clients: original wording, written in the
practitioner's voice, which every practice gets and can edit.

Each lives in `templates/portal/articles/<key>.txt`: the title on the first line, a one-line
summary on the second, a blank line, then the text. In the text, a blank line separates
paragraphs, "## " starts a subheading and "- " starts a list item.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Kept beside the templates so they are packaged with them.
ARTICLES_DIR = Path(__file__).resolve().parent / "templates" / "portal" / "articles"

# In the order a practitioner would usually introduce them.
DEFAULT_KEYS = (
    "not-a-friendship",
    "confidentiality",
    "meeting-outside",
    "between-sessions",
    "endings",
)


@dataclass(frozen=True)
class DefaultArticle:
    key: str
    title: str
    summary: str
    body: str


def load(key: str) -> DefaultArticle:
    text = (ARTICLES_DIR / f"{key}.txt").read_text(encoding="utf-8")
    title, summary, body = text.split("\n", 2)
    return DefaultArticle(key=key, title=title.strip(), summary=summary.strip(), body=body.strip())


def default_articles() -> list[DefaultArticle]:
    return [load(key) for key in DEFAULT_KEYS]
