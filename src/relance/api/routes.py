"""The API's operations: organizations, reports, imports, bank lines to review.

Money is a string with the currency's decimals (``"1234.50"``), never a JSON number a
client would read as a float; dates are ISO 8601. Problems in import reports and the
matcher's reasons are worded in the language of the request (``Accept-Language``:
French or English), like the pages; a reason also gives its ``code`` and ``params``.
A bad input answers 400 with ``{"code", "message"}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from relance.api import problems
from relance.api.access import AUTH, member
from relance.errors import FormatError, InputError, NotFound
from relance.formats.problems import unreadable
from relance.imports import runs, wording
from relance.imports.bank_csv import CsvMappingNeeded
from relance.ledger import reasons, reconcile
from relance.ledger.models import BankLine, Membership
from relance.reports.asked import report_currency, report_day
from relance.reports.tables import report_document
from relance.web import figures
from relance.web.forms import ImportForm
from relance.web.imports import shown
from relance.web.models import ImportRun
from relance.web.orgs import today_of

api = NinjaAPI(title="Relance", version="1", urls_namespace="api", auth=AUTH,
               description=__doc__.split("\n\n", 1)[1])

MAX_UPLOAD = ImportForm.MAX_BYTES
Kind = Literal["fec", "contacts", "invoices", "einvoice", "bank"]
Report = Literal["aged", "dso", "forecast"]


class ProblemOut(Schema):
    code: str
    message: str


#: What every operation may answer besides its result (the OpenAPI schema says so).
ERRORS = {400: ProblemOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut}


def _problem(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(InputError)
def bad_input(request: HttpRequest, exc: InputError) -> HttpResponse:
    if isinstance(exc, CsvMappingNeeded):
        return _problem(request, 400, "csv_mapping_needed", wording.refusal(exc))
    if isinstance(exc, FormatError):
        return _problem(request, 400, exc.code or "unreadable_file", wording.refusal(exc))
    return _problem(request, 400, "bad_input", str(exc))


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _problem(request, 404, "not_found", str(exc))


@api.exception_handler(HttpError)
def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith(problems.UNPARSABLE_BODY):
        return _problem(request, 400, *problems.unparsable_body())
    if exc.status_code == 403 and str(exc) == CSRF_REFUSED:  # django-ninja's own words
        return _problem(request, 403, "csrf_failed", _(
            "the session's security token (CSRF) is missing or wrong: send the csrftoken "
            "cookie's value in the X-CSRFToken header, or reload the page"))
    codes = {403: "forbidden", 404: "not_found"}
    return _problem(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


CSRF_REFUSED = "CSRF check Failed"


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _problem(request, 401, "unauthorized",
                        _("log in with a Relance user name and password"))
    response["WWW-Authenticate"] = 'Basic realm="Relance", charset="UTF-8"'  # RFC 7617
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A parameter of the wrong shape: 400 like any bad input, naming each one in the
    caller's language."""
    return _problem(request, 400, "invalid", problems.invalid_parameters(exc.errors))


# ------------------------------------------------------------------ organizations

class OrganizationOut(Schema):
    slug: str
    name: str
    currency: str
    role: str


@api.get("/orgs", response={200: list[OrganizationOut], **ERRORS}, tags=["organizations"])
def organizations(request: HttpRequest) -> list[dict]:
    """The organizations the caller is a member of, with its role in each."""
    return [{"slug": m.organization.slug, "name": m.organization.name,
             "currency": m.organization.currency, "role": m.role}
            for m in Membership.objects.filter(user=request.auth)
            .select_related("organization").order_by("organization__name")]


# ------------------------------------------------------------------------ reports

def _iso_day(value: object) -> date:
    """A day as ISO 8601 text only: left to itself, pydantic also reads ``0`` or
    ``1700006400`` as seconds since 1970, a report day nobody asked for."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("not_a_day", "expected a day as YYYY-MM-DD (2026-03-16), "
                              "got {value}", {"value": repr(value)})


IsoDay = Annotated[date, BeforeValidator(_iso_day)]


class ReportOut(Schema):
    report: Report
    organization: str
    date: date
    currency: str
    rows: list[dict[str, Any]]


@api.get("/orgs/{slug}/reports/{report}", response={200: ReportOut, **ERRORS},
         tags=["reports"])
def report(request: HttpRequest, slug: str, report: Report, date: IsoDay | None = None,
           currency: str | None = None) -> dict:
    """The aged balance, the DSO and collection indicators, or the 13-week cash-in
    forecast on ``date`` (default: the organization's today), as ``relance report …
    --format json`` gives it; amounts in the organization's currency unless
    ``currency`` names another."""
    org = member(request, slug)
    as_of = report_day(date or today_of(org))
    return report_document(report, org, as_of, report_currency(currency or org.currency))


# ------------------------------------------------------------------------ imports

class RowProblemOut(Schema):
    line: int | None
    column: str
    problem: str


class ImportRunOut(Schema):
    id: int
    file: str
    kind: str
    origin: str
    at: datetime
    user: str | None
    summary: str
    counts: dict[str, int]
    rejected: list[RowProblemOut]
    warnings: list[RowProblemOut]
    refused: str | None


def _run(run: ImportRun) -> dict:
    counts = run.outcome_counts()
    return {"id": run.pk, "file": run.file_name, "kind": run.kind, "origin": run.origin,
            "at": run.at, "user": run.user.username if run.user else None,
            "summary": run.summary, "counts": counts, "rejected": shown(run.rejected),
            "warnings": shown(run.warnings),
            "refused": wording.problem(run.refused) if run.refused else None}


@api.get("/orgs/{slug}/imports", response={200: list[ImportRunOut], **ERRORS},
         tags=["imports"])
def imports(request: HttpRequest, slug: str, limit: int = Query(30, ge=1, le=500)) -> list[dict]:
    """The latest imports, newest first, whoever made them (page, command, folder, API)."""
    org = member(request, slug)
    rows = ImportRun.objects.filter(organization=org).select_related("user")
    return [_run(run) for run in rows[:limit]]


@api.get("/orgs/{slug}/imports/{run_id}", response={200: ImportRunOut, **ERRORS},
         tags=["imports"])
def import_run(request: HttpRequest, slug: str, run_id: int) -> dict:
    org = member(request, slug)
    run = ImportRun.objects.filter(organization=org, pk=run_id).first()
    if run is None:
        raise HttpError(404, _("no such import"))
    return _run(run)


@api.post("/orgs/{slug}/imports", response={201: ImportRunOut, **ERRORS},
          tags=["imports"])
def upload(request: HttpRequest, slug: str, kind: Form[Kind], file: File[UploadedFile],
           mapping: Form[str] = "") -> Status:
    """Import one file as the upload page does (administrators): FEC, contacts or
    invoices CSV, Factur-X/ZUGFeRD/UBL e-invoice, bank statement (``mapping`` names the
    saved CSV format of a bank export). Importing the same file again changes nothing.
    A file that cannot be read is refused whole (400) and nothing is written."""
    org = member(request, slug, "admin")
    if file.size > MAX_UPLOAD:  # the upload page's limit
        raise unreadable("too_large", megabytes=MAX_UPLOAD // 2**20)
    try:
        _report, run = runs.import_file(org, kind, file.read(), file.name or "upload",
                                        today_of(org), origin="api", user=request.auth,
                                        mapping=mapping or None)
    except NotFound as exc:  # a mapping of that name: a bad field, not a missing page
        raise InputError(f"mapping: {exc}") from None
    # The portfolio's figures of ``org`` were dropped by the import: the next page that
    # shows them computes them, not this call.
    return Status(201, _run(run))


# ------------------------------------------------------------------ bank lines

class BankLineOut(Schema):
    id: int
    booking_date: date
    amount: str
    currency: str
    payer: str
    remittance: str
    status: str
    candidates: list[dict[str, Any]]
    reasons: list[Any]


class AllocationIn(Schema):
    invoices: list[str]


def _line(line: BankLine) -> dict:
    return {"id": line.pk, "booking_date": line.booking_date, "amount": str(line.amount),
            "currency": line.currency, "payer": line.counterparty_name,
            "remittance": line.remittance, "status": line.status,
            "candidates": [{**c, "reasons": [reasons.for_reader(r) for r in c["reasons"]]}
                           for c in line.candidates],
            "reasons": [reasons.for_reader(r) for r in line.reasons]}


@api.get("/orgs/{slug}/bank-lines", response={200: list[BankLineOut], **ERRORS},
         tags=["reconciliation"])
def bank_lines(request: HttpRequest, slug: str,
               status: Literal["review", "unmatched", "matched", "debit"] = "review",
               limit: int = Query(200, ge=1, le=1000)) -> list[dict]:
    """Bank credits by status: by default those a collector must review, with the
    matcher's candidates and reasons."""
    org = member(request, slug)
    rows = BankLine.objects.filter(organization=org, status=status).order_by("booking_date", "id")
    return [_line(line) for line in rows[:limit]]


@api.post("/orgs/{slug}/bank-lines/{line_id}/allocate",
          response={200: BankLineOut, **ERRORS}, tags=["reconciliation"])
def allocate(request: HttpRequest, slug: str, line_id: int, body: AllocationIn) -> dict:
    """Record the line as a payment of ``invoices`` (collectors), as the review page
    does: allocated in the order given, the customer's reminders planned again at once
    (a paid invoice is reminded no more)."""
    org = member(request, slug, "collector")
    line = BankLine.objects.filter(organization=org, pk=line_id).first()
    if line is None:
        raise HttpError(404, _("no such bank line"))
    numbers = [n.strip() for n in body.invoices if n.strip()]
    if not numbers:
        raise InputError(_("invoices: name the invoices this payment settles"))
    reconcile.accept(line, numbers)
    figures.refresh(org, today_of(org), timezone.now())
    line.refresh_from_db()
    return _line(line)
