"""A contract as one client reads it: the clauses filled in, and the exact text that is agreed.

Pure Python, no Django. The canonical text is what a client's agreement is bound to: its SHA-256
is stored with the agreement, and a form that posts a different hash (an older version, other
terms) is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from frame.contracts.compare import ClauseLike
from frame.contracts.placeholders import Parties, fill
from frame.contracts.terms import Terms


@dataclass(frozen=True)
class FilledClause:
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class Document:
    template_name: str
    version_number: int
    parties: Parties
    clauses: tuple[FilledClause, ...]

    @property
    def heading(self) -> str:
        return self.template_name

    @property
    def text(self) -> str:
        return canonical_text(self)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def clauses_json(self) -> str:
        return clauses_to_json(self.clauses)


def build(
    *,
    template_name: str,
    version_number: int,
    clauses: Sequence[ClauseLike],
    terms: Terms,
    parties: Parties,
) -> Document:
    filled = tuple(
        FilledClause(
            key=clause.key,
            title=fill(clause.title, terms, parties),
            text=fill(clause.text, terms, parties),
        )
        for clause in clauses
    )
    return Document(
        template_name=template_name,
        version_number=version_number,
        parties=parties,
        clauses=filled,
    )


def parties_line(parties: Parties) -> str:
    return f"Between {parties.client_name} and {parties.practitioner_name}, {parties.practice_name}"


def canonical_text(document: Document) -> str:
    """The contract as one plain text: headings, parties, then numbered clauses."""
    lines = [
        document.heading,
        parties_line(document.parties),
        f"Version {document.version_number}",
    ]
    for number, clause in enumerate(document.clauses, start=1):
        lines += ["", f"{number}. {clause.title}", "", clause.text.strip()]
    return "\n".join(lines) + "\n"


def clauses_to_json(clauses: Sequence[FilledClause]) -> str:
    return json.dumps([asdict(clause) for clause in clauses], ensure_ascii=False)


def clauses_from_json(text: str) -> tuple[FilledClause, ...]:
    return tuple(
        FilledClause(key=str(item["key"]), title=str(item["title"]), text=str(item["text"]))
        for item in json.loads(text or "[]")
    )
