"""Import reports worded for the person reading them, in the active language.

A reader states a row problem as a code and its values (``RowError.code`` and
``params``; every code, of every kind of file, is listed in ``relance.formats.problems``).
Here each code becomes a sentence through gettext, in the language active when it is
called: the web page's, or the one ``relance import --language`` sets. Values are shown
as the reader writes them: a date format as ``JJ/MM/AAAA`` or ``DD/MM/YYYY``, a date as
``1er mars 2026`` / ``1 March 2026``, amounts as money (``15 555,28 €`` /
``€15,555.28``), an e-invoice field by its name and EN 16931 term (« montant total TTC »
(BT-112)). A problem without a code (or with one this module does not know) is shown by
its English ``message``.

The web page stores a report's problems with :func:`stored` and words them when the
page is read, so each reader sees them in their own language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from django.utils.translation import get_language, gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_noop as _noop

from relance.errors import FormatError, RowError
from relance.formats.problems import PATTERNS, date_pattern
from relance.imports.report import OUTCOMES, ImportReport
from relance.messaging.formatting import format_day, format_money, locale_of

# Marked here, translated when a sentence is made (gettext then knows the language).
SENTENCES = {
    "not_a_date": _noop("“%(text)s” is not a date in the format %(pattern)s."),
    "not_an_amount": _noop("“%(text)s” is not an amount."),
    "amount_cut": _noop("“%(text)s” is not a complete amount: a digit is missing before or "
                        "after the decimal mark. Was the column cut short?"),
    "zero_amount": _noop("The amount is zero (“%(text)s”): nothing to record."),
    "amount_out_of_range": _noop("“%(text)s” is too large to be a bank movement: is it the "
                                 "right column?"),
    "too_many_decimals": _noop("%(value)s has more decimals than %(currency)s allows."),
    "debit_and_credit": _noop("A row needs an amount in exactly one of the columns "
                              "“%(debit_column)s” and “%(credit_column)s”."),
    "missing_amount": _noop("The amount is missing."),
    "missing_booking_date": _noop("The booking date is missing."),
    "balance_mismatch": _noop(
        "Account %(account)s: the lines were imported, but the balances do not add up: the "
        "opening balance of %(opening)s plus the movements of %(movements)s make "
        "%(expected)s, while the statement closes at %(closing)s. Check that no line is "
        "missing."),
    "not_own_account": _noop("The statement is of account %(account)s, not of the "
                             "organization's IBAN %(iban)s: check that it was imported into "
                             "the right organization."),
    "bad_direction": _noop("The credit/debit indicator is “%(text)s”, not CRDT or DBIT."),
    "not_booked": _noop("Entry with status %(status)s, not booked: left out."),
    "batch_mismatch": _noop("The transactions of this batch add up to %(total)s, not the "
                            "entry's %(amount)s: imported as one line."),
    "record_too_long": _noop("The record is longer than %(length)s characters."),
    "record_cut": _noop("Record %(record)s is cut short after %(length)s characters, before "
                        "its account number: the file may be damaged."),
    "unknown_record": _noop("Unknown record code “%(record)s”."),
    "record_outside_statement": _noop("Record %(record)s outside a statement: no 01 record "
                                      "before it."),
    "other_account": _noop("Account %(found)s differs from the statement's account "
                           "%(account)s."),
    "complement_alone": _noop("05 complement without a 04 movement before it."),
    "bad_decimals": _noop("The number of decimals (position 20) is “%(text)s”, not a digit."),
    "field_outside_statement": _noop("Field :%(tag)s: before any :20: field."),
    "not_a_balance": _noop("“%(text)s” is not a balance (D/C mark, date YYMMDD, currency, "
                           "amount)."),
    "not_a_statement_line": _noop("“%(text)s” is not a statement line (:61:)."),
    # Any file.
    "missing_value": _noop("A required value is missing."),
    # FEC
    "wrong_field_count": _noop("The line has %(count)s fields where the header names "
                               "%(width)s."),
    "bad_sens": _noop("The direction (Sens) is “%(text)s”, not D, C, +1 or -1."),
    "no_customer_account": _noop("Line of customer account %(account)s without an auxiliary "
                                 "account (CompAuxNum): it cannot be tied to a customer."),
    "zero_customer_line": _noop("Customer line of zero amount: nothing to collect."),
    # Customers and invoices CSV
    "not_a_date_in_formats": _noop("“%(text)s” is not a date in the format %(pattern)s or "
                                   "%(other_pattern)s."),
    "ambiguous_amount": _noop("“%(text)s” is ambiguous: it has both a comma and a dot. Use "
                              "one decimal mark."),
    "not_positive": _noop("The amount must be positive, not “%(text)s”."),
    "invoice_too_large": _noop("“%(text)s” is too large for an invoice (less than ten "
                               "billion): is it the right column?"),
    "due_before_issue": _noop("The due date, %(due_date)s, is before the issue date, "
                              "%(issue_date)s."),
    "not_a_currency": _noop("“%(text)s” is not a currency code (ISO 4217, like EUR)."),
    "not_a_choice": _noop("“%(text)s” is not one of the accepted values: %(choices)s."),
    "not_a_siren": _noop("“%(text)s” is not a valid SIREN (9 digits, the last one a check "
                         "digit)."),
    "not_a_number_of_days": _noop("“%(text)s” is not a number of days."),
    "payment_terms_over_limit": _noop("%(text)s days of payment terms: French law allows "
                                      "%(limit)s days at most (Code de commerce L441-10)."),
    # E-invoices: the sentence names the field.
    "missing_term": _noop("The mandatory field “%(label)s” (%(term)s) is missing."),
    "term_not_an_amount": _noop("The field “%(label)s” (%(term)s) holds “%(text)s”, which is "
                                "not an amount."),
    "term_not_a_date": _noop("The field “%(label)s” (%(term)s) holds “%(text)s”, which is not "
                             "a date in the format %(pattern)s."),
    "term_not_a_currency": _noop("The field “%(label)s” (%(term)s) holds “%(text)s”, which is "
                                 "not an ISO 4217 currency code."),
    "due_against_total": _noop("The field “%(label)s” (%(term)s) is %(amount)s: its sign is "
                               "the opposite of the grand total's."),
    # A file that cannot be read at all.
    "empty_file": _noop("The file is empty."),
    "too_large": _noop("The file is larger than the limit of %(megabytes)s MB."),
    "binary_file": _noop("The file holds binary data: it is not a text file."),
    "not_text": _noop("The text is neither UTF-8 nor %(encoding)s."),
    "bad_encoding": _noop("The text is not valid %(encoding)s (byte %(position)s)."),
    "not_utf8_csv": _noop("The text is not valid %(encoding)s (byte %(position)s). Was "
                          "the file exported in Windows-1252? Then set the format's "
                          "encoding to cp1252."),
    "missing_columns": _noop("Missing column(s): %(columns)s. The header row has: "
                             "%(found)s."),
    "unreadable_csv": _noop("The CSV cannot be read at line %(line)s (%(detail)s)."),
    "doctype_refused": _noop("XML with a DOCTYPE or an entity declaration is refused, "
                             "for safety."),
    "not_well_formed": _noop("The XML is not well-formed (%(detail)s)."),
    "not_recognised": _noop("Relance does not recognise this kind of file."),
    "import_failed": _noop("The import failed (%(detail)s): nothing of the file was kept. "
                           "The error is in the log; please report it."),
    "not_a_bank_statement": _noop("This is not a bank statement Relance reads: "
                                  "camt.05x XML, CFONB 120, OFX or MT940; a CSV needs "
                                  "a saved column format."),
    "other_organization_account": _noop("Account %(account)s is the IBAN of another "
                                        "organization of this install: import the "
                                        "statement there."),
    "not_camt": _noop("This XML is not an ISO 20022 camt.052, camt.053 or camt.054 "
                      "statement."),
    "no_first_record": _noop("The CFONB 120 file does not start with a 01 or 04 "
                             "record."),
    "statement_cut": _noop("Account %(account)s: the statement has no %(record)s balance: "
                           "the file may be cut short. Import the complete file."),
    "records_too_short": _noop("No CFONB 120 record reaches the amount (positions 91 "
                               "to 104): are the lines cut short?"),
    "no_mt940_header": _noop("No :20: and :25: fields: this is not an MT940 statement."),
    "no_ofx_element": _noop("The OFX file has no <OFX> element."),
    "unknown_encoding": _noop("The OFX header names an unknown encoding, "
                              "“%(encoding)s”."),
    "no_markup": _noop("The OFX file holds no markup."),
    "bad_markup": _noop("The OFX markup cannot be read at line %(line)s."),
    "text_outside_element": _noop("Text outside any OFX element at line %(line)s: "
                                  "“%(text)s”."),
    "element_not_closed": _noop("The element <%(tag)s> opened at line %(line)s is "
                                "never closed: the file may be truncated."),
    "closes_nothing": _noop("</%(tag)s> at line %(line)s closes no open element."),
    "not_an_einvoice": _noop("This XML is not a CII (Factur-X), ZUGFeRD 1.0 or UBL "
                             "invoice: its root element is %(root)s."),
    "no_invoice_in_pdf": _noop("This PDF carries no Factur-X or ZUGFeRD XML invoice."),
    "no_readable_invoice_in_pdf": _noop("This PDF carries no readable Factur-X or "
                                        "ZUGFeRD XML invoice (%(detail)s)."),
    "not_a_pdf": _noop("The PDF cannot be read (%(detail)s)."),
    "attachment_too_large": _noop("A file attached to this PDF is larger than "
                                  "%(megabytes)s MB."),
    "broken_utf16": _noop("The file's UTF-16 text is broken."),
    "fec_separator": _noop("The header line must separate the field names with a tab "
                           "or “|” (LPF art. A47 A-1); it starts with “%(text)s”."),
    "missing_fec_fields": _noop("Fields required in a FEC (LPF art. A47 A-1) are "
                                "missing: %(fields)s."),
}
# An empty cell says "missing" better than quoting nothing.
EMPTY = {"not_a_date": _noop("The date is missing (expected format %(pattern)s)."),
         "not_an_amount": _noop("The amount is missing.")}
#: The values shown as money, in the problem's ``currency``.
MONEY = frozenset({"opening", "movements", "expected", "closing", "total", "amount"})
#: The values that are days (ISO dates), shown as a person writes them.
DAYS = frozenset({"due_date", "issue_date"})
#: Problems of a statement as a whole: the sentence says which balance, no field to add.
WHOLE_STATEMENT = frozenset({"balance_mismatch", "not_own_account"})
#: The names of the EN 16931 business terms an e-invoice problem gives in ``term``
#: (``relance.formats.problems.TERMS`` in English).
TERMS = {
    "BT-1": pgettext_lazy("EN 16931 business term", "invoice number"),
    "BT-2": pgettext_lazy("EN 16931 business term", "issue date"),
    "BT-5": pgettext_lazy("EN 16931 business term", "invoice currency code"),
    "BT-9": pgettext_lazy("EN 16931 business term", "payment due date"),
    "BT-44": pgettext_lazy("EN 16931 business term", "buyer name"),
    "BT-112": pgettext_lazy("EN 16931 business term", "grand total amount"),
    "BT-113": pgettext_lazy("EN 16931 business term", "paid amount"),
    "BT-115": pgettext_lazy("EN 16931 business term", "amount due for payment"),
}

KINDS = {
    "customer": pgettext_lazy("import kind", "customer"),
    "contact": pgettext_lazy("import kind", "contact"),
    "invoice": pgettext_lazy("import kind", "invoice"),
    "credit_note": pgettext_lazy("import kind", "credit_note"),
    "refund": pgettext_lazy("import kind", "refund"),
    "payment": pgettext_lazy("import kind", "payment"),
    "bank_line": pgettext_lazy("import kind", "bank_line"),
}


def language() -> str:
    """``fr`` or ``en``, as gettext speaks now: with translations deactivated (the CLI's
    ``no_translations``) it gives the English source text."""
    return "fr" if (get_language() or "en").startswith("fr") else "en"


def stored(error: RowError) -> dict[str, Any]:
    """``error`` as JSON, to be worded when read (:func:`problem`, :func:`place`)."""
    return {"line": error.line, "field": error.field, "message": error.message,
            "code": error.code, "params": dict(error.params)}


def problem(error: RowError | Mapping[str, Any]) -> str:
    """What is wrong, as a sentence in the active language."""
    code, params = _get(error, "code") or "", _get(error, "params") or {}
    message = _get(error, "message")
    template = SENTENCES.get(code)
    if template is None:
        return message
    if code in EMPTY and not params.get("text"):
        template = EMPTY[code]
    try:
        return gettext(template) % _shown(params)
    except (KeyError, ValueError, TypeError):  # a stored problem older than its sentence
        return message


def place(error: RowError | Mapping[str, Any]) -> str:
    """Where: ``line 5, column “Date”`` (the CSV header when known, else the field, unless
    the sentence names it: a statement's balance, an e-invoice's business term)."""
    params = _get(error, "params") or {}
    line, column = _get(error, "line"), params.get("column")
    named = _get(error, "code") in WHOLE_STATEMENT or "term" in params
    field = "" if named else _get(error, "field")
    parts = [gettext("line %(line)s") % {"line": line} if line is not None
             else pgettext("where", "file")]
    if column:
        parts.append(gettext("column “%(column)s”") % {"column": column})
    elif field:
        parts.append(gettext("field %(field)s") % {"field": field})
    return ", ".join(parts)


def column(error: RowError | Mapping[str, Any]) -> str:
    """The column (CSV header), business term (``BT-112``) or field the problem is in, for
    a table cell."""
    if _get(error, "code") in WHOLE_STATEMENT:
        return ""
    params = _get(error, "params") or {}
    return params.get("column") or params.get("term") or _get(error, "field") or ""


def located(error: RowError | Mapping[str, Any]) -> str:
    """``line 5, column “Date”: “31/02/2026” is not a date in the format DD/MM/YYYY.``"""
    return gettext("%(place)s: %(problem)s") % {"place": place(error),
                                                "problem": problem(error)}


def summary(report: ImportReport) -> str:
    """:meth:`ImportReport.summary` in the active language, problems worded."""
    # The separator too: French puts a space before the semicolon.
    counts = pgettext("list of counts", "; ").join(_counts(report))
    lines = [gettext("%(file)s: %(counts)s") % {"file": report.file, "counts": counts}]
    if report.reconciliation:
        lines.append("  " + gettext("payments: %(counts)s") % {"counts": ", ".join(
            _matching(status, n) for status, n in report.reconciliation.items())})
    lines += ["  " + gettext("rejected %(file)s %(problem)s") % {
        "file": report.file, "problem": located(e)} for e in report.rejected]
    lines += ["  " + gettext("warning %(file)s %(problem)s") % {
        "file": report.file, "problem": located(e)} for e in report.warnings]
    return "\n".join(lines)


def _counts(report: ImportReport) -> list[str]:
    by_kind = Counter((kind, outcome) for _line, kind, _ref, outcome in report.rows)
    parts = [gettext("%(kind)s: %(outcomes)s") % {
        "kind": KINDS.get(kind, kind),
        "outcomes": ", ".join(_outcome(outcome, by_kind[(kind, outcome)])
                              for outcome in OUTCOMES if by_kind[(kind, outcome)])}
        for kind in sorted({kind for kind, _outcome in by_kind})]
    rejected = len(report.rejected)
    parts = (parts or [gettext("nothing to import")]) + [
        ngettext("%(count)s rejected", "%(count)s rejected", rejected) % {"count": rejected}]
    if report.warnings:
        count = len(report.warnings)
        parts.append(ngettext("%(count)s warning", "%(count)s warnings", count)
                     % {"count": count})
    return parts


def _outcome(outcome: str, count: int) -> str:
    texts = {"created": ngettext("%(count)s created", "%(count)s created", count),
             "updated": ngettext("%(count)s updated", "%(count)s updated", count),
             "unchanged": ngettext("%(count)s unchanged", "%(count)s unchanged", count)}
    return texts[outcome] % {"count": count}


def _matching(status: str, count: int) -> str:
    texts = {"matched": ngettext("%(count)s matched", "%(count)s matched", count),
             "review": ngettext("%(count)s review", "%(count)s review", count),
             "unmatched": ngettext("%(count)s unmatched", "%(count)s unmatched", count)}
    return texts[status] % {"count": count} if status in texts else f"{count} {status}"


def _get(error: RowError | Mapping[str, Any], name: str) -> Any:
    return error.get(name) if isinstance(error, Mapping) else getattr(error, name)


def _shown(params: Mapping[str, str]) -> dict[str, str]:
    """The values as the reader writes them: date patterns, days, money, localized numbers,
    the name of a business term."""
    lang = language()
    shown = dict(params)
    for given, name in PATTERNS.items():
        if given in params:
            shown[name] = date_pattern(params[given], lang)
    if "term" in params:
        shown["label"] = str(TERMS.get(params["term"], params["term"]))
    for name in DAYS.intersection(params):
        shown[name] = _day(params[name], lang)
    currency = params.get("currency", "")
    for name in MONEY.intersection(params):
        shown[name] = _money(params[name], currency, lang)
    if "value" in params:
        shown["value"] = _number(params["value"], lang)
    return shown


def _day(text: str, lang: str) -> str:
    try:
        return format_day(date.fromisoformat(text), lang)
    except ValueError:
        return text


def _money(text: str, currency: str, lang: str) -> str:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return text
    if len(currency) == 3 and currency.isalpha() and currency.isupper():
        return format_money(amount, currency, lang)
    return _number(text, lang)


def _number(text: str, lang: str) -> str:
    """``12,345`` (fr) or ``12.345`` (en), every decimal kept: no rounding here."""
    try:
        return format_decimal(Decimal(text), locale=locale_of(lang), decimal_quantization=False)
    except InvalidOperation:
        return text


def refusal(error: FormatError, where: str = "page") -> str:
    """Why a whole file was refused, in the active language: its code's sentence, or, for
    a CSV no saved bank format reads, which formats fit or what each lacks, and where to
    define one (``where``: the settings ``page`` or the ``command``)."""
    from relance.imports.bank_csv import CsvMappingNeeded  # it words its previews here

    if not isinstance(error, CsvMappingNeeded):
        return problem(error)
    if error.fitting:
        return gettext("Several bank CSV formats fit this file (%(names)s): choose one.") % {
            "names": ", ".join(error.fitting)}
    define = (gettext("define one with: relance bank-mapping add") if where == "command"
              else gettext("define one in Settings → Bank CSV formats"))
    if not error.missing:
        return gettext("This file is not a camt.053, CFONB 120, OFX or MT940 statement, and a "
                       "CSV statement is read through a bank CSV format: %(define)s.") % {
            "define": define}
    lacks = "; ".join(gettext("%(columns)s for “%(name)s”") % {
        "name": name, "columns": ", ".join(columns)} for name, columns in error.missing.items())
    return gettext("No bank CSV format fits this file, whose columns are %(header)s. Missing "
                   "columns: %(lacks)s. Correct a format or %(define)s.") % {
        "header": "; ".join(error.header) or "–", "lacks": lacks, "define": define}
