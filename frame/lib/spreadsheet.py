"""CSV that spreadsheet programs open safely.

A cell starting with = + - @ (or a tab or carriage return, which some programs skip before
looking) is read by Excel, LibreOffice and Google Sheets as a formula, which can run commands or
send data away. Such cells get a leading single quote, so they show as the text they are
(OWASP "CSV injection"). Numbers are written as numbers and never quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def safe_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
