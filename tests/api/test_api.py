"""The REST API: what a finance team's own tools do with Relance.

Acme's accountant pulls the aged balance into her spreadsheet every Monday, her ERP
posts the invoices file and the bank statement, and a collector allocates the payment
the matcher could not place: each through the same services as the pages and the
command line, with the same roles.
"""

from __future__ import annotations

import base64
import io
import json

from django.core.management import call_command
from django.test import Client
from django.utils import translation

from relance.ledger.models import BankLine, Invoice
from relance.ledger.reasons import worded
from relance.ledger.services import balance_of
from relance.web.models import ImportRun
from tests.web.builders import PASSWORD

API = "/api/v1"
INVOICES = ("number;customer_ref;issue_date;due_date;amount\n"
            "F-500;C2;2026-03-10;2026-04-09;800,00\n"
            "F-501;C2;31/02/2026;2026-04-09;10\n")


def client(username: str | None, language: str | None = "fr") -> Client:
    headers = {"Accept-Language": language} if language else {}
    if username:
        token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    return Client(headers=headers)


def test_a_caller_is_a_relance_user_and_sees_its_organizations_only(w):
    anonymous = client(None).get(f"{API}/orgs")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith('Basic realm="Relance"')
    assert anonymous.json()["code"] == "unauthorized"
    post = Client(enforce_csrf_checks=True).post(f"{API}/orgs/acme/imports", {"kind": "fec"})
    assert post.status_code == 401  # asked to log in, not refused for a CSRF token
    wrong = Client(headers={"Authorization": "Basic " + base64.b64encode(b"carl:nope").decode()})
    assert wrong.get(f"{API}/orgs").status_code == 401

    answer = client("carl").get(f"{API}/orgs")
    assert answer.status_code == 200
    assert answer.json() == [
        {"slug": "acme", "name": "Acmé Services SAS", "currency": "EUR", "role": "collector"},
        {"slug": "globex", "name": "Globex Conseil", "currency": "EUR", "role": "collector"}]
    assert client("gina").get(f"{API}/orgs/acme/reports/aged").status_code == 404


def test_a_report_is_the_command_line_s_json_document(w):
    answer = client("vera").get(f"{API}/orgs/acme/reports/aged", {"date": "2026-03-16"})
    assert answer.status_code == 200
    out = io.StringIO()
    call_command("report", "aged", "--org", "acme", "--date", "2026-03-16",
                 "--format", "json", stdout=out)
    assert answer.json() == json.loads(out.getvalue())
    rows = {row["customer"]: row for row in answer.json()["rows"]}
    assert rows["C2"]["d1_30"] == "2400.00"  # due 30 days ago; a string, never a float
    for report in ("dso", "forecast"):
        assert client("vera").get(f"{API}/orgs/acme/reports/{report}").status_code == 200


def test_a_report_refuses_a_bad_question_clearly(w):
    vera = client("vera")
    bad = vera.get(f"{API}/orgs/acme/reports/aged", {"currency": "euro"})
    assert bad.status_code == 400
    assert bad.json() == {"code": "bad_input", "message": "devise : euro n’est pas un code "
                                                          "de devise ISO 4217 (EUR, USD, CHF…)"}
    far = vera.get(f"{API}/orgs/acme/reports/forecast", {"date": "9999-12-31"})
    assert far.status_code == 400 and "1900" in far.json()["message"]
    for url, query in ((f"{API}/orgs/acme/reports/aged", {"date": "16/03/2026"}),
                       # not seconds since 1970, as pydantic would read them
                       (f"{API}/orgs/acme/reports/aged", {"date": "0"}),
                       (f"{API}/orgs/acme/reports/aged", {"date": "1773619200"}),
                       (f"{API}/orgs/acme/reports/ageing", {}),
                       (f"{API}/orgs/acme/imports", {"limit": "0"})):
        answer = vera.get(url, query)
        assert answer.status_code == 400 and answer.json()["code"] == "invalid", answer.json()
    forbidden = client("vera").post(f"{API}/orgs/acme/bank-lines/1/allocate", {"invoices": ["F"]},
                                    content_type="application/json")
    assert forbidden.status_code == 403
    assert forbidden.json() == {"code": "forbidden",
                                "message": "il faut le rôle collector ; le vôtre est viewer"}


def test_an_administrator_imports_a_file_and_gets_the_row_report(w):
    def post(username: str, data: str, language: str = "fr"):
        return client(username, language).post(f"{API}/orgs/acme/imports", {
            "kind": "invoices", "file": io.BytesIO(data.encode()) | _named("factures.csv")})

    assert post("vera", INVOICES).status_code == 403  # a viewer reads only
    assert post("carl", INVOICES).status_code == 403  # imports are the administrator's

    answer = post("alice", INVOICES)
    assert answer.status_code == 201
    run = answer.json()
    assert (run["file"], run["kind"], run["origin"], run["user"]) == (
        "factures.csv", "invoices", "api", "alice")
    assert run["counts"] == {"created": 1}
    assert run["rejected"] == [{"line": 3, "column": "issue_date", "problem":
                                "« 31/02/2026 » n’est pas une date au format AAAA-MM-JJ ni "
                                "JJ/MM/AAAA."}]
    assert Invoice.objects.filter(organization=w["acme"], number="F-500").exists()
    assert post("alice", INVOICES, "en").json()["counts"] == {"unchanged": 1}
    listed = client("vera").get(f"{API}/orgs/acme/imports").json()
    assert [(r["id"], r["origin"]) for r in listed][:2] == [
        (run["id"] + 1, "api"), (run["id"], "api")]
    assert client("vera").get(f"{API}/orgs/acme/imports/{run['id']}").json() == run
    assert client("gina").get(f"{API}/orgs/acme/imports/{run['id']}").status_code == 404


def test_the_counts_cover_the_whole_file_beyond_the_rows_kept(w, monkeypatch):
    monkeypatch.setattr("relance.imports.runs.KEPT", 1)
    two = INVOICES.replace("F-501;C2;31/02/2026", "F-501;C2;2026-03-10")
    run = client("alice").post(f"{API}/orgs/acme/imports", {
        "kind": "invoices", "file": io.BytesIO(two.encode()) | _named("factures.csv")}).json()
    assert run["counts"] == {"created": 2}


def test_an_unreadable_file_is_refused_whole_with_why_in_the_caller_s_language(w):
    bad = io.BytesIO(b"number;customer_ref;due_date\nF-1;C1;2026-04-09\n")
    for language, message in (
            ("fr", "Colonne(s) manquante(s) : issue_date, amount. La ligne d’en-tête "
                   "contient : number, customer_ref, due_date."),
            ("en", "Missing column(s): issue_date, amount. The header row has: number, "
                   "customer_ref, due_date.")):
        bad.seek(0)
        answer = client("alice", language).post(f"{API}/orgs/acme/imports", {
            "kind": "invoices", "file": bad | _named("factures.csv")})
        assert answer.status_code == 400
        assert answer.json() == {"code": "missing_columns", "message": message}
    assert not ImportRun.objects.exists()


def test_a_collector_allocates_a_bank_credit_the_matcher_left(w):
    statement = _camt053(amount="300.50", payer="SCI DES TILLEULS", text="VIREMENT MARS")
    alice = client("alice")
    sent = alice.post(f"{API}/orgs/acme/imports", {
        "kind": "bank", "file": io.BytesIO(statement) | _named("releve.xml")})
    assert sent.status_code == 201 and sent.json()["counts"] == {"created": 1}
    line = BankLine.objects.get(organization=w["acme"])
    assert line.status in ("review", "unmatched")
    listed = client("vera").get(f"{API}/orgs/acme/bank-lines", {"status": line.status}).json()
    assert [(item["id"], item["amount"], item["payer"]) for item in listed] == [
        (line.pk, "300.50", "SCI DES TILLEULS")]
    for language in ("fr", "en"):  # the matcher's reasons, in the caller's language
        [item] = client("vera", language).get(f"{API}/orgs/acme/bank-lines",
                                               {"status": line.status}).json()
        shown = item["reasons"] + [r for c in item["candidates"] for r in c["reasons"]]
        with translation.override(language):
            assert shown and shown == [{**r, "message": worded(r)} for r in (
                line.reasons + [r for c in line.candidates for r in c["reasons"]])]

    url = f"{API}/orgs/acme/bank-lines/{line.pk}/allocate"
    assert client("vera").post(url, {"invoices": ["F-101"]},
                               content_type="application/json").status_code == 403
    unknown = client("carl").post(url, {"invoices": ["F-999"]}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "bad_input"
    twice = client("carl").post(url, {"invoices": ["F-101", "F-101"]},
                                content_type="application/json")
    assert twice.status_code == 400
    assert twice.json() == {"code": "bad_input",
                            "message": "factures : F-101 citée plus d’une fois"}
    done = client("carl").post(url, {"invoices": ["F-101"]}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "matched"
    assert balance_of(Invoice.objects.get(organization=w["acme"], number="F-101")) == 0
    # the reasons are the collector's decision now, not the matcher's stale doubts
    assert done.json()["reasons"] == [{"code": "by_hand", "params": {"invoices": "F-101"},
                                       "message": "affectée par un chargé de recouvrement : F-101"}]
    [item] = client("vera", "en").get(f"{API}/orgs/acme/bank-lines", {"status": "matched"}).json()
    assert [r["message"] for r in item["reasons"]] == ["allocated by a collector: F-101"]


def test_the_openapi_schema_and_its_page_are_served_without_a_cdn(w):
    schema = Client().get(f"{API}/openapi.json").json()
    assert {"/api/v1/orgs", "/api/v1/orgs/{slug}/reports/{report}",
            "/api/v1/orgs/{slug}/imports", "/api/v1/orgs/{slug}/bank-lines"} <= set(schema["paths"])
    page = Client().get(f"{API}/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


class _named:
    """``io.BytesIO(data) | _named("file.csv")``: a file with a name, as a form sends it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __ror__(self, data: io.BytesIO) -> io.BytesIO:
        data.name = self.name
        return data


def _camt053(amount: str, payer: str, text: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-14T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-13</Dt></BookgDt><AcctSvcrRef>REF1</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>""".encode()


def test_a_file_over_the_upload_limit_is_refused_before_reading(w, monkeypatch):
    monkeypatch.setattr("relance.api.routes.MAX_UPLOAD", 2**20)
    big = io.BytesIO(b"number;customer_ref;issue_date;due_date;amount\n" + b"x" * 2**20)
    answer = client("alice", "en").post(f"{API}/orgs/acme/imports", {
        "kind": "invoices", "file": big | _named("big.csv")})
    assert answer.status_code == 400
    assert answer.json() == {"code": "too_large",
                             "message": "The file is larger than the limit of 1 MB."}


def test_every_error_is_json_in_the_caller_s_language(w):
    def answer(language: str | None, method: str, url: str, **kwargs):
        return getattr(client("carl", language), method)(url, **kwargs)

    aged = f"{API}/orgs/acme/reports/aged"
    allocate = f"{API}/orgs/acme/bank-lines/1/allocate"
    cases = [  # French without Accept-Language, as the README says
        (("get", aged, {"data": {"date": "abc"}}), 400, "invalid",
         "date : une date au format AAAA-MM-JJ est attendue (2026-03-16), reçu 'abc'",
         "date: expected a day as YYYY-MM-DD (2026-03-16), got 'abc'"),
        (("get", f"{API}/orgs/acme/reports/ageing", {}), 400, "invalid",
         "report : attendu l’une des valeurs : aged, dso, forecast",
         "report: expected one of: aged, dso, forecast"),
        (("get", f"{API}/orgs/acme/imports", {"data": {"limit": "0"}}), 400, "invalid",
         "limit : doit valoir au moins 1", "limit: must be 1 or more"),
        (("get", f"{API}/orgs/acme/imports", {"data": {"limit": "dix"}}), 400, "invalid",
         "limit : un nombre entier est attendu", "limit: expected a whole number"),
        (("get", f"{API}/orgs/acme/bank-lines", {"data": {"status": "done", "limit": "5000"}}),
         400, "invalid", "status : attendu l’une des valeurs : review, unmatched, matched, "
                         "debit ; limit : doit valoir au plus 1000",
         "status: expected one of: review, unmatched, matched, debit; limit: must be 1000 "
         "or less"),
        (("post", allocate, {"data": "{", "content_type": "application/json"}), 400,
         "bad_body", "le corps de la requête n’est pas du JSON valide",
         "the request body is not valid JSON"),
        (("post", allocate, {"data": {"invoices": "F-1"}, "content_type": "application/json"}),
         400, "invalid", "invoices : une liste est attendue", "invoices: expected a list"),
        (("delete", aged, {}), 405, "method_not_allowed",
         "DELETE n’est pas permis à cette adresse ; permis : GET",
         "DELETE is not allowed at this address; allowed: GET"),
        (("get", f"{API}/nope", {}), 404, "not_found",
         "aucune adresse de l’API ne correspond : /api/v1/nope",
         "no such address in the API: /api/v1/nope"),
    ]
    for (method, url, kwargs), status, code, french, english in cases:
        for language, message in ((None, french), ("fr", french), ("en", english)):
            got = answer(language, method, url, **kwargs)
            assert got.status_code == status, (url, got.content)
            assert got["Content-Type"].startswith("application/json")
            assert got.json() == {"code": code, "message": message}, got.json()
    assert answer("en", "delete", aged)["Allow"] == "GET"
    page = Client().get("/o/nope/")  # the pages keep their HTML answers
    assert not page["Content-Type"].startswith("application/json")


def test_a_session_write_without_its_csrf_token_is_refused_in_the_caller_language(w):
    from django.contrib.auth import get_user_model

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(get_user_model().objects.get(username="carl"))
    answer = browser.post(f"{API}/orgs/acme/imports", {"kind": "fec"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "csrf_failed"
    assert answer.json()["message"].startswith("le jeton de sécurité de la session (CSRF)")
