"""Progress charts as server-rendered SVG. Pure Python: no Django, no JavaScript, no styles.

The chart draws, bottom to top: the instrument's score bands as shaded strips, the reliable-change
band around the first score, the cut-off line, then the scores joined by a line. Colours are SVG
presentation attributes (`fill=`, `stroke=`), never `style=`: the strict CSP blocks inline styles,
and attributes also survive being printed. Every piece of text is escaped here.

Scores are spaced evenly left to right in the order they were completed (not by date): the table
beside the chart gives the dates, and is the accessible alternative to the picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from frame.measures.definitions import Instrument

# Light, distinct tints for the bands, from the first band up (cycled if an instrument has more).
BAND_FILLS = ("#eef5ee", "#f7f3e3", "#f9ebdc", "#f6e0dc", "#efd8e3", "#e6e0f0")
RC_FILL = "#9bb8d3"
RC_STROKE = "#4a7aa6"
CUTOFF_STROKE = "#8a2d1f"
LINE_STROKE = "#1f3b57"
AXIS_STROKE = "#555555"
TEXT_FILL = "#222222"


@dataclass(frozen=True)
class Geometry:
    width: int = 640
    height: int = 320
    left: int = 44
    right: int = 150  # room for the band labels
    top: int = 16
    bottom: int = 44

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def plot_bottom(self) -> int:
        return self.top + self.plot_height


@dataclass(frozen=True)
class Point:
    on: dt.date
    total: Decimal
    band: str = ""


@dataclass(frozen=True)
class Strip:
    """A horizontal strip of the chart between two scores (a band, or the reliable-change band)."""

    low: Decimal
    high: Decimal
    label: str


GEOMETRY = Geometry()


def _num(value: float | Decimal) -> str:
    return f"{float(value):.1f}"


def y_for(value: Decimal, instrument: Instrument, geometry: Geometry = GEOMETRY) -> float:
    """Where a score sits: the top of the range at the top of the plot, the bottom at the bottom.

    The same way up for every instrument (a higher number is always higher on the chart); the
    explanation says which way is better, because that differs between questionnaires.
    """
    low, high = instrument.range_min, instrument.range_max
    clamped = min(max(value, low), high)
    fraction = float((high - clamped) / (high - low))
    return geometry.top + fraction * geometry.plot_height


def x_for(index: int, count: int, geometry: Geometry = GEOMETRY) -> float:
    """The horizontal place of the index-th of `count` scores: evenly spaced, centred if alone."""
    if count <= 1:
        return geometry.left + geometry.plot_width / 2
    step = geometry.plot_width / (count - 1)
    return geometry.left + index * step


def band_strips(instrument: Instrument) -> list[Strip]:
    """Each band from its lower bound to the next band's (or the top of the range)."""
    strips = []
    bands = instrument.bands
    for position, band in enumerate(bands):
        high = bands[position + 1].lower if position + 1 < len(bands) else instrument.range_max
        strips.append(Strip(low=band.lower, high=high, label=band.label))
    return strips


def reliable_change_strip(instrument: Instrument, first: Decimal) -> Strip | None:
    """The first score plus and minus the reliable-change threshold, kept inside the range.

    A later score inside this strip has not moved far enough to be sure the change is more than
    the questionnaire's own wobble.
    """
    rc = instrument.reliable_change
    if rc is None:
        return None
    low = max(first - rc.threshold, instrument.range_min)
    high = min(first + rc.threshold, instrument.range_max)
    return Strip(low=low, high=high, label=f"within {rc.threshold} of the first score")


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 11) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{TEXT_FILL}" '
        f'text-anchor="{anchor}">{escape(content)}</text>'
    )


def _describe(instrument: Instrument, points: Sequence[Point]) -> str:
    direction = "higher" if instrument.higher_is_better else "lower"
    if not points:
        return (
            f"No {instrument.short_title} scores yet. On this questionnaire {direction} is better."
        )
    first, latest = points[0], points[-1]
    parts = [
        f"{len(points)} {instrument.short_title} score{'s' if len(points) != 1 else ''}, "
        f"from {first.total} on {first.on:%d %B %Y} to {latest.total} on {latest.on:%d %B %Y}.",
        f"On this questionnaire {direction} is better.",
    ]
    if instrument.cutoff is not None:
        parts.append(f"The cut-off line is at {instrument.cutoff.value}.")
    return " ".join(parts)


def render(
    instrument: Instrument,
    points: Sequence[Point],
    *,
    id_prefix: str = "chart",
    geometry: Geometry = GEOMETRY,
) -> str:
    """The whole chart as one `<svg>` element (a string, already escaped)."""
    g = geometry
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart" '
        f'viewBox="0 0 {g.width} {g.height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="sans-serif">',
        f'<title id="{title_id}">{escape(instrument.short_title)} scores over time</title>',
        f'<desc id="{desc_id}">{escape(_describe(instrument, points))}</desc>',
    ]
    right_edge = g.left + g.plot_width

    # Bands: shaded strips, labelled at the right.
    out.append('<g class="chart-bands">')
    for position, strip in enumerate(band_strips(instrument)):
        top, bottom = y_for(strip.high, instrument, g), y_for(strip.low, instrument, g)
        out.append(
            f'<rect class="chart-band" data-low="{strip.low}" data-high="{strip.high}" '
            f'x="{g.left}" y="{_num(top)}" width="{g.plot_width}" height="{_num(bottom - top)}" '
            f'fill="{BAND_FILLS[position % len(BAND_FILLS)]}"/>'
        )
        out.append(_text(right_edge + 6, (top + bottom) / 2 + 4, f"{strip.low}+ {strip.label}"))
    out.append("</g>")

    # The reliable-change band around the first score.
    if points:
        rc = reliable_change_strip(instrument, points[0].total)
        if rc is not None:
            top, bottom = y_for(rc.high, instrument, g), y_for(rc.low, instrument, g)
            out.append(
                f'<rect class="chart-reliable-change" data-low="{rc.low}" data-high="{rc.high}" '
                f'x="{g.left}" y="{_num(top)}" width="{g.plot_width}" '
                f'height="{_num(bottom - top)}" fill="{RC_FILL}" fill-opacity="0.35" '
                f'stroke="{RC_STROKE}" stroke-width="1">'
                f"<title>{escape('Reliable-change band: ' + rc.label)}</title></rect>"
            )

    # The cut-off line.
    cutoff = instrument.cutoff
    if cutoff is not None:
        y = y_for(cutoff.value, instrument, g)
        out.append(
            f'<line class="chart-cutoff" data-value="{cutoff.value}" x1="{g.left}" y1="{_num(y)}" '
            f'x2="{right_edge}" y2="{_num(y)}" stroke="{CUTOFF_STROKE}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
        )
        out.append(_text(g.left + 4, y - 4, f"cut-off {cutoff.value}", size=10))

    # Axes, with the range's ends and each band's lower bound as ticks.
    out.append(
        f'<line x1="{g.left}" y1="{g.top}" x2="{g.left}" y2="{g.plot_bottom}" '
        f'stroke="{AXIS_STROKE}"/>'
        f'<line x1="{g.left}" y1="{g.plot_bottom}" x2="{right_edge}" y2="{g.plot_bottom}" '
        f'stroke="{AXIS_STROKE}"/>'
    )
    ticks = sorted(
        {instrument.range_min, instrument.range_max, *(b.lower for b in instrument.bands)}
    )
    for tick in ticks:
        y = y_for(tick, instrument, g)
        out.append(_text(g.left - 6, y + 4, str(tick), anchor="end", size=10))

    # The scores.
    if points:
        coords = [
            (x_for(i, len(points), g), y_for(p.total, instrument, g)) for i, p in enumerate(points)
        ]
        if len(coords) > 1:
            joined = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
            out.append(
                f'<polyline class="chart-line" points="{joined}" fill="none" '
                f'stroke="{LINE_STROKE}" stroke-width="2"/>'
            )
        every = max(1, len(points) // 8)  # keep date labels from overlapping
        for index, ((x, y), point) in enumerate(zip(coords, points, strict=True)):
            label = f"{point.on:%d %b %Y}: {point.total}" + (
                f" ({point.band})" if point.band else ""
            )
            out.append(
                f'<circle class="chart-point" data-total="{point.total}" cx="{_num(x)}" '
                f'cy="{_num(y)}" r="5" fill="{LINE_STROKE}"><title>{escape(label)}</title></circle>'
            )
            if index % every == 0 or index == len(points) - 1:
                out.append(
                    _text(x, g.plot_bottom + 16, f"{point.on:%d %b}", anchor="middle", size=10)
                )
    out.append(
        f"<text x={quoteattr(_num(g.left + g.plot_width / 2))} y={quoteattr(str(g.height - 6))} "
        f'font-size="10" fill="{TEXT_FILL}" text-anchor="middle">In the order completed</text>'
    )
    out.append("</svg>")
    return "".join(out)
