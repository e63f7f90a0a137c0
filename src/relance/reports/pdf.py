"""The monthly report for the company head, as a PDF.

One month on two pages: the KPIs of the month (docs/reporting.md), the aged balance
at its last day with its chart, the DSO over the last twelve month ends, the 13-week
cash-in forecast from that day, and the customers owing the most overdue money.
HTML from a Django template, then WeasyPrint through
:func:`relance.documents.pdf.html_to_pdf`, which allows no external resource (the
charts are inline SVG) and makes the same figures give the same bytes.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from relance.core.reporting import Period
from relance.documents.pdf import html_to_pdf
from relance.ledger.models import Organization
from relance.reports import charts, services, tables
from relance.reports.exports import MONEY, Column, Table

TOP_LATE = 10


def month_end(month: date) -> date:
    """The last day of ``month``'s calendar month."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def report_month(value: str | None, today: date) -> date:
    """The first day of the month named ``YYYY-MM``, by default the last full month."""
    if not value:
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValueError(f"month: expected a month like 2026-03, got {value!r}") from None


def top_late_table(aged, names: dict[str, str]) -> Table:
    columns = (Column("customer", "Client", "Customer"), Column("name", "Nom", "Name"),
               Column("overdue", "Échu", "Overdue", MONEY),
               Column("over_90", "> 90 j", "Over 90 days", MONEY),
               Column("net", "Solde net", "Net balance", MONEY))
    rows = tuple((ref, name, row.overdue, row.over_90, row.net)
                 for ref, name, row in services.top_late(aged, names, TOP_LATE))
    return Table("top-late", columns, rows)


def monthly_html(org: Organization, month: date, language: str = "fr") -> str:
    """The report's HTML for the calendar month of ``month``, in ``language``."""
    as_of = month_end(month)
    d = services.dashboard(org, as_of, Period(month.replace(day=1), as_of))
    forecast = services.forecast(org, as_of, d.currency)
    names = services.customer_names(org)
    aged_total = Table("aged-total", tables.BUCKET_COLUMNS,
                       (tuple(d.aged.total.columns().values()),))
    with translation.override(language):
        return render_to_string("reports/monthly_pdf.html", {
            "org": org, "d": d, "month": month, "language": language,
            "kpis": tables.kpi_shown(d, language),
            "aged": tables.shown(aged_total, language, d.currency),
            "late": tables.shown(top_late_table(d.aged, names), language, d.currency),
            "forecast": tables.shown(tables.forecast_table(forecast), language, d.currency),
            "aged_svg": mark_safe(charts.aged_chart(d.aged, language)),
            "dso_svg": mark_safe(charts.dso_chart(d.kpis.trend, language)),
            "forecast_svg": mark_safe(charts.forecast_chart(forecast, language)),
        })


def monthly_report(org: Organization, month: date, language: str = "fr") -> bytes:
    """The monthly report as PDF bytes."""
    return html_to_pdf(monthly_html(org, month, language))
