"""The progress chart: scores land where they should, bands and lines are drawn, and it is SVG."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from frame.measures import charts, definitions

SVG = "{http://www.w3.org/2000/svg}"
PHQ9 = definitions.get("phq9")
WEMWBS = definitions.get("wemwbs")
G = charts.GEOMETRY


def phq9_points(*totals: int) -> list[charts.Point]:
    start = dt.date(2026, 1, 5)
    return [
        charts.Point(
            on=start + dt.timedelta(weeks=i), total=Decimal(t), band=PHQ9.band_for(Decimal(t)) or ""
        )
        for i, t in enumerate(totals)
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (our own output, not untrusted input)


def test_the_range_maps_to_the_plot_edges_and_the_middle_to_the_middle() -> None:
    assert charts.y_for(Decimal(27), PHQ9) == G.top
    assert charts.y_for(Decimal(0), PHQ9) == G.plot_bottom
    assert charts.y_for(Decimal("13.5"), PHQ9) == pytest.approx(G.top + G.plot_height / 2)
    # Out-of-range values are held at the edge rather than drawn off the chart.
    assert charts.y_for(Decimal(40), PHQ9) == G.top


def test_points_are_drawn_at_their_scores_in_order() -> None:
    root = parse(charts.render(PHQ9, phq9_points(18, 12, 6)))
    circles = root.findall(f".//{SVG}circle")
    assert [c.get("data-total") for c in circles] == ["18", "12", "6"]
    for circle, total in zip(circles, (18, 12, 6), strict=True):
        assert float(circle.get("cy", "")) == pytest.approx(
            charts.y_for(Decimal(total), PHQ9), abs=0.05
        )
    xs = [float(c.get("cx", "")) for c in circles]
    assert xs == sorted(xs) and xs[0] == G.left and xs[-1] == G.left + G.plot_width
    assert root.find(f".//{SVG}polyline") is not None


def test_every_band_is_shaded_between_its_bounds() -> None:
    root = parse(charts.render(PHQ9, phq9_points(14)))
    bands = root.findall(f".//{SVG}rect[@class='chart-band']")
    assert [(b.get("data-low"), b.get("data-high")) for b in bands] == [
        ("0", "5"),
        ("5", "10"),
        ("10", "15"),
        ("15", "20"),
        ("20", "27"),
    ]
    moderate = bands[2]
    top = float(moderate.get("y", ""))
    height = float(moderate.get("height", ""))
    assert top == pytest.approx(charts.y_for(Decimal(15), PHQ9), abs=0.05)
    assert top + height == pytest.approx(charts.y_for(Decimal(10), PHQ9), abs=0.1)
    text = "".join(root.itertext())
    assert "moderately severe" in text


def test_the_cutoff_line_and_the_reliable_change_band_around_the_first_score() -> None:
    root = parse(charts.render(PHQ9, phq9_points(14, 9)))
    cutoff = root.find(f".//{SVG}line[@class='chart-cutoff']")
    assert cutoff is not None and cutoff.get("data-value") == "10"
    assert float(cutoff.get("y1", "")) == pytest.approx(charts.y_for(Decimal(10), PHQ9), abs=0.05)
    rc = root.find(f".//{SVG}rect[@class='chart-reliable-change']")
    assert rc is not None
    # PHQ-9's reliable change is 6 points: 14 ± 6 is 8 to 20.
    assert (rc.get("data-low"), rc.get("data-high")) == ("8", "20")
    assert float(rc.get("y", "")) == pytest.approx(charts.y_for(Decimal(20), PHQ9), abs=0.05)


def test_the_reliable_change_band_stays_inside_the_range() -> None:
    strip = charts.reliable_change_strip(PHQ9, Decimal(2))
    assert strip is not None and (strip.low, strip.high) == (Decimal(0), Decimal(8))


def test_a_chart_has_a_title_and_description_and_no_style_attributes() -> None:
    svg = charts.render(
        WEMWBS, [charts.Point(on=dt.date(2026, 2, 1), total=Decimal(41))], id_prefix="w"
    )
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "w-title w-desc"
    assert root.findtext(f"{SVG}title") == "WEMWBS scores over time"
    desc = root.findtext(f"{SVG}desc") or ""
    assert "higher is better" in desc and "41" in desc
    assert "style=" not in svg and "<script" not in svg


def test_an_empty_chart_still_parses_and_says_so() -> None:
    root = parse(charts.render(PHQ9, []))
    assert root.find(f".//{SVG}circle") is None
    assert "No PHQ-9 scores yet" in (root.findtext(f"{SVG}desc") or "")


def test_text_is_escaped() -> None:
    point = charts.Point(on=dt.date(2026, 1, 1), total=Decimal(3), band="<b>&")
    svg = charts.render(PHQ9, [point])
    parse(svg)
    assert "<b>&" not in svg
