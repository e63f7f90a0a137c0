"""Charts as SVG text, drawn on the server: no JavaScript, no library, no network.

Pure functions from labelled values to an ``<svg>`` element that a page inlines and
WeasyPrint draws in the PDF. Each chart is an image with a ``<title>`` and a
``<desc>`` (named by ``aria-labelledby``, WAI-ARIA 1.2 ``role="img"``) that says what
it shows in words, and a ``<title>`` on every bar or point giving its exact value,
so a screen reader or a hovering mouse gets the figures, not only shapes.

Values are ``Decimal``; coordinates are computed in ``Decimal`` too and written with
one decimal, so the same figures always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from babel.numbers import format_decimal

from relance.core.forecast import CashForecast
from relance.core.reporting import BUCKETS, AgedBalance
from relance.messaging.formatting import format_day, format_money, locale_of

Label = Callable[[Decimal], str]
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40  # room for the axis labels
COLOURS = {"bar": "#2b6cb0", "late": "#c05621", "band": "#bee3f8", "line": "#1a365d",
           "grid": "#e2e8f0", "text": "#2d3748"}
TICKS = 4


def _n(value: Decimal) -> str:
    """A coordinate with one decimal (``12.5``), trailing ``.0`` dropped."""
    text = str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return text[:-2] if text.endswith(".0") else text


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2, 4, 6 or 8 × 10ⁿ at least ``value``: an axis maximum whose
    quarters (the grid lines) are round numbers too; 1 for zero or less."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal(4), Decimal(6), Decimal(8), Decimal(10)):
        candidate = step.scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)  # not reached: 10 × 10ⁿ ≥ any value of exponent n


class _Frame:
    """The plot area and the value → y mapping shared by the three charts."""

    def __init__(self, top_value: Decimal, count: int, width: int, height: int) -> None:
        self.top = nice_ceiling(top_value)
        self.count = max(count, 1)
        self.width, self.height = width, height
        self.plot_w = Decimal(width - LEFT - RIGHT)
        self.plot_h = Decimal(height - TOP - BOTTOM)

    def y(self, value: Decimal) -> Decimal:
        share = max(min(value / self.top, Decimal(1)), Decimal(0))
        return TOP + self.plot_h * (1 - share)

    def slot(self, index: int) -> tuple[Decimal, Decimal]:
        """Left edge and width of the ``index``-th category."""
        width = self.plot_w / self.count
        return LEFT + width * index, width

    def centre(self, index: int) -> Decimal:
        left, width = self.slot(index)
        return left + width / 2

    def axes(self, label: Label) -> list[str]:
        parts = []
        for k in range(TICKS + 1):
            value = self.top * k / TICKS
            y = _n(self.y(value))
            parts.append(f'<line x1="{LEFT}" x2="{self.width - RIGHT}" y1="{y}" y2="{y}" '
                         f'stroke="{COLOURS["grid"]}"/>')
            parts.append(f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" '
                         f'dominant-baseline="middle">{escape(label(value))}</text>')
        return parts

    def category_labels(self, labels: Sequence[str]) -> list[str]:
        y = self.height - BOTTOM + 16
        return [f'<text x="{_n(self.centre(i))}" y="{y}" text-anchor="middle">'
                f'{escape(text)}</text>' for i, text in enumerate(labels)]


def _svg(ident: str, title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-labelledby={quoteattr(f"{ident}-title {ident}-desc")} '
            f'font-family="sans-serif" font-size="11" fill="{COLOURS["text"]}">')
    return "\n".join([head, f'<title id="{ident}-title">{escape(title)}</title>',
                      f'<desc id="{ident}-desc">{escape(desc)}</desc>', *body, "</svg>"])


def _tooltip(text: str) -> str:
    return f"<title>{escape(text)}</title>"


def bar_chart(bars: Sequence[tuple[str, Decimal]], title: str, desc: str, label: Label = str,
              ident: str = "bars", highlight_from: int | None = None,
              width: int = WIDTH, height: int = HEIGHT) -> str:
    """Vertical bars, one per (category, value); bars from index ``highlight_from`` on are
    drawn in the "late" colour (the overdue buckets of an aged balance)."""
    frame = _Frame(max((v for _, v in bars), default=Decimal(0)), len(bars), width, height)
    body = frame.axes(label)
    for i, (name, value) in enumerate(bars):
        left, slot = frame.slot(i)
        top, base = frame.y(value), frame.y(Decimal(0))
        colour = COLOURS["late" if highlight_from is not None and i >= highlight_from else "bar"]
        body.append(f'<rect x="{_n(left + slot / 6)}" y="{_n(top)}" width="{_n(slot * 2 / 3)}" '
                    f'height="{_n(base - top)}" fill="{colour}">'
                    f'{_tooltip(f"{name}: {label(value)}")}</rect>')
    body += frame.category_labels([name for name, _ in bars])
    return _svg(ident, title, desc, width, height, body)


def band_chart(weeks: Sequence[tuple[str, Decimal, Decimal, Decimal]], title: str, desc: str,
               label: Label = str, ident: str = "band", width: int = WIDTH,
               height: int = HEIGHT) -> str:
    """Per (category, low, expected, high): a bar for the expected figure and a shaded
    band from the smaller to the larger of the two scenarios (they are scenarios, not
    bounds: either can be the larger in a given week)."""
    top = max((max(lo, ex, hi) for _, lo, ex, hi in weeks), default=Decimal(0))
    frame = _Frame(top, len(weeks), width, height)
    body = frame.axes(label)
    upper = [frame.y(max(lo, hi)) for _, lo, _, hi in weeks]
    lower = [frame.y(min(lo, hi)) for _, lo, _, hi in weeks]
    xs = [frame.centre(i) for i in range(len(weeks))]
    if weeks:
        outline = [*zip(xs, upper, strict=True), *reversed(list(zip(xs, lower, strict=True)))]
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in outline)
        body.append(f'<polygon points="{points}" fill="{COLOURS["band"]}" fill-opacity="0.8"/>')
    for i, (name, lo, ex, hi) in enumerate(weeks):
        left, slot = frame.slot(i)
        y, base = frame.y(ex), frame.y(Decimal(0))
        tip = f"{name}: {label(ex)} ({label(lo)} – {label(hi)})"
        body.append(f'<rect x="{_n(left + slot / 4)}" y="{_n(y)}" width="{_n(slot / 2)}" '
                    f'height="{_n(base - y)}" fill="{COLOURS["bar"]}">{_tooltip(tip)}</rect>')
    body += frame.category_labels([name for name, *_ in weeks])
    return _svg(ident, title, desc, width, height, body)


def line_chart(points: Sequence[tuple[str, Decimal | None]], title: str, desc: str,
               label: Label = str, ident: str = "line", width: int = WIDTH,
               height: int = HEIGHT) -> str:
    """A line through the (category, value) points; a ``None`` value breaks the line."""
    top = max((v for _, v in points if v is not None), default=Decimal(0))
    frame = _Frame(top, len(points), width, height)
    body = frame.axes(label)
    segment: list[str] = []
    for i, (name, value) in enumerate(points):
        if value is None:
            body += _polyline(segment)
            segment = []
            continue
        x, y = _n(frame.centre(i)), _n(frame.y(value))
        segment.append(f"{x},{y}")
        body.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{COLOURS["line"]}">'
                    f'{_tooltip(f"{name}: {label(value)}")}</circle>')
    body += _polyline(segment)
    body += frame.category_labels([name for name, _ in points])
    return _svg(ident, title, desc, width, height, body)


def _polyline(points: list[str]) -> list[str]:
    if len(points) < 2:
        return []
    return [f'<polyline points="{" ".join(points)}" fill="none" stroke="{COLOURS["line"]}" '
            f'stroke-width="2"/>']


def compact(value: Decimal, language: str = "en") -> str:
    """An axis label: ``1 500`` → ``1.5k`` (``1,5k`` in French), ``2 000 000`` → ``2M``."""
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP).normalize():f}"
    for size, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
        if abs(value) >= size:
            short = (value / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
            text = f"{short:f}{suffix}"
            break
    return text.replace(".", ",") if language == "fr" else text


def _axis(language: str) -> Label:
    return lambda value: compact(value, language)


# --- the reports' charts ----------------------------------------------------------------

TEXTS = {
    "fr": {"aged_title": "Balance âgée au {day}",
           "aged_desc": "Montants dus par ancienneté du retard : {values}.",
           "buckets": ("Non échu", "1-30 j", "31-60 j", "61-90 j", "> 90 j"),
           "forecast_title": "Encaissements prévus sur 13 semaines à partir du {day}",
           "forecast_desc": "Par semaine, le montant attendu (barres) et l'écart entre "
                            "les scénarios tardif et précoce (bande) : {values}.",
           "week": "S{n}", "later": "après",
           "dso_title": "DSO (méthode par épuisement) en fin de mois",
           "dso_desc": "Délai moyen de paiement en jours : {values}.",
           "dso_point": "{day} : {days}"},
    "en": {"aged_title": "Aged balance at {day}",
           "aged_desc": "Amounts owed by how late they are: {values}.",
           "buckets": ("Not due", "1-30 d", "31-60 d", "61-90 d", "> 90 d"),
           "forecast_title": "Cash-in expected over 13 weeks from {day}",
           "forecast_desc": "Per week, the expected amount (bars) and the range between "
                            "the late and early scenarios (band): {values}.",
           "week": "W{n}", "later": "later",
           "dso_title": "DSO (countback method) at month ends",
           "dso_desc": "Days sales outstanding: {values}.",
           "dso_point": "{day}: {days}"},
}


def aged_chart(aged: AgedBalance, language: str = "fr") -> str:
    """The aged balance's five buckets (total row) as bars, overdue ones in the late colour."""
    t = TEXTS[language]
    bars = [(name, getattr(aged.total, key)) for name, key in zip(t["buckets"], BUCKETS,
                                                                  strict=True)]
    values = "; ".join(f"{n} {format_money(v, aged.currency, language)}" for n, v in bars)
    return bar_chart(bars, t["aged_title"].format(day=format_day(aged.as_of, language)),
                     t["aged_desc"].format(values=values), _axis(language), "aged",
                     highlight_from=1)


def forecast_chart(forecast: CashForecast, language: str = "fr") -> str:
    """The 13 weeks and ``later``: expected as bars, the two scenarios as a band."""
    t = TEXTS[language]
    weeks = [(t["week"].format(n=n), w.low, w.expected, w.high)
             for n, w in enumerate(forecast.weeks, start=1)]
    later = forecast.later
    weeks.append((t["later"], later.low, later.expected, later.high))
    values = "; ".join(f"{n} {format_money(ex, forecast.currency, language)}"
                       for n, _, ex, _ in weeks)
    return band_chart(weeks, t["forecast_title"].format(day=format_day(forecast.as_of,
                                                                       language)),
                      t["forecast_desc"].format(values=values), _axis(language), "forecast")


def _days(value: Decimal | None, language: str) -> str:
    """``23,32`` (fr) or ``23.32`` (en); a dash where there was nothing to measure."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.00", locale=locale_of(language))


def dso_chart(trend: Sequence[tuple[date, Decimal]], language: str = "fr") -> str:
    """DSO at each month end (and the report day last) as a line."""
    t = TEXTS[language]
    points = [(day.strftime("%m/%y"), dso) for day, dso in trend]
    values = "; ".join(t["dso_point"].format(day=format_day(d, language),
                                             days=_days(v, language)) for d, v in trend)
    return line_chart(points, t["dso_title"], t["dso_desc"].format(values=values),
                      _axis(language), "dso")
