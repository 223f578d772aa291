"""Chart specs as SVG: responsive inline SVG for pages, a standalone SVG file for the CLI.

Every chart is drawn at a given width in user units; a page gets two drawings of the same spec, a wide one
(720 units) and a narrow one (340 units, labels above the bars, legend wrapped under the chart), and the
stylesheet shows the one that fits its container (``.chart-figure`` is a size container), so text stays
between about 11.5 and 17 CSS pixels from a 390-pixel phone to a 1440-pixel screen. Every label is
escaped here; the templates mark the returned markup safe. Each SVG has a ``<title>``, and the pages show
the same figures in a table.
"""

from __future__ import annotations

from html import escape

from seamline.charts import palette
from seamline.charts.format import nice_max, value
from seamline.charts.spec import BarChart, Chart, LineChart, SeamPanel, SeamsChart

WIDE = 720
NARROW = 340
FONT = 13  # labels, in user units
SMALL = 12  # ticks, legend, key
CHAR = 0.58  # a generous average glyph width, as a fraction of the font size
PAD = 6.0
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'


def _w(text: str, size: float) -> float:
    return len(text) * size * CHAR


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Words into lines no wider than ``width`` (a word longer than a line is cut, with an ellipsis)."""
    limit = max(4, int(width / (size * CHAR)))
    lines: list[str] = []
    line = ""
    for word in text.split():
        if len(word) > limit:
            word = word[: limit - 1] + "…"
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line or not lines:
        lines.append(line)
    return lines


def _text(
    x: float,
    y: float,
    s: str,
    size: float = FONT,
    fill: str = palette.INK,
    anchor: str = "start",
    bold: bool = False,
) -> str:
    weight = ' font-weight="700"' if bold else ""
    a = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}"{a}{weight}>{escape(s)}</text>'


class _Canvas:
    def __init__(self, width: float, uid: str) -> None:
        self.width = width
        self.uid = uid
        self.parts: list[str] = []
        self.defs: dict[str, str] = {}
        self.y = 0.0

    def add(self, part: str) -> None:
        self.parts.append(part)

    def lines(self, text: str, size: float = SMALL, fill: str = palette.MUTED, bold: bool = False) -> None:
        for line in _wrap(text, size, self.width - 2 * PAD):
            self.y += size + 4
            self.add(_text(PAD, self.y - 3, line, size, fill, bold=bold))

    def fill(self, colour: str, hatched: bool) -> str:
        if not hatched:
            return colour
        pid = f"{self.uid}-hatch-{colour.lstrip('#').lower()}"
        self.defs[pid] = (
            f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{colour}"/>'
            '<rect width="2.5" height="6" fill="#ffffff"/></pattern>'
        )
        return f"url(#{pid})"

    def legend(self, items: list[tuple[str, str, bool, str, bool]]) -> None:
        """Swatches and labels that wrap onto as many lines as the width needs."""
        if not items:
            return
        x, self.y = PAD, self.y + 6
        line_h = SMALL + 8
        for label, colour, hatched, dash, as_line in items:
            lines = _wrap(label, SMALL, self.width - 2 * PAD - 21)
            w = 21 + max(_w(line, SMALL) for line in lines) + 14
            if x > PAD and (x + w > self.width - PAD or len(lines) > 1):
                x, self.y = PAD, self.y + line_h
            if as_line:
                d = f' stroke-dasharray="{dash}"' if dash else ""
                self.add(
                    f'<line x1="{x:.1f}" y1="{self.y + 7:.1f}" x2="{x + 16:.1f}" y2="{self.y + 7:.1f}" '
                    f'stroke="{colour}" stroke-width="3"{d}/>'
                )
            else:
                self.add(
                    f'<rect x="{x:.1f}" y="{self.y + 1:.1f}" width="14" height="13" '
                    f'fill="{self.fill(colour, hatched)}" stroke="{palette.INK}" stroke-width="0.5"/>'
                )
            for i, line in enumerate(lines):
                self.add(_text(x + 21, self.y + 12 + i * line_h, line, SMALL))
            self.y += (len(lines) - 1) * line_h
            x = self.width if len(lines) > 1 else x + w  # after a wrapped label, the next starts a line
        self.y += line_h

    def svg(self, title: str, css_class: str, standalone: bool) -> str:
        height = self.y + PAD
        tid = f"{self.uid}-title"
        ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
        size = f' width="{self.width:g}" height="{height:.0f}"' if standalone else ""
        head = (
            f'<svg{ns} class="{css_class}" viewBox="0 0 {self.width:g} {height:.0f}"{size} role="img" '
            f'aria-labelledby="{tid}" font-family="{escape(FONT_FAMILY)}">'
            f'<title id="{tid}">{escape(title)}</title>'
        )
        if standalone:
            head += '<rect width="100%" height="100%" fill="#ffffff"/>'
        defs = f"<defs>{''.join(self.defs.values())}</defs>" if self.defs else ""
        doc = head + defs + "".join(self.parts) + "</svg>"
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + doc + "\n" if standalone else doc


def _bars(c: _Canvas, chart: BarChart, legend: bool = True) -> None:
    width = c.width
    x0, x1 = PAD + 2, width - PAD - 2
    plot = x1 - x0
    totals = [
        max(
            [
                sum(r.values) if chart.mode == "stacked" else max(r.values, default=0.0),
                r.range.high if r.range else 0.0,
            ]
        )
        for r in chart.rows
    ]
    xmax = chart.xmax or nice_max(max(totals, default=0.0))

    def px(v: float) -> float:
        return x0 + plot * max(0.0, v) / xmax

    ticks = 5 if width >= 500 else 3
    c.y += SMALL + 2
    for i in range(ticks):
        v = xmax * i / (ticks - 1)
        anchor = "start" if i == 0 else "end" if i == ticks - 1 else "middle"
        c.add(_text(px(v), c.y, value(v, chart.unit, tick=True), SMALL, palette.MUTED, anchor))
    c.y += 6
    grid_top = c.y
    grid_at = len(c.parts)
    for row in chart.rows:
        head = f"{row.label} · {row.note}" if row.note else row.label
        for line in _wrap(head, FONT, plot):
            c.y += FONT + 4
            c.add(_text(x0, c.y - 3, line, FONT, palette.INK, bold=row.highlight))
        c.y += 3
        if chart.mode == "grouped":
            for k, s in enumerate(chart.series):
                v = row.values[k] if k < len(row.values) else 0.0
                c.add(
                    f'<rect x="{x0:.1f}" y="{c.y:.1f}" width="{max(px(v) - x0, 0.0):.1f}" height="9" '
                    f'fill="{c.fill(s.colour, s.hatched)}"><title>{escape(s.label)}: '
                    f"{escape(value(v, chart.unit))}</title></rect>"
                )
                c.y += 11
        elif chart.series:
            x = x0
            for s, v in zip(chart.series, row.values, strict=False):
                if v <= 0:
                    continue
                w = px(v) - x0
                c.add(
                    f'<rect x="{x:.1f}" y="{c.y:.1f}" width="{w:.1f}" height="16" '
                    f'fill="{c.fill(s.colour, s.hatched)}"><title>{escape(s.label)}: '
                    f"{escape(value(v, chart.unit))}</title></rect>"
                )
                x += w
            c.y += 16
            if row.range:
                r = row.range
                yc = c.y + 9
                c.add(
                    f'<line x1="{px(r.low):.1f}" y1="{yc:.1f}" x2="{px(r.high):.1f}" y2="{yc:.1f}" '
                    f'stroke="{palette.INK}" stroke-width="2"/>'
                )
                for v in (r.low, r.high):
                    c.add(
                        f'<line x1="{px(v):.1f}" y1="{yc - 5:.1f}" x2="{px(v):.1f}" y2="{yc + 5:.1f}" '
                        f'stroke="{palette.INK}" stroke-width="2"/>'
                    )
                c.add(
                    f'<circle cx="{px(r.mid):.1f}" cy="{yc:.1f}" r="4" fill="#ffffff" stroke="{palette.INK}" '
                    f'stroke-width="2"><title>P10 {escape(value(r.low, chart.unit))}, P50 '
                    f"{escape(value(r.mid, chart.unit))}, P90 {escape(value(r.high, chart.unit))}"
                    "</title></circle>"
                )
                c.y += 16
        elif row.range:
            r = row.range
            colour = palette.HIGHLIGHT if row.highlight else palette.RANGE
            yc = c.y + 9
            c.add(
                f'<rect x="{px(r.low):.1f}" y="{yc - 6:.1f}" width="{max(px(r.high) - px(r.low), 1.0):.1f}" '
                f'height="12" fill="{colour}"><title>P10 {escape(value(r.low, chart.unit))} to P90 '
                f"{escape(value(r.high, chart.unit))}</title></rect>"
            )
            c.add(
                f'<line x1="{px(r.mid):.1f}" y1="{yc - 9:.1f}" x2="{px(r.mid):.1f}" y2="{yc + 9:.1f}" '
                f'stroke="{palette.BLACK}" stroke-width="2.5"/>'
            )
            if r.mean is not None:
                c.add(
                    f'<circle cx="{px(r.mean):.1f}" cy="{yc:.1f}" r="4" fill="{palette.MEAN}" '
                    f'stroke="#ffffff" stroke-width="1"/>'
                )
            c.y += 19
        c.y += 8
    grid_x = [px(xmax * i / (ticks - 1)) for i in range(ticks)]
    grid = [
        f'<line x1="{x:.1f}" y1="{grid_top:.1f}" x2="{x:.1f}" y2="{c.y:.1f}" stroke="{palette.GRID}"/>'
        for x in grid_x
    ]
    c.parts[grid_at:grid_at] = grid
    if chart.axis_label:
        c.lines(chart.axis_label)
    if legend and chart.series:
        c.legend([(s.label, s.colour, s.hatched, s.dash, False) for s in chart.series])
    if chart.key:
        c.lines(chart.key)


def _line(c: _Canvas, chart: LineChart) -> None:
    width = c.width
    months = max((len(v) for v in chart.values), default=0)
    ymax = nice_max(max((max(v) for v in chart.values if v), default=0.0))
    yticks = 5 if width >= 500 else 4
    left = (
        PAD + max(_w(value(ymax * i / (yticks - 1), chart.unit, tick=True), SMALL) for i in range(yticks)) + 6
    )
    right = width - PAD - 4
    top = c.y + 10
    plot_h = 250.0 if width >= 500 else 190.0
    bottom = top + plot_h

    def px(month: int) -> float:
        return left + ((right - left) * (month - 1) / (months - 1) if months > 1 else (right - left) / 2)

    def py(v: float) -> float:
        return bottom - plot_h * v / ymax

    for i in range(yticks):
        v = ymax * i / (yticks - 1)
        c.add(
            f'<line x1="{left:.1f}" y1="{py(v):.1f}" x2="{right:.1f}" y2="{py(v):.1f}" '
            f'stroke="{palette.GRID}"/>'
        )
        c.add(_text(left - 5, py(v) + 4, value(v, chart.unit, tick=True), SMALL, palette.MUTED, "end"))
    most = 12 if width >= 500 else 6
    step = max(1, -(-months // most))
    for m in sorted({1, months, *range(1, months + 1, step)}):
        if m != months and months - m < step / 2:
            continue
        c.add(_text(px(m), bottom + SMALL + 4, str(m), SMALL, palette.MUTED, "middle"))
    c.y = bottom + SMALL + 6
    c.lines(chart.x_label)
    for s, values in zip(chart.series, chart.values, strict=True):
        if not values:
            continue
        pts = " ".join(f"{px(i + 1):.1f},{py(v):.1f}" for i, v in enumerate(values))
        d = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        c.add(
            f'<polyline points="{pts}" fill="none" stroke="{s.colour}" stroke-width="2.5"{d}>'
            f"<title>{escape(s.label)}: {escape(value(values[-1], chart.unit))} by month {len(values)}"
            "</title></polyline>"
        )
    c.legend([(s.label, s.colour, s.hatched, s.dash, True) for s in chart.series])
    if chart.key:
        c.lines(chart.key)


SEAM_PANEL = 320
_BOX = 124


def _seam_panel(c: _Canvas, panel: SeamPanel, x_off: float, titled: bool) -> float:
    """One model's roles and seams at ``x_off``; returns the bottom y."""
    y = c.y
    if titled:
        for line in _wrap(panel.title, FONT, SEAM_PANEL - 8):
            y += FONT + 4
            c.add(_text(x_off + 4, y - 3, line, FONT, bold=True))
        for line in _wrap(panel.subtitle, SMALL, SEAM_PANEL - 8):
            y += SMALL + 4
            c.add(_text(x_off + 4, y - 3, line, SMALL, palette.MUTED))
        y += 4
    left_x, right_x = x_off + 6, x_off + SEAM_PANEL - 6 - _BOX
    y += SMALL + 2
    c.add(_text(left_x + _BOX / 2, y, "in-house", SMALL, palette.IN_HOUSE, "middle", bold=True))
    c.add(_text(right_x + _BOX / 2, y, "vendor", SMALL, palette.INK, "middle", bold=True))
    c.add(
        f'<rect x="{right_x + _BOX / 2 - 22:.1f}" y="{y + 3:.1f}" width="44" height="3" '
        f'fill="{palette.VENDOR}"/>'
    )
    y += 10
    top = y
    pos: dict[str, tuple[float, float]] = {}
    boxes: list[str] = []
    bottoms = [y, y]
    for side, roles, x, colour in (
        (0, panel.in_house, left_x, palette.IN_HOUSE),
        (1, panel.vendor, right_x, palette.VENDOR),
    ):
        yy = top
        for role in roles:
            name = role.name + (" (not in your team)" if role.missing else "")
            lines = _wrap(name, SMALL, _BOX - 10)[:3]
            h = 10 + len(lines) * (SMALL + 3)
            fill, ink = (colour, palette.text_on(colour)) if not role.missing else ("#ffffff", palette.INK)
            dash = f' stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"' if role.missing else ""
            boxes.append(
                f'<rect x="{x:.1f}" y="{yy:.1f}" width="{_BOX}" height="{h:.1f}" rx="6" fill="{fill}"{dash}>'
                f"<title>{escape(name)}</title></rect>"
            )
            for i, line in enumerate(lines):
                boxes.append(
                    _text(x + _BOX / 2, yy + 5 + (i + 1) * (SMALL + 3) - 3, line, SMALL, ink, "middle")
                )
            pos[role.id] = (x + (_BOX if side == 0 else 0), yy + h / 2)
            yy += h + 6
        bottoms[side] = yy
    bottom = max(bottoms)
    mid = x_off + SEAM_PANEL / 2
    c.add(
        f'<line x1="{mid:.1f}" y1="{top - 4:.1f}" x2="{mid:.1f}" y2="{bottom:.1f}" stroke="{palette.RANGE}" '
        'stroke-dasharray="4 4"/>'
    )
    c.parts.extend(boxes)
    for a, b, link in panel.seams:
        if a in pos and b in pos:
            (xa, ya), (xb, yb) = pos[a], pos[b]
            c.add(
                f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="{palette.SEAM}" '
                f'stroke-width="2.5"><title>{escape(link)}</title></line>'
            )
    return bottom


def _seams(c: _Canvas, chart: SeamsChart, titled: bool) -> None:
    cols = max(1, min(len(chart.panels), int(c.width // SEAM_PANEL)))
    for start in range(0, len(chart.panels), cols):
        bottom = c.y
        for j, panel in enumerate(chart.panels[start : start + cols]):
            bottom = max(bottom, _seam_panel(c, panel, j * SEAM_PANEL, titled))
        c.y = bottom + 8


def _draw(c: _Canvas, chart: Chart, titled: bool) -> None:
    if titled:
        c.lines(chart.title, FONT + 1, palette.INK, bold=True)
        c.y += 4
    if isinstance(chart, BarChart):
        _bars(c, chart)
    elif isinstance(chart, LineChart):
        _line(c, chart)
    elif isinstance(chart, SeamsChart):
        _seams(c, chart, titled or len(chart.panels) > 1)
        if titled and chart.key:
            c.lines(chart.key)
    else:
        shared = len({p.series for p in chart.panels}) == 1
        for i, p in enumerate(chart.panels):
            if i:
                c.y += 10
            c.lines(p.title, FONT, palette.INK, bold=True)
            if isinstance(p, BarChart):
                _bars(c, p, legend=not shared or i == len(chart.panels) - 1)
            else:
                _line(c, p)


def render(
    chart: Chart,
    width: float = WIDE,
    uid: str | None = None,
    *,
    standalone: bool = False,
    css_class: str = "chart",
) -> str:
    """One drawing of ``chart`` at ``width`` user units (``standalone``: a complete SVG file's text)."""
    if isinstance(chart, SeamsChart) and width == WIDE:
        width = SEAM_PANEL * max(1, min(len(chart.panels), 3))
    c = _Canvas(width, uid or chart.id)
    _draw(c, chart, titled=standalone)
    return c.svg(chart.title, css_class, standalone)


def standalone(chart: Chart) -> bytes:
    """A complete SVG file (the CLI's ``--chart x.svg``): the wide drawing with its title."""
    return render(chart, standalone=True).encode("utf-8")


def responsive(chart: Chart | None, uid: str | None = None) -> str:
    """Markup for a page: the wide and the narrow drawing in a size container; CSS shows the one that fits."""
    if chart is None:
        return ""
    uid = uid or chart.id
    if isinstance(chart, SeamsChart) and len(chart.panels) == 1:
        return (
            '<div class="chart-figure chart-seams">'
            + render(chart, SEAM_PANEL, uid, css_class="chart seams")
            + "</div>"
        )
    return (
        '<div class="chart-figure">'
        + render(chart, WIDE, f"{uid}-wide", css_class="chart chart-wide")
        + render(chart, NARROW, f"{uid}-narrow", css_class="chart chart-narrow")
        + "</div>"
    )
