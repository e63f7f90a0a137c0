"""The report pages and their downloads: read the request, call one service, render.

Every organization page goes through ``relance.web.orgs.org_view``: a user who is
not a member gets 404 (the organization's existence is not disclosed), an anonymous
one the login page. Query parameters, all optional: ``date`` (the report day,
default today in the organization's time zone), ``from`` (the first day of the
period, default the 1st of the month; 90 days for the scenarios), ``currency``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from relance.core.reporting import Period
from relance.errors import InputError
from relance.ledger.models import Membership, Organization
from relance.reports import charts, services, tables
from relance.reports.asked import report_currency, report_day
from relance.reports.exports import CONTENT_TYPES, Table, export
from relance.reports.pdf import monthly_report, report_month
from relance.web.orgs import org_view, today_of

SCENARIO_DAYS = 90


def language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def _day(request: HttpRequest, name: str, default: date) -> date:
    value = request.GET.get(name)
    if not value:
        return default
    try:
        return report_day(date.fromisoformat(value), name)
    except ValueError:
        raise BadRequest(_("%(name)s: expected a date like 2026-03-31") % {"name": name}) \
            from None
    except InputError as exc:
        raise BadRequest(str(exc)) from None


def _params(request: HttpRequest, org: Organization, days: int | None = None,
            ) -> tuple[date, Period, str]:
    """(as_of, period, currency) from the query string."""
    as_of = _day(request, "date", today_of(org))
    default = as_of.replace(day=1) if days is None else as_of - timedelta(days=days - 1)
    start = _day(request, "from", default)
    if start > as_of:
        raise BadRequest(_("from: the period starts after its last day"))
    try:
        currency = report_currency(request.GET.get("currency") or org.currency)
    except InputError as exc:
        raise BadRequest(str(exc)) from None
    return as_of, Period(start, as_of), currency


def _page(request: HttpRequest, template: str, org: Organization | None, **values) -> HttpResponse:
    return render(request, f"reports/{template}", {"query": request.GET.urlencode(),
                                                   "report_org": org, **values})


@org_view()
def dashboard(request: HttpRequest, org: Organization) -> HttpResponse:
    as_of, period, currency = _params(request, org)
    d = services.dashboard(org, as_of, period, currency)
    lang = language()
    return _page(request, "dashboard.html", org, d=d,
                 kpis=tables.kpi_shown(d, lang),
                 recovered=tables.shown(tables.recovered_table(d), lang, currency),
                 collectors=tables.shown(tables.collectors_table(d), lang, currency),
                 aged_svg=mark_safe(charts.aged_chart(d.aged, lang)),
                 dso_svg=mark_safe(charts.dso_chart(d.kpis.trend, lang)))


@org_view()
def aged(request: HttpRequest, org: Organization) -> HttpResponse:
    as_of, _, currency = _params(request, org)
    balance = services.aged_balance(org, as_of, currency)
    lang = language()
    table = tables.aged_table(balance, services.customer_names(org))
    return _page(request, "aged.html", org, aged=balance, table=tables.shown(table, lang, currency),
                 chart=mark_safe(charts.aged_chart(balance, lang)))


@org_view()
def forecast(request: HttpRequest, org: Organization) -> HttpResponse:
    as_of, _, currency = _params(request, org)
    result = services.forecast(org, as_of, currency)
    lang = language()
    return _page(request, "forecast.html", org, forecast=result,
                 table=tables.shown(tables.forecast_table(result), lang, currency),
                 chart=mark_safe(charts.forecast_chart(result, lang)))


@org_view()
def scenarios(request: HttpRequest, org: Organization) -> HttpResponse:
    as_of, period, currency = _params(request, org, SCENARIO_DAYS)
    results = services.scenario_effectiveness(org, currency, period)
    table = tables.scenario_table(results, f"scenarios-{org.slug}-{as_of}")
    return _page(request, "scenarios.html", org, period=period, currency=currency,
                 table=tables.shown(table, language(), currency))


def _dashboard_table(build: Callable) -> Callable:
    def table(request: HttpRequest, org: Organization) -> Table:
        as_of, period, currency = _params(request, org)
        return build(services.dashboard(org, as_of, period, currency))
    return table


def _aged_table(request: HttpRequest, org: Organization) -> Table:
    as_of, _, currency = _params(request, org)
    return tables.aged_table(services.aged_balance(org, as_of, currency),
                             services.customer_names(org))


def _forecast_table(request: HttpRequest, org: Organization) -> Table:
    as_of, _, currency = _params(request, org)
    return tables.forecast_table(services.forecast(org, as_of, currency))


def _scenario_table(request: HttpRequest, org: Organization) -> Table:
    as_of, period, currency = _params(request, org, SCENARIO_DAYS)
    return tables.scenario_table(services.scenario_effectiveness(org, currency, period),
                                 f"scenarios-{org.slug}-{as_of}")


TABLES: dict[str, Callable[[HttpRequest, Organization], Table]] = {
    "aged": _aged_table,
    "forecast": _forecast_table,
    "scenarios": _scenario_table,
    "kpi": _dashboard_table(lambda d: tables.kpi_table(d, language())),
    "dso": _dashboard_table(tables.trend_table),
    "recovered": _dashboard_table(tables.recovered_table),
    "collectors": _dashboard_table(tables.collectors_table),
}


def _file(table: Table, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("no such format")
    response = HttpResponse(export(table, fmt, language()), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    return response


@org_view()
def download(request: HttpRequest, org: Organization, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404("no such table")
    return _file(TABLES[table](request, org), fmt)


@org_view()
def monthly_pdf(request: HttpRequest, org: Organization) -> HttpResponse:
    """The monthly report of ``?month=YYYY-MM`` (default: the last full month)."""
    try:
        month = report_month(request.GET.get("month"), today_of(org))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    response = HttpResponse(monthly_report(org, month, language()),
                            content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="relance-{org.slug}-'
                                       f'{month:%Y-%m}.pdf"')
    return response


def _orgs(request: HttpRequest) -> list[Organization]:
    return [m.organization for m in Membership.objects.filter(user=request.user)
            .select_related("organization")]


def _portfolio_day(request: HttpRequest, orgs: list[Organization]) -> date:
    # One day for every line: the first organization's today (they share a time zone
    # in practice; a day's difference at midnight would not change a portfolio).
    return _day(request, "date", today_of(orgs[0]) if orgs else date.min)


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    orgs = _orgs(request)
    as_of = _portfolio_day(request, orgs)
    lines = services.portfolio(orgs, as_of) if orgs else []
    table = tables.portfolio_table(lines, as_of)
    return _page(request, "portfolio.html", None, as_of=as_of, lines=lines,
                 table=tables.shown(table, language()))


@login_required
def portfolio_download(request: HttpRequest, fmt: str) -> HttpResponse:
    orgs = _orgs(request)
    as_of = _portfolio_day(request, orgs)
    lines = services.portfolio(orgs, as_of) if orgs else []
    return _file(tables.portfolio_table(lines, as_of), fmt)
