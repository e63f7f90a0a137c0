"""The reports laid out as tables: what the pages show, the files export and the
command prints. Column names in French and English; values keep their types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from babel.numbers import format_decimal

from relance.core.forecast import CashForecast
from relance.core.money import minor_units, round_half_up
from relance.core.reporting import BEFORE_ANY_STEP, AgedBalance
from relance.messaging.formatting import format_day, format_money, locale_of
from relance.reports.exports import DAY, INTEGER, MONEY, NUMBER, Column, Table, as_json
from relance.reports.kpis import Kpis
from relance.reports.services import Dashboard, PortfolioLine, StepResult

BUCKET_COLUMNS = (
    Column("not_due", "Non échu", "Not due", MONEY),
    Column("d1_30", "1-30 j", "1-30 days", MONEY),
    Column("d31_60", "31-60 j", "31-60 days", MONEY),
    Column("d61_90", "61-90 j", "61-90 days", MONEY),
    Column("over_90", "> 90 j", "Over 90 days", MONEY),
    Column("unallocated", "Non lettré", "Unallocated", MONEY),
)
TOTAL = "Total"


def aged_table(aged: AgedBalance, names: dict[str, str]) -> Table:
    """One row per customer, then the total row (reference empty, name ``Total``)."""
    columns = (Column("customer", "Client", "Customer"), Column("name", "Nom", "Name"),
               *BUCKET_COLUMNS, Column("net", "Solde net", "Net balance", MONEY))
    rows = [(r.customer, names.get(r.customer, r.customer), *r.columns().values(), r.net)
            for r in aged.rows]
    total = aged.total
    rows.append(("", TOTAL, *total.columns().values(), total.net))
    return Table(f"aged-{aged.currency}-{aged.as_of}", columns, tuple(rows),
                 minor_units(aged.currency))


def forecast_table(forecast: CashForecast) -> Table:
    """Weeks 1 to 13 (Monday to Sunday), then what is expected later (week ``>13``)."""
    columns = (Column("week", "Semaine", "Week"), Column("start", "Du", "From", DAY),
               Column("end", "Au", "To", DAY), Column("low", "Bas (tardif)", "Low (late)", MONEY),
               Column("expected", "Attendu", "Expected", MONEY),
               Column("high", "Haut (précoce)", "High (early)", MONEY))
    rows = [(str(n), w.start, w.start + timedelta(days=6), w.low, w.expected, w.high)
            for n, w in enumerate(forecast.weeks, start=1)]
    later = forecast.later
    rows.append((f">{len(forecast.weeks)}", later.start, None, later.low, later.expected,
                 later.high))
    return Table(f"forecast-{forecast.currency}-{forecast.as_of}", columns, tuple(rows),
                 minor_units(forecast.currency))


KPI_LABELS = {
    "receivables": ("Encours", "Receivables"),
    "overdue": ("Échu", "Overdue"),
    "overdue_ratio": ("Part échue (%)", "Overdue ratio (%)"),
    "dso_countback": ("DSO, méthode par épuisement (jours)", "DSO, countback (days)"),
    "dso_ratio": ("DSO sur 90 jours (jours)", "DSO, 90-day ratio (days)"),
    "cei": ("CEI (%)", "CEI (%)"),
    "sales": ("Ventes de la période", "Sales of the period"),
    "paid_invoices": ("Factures soldées", "Invoices paid"),
    "days_late": ("Retard moyen (jours)", "Average days late"),
    "days_late_weighted": ("Retard moyen pondéré (jours)", "Average days late, weighted"),
    "on_time": ("Payées à l'échéance (%)", "Paid on time (%)"),
    "promises_kept": ("Promesses tenues", "Promises kept"),
    "promises_broken": ("Promesses non tenues", "Promises broken"),
    "promises_ratio": ("Promesses tenues (%)", "Promises kept (%)"),
}


def kpi_values(d: Dashboard) -> dict[str, object]:
    k, c = d.kpis, d.collection
    return {"receivables": k.receivables, "overdue": k.overdue,
            "overdue_ratio": k.overdue_ratio, "dso_countback": k.dso_countback,
            "dso_ratio": k.dso_ratio, "cei": k.cei, "sales": k.sales,
            "paid_invoices": c.days_late.count, "days_late": c.days_late.simple,
            "days_late_weighted": c.days_late.weighted, "on_time": c.on_time,
            "promises_kept": c.promises.kept, "promises_broken": c.promises.broken,
            "promises_ratio": c.promises.ratio}


def kpi_table(d: Dashboard, language: str) -> Table:
    """The dashboard's indicators, one per row: key, label, value (a number, or empty when
    the ratio has no denominator)."""
    columns = (Column("indicator", "Indicateur", "Indicator"),
               Column("label", "Libellé", "Label"), Column("value", "Valeur", "Value", NUMBER))
    index = 0 if language == "fr" else 1
    rows = tuple((key, KPI_LABELS[key][index], value) for key, value in kpi_values(d).items())
    return Table(f"kpi-{d.organization.slug}-{d.as_of}", columns, rows,
                 minor_units(d.currency))


MONEY_KPIS = {"receivables", "overdue", "sales"}
COUNT_KPIS = {"paid_invoices", "promises_kept", "promises_broken"}


def kpi_shown(d: Dashboard, language: str) -> Shown:
    """The indicators for reading: label and value, amounts with their currency and
    counts as whole numbers."""
    index = 0 if language == "fr" else 1
    rows = []
    for key, value in kpi_values(d).items():
        kind = MONEY if key in MONEY_KPIS else INTEGER if key in COUNT_KPIS else NUMBER
        rows.append(((KPI_LABELS[key][index], False),
                     _shown_cell(value, kind, d.currency, language)))
    header = (("Indicateur" if language == "fr" else "Indicator", False),
              ("Valeur" if language == "fr" else "Value", True))
    return Shown(f"kpi-{d.organization.slug}-{d.as_of}", header, tuple(rows))


def trend_table(d: Dashboard) -> Table:
    return dso_table(d.kpis, d.organization.slug, d.as_of)


def recovered_table(d: Dashboard) -> Table:
    columns = (Column("step", "Étape", "Step"), Column("recovered", "Encaissé", "Recovered",
                                                       MONEY))
    rows = tuple((step or "-", amount) for step, amount in d.collection.recovered.items())
    return Table(f"recovered-{d.organization.slug}-{d.as_of}", columns, rows,
                 minor_units(d.currency))


def collectors_table(d: Dashboard) -> Table:
    columns = (Column("collector", "Chargé de recouvrement", "Collector"),
               Column("actions", "Actions", "Actions", INTEGER))
    rows = tuple((name or "-", n) for name, n in d.collection.collectors.items())
    return Table(f"collectors-{d.organization.slug}-{d.as_of}", columns, rows)


def portfolio_table(lines: list[PortfolioLine], as_of) -> Table:
    columns = (Column("organization", "Organisation", "Organization"),
               Column("currency", "Devise", "Currency"),
               Column("receivables", "Encours", "Receivables", MONEY), *BUCKET_COLUMNS,
               Column("overdue_ratio", "Part échue (%)", "Overdue ratio (%)", NUMBER),
               Column("dso", "DSO (jours)", "DSO (days)", NUMBER))
    rows = tuple((line.organization.name, line.currency, line.receivables,
                  *line.aged.columns().values(), line.overdue_ratio, line.dso)
                 for line in lines)
    return Table(f"portfolio-{as_of}", columns, rows)


def scenario_table(results: list[StepResult], name: str) -> Table:
    columns = (Column("scenario", "Scénario", "Scenario"), Column("step", "Étape", "Step"),
               Column("carried_out", "Étapes réalisées", "Steps carried out", INTEGER),
               Column("recovered", "Encaissé après l'étape", "Recovered after the step", MONEY),
               Column("per_step", "Encaissé par étape", "Recovered per step", MONEY))
    rows = tuple((r.scenario, r.step if r.step != BEFORE_ANY_STEP else "-", r.carried_out,
                  r.recovered, r.per_step) for r in results)
    return Table(name, columns, rows)


@dataclass(frozen=True, slots=True)
class Shown:
    """A table as a page shows it: header labels, then cells as (text, is_number)."""

    name: str
    header: tuple[tuple[str, bool], ...]
    rows: tuple[tuple[tuple[str, bool], ...], ...]


def _shown_cell(value, kind: str, currency: str, language: str) -> tuple[str, bool]:
    number = kind in (MONEY, NUMBER, INTEGER)
    if value is None:
        return "–", number
    if kind == MONEY:
        return format_money(round_half_up(value, currency), currency, language), True
    if kind == NUMBER:
        return format_decimal(value, format="#,##0.00", locale=locale_of(language)), True
    if kind == DAY:
        return format_day(value, language), False
    return str(value), number


def shown(table: Table, language: str, currency: str = "EUR") -> Shown:
    """``table`` formatted for a page in ``language``; money in ``currency``, or in each
    row's own currency when the table has a ``currency`` column."""
    keys = [c.key for c in table.columns]
    per_row = keys.index("currency") if "currency" in keys else None
    rows = tuple(tuple(_shown_cell(v, c.kind, row[per_row] if per_row is not None else currency,
                                   language) for v, c in zip(row, table.columns, strict=True))
                 for row in table.rows)
    header = tuple((c.label(language), c.kind in (MONEY, NUMBER, INTEGER)) for c in table.columns)
    return Shown(table.name, header, rows)


def dso_table(kpis: Kpis, slug: str, as_of) -> Table:
    """DSO by countback at each of the last twelve month ends and at ``as_of`` (last row),
    with the 90-day ratio DSO of ``as_of`` beside the last one."""
    columns = (Column("day", "Date", "Date", DAY),
               Column("dso_countback", "DSO par épuisement (jours)", "DSO, countback (days)",
                      NUMBER),
               Column("dso_ratio", "DSO sur 90 jours (jours)", "DSO, 90-day ratio (days)",
                      NUMBER))
    rows = [(day, dso, None) for day, dso in kpis.trend]
    rows[-1] = (*rows[-1][:2], kpis.dso_ratio)
    return Table(f"dso-{slug}-{as_of}", columns, tuple(rows))


#: The reports the command line and the API give by name.
REPORTS = ("aged", "dso", "forecast")


def report_table(report: str, org, as_of, currency: str) -> Table:
    """The table of ``report`` (one of :data:`REPORTS`) for ``org`` on ``as_of``: what
    ``relance report`` prints or exports and what the API returns."""
    from relance.reports import services

    if report == "aged":
        return aged_table(services.aged_balance(org, as_of, currency),
                          services.customer_names(org))
    if report == "dso":
        return dso_table(services.indicators(org, as_of, currency=currency), org.slug, as_of)
    if report == "forecast":
        return forecast_table(services.forecast(org, as_of, currency))
    raise ValueError(f"report must be one of {', '.join(REPORTS)}, not {report!r}")


def report_document(report: str, org, as_of, currency: str) -> dict:
    """``report`` as a JSON document: amounts as strings with two decimals (never a
    float), dates in ISO 8601, rows keyed by column."""
    rows = as_json(report_table(report, org, as_of, currency))
    return {"report": report, "organization": org.slug, "date": as_of.isoformat(),
            "currency": currency, "rows": rows}
