"""A line chart drawn on the server as inline SVG: no script library, and no
`style` attribute anywhere (the console's CSP is `style-src 'self'`): colours,
widths and dashes are SVG presentation attributes, which the CSP allows.

The page puts a table of the same figures next to it for screen readers and
anyone who wants the numbers (see console/_list_chart.html).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from shared_apps.console.formatting import money, money_short
from shared_apps.console.selectors import HistoryPoint

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 70, 34, 30
SPAS_COLOUR = "#6d4aff"  # the console's brand colour (console.css --brand)
MRR_COLOUR = "#067647"  # --ok
INK, MUTED, LINE = "#1f2430", "#667085", "#e4e7ec"
TICKS = 4


def nice_ceiling(value: float, ticks: int = TICKS) -> float:
    """The smallest round number >= value that divides into `ticks` round steps
    (1, 2, 2.5 or 5 times a power of ten): axes read 0, 5, 10, 15, 20."""
    if value <= 0:
        return float(ticks)
    raw_step = value / ticks
    power = 10 ** math.floor(math.log10(raw_step))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * power
        if step * ticks >= value:
            return float(step * ticks)
    return float(10 * power * ticks)  # pragma: no cover (10 always fits)


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _polyline(points: list[tuple[float, float]], colour: str, *, dashed: bool) -> str:
    coordinates = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return (
        f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"'
        f' stroke-linejoin="round" stroke-linecap="round"{dash}/>'
    )


def _runs(flags: Sequence[bool]) -> list[tuple[int, int, bool]]:
    """Consecutive stretches of equal flags as (first, last, flag); each run
    starts where the previous one ended so the line stays connected."""
    runs: list[tuple[int, int, bool]] = []
    start = 0
    for index in range(1, len(flags) + 1):
        if index == len(flags) or flags[index] != flags[start]:
            runs.append((max(start - 1, 0) if runs else start, index - 1, flags[start]))
            start = index
    return runs


def _series(xs: list[float], ys: list[float], estimated: Sequence[bool], colour: str) -> list[str]:
    parts = []
    if len(xs) == 1:
        parts.append(
            f'<circle cx="{_number(xs[0])}" cy="{_number(ys[0])}" r="3.5" fill="{colour}"/>'
        )
        return parts
    for first, last, dashed in _runs(estimated):
        segment = list(zip(xs[first : last + 1], ys[first : last + 1], strict=True))
        if len(segment) > 1:
            parts.append(_polyline(segment, colour, dashed=dashed))
    # The latest figure, marked.
    parts.append(f'<circle cx="{_number(xs[-1])}" cy="{_number(ys[-1])}" r="3" fill="{colour}"/>')
    return parts


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = MUTED) -> str:
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" font-size="11" fill="{fill}"'
        f' text-anchor="{anchor}">{escape(content)}</text>'
    )


def spas_and_mrr_chart(
    points: Sequence[HistoryPoint],
    *,
    currency: str = "usd",
    title: str = "Spas and MRR over time",
) -> SafeString:
    """Two series over days: the number of spas (left axis) and MRR in
    `currency` (right axis). Estimated days (backfilled from status history)
    are drawn dashed. Returns an <svg> element, safe to insert as is."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height
    parts: list[str] = []
    if points:
        first, last = points[0].day, points[-1].day
        span = max((last - first).days, 1)
        spas_top = nice_ceiling(max(p.spas for p in points))
        mrr_top = nice_ceiling(max(p.mrr_cents for p in points) / 100) * 100

        def x_of(point: HistoryPoint) -> float:
            if first == last:
                return LEFT + plot_width / 2
            return LEFT + plot_width * (point.day - first).days / span

        def y_of(value: float, top: float) -> float:
            return bottom - plot_height * (value / top)

        # Grid and both axes' labels.
        for tick in range(TICKS + 1):
            y = bottom - plot_height * tick / TICKS
            parts.append(
                f'<line x1="{LEFT}" x2="{LEFT + plot_width}" y1="{_number(y)}" y2="{_number(y)}"'
                f' stroke="{LINE}" stroke-width="1"/>'
            )
            parts.append(_text(LEFT - 6, y + 4, _number(spas_top * tick / TICKS), anchor="end"))
            parts.append(
                _text(
                    LEFT + plot_width + 6,
                    y + 4,
                    money_short(round(mrr_top * tick / TICKS), currency),
                )
            )
        # Days along the bottom: the first, the last and a few between.
        labelled = sorted({round(i * (len(points) - 1) / 4) for i in range(5)})
        for index in labelled:
            point = points[index]
            anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
            if len(points) == 1:
                anchor = "middle"
            parts.append(
                _text(x_of(point), bottom + 18, f"{point.day:%b} {point.day.day}", anchor=anchor)
            )
        xs = [x_of(p) for p in points]
        estimated = [p.estimated for p in points]
        parts += _series(xs, [y_of(p.mrr_cents, mrr_top) for p in points], estimated, MRR_COLOUR)
        parts += _series(xs, [y_of(p.spas, spas_top) for p in points], estimated, SPAS_COLOUR)
        latest = points[-1]
        summary = (
            f"From {first:%Y-%m-%d} ({points[0].spas} spas,"
            f" MRR {money(points[0].mrr_cents, currency)}) to {last:%Y-%m-%d}"
            f" ({latest.spas} spas, MRR {money(latest.mrr_cents, currency)})."
        )
    else:
        summary = "No figures yet."
        parts.append(_text(WIDTH / 2, TOP + plot_height / 2, "No figures yet", anchor="middle"))
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_width}" y1="{bottom}" y2="{bottom}"'
        f' stroke="{MUTED}" stroke-width="1"/>'
    )
    # Axis names and the legend, along the top.
    parts.append(_text(LEFT - 6, 14, "Spas", anchor="end", fill=SPAS_COLOUR))
    parts.append(_text(LEFT + plot_width + 6, 14, f"MRR ({currency.upper()})", fill=MRR_COLOUR))
    legend_x = LEFT + 40  # clear of the left axis's name
    for colour, name in ((SPAS_COLOUR, "Spas (not closed)"), (MRR_COLOUR, "MRR")):
        parts.append(f'<rect x="{legend_x}" y="6" width="10" height="10" rx="2" fill="{colour}"/>')
        parts.append(_text(legend_x + 14, 15, name, fill=INK))
        legend_x += 24 + 7 * len(name)
    if any(p.estimated for p in points):
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="11" y2="11" stroke="{MUTED}"'
            ' stroke-width="2" stroke-dasharray="5 4"/>'
        )
        parts.append(_text(legend_x + 22, 15, "estimated (backfilled)"))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-labelledby="chart-title chart-desc" focusable="false">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(summary)}</desc>' + "".join(parts) + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 (every text in it went through escape)
