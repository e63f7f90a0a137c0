"""One contract for every bank statement reader: junk in → FormatError or errors, never a
crash and never a silent partial success; stable keys; detection by content."""

from __future__ import annotations

import hashlib
import random

import pytest

from relance.errors import FormatError
from relance.formats.bank import assign_keys, camt, cfonb120, detect, detect_and_parse, mt940, ofx
from relance.formats.bank.csvbank import make_parser

from .test_camt import BATCH, DEBIT, _statement
from .test_cfonb120 import CLOSING, CREDIT, OPENING
from .test_cfonb120 import DEBIT as CFONB_DEBIT
from .test_csvbank import FRENCH, FRENCH_EXPORT
from .test_mt940 import HAND_BUILT
from .test_ofx import FRENCH_SGML

# A valid small file per reader: truncated, and fed to the other readers.
VALID = {
    "camt": (camt.parse, _statement(BATCH + DEBIT)),
    "cfonb120": (cfonb120.parse,
                 "\n".join([OPENING, CREDIT, CFONB_DEBIT, CLOSING]).encode("ascii")),
    "ofx": (ofx.parse, FRENCH_SGML.encode("cp1252")),
    "mt940": (mt940.parse, HAND_BUILT.encode("ascii")),
    "csv": (make_parser(FRENCH), FRENCH_EXPORT),
}

XML_BOMB = (b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]>'
            b"<Document><BkToCstmrStmt><Stmt>&c;</Stmt></BkToCstmrStmt></Document>")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hosts">]>'
                   b"<Document><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt></BkToCstmrStmt>"
                   b"</Document>")


def _junk() -> list[tuple[str, str, bytes]]:
    noise = random.Random(6).randbytes(4096)
    cases = []
    for kind, (_, valid) in VALID.items():
        cases += [(kind, "empty", b""), (kind, "blank", b" \r\n\n"), (kind, "binary", noise),
                  (kind, "truncated", valid[:len(valid) // 2])]
        cases += [(kind, f"a {other} file", data) for other, (_, data) in VALID.items()
                  if other != kind]
    return cases + [("camt", "entity bomb", XML_BOMB), ("camt", "external entity",
                                                         EXTERNAL_ENTITY)]


@pytest.mark.parametrize(("kind", "what", "data"), _junk(),
                         ids=[f"{k}-{w}" for k, w, _ in _junk()])
def test_junk_is_refused_or_reported(kind, what, data):
    reader = VALID[kind][0]
    try:
        statements, errors = reader(data)
    except FormatError:
        return
    assert errors, f"{kind} accepted {what} without reporting anything"


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid_hand_built_file_reads_without_errors(kind):
    reader, data = VALID[kind]

    statements, errors = reader(data)

    assert errors == []
    assert statements and statements[0].lines


@pytest.mark.parametrize("kind", sorted(VALID))
def test_file_over_the_size_limit_is_refused(kind, monkeypatch):
    monkeypatch.setattr("relance.formats.bank.MAX_BYTES", 100)

    with pytest.raises(FormatError, match="larger than"):
        VALID[kind][0](VALID[kind][1])


def test_key_is_the_documented_hash():
    statements, _ = camt.parse(_statement(BATCH + DEBIT))

    line = statements[0].lines[0]
    text = "FR7630006000011234567890189|2024-03-05|600|EUR|BANK-1|0"
    assert line.key == hashlib.sha256(text.encode()).hexdigest()[:32]


def test_identical_lines_get_successive_occurrences():
    statements, _ = camt.parse(_statement(BATCH + DEBIT + DEBIT, closing="1600.00"))

    first, second = statements[0].lines[2:]
    assert first.key != second.key
    assert assign_keys(statements)[0].lines[3].key == second.key


SAMPLE_FILES = [("camt", name) for name in ("test-camt053", "test-camt053-txdtls",
                                            "test-camt053-no-ntry", "test-camt054")]
SAMPLE_FILES += [("cfonb120", name) for name in ("example.txt", "test_cfonb.txt")]
SAMPLE_FILES += [("ofx", name) for name in ("checking.ofx", "bank_medium.ofx", "suncorp.ofx",
                                            "test_ofx.ofx")]
SAMPLE_FILES += [("mt940", name) for name in ("abnamro.sta", "ing.sta", "sepa_snippet.sta",
                                              "mt940.sta")]


@pytest.mark.samples
@pytest.mark.parametrize(("kind", "name"), SAMPLE_FILES)
def test_every_sample_is_detected_and_keyed_uniquely(samples, kind, name):
    data = (samples / kind / name).read_bytes()

    statements, _ = detect_and_parse(data, name)

    assert detect(data) == kind
    keys = [line.key for statement in statements for line in statement.lines]
    assert len(set(keys)) == len(keys)
    assert all(len(key) == 32 for key in keys)


def test_detection_of_hand_built_files_and_csv_with_mapping():
    assert {kind: detect(data) for kind, (_, data) in VALID.items()} == {
        "camt": "camt", "cfonb120": "cfonb120", "ofx": "ofx", "mt940": "mt940", "csv": None}
    statements, _ = detect_and_parse(FRENCH_EXPORT, "mars.csv", csv_mapping=FRENCH)
    assert len(statements[0].lines) == 3


def test_unknown_file_names_the_file():
    with pytest.raises(FormatError, match="mars.csv"):
        detect_and_parse(FRENCH_EXPORT, "mars.csv")


def test_reader_error_names_the_file():
    with pytest.raises(FormatError, match="releve.xml"):
        detect_and_parse(b"<Document><BkToCstmrStmt>", "releve.xml")
