"""seamline.charts: one spec per chart, drawn as responsive SVG for pages, PNG for documents and CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from seamline.charts import build, image, palette, responsive, standalone
from seamline.charts.raster import png
from seamline.charts.spec import BarChart, Range, Row, Series
from seamline.charts.svg import CHAR, NARROW, SMALL, render
from seamline.errors import InputFileError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _cost() -> dict[str, Any]:
    models = {
        "in_house": {
            "name": "In-house hiring",
            "mean": 300_000.0,
            "p10": 250_000.0,
            "p50": 290_000.0,
            "p90": 360_000.0,
            "components": {"salaries": 200_000.0, "hiring": 40_000.0, "integration": 0.0, "churn": 60_000.0},
        },
        "staff_augmentation": {
            "name": "Staff <augmentation> & co",
            "mean": 180_000.0,
            "p10": 150_000.0,
            "p50": 175_000.0,
            "p90": 220_000.0,
            "components": {"vendor_fees": 120_000.0, "integration": 30_000.0, "coordination": 30_000.0},
        },
    }
    return {
        "horizon_months": 12,
        "trials": 1000,
        "seed": 7,
        "models": models,
        "cumulative": {mid: [25_000.0 * (i + 1) for i in range(12)] for mid in models},
    }


def test_every_cost_component_has_its_own_look_and_salaries_are_not_integration() -> None:
    looks = list(palette.COMPONENT_COLOURS.values())
    assert len(set(looks)) == len(looks)
    assert palette.COMPONENT_COLOURS["salaries"][0] != palette.COMPONENT_COLOURS["integration"][0]
    solid = [c for c, hatched in looks if not hatched]
    assert len(set(solid)) == len(solid)
    assert set(solid) <= set(palette.OKABE_ITO)


def test_text_colours_meet_aa_contrast() -> None:
    for text in (palette.INK, palette.MUTED):
        assert palette.contrast(text, "#ffffff") >= 4.5
    for fill in (palette.IN_HOUSE, palette.VENDOR):
        assert palette.contrast(palette.text_on(fill), fill) >= 4.5
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)


def test_cost_chart_spec_keeps_order_highlight_and_only_the_components_present() -> None:
    chart = build.cost_components(_cost(), {}, ["staff_augmentation", "in_house"], "staff_augmentation")
    assert [r.label for r in chart.rows] == ["Staff <augmentation> & co", "In-house hiring"]
    assert [r.highlight for r in chart.rows] == [True, False]
    keys = [s.key for s in chart.series]
    assert "integration" in keys and "ramp_up" not in keys
    assert next(s for s in chart.series if s.key == "churn").hatched
    # without an order: cheapest first
    assert build.cost_range(_cost(), {}).rows[0].label.startswith("Staff")


def test_page_markup_has_a_wide_and_a_narrow_drawing_with_unique_ids_and_escaped_labels() -> None:
    html = responsive(build.cost_components(_cost(), {}), "c1")
    assert html.count("<svg") == 2
    assert 'class="chart chart-wide"' in html and 'class="chart chart-narrow"' in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert "<augmentation>" not in html and "&lt;augmentation&gt; &amp; co" in html
    assert 'viewBox="0 0 340 ' in html and 'viewBox="0 0 720 ' in html
    assert "min-width" not in html  # nothing forces a width wider than the container


@pytest.mark.parametrize("kind", ["components", "range", "cumulative", "vendors"])
def test_narrow_drawing_fits_its_width_with_readable_text(kind: str) -> None:
    """Every text in the 340-unit drawing is at least 12 units (11.5 CSS px at the 327 px a 390 px phone
    leaves) and, by a generous estimate of its width, inside the drawing: the legend wraps."""
    long = {m: f"A rather long model name number {i} for wrapping" for i, m in enumerate(_cost()["models"])}
    chart: Any
    if kind == "components":
        chart = build.cost_components(_cost(), long)
    elif kind == "range":
        chart = build.cost_range(_cost(), long)
    elif kind == "cumulative":
        chart = build.cumulative(_cost(), long)
    else:
        series = tuple(
            Series(f"v{i}", f"Vendor number {i} (80/100, 2 red flags)", palette.series_colour(i))
            for i in range(5)
        )
        chart = BarChart(
            "v", "Vendors", "points", series, (Row("question", (0.5,) * 5),), mode="grouped", xmax=1
        )
    svg = render(chart, NARROW, "t")
    texts = [
        (
            re.search(r' x="([\d.]+)"', attrs)[1],
            re.search(r'font-size="(\d+)"', attrs)[1],  # type: ignore[index]
            (re.search(r'text-anchor="(\w+)"', attrs) or [None, "start"])[1],
            content,
        )
        for attrs, content in re.findall(r"<text([^>]*)>([^<]*)</text>", svg)
    ]
    assert texts
    for x, size, anchor, content in texts:
        assert int(size) >= SMALL
        width = len(content.replace("&amp;", "&")) * int(size) * CHAR
        left = float(x) - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
        assert left >= 0 and left + width <= NARROW + 1, content


def test_standalone_svg_is_a_file_and_png_is_deterministic(tmp_path: Path) -> None:
    chart = build.cost_range(_cost(), {}, highlight="in_house")
    svg = standalone(chart)
    assert svg.startswith(b"<?xml") and b'xmlns="http://www.w3.org/2000/svg"' in svg
    first = png(chart)
    assert first.startswith(b"\x89PNG") and first == png(chart)
    assert image(chart, ".PNG").startswith(b"\x89PNG")
    with pytest.raises(InputFileError, match=r"\.svg"):
        image(chart, ".gif")


def test_seams_and_ranges_draw_every_role_and_mark() -> None:
    seam_json = {
        "roles": [{"id": "pm", "name": "Product manager"}, {"id": "dev", "name": "Developers"}],
        "models": {
            "staff_augmentation": {
                "roles_in_house": ["pm"],
                "roles_vendor": ["dev"],
                "roles_missing": [],
                "seams": [{"in_house_role": "pm", "vendor_role": "dev", "link": "daily_direction"}],
                "management_hours_per_week": {"total": {"likely": 4.0}},
            }
        },
    }
    chart = build.seams(seam_json, ["staff_augmentation", "unknown"], {"staff_augmentation": "Staff aug"})
    assert len(chart.panels) == 1 and chart.panels[0].subtitle == "1 seam, about 4.0 h/week in-house"
    svg = responsive(chart, "s")
    assert "Product manager" in svg and "Developers" in svg and "daily direction" in svg
    assert palette.SEAM in svg
    bars = BarChart("r", "R", "money", (), (Row("A", range=Range(1, 2, 3, 2.5), highlight=True),))
    assert palette.HIGHLIGHT in render(bars)


def test_importing_the_chart_layer_does_not_import_matplotlib() -> None:
    code = "import sys, seamline.charts, seamline.web.views; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_plain_bars_keep_the_order_and_draw_at_both_widths() -> None:
    chart = build.bars(
        "types", "Documents by type", [("statement of work", 12), ("nda", 3)], axis_label="documents"
    )
    assert [r.label for r in chart.rows] == ["statement of work", "nda"]
    assert [r.note for r in chart.rows] == ["12", "3"]
    html = responsive(chart, "types")
    assert "statement of work · 12" in html and html.count("<svg") == 2
    assert png(chart).startswith(b"\x89PNG")
