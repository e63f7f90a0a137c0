"""A file refused as a whole says why in the reader's language, like a rejected row.

Each reader raises ``FormatError`` with a code of ``relance.formats.problems.FILE`` and
its values; the web page and ``relance import --language fr`` word it in French or
English, the logs keep the English message with the file's name.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from relance.errors import FormatError
from relance.formats import einvoice, fec
from relance.formats.bank import detect_and_parse
from relance.formats.csv_ledger import read_rows
from relance.formats.problems import FILE
from relance.imports import wording
from tests.formats.einvoice.test_junk import pdf

SOURCES = Path(__file__).resolve().parents[2] / "src" / "relance"

# (reader, file, code, values, English sentence, French sentence): hand-written, so a
# change of wording is a change of this list.
CASES = [
    (lambda d: detect_and_parse(d, "notes.txt"), b"Bonjour\n", "not_a_bank_statement", {},
     "This is not a bank statement Relance reads: camt.05x XML, CFONB 120, OFX or MT940; a "
     "CSV needs a saved column format.",
     "Ce n’est pas un relevé bancaire que Relance sait lire : XML camt.05x, CFONB 120, OFX ou "
     "MT940 ; un CSV demande un format de colonnes enregistré."),
    (lambda d: detect_and_parse(d, "releve.ofx"),
     b"OFXHEADER:100\n<OFX>\n<BANKMSGSRSV1>\n</STMTRS>\n</OFX>\n", "closes_nothing",
     {"tag": "STMTRS", "line": "4"},
     "</STMTRS> at line 4 closes no open element.",
     "</STMTRS> à la ligne 4 ne ferme aucun élément ouvert."),
    (lambda d: detect_and_parse(d, "releve.xml"),
     b'<!DOCTYPE x [<!ENTITY a "camt.053">]><Document>&a;</Document>', "doctype_refused", {},
     "XML with a DOCTYPE or an entity declaration is refused, for safety.",
     "Un XML avec une déclaration DOCTYPE ou d’entité est refusé, par sécurité."),
    (lambda d: detect_and_parse(d, "releve.cfonb"), b"01" + b"0" * 88 + b"\n",
     "not_a_bank_statement", {}, None, None),
    (fec.parse, b"", "empty_file", {}, "The file is empty.", "Le fichier est vide."),
    (fec.parse, b"JournalCode|EcritureNum\n", "missing_fec_fields", None, None,
     re.compile(r"Des champs obligatoires du FEC \(LPF art\. A47 A-1\) manquent : "
                r"JournalLib, EcritureDate, CompteNum, .*, Idevise\.")),
    (lambda d: read_rows(d, ("number", "customer_ref"), "factures.csv"),
     b"numero;client\nF-1;C1\n", "missing_columns",
     {"columns": "number, customer_ref", "found": "numero, client"},
     "Missing column(s): number, customer_ref. The header row has: numero, client.",
     "Colonne(s) manquante(s) : number, customer_ref. La ligne d’en-tête contient : "
     "numero, client."),
    (einvoice.parse, pdf({}), "no_invoice_in_pdf", {},
     "This PDF carries no Factur-X or ZUGFeRD XML invoice.",
     "Ce PDF ne contient pas de facture XML Factur-X ou ZUGFeRD."),
    (einvoice.parse, b"<Order/>", "not_an_einvoice", {"root": "Order"},
     "This XML is not a CII (Factur-X), ZUGFeRD 1.0 or UBL invoice: its root element is "
     "Order.",
     "Ce XML n’est pas une facture CII (Factur-X), ZUGFeRD 1.0 ou UBL : son élément racine "
     "est Order."),
]


def _refusal(reader, data: bytes) -> FormatError:
    with pytest.raises(FormatError) as caught:
        reader(data)
    return caught.value


@pytest.mark.parametrize(("reader", "data", "code", "values", "english", "french"), CASES)
def test_a_refused_file_is_worded_in_english_and_french(reader, data, code, values,
                                                        english, french):
    error = _refusal(reader, data)

    assert error.code == code
    if values is not None:
        assert error.params == values
    for language, expected in (("en", english), ("fr", french)):
        with translation.override(language):
            sentence = wording.problem(error)
        if isinstance(expected, re.Pattern):
            assert expected.fullmatch(sentence), sentence
        elif expected is not None:
            assert sentence == expected


def test_the_english_message_names_the_file_for_the_logs():
    error = _refusal(lambda d: detect_and_parse(d, "releve.ofx"),
                     b"OFXHEADER:100\n<OFX>\n</STMTRS>\n</OFX>\n")
    assert str(error) == "releve.ofx: OFX: </STMTRS> at line 3 closes nothing"


def test_an_error_without_a_code_is_shown_by_its_message():
    with translation.override("fr"):
        assert wording.problem(FormatError("something else")) == "something else"


@pytest.mark.parametrize("code", sorted(FILE))
def test_every_whole_file_code_is_raised_by_a_reader(code):
    sources = "".join(p.read_text(encoding="utf-8") for p in SOURCES.rglob("*.py"))
    assert re.search(rf'unreadable\(\s*"{code}"', sources) or f'"{code}" if' in sources


def test_the_cli_says_why_a_file_was_refused_in_french(org, tmp_path):
    bad = tmp_path / "factures.csv"
    bad.write_bytes(b"numero;client\nF-1;C1\n")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="des fichiers ont été refusés"):
        call_command("import", "invoices", str(bad), "--date", "2026-03-16",
                     "--language", "fr", stdout=io.StringIO(), stderr=errors)

    assert errors.getvalue().strip() == (
        f"{bad} : refusé, rien n’a été importé : Colonne(s) manquante(s) : number, "
        "customer_ref, issue_date, due_date, amount. La ligne d’en-tête contient : numero, "
        "client.")


def test_the_cli_says_in_french_why_a_bank_file_is_refused(org, tmp_path):
    empty, notes = tmp_path / "vide.xml", tmp_path / "notes.txt"
    empty.write_bytes(b"")
    notes.write_text("Bonjour\n")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="des fichiers ont été refusés"):
        call_command("import", "bank", str(empty), str(notes), "--date", "2026-03-16",
                     "--language", "fr", stdout=io.StringIO(), stderr=errors)

    assert errors.getvalue().splitlines() == [
        f"{empty} : refusé, rien n’a été importé : Le fichier est vide.",
        f"{notes} : refusé, rien n’a été importé : Ce fichier n’est pas un relevé camt.053, "
        "CFONB 120, OFX ou MT940, et un relevé CSV se lit avec un format CSV bancaire : "
        "définissez-en un avec : relance bank-mapping add."]


def test_a_csv_field_too_long_to_be_a_value_refuses_the_file():
    wide = b"customer_ref;email\n" + b"y" * 131_073 + b";a@b.example\n"
    error = _refusal(lambda d: read_rows(d, ("customer_ref",), "contacts.csv"), wide)
    assert error.code == "unreadable_csv" and error.params["line"] == "2"
