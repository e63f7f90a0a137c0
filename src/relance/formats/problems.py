"""What can be wrong in a row of an imported file, said as a code and its values.

Every reader (bank statements, FEC, the customer and invoice CSV files, e-invoices)
raises :class:`Problem` (a ``ValueError``) where it finds a value it cannot use, or
builds the :class:`RowError` at once with :func:`row_error`. The error keeps:

* ``code``, one key of :data:`ENGLISH`, and ``params``, its values as strings: the text
  found (``text``), the expected date format as a ``strftime`` pattern (``format``), the
  CSV column (``column``), the EN 16931 business term of an e-invoice field (``term``,
  such as ``BT-112``), the amounts of a balance check with their ``currency``…;
* ``message``, the English sentence of :data:`ENGLISH`, for logs, the watched folder's
  report files and any caller that only knows ``str(error)``.

The web page and the CLI word the code in the user's language
(``relance.imports.wording``), with the date format shown as a person writes it
(:func:`date_pattern`: ``JJ/MM/AAAA`` or ``DD/MM/YYYY``, never ``%d/%m/%Y``).

One catalogue for every family of files, in sections, because the codes are one
namespace: the wording finds a sentence by its code alone, and a bad date or amount is
the same problem whichever file it is in (``not_a_date``, ``not_an_amount`` and
``missing_value`` are worded once). A code is added here, with the same values, in the
French and English sentences of ``relance.imports.wording``; the parity test checks it.

A file that cannot be read at all (empty, binary, not the format it claims, a DOCTYPE,
missing columns) is refused with :func:`unreadable`: a ``FormatError`` carrying a code
of :data:`FILE` and its values, worded the same way.

A problem of :data:`WARNINGS` leaves the lines imported (severity ``"warning"``): a
statement whose balances do not add up has all its movements, but one may be missing
or the file edited, so a person has to look.
"""

from __future__ import annotations

import re

from relance.errors import FormatError, RowError

#: Problems any reader may report.
SHARED: dict[str, str] = {
    "not_a_date": "not a date in the format {pattern}: {text!r}",
    "not_an_amount": "not an amount: {text!r}",
    "missing_value": "missing",
}

#: Bank statements (``relance.formats.bank``); ``pattern`` is filled from ``format``.
BANK: dict[str, str] = {
    # Amounts, in every format.
    "amount_cut": "a digit is missing before or after the decimal mark (a cut column?): "
                  "{text!r}",
    "zero_amount": "the amount is zero: {text!r}",
    "amount_out_of_range": "amount out of range: {text!r}",
    "too_many_decimals": "{value} has more decimals than {currency} allows",
    "debit_and_credit": "a row needs exactly one of debit ({debit_column}) and credit "
                        "({credit_column})",
    "missing_amount": "amount missing",
    "missing_booking_date": "booking date missing",
    # A statement as a whole.
    "balance_mismatch": "account {account}: opening balance {opening} + movements "
                        "{movements} = {expected}, but the closing balance is {closing}",
    "not_own_account": "the statement's account {account} is not the organization's IBAN "
                       "{iban}",
    # camt.05x
    "bad_direction": "CdtDbtInd must be CRDT or DBIT, not {text!r}",
    "not_booked": "entry with status {status} is not booked; left out",
    "batch_mismatch": "the transactions of this batch add up to {total}, not the entry "
                      "amount {amount}; kept as one line",
    # CFONB 120
    "record_too_long": "record longer than {length} characters",
    "record_cut": "record {record} cut short after {length} characters: no account number",
    "unknown_record": "unknown record code {record!r}",
    "record_outside_statement": "record {record} outside a statement (no 01 record before it)",
    "other_account": "account {found} differs from the statement's account {account}",
    "complement_alone": "05 complement without a 04 movement before it",
    "bad_decimals": "number of decimals (position 20) is {text!r}",
    # MT940
    "field_outside_statement": ":{tag}: before any :20:",
    "not_a_balance": "not a balance (mark, YYMMDD, currency, amount): {text!r}",
    "not_a_statement_line": "not a statement line: {text!r}",
}

#: FEC (``relance.formats.fec``, LPF art. A47 A-1); ``column`` is the FEC field name.
FEC: dict[str, str] = {
    "wrong_field_count": "expected {width} fields, found {count}",
    "bad_sens": "Sens must be D, C, +1 or -1, not {text!r}",
    "no_customer_account": "customer account {account} line without CompAuxNum: it cannot "
                           "be tied to a customer",
    "zero_customer_line": "customer line of zero amount: nothing to collect",
}

#: The customers/contacts and invoices CSV files (``relance.formats.csv_ledger``).
CSV_LEDGER: dict[str, str] = {
    "not_a_date_in_formats": "not a date: {text!r} (expected {pattern} or {other_pattern})",
    "ambiguous_amount": "ambiguous amount {text!r}: use one decimal mark",
    "not_positive": "must be positive, got {text!r}",
    "invoice_too_large": "too large for an invoice (less than ten billion): {text!r}",
    "due_before_issue": "{due_date} is before issue_date {issue_date}",
    "not_a_currency": "expected an ISO 4217 code like EUR, got {text!r}",
    "not_a_choice": "expected one of {choices}, got {text!r}",
    "not_a_siren": "{text!r} is not a valid SIREN",
    "not_a_number_of_days": "expected a number of days, got {text!r}",
    "payment_terms_over_limit": "{text} days of payment terms; French law allows {limit} at "
                                "most (L441-10)",
}

#: E-invoices (``relance.formats.einvoice``): every problem names its field by the
#: EN 16931 business term ``term``; ``label`` is filled from :data:`TERMS`.
EINVOICE: dict[str, str] = {
    "missing_term": "missing {label} ({term})",
    "term_not_an_amount": "{label} ({term}) {text!r} is not an amount",
    "term_not_a_date": "{label} ({term}) {text!r} is not a date in the format {pattern}",
    "term_not_a_currency": "{label} ({term}) {text!r} is not an ISO 4217 code",
    "due_against_total": "{label} ({term}) {amount} has the opposite sign of the grand total",
}

#: A file that cannot be read at all (:func:`unreadable`): nothing from it is imported.
#: ``detail`` is the parser's own words (lxml's, pypdf's), left as they come.
FILE: dict[str, str] = {
    # Any file.
    "empty_file": "the file is empty",
    "too_large": "the file is larger than the limit of {megabytes} MB",
    "binary_file": "binary content, not a text file",
    "not_text": "the file is neither UTF-8 nor {encoding} text",
    "bad_encoding": "not valid {encoding} text (byte {position})",
    "not_utf8_csv": "not valid {encoding} text (byte {position}); is the export "
                    "Windows-1252? set the mapping's encoding to cp1252",
    "missing_columns": "missing column(s) {columns}; found {found}",
    "unreadable_csv": "unreadable at line {line} ({detail})",
    "doctype_refused": "a DOCTYPE or entity declaration is not allowed (entity expansion "
                       "risk)",
    "not_well_formed": "not well-formed XML ({detail})",
    "not_recognised": "not a file Relance recognises",
    "import_failed": "the import failed ({detail}); the error is in the log",
    # Bank statements.
    "not_a_bank_statement": "not a recognised bank statement (camt.05x XML, CFONB 120, OFX, "
                            "MT940; a CSV needs a saved column mapping)",
    "other_organization_account": "account {account} is the IBAN of another organization "
                                  "of this install",
    "not_camt": "not an ISO 20022 camt.052/053/054 document",
    "no_first_record": "the file does not start with a 01 or 04 record",
    "statement_cut": "account {account}: the statement has no {record} balance; the file "
                     "may be cut short",
    "records_too_short": "no record reaches the amount field (positions 91-104)",
    "no_mt940_header": "no :20: and :25: fields; not an MT940 statement",
    "no_ofx_element": "no <OFX> element",
    "unknown_encoding": "unknown encoding {encoding!r}",
    "no_markup": "no markup in the file",
    "bad_markup": "unreadable markup at line {line}",
    "text_outside_element": "text outside an element at line {line}: {text!r}",
    "element_not_closed": "<{tag}> (line {line}) is never closed; the file may be truncated",
    "closes_nothing": "</{tag}> at line {line} closes nothing",
    # E-invoices.
    "not_an_einvoice": "not a CII, ZUGFeRD 1.0 or UBL invoice: root element {root}",
    "no_invoice_in_pdf": "no Factur-X/ZUGFeRD XML in this PDF",
    "no_readable_invoice_in_pdf": "no Factur-X/ZUGFeRD XML in this PDF ({detail})",
    "not_a_pdf": "not a readable PDF: {detail}",
    "attachment_too_large": "an attachment of this PDF exceeds {megabytes} MB",
    # FEC (LPF art. A47 A-1).
    "broken_utf16": "broken UTF-16 text",
    "fec_separator": "unknown separator: the header line must separate field names with a "
                     "tab or '|' (A47 A-1); it starts with {text!r}",
    "missing_fec_fields": "missing FEC fields (A47 A-1): {fields}",
}

#: The sentence of each code.
ENGLISH: dict[str, str] = {**SHARED, **BANK, **FEC, **CSV_LEDGER, **EINVOICE, **FILE}

#: Problems reported while the lines are imported all the same.
WARNINGS = frozenset({"balance_mismatch", "batch_mismatch", "not_own_account"})

#: The EN 16931-1 business terms an e-invoice problem may name, in English.
TERMS: dict[str, str] = {
    "BT-1": "invoice number",
    "BT-2": "issue date",
    "BT-5": "invoice currency code",
    "BT-9": "payment due date",
    "BT-44": "buyer name",
    "BT-112": "grand total amount",
    "BT-113": "paid amount",
    "BT-115": "amount due for payment",
}

# strftime directives as a person writes them, per language (JJ/MM/AAAA in French).
_DIRECTIVES = {
    "en": {"d": "DD", "m": "MM", "Y": "YYYY", "y": "YY", "j": "DDD", "b": "MMM",
           "B": "MMMM", "H": "hh", "M": "mm", "S": "ss", "%": "%"},
    "fr": {"d": "JJ", "m": "MM", "Y": "AAAA", "y": "AA", "j": "JJJ", "b": "MMM",
           "B": "MMMM", "H": "hh", "M": "mm", "S": "ss", "%": "%"},
}
#: The values given as a ``strftime`` pattern, and the name they are shown under.
PATTERNS = {"format": "pattern", "other_format": "other_pattern"}


def date_pattern(date_format: str, language: str = "en") -> str:
    """``date_format`` (a ``strftime`` pattern) as a person writes it.

    >>> date_pattern("%d/%m/%Y", "fr")
    'JJ/MM/AAAA'
    >>> date_pattern("%y%m%d")
    'YYMMDD'
    """
    names = _DIRECTIVES.get(language, _DIRECTIVES["en"])
    return re.sub(r"%(.)", lambda match: names.get(match[1], match[0]), date_format)


def english(code: str, params: dict[str, str]) -> str:
    """The English sentence of ``code`` with its values."""
    values = dict(params)
    for given, shown in PATTERNS.items():
        if given in values:
            values[shown] = date_pattern(values[given], "en")
    if "term" in values:
        values["label"] = TERMS.get(values["term"], values["term"])
    return ENGLISH[code].format(**values)


class Problem(ValueError):
    """A value a reader cannot use; ``field`` names where, when the reader knows better
    than the caller (the CSV column, the camt element)."""

    def __init__(self, code: str, field: str | None = None, **params: object):
        self.code, self.field = code, field
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(english(code, self.params))

    def row_error(self, line: int | None, field: str | None = None) -> RowError:
        severity = "warning" if self.code in WARNINGS else "error"
        return RowError(line, str(self), self.field or field, self.code, self.params, severity)


def unreadable(code: str, what: str = "", **params: object) -> FormatError:
    """The :class:`FormatError` of whole-file problem ``code`` (:data:`FILE`); ``what``
    (the format or the file's name) starts the English message only: the page and the
    CLI show the file's name themselves."""
    values = {name: str(value) for name, value in params.items()}
    sentence = english(code, values)
    return FormatError(f"{what}: {sentence}" if what else sentence, code, values)


def named(error: FormatError, name: str) -> FormatError:
    """``error`` with the file's ``name`` before its English message."""
    return FormatError(f"{name}: {error}", error.code, error.params)


def row_error(line: int | None, code: str, field: str | None = None,
              **params: object) -> RowError:
    """The :class:`RowError` of problem ``code`` at ``line``."""
    return Problem(code, field, **params).row_error(line)


def as_row_error(exc: ValueError, line: int | None, field: str | None = None) -> RowError:
    """``exc`` as a row error: structured when it is a :class:`Problem`, else its text."""
    if isinstance(exc, Problem):
        return exc.row_error(line, field)
    return RowError(line, str(exc), field)
