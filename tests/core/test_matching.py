"""Reconciliation: which open invoices a bank credit pays, told as a collector would.

Each book is written as the collector's open-items list: number, customer, customer
name, currency, due date, remaining balance. Expected allocations are computed by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import combinations, islice

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iso11649

from relance.core.ledger import mentions
from relance.core.matching import BankCredit, Matcher, OpenItem, Tolerance, rf_reference
from relance.core.matching.index import BookIndex, name_keys
from relance.core.matching.records import reason
from relance.core.matching.subsets import (
    MAX_FOUND,
    MAX_ITEMS,
    _Bucketed,
    _groups,
    _Pairs,
    subsets_between,
)
from relance.core.matching.text import normalize_name, rf_bodies

D = Decimal
PAID_ON = date(2026, 4, 2)
IBAN_NORD = "FR76 3000 6000 0112 3456 7890 189"
IBAN_SUD = "FR14 2004 1010 0505 0001 3M02 606"


def book(text: str) -> list[OpenItem]:
    """Open items from lines "number | customer | name | currency | due | balance"."""
    items = []
    for row in text.strip().splitlines():
        number, customer, name, currency, due, balance = (c.strip() for c in row.split("|"))
        items.append(OpenItem(number, customer, name, currency, date.fromisoformat(due),
                              D(balance)))
    return items


def credit(amount: str, remittance: str = "", payer: str = "", iban: str = "",
           currency: str = "EUR", structured: str = "") -> BankCredit:
    return BankCredit(D(amount), currency, PAID_ON, payer, iban, remittance, structured)


NORD_AND_SUD = book("""
F-2026-010 | C1 | Atelier Nord SARL | EUR | 2026-02-28 | 1200.00
F-2026-012 | C1 | Atelier Nord SARL | EUR | 2026-03-31 | 1200.00
F-2026-015 | C1 | Atelier Nord SARL | EUR | 2026-04-15 |  480.00
F-2026-011 | C2 | Garage du Sud SAS | EUR | 2026-03-10 |  860.40
""")
IBANS = {IBAN_NORD: "C1", IBAN_SUD: "C2"}


def test_two_invoices_of_the_same_amount_the_quoted_one_is_paid():
    result = Matcher(NORD_AND_SUD, IBANS).match(
        credit("1200.00", "VIR SEPA FACTURE F-2026-012 MERCI", "ATELIER NORD", IBAN_NORD))
    assert result.decision == "auto"
    assert result.allocations == (("F-2026-012", D("1200.00")),)
    assert result.unallocated == 0 and result.write_off == 0
    best, rival = result.candidates[:2]
    assert best.invoices == ("F-2026-012",)
    assert reason("quoted", invoice="F-2026-012") in best.reasons
    assert reason("one_balance") in best.reasons
    assert reason("known_iban") in best.reasons
    assert rival.invoices == ("F-2026-010",) and rival.score < best.score


def test_a_number_glued_to_a_longer_one_is_not_quoted():
    items = book("""
    F-12  | C1 | Atelier Nord | EUR | 2026-03-01 | 100.00
    F-123 | C2 | Garage du Sud | EUR | 2026-03-01 | 250.00
    """)
    result = Matcher(items).match(credit("250.00", "REGLEMENT F-123"))
    assert result.decision == "auto"
    assert result.allocations == (("F-123", D("250.00")),)
    assert all("F-12" not in c.invoices for c in result.candidates)

    alone = Matcher(items[:1]).match(credit("99.00", "REGLEMENT F-123 ET F-124"))
    assert alone.decision == "none" and alone.candidates == ()


def test_one_transfer_paying_three_invoices_from_the_known_account():
    items = book("""
    F-101 | C1 | Atelier Nord | EUR | 2026-01-31 | 100.00
    F-102 | C1 | Atelier Nord | EUR | 2026-02-28 | 250.00
    F-103 | C1 | Atelier Nord | EUR | 2026-03-31 | 400.00
    F-104 | C1 | Atelier Nord | EUR | 2026-04-30 | 1000.00
    """)
    result = Matcher(items, {IBAN_NORD: "C1"}).match(credit("750.00", "VIREMENT", "", IBAN_NORD))
    assert [c.invoices for c in result.candidates] == [("F-101", "F-102", "F-103")]
    assert reason("sum_of_balances", count=3) in result.candidates[0].reasons
    assert result.decision == "auto"
    assert result.allocations == (("F-101", D("100.00")), ("F-102", D("250.00")),
                                  ("F-103", D("400.00")))


def test_bank_fees_within_tolerance_settle_the_invoice():
    items = book("F-7 | C1 | Atelier Nord | EUR | 2026-03-31 | 500.00")
    result = Matcher(items).match(credit("498.00", "FACT F-7", "ATELIER NORD"))
    assert result.decision == "auto"
    assert result.allocations == (("F-7", D("500.00")),)
    assert result.write_off == D("2.00")
    assert result.unallocated == 0
    assert result.candidates[0].amount_gap == D("-2.00")
    assert reason("within_tolerance", currency="EUR", shortfall="2.00") \
        in result.candidates[0].reasons


def test_tolerance_is_judged_on_the_remaining_balance():
    # Invoice of 1000.00 already paid 900.00: 3.00 short is 3 % of the 100.00 left, not 0.3 %.
    items = book("F-8 | C1 | Atelier Nord | EUR | 2026-03-31 | 100.00")
    result = Matcher(items).match(credit("97.00", "SOLDE F-8", "ATELIER NORD"))
    assert result.decision == "auto"
    assert result.allocations == (("F-8", D("97.00")),)
    assert result.write_off == 0


def test_a_short_payment_outside_tolerance_leaves_the_rest_open():
    items = book("F-9 | C1 | Atelier Nord | EUR | 2026-03-31 | 500.00")
    result = Matcher(items, tolerance=Tolerance(D("5.00"), D("0.02"))).match(
        credit("480.00", "ACOMPTE F-9", "ATELIER NORD"))
    assert result.decision == "auto"
    assert result.allocations == (("F-9", D("480.00")),)
    assert result.write_off == 0 and result.unallocated == 0
    assert result.candidates[0].amount_gap == D("-20.00")


def test_a_payment_in_dollars_never_pays_euro_invoices():
    matcher = Matcher(NORD_AND_SUD, IBANS)
    result = matcher.match(credit("1200.00", "INVOICE F-2026-012", "ATELIER NORD", IBAN_NORD,
                                  currency="USD"))
    assert result.decision == "none" and result.candidates == ()
    assert reason("other_currency", invoice="F-2026-012", currency="EUR",
                  line_currency="USD") in result.reasons


def test_payer_name_with_accents_and_legal_form_still_matches():
    assert normalize_name("Société Bréguet & Fils S.A.S.") == "BREGUET FILS"
    items = book("F-31 | C9 | Société Bréguet & Fils S.A.S. | EUR | 2026-03-31 | 640.00")
    result = Matcher(items).match(credit("320.00", "ACOMPTE F-31", "ETS BREGUET ET FILS"))
    assert result.decision == "auto"  # reference and payer agree: a half payment on account
    assert result.allocations == (("F-31", D("320.00")),)
    assert any(r.code == "close_name" and r.params["name"] == "Société Bréguet & Fils S.A.S."
               for r in result.candidates[0].reasons)


def test_an_exact_sum_of_three_rivals_one_invoice_short_by_fees():
    items = book("""
    F-81 | C1 | Atelier Nord | EUR | 2026-01-31 | 3229.99
    F-82 | C1 | Atelier Nord | EUR | 2026-02-28 |  811.74
    F-83 | C1 | Atelier Nord | EUR | 2026-03-31 | 4247.21
    F-84 | C1 | Atelier Nord | EUR | 2026-04-30 | 8293.49
    """)
    # 3229.99 + 811.74 + 4247.21 = 8288.94, and 8293.49 - 8288.94 = 4.55 (within fees)
    result = Matcher(items, {IBAN_NORD: "C1"}).match(credit("8288.94", "VIR", "", IBAN_NORD))
    assert result.decision == "review"
    assert {c.invoices for c in result.candidates} == {("F-81", "F-82", "F-83"), ("F-84",)}


def test_the_same_amount_at_two_customers_goes_to_review():
    items = book("""
    F-41 | C1 | Atelier Nord | EUR | 2026-03-31 | 300.00
    F-42 | C2 | Garage du Sud | EUR | 2026-03-31 | 300.00
    """)
    result = Matcher(items).match(credit("300.00", "VIREMENT", "M DUPONT"))
    assert result.decision == "review"
    assert {(c.customer_ref, c.invoices) for c in result.candidates} == {
        ("C1", ("F-41",)), ("C2", ("F-42",))}
    assert result.allocations == () and result.unallocated == D("300.00")


def test_rf_creditor_reference_round_trip():
    reference = rf_reference("F-2026-012")
    assert iso11649.is_valid(reference)
    assert reference[4:] == "F2026012"
    printed = iso11649.format(reference)  # "RF23 F202 6012", as on the QR code
    assert rf_bodies(f"PAIEMENT {printed} MERCI") == ["F2026012"]
    result = Matcher(NORD_AND_SUD).match(credit("480.00", structured=printed))
    # quoted by RF: F-2026-012 (1200.00) is quoted, the amount is F-2026-015's
    assert result.candidates[0].invoices == ("F-2026-012",)
    assert result.candidates[0].reasons[0] == reason("quoted_rf", invoice="F-2026-012")
    paid = Matcher(NORD_AND_SUD).match(credit("1200.00", structured=printed))
    assert paid.decision == "auto" and paid.allocations == (("F-2026-012", D("1200.00")),)


def test_a_reference_with_wrong_check_digits_is_not_a_reference():
    wrong = "RF99F2026012"
    assert not iso11649.is_valid(wrong)
    result = Matcher(NORD_AND_SUD).match(credit("999.00", structured=wrong))
    assert result.decision == "none"


def test_the_organization_reference_pattern():
    items = book("F-2026-050 | C1 | Atelier Nord | EUR | 2026-03-31 | 75.00")
    matcher = Matcher(items, reference_pattern=r"REF-(?P<number>F\d{7})")
    result = matcher.match(credit("75.00", "NOTRE REF-F2026050"))
    assert result.decision == "auto"
    assert result.allocations == (("F-2026-050", D("75.00")),)


def test_an_over_payment_leaves_the_rest_on_the_customer():
    items = book("F-60 | C1 | Atelier Nord | EUR | 2026-03-31 | 500.00")
    result = Matcher(items, {IBAN_NORD: "C1"}).match(
        credit("650.00", "F-60 ET AVANCE", "", IBAN_NORD))
    assert result.decision == "auto"
    assert result.allocations == (("F-60", D("500.00")),)
    assert result.unallocated == D("150.00")
    assert result.candidates[0].amount_gap == D("150.00")


def test_several_quoted_invoices_form_one_candidate_paid_in_quoted_order():
    result = Matcher(NORD_AND_SUD, IBANS).match(
        credit("1500.00", "FACT F-2026-015 + F-2026-010", "ATELIER NORD"))
    assert result.candidates[0].invoices == ("F-2026-015", "F-2026-010")
    assert result.decision == "auto"
    # quoted order first: 480.00 on F-2026-015, the 1020.00 left on F-2026-010
    assert result.allocations == (("F-2026-015", D("480.00")), ("F-2026-010", D("1020.00")))


def test_a_payment_from_a_known_account_without_any_fit_goes_to_review():
    result = Matcher(NORD_AND_SUD, IBANS).match(credit("1000.00", "VIR", "", IBAN_SUD))
    assert result.decision == "review"
    assert result.candidates[0].invoices == ("F-2026-011",)
    assert result.candidates[0].reasons == (reason("known_iban"),)


def test_payer_found_by_name_alone_is_only_a_proposal():
    result = Matcher(NORD_AND_SUD).match(credit("1680.00", "VIREMENT", "ATELIER DU NORD"))
    assert result.decision == "review"
    assert result.candidates[0].invoices == ("F-2026-010", "F-2026-015")


def test_an_amount_shared_by_many_invoices_says_nothing():
    items = [OpenItem(f"F-{n}", f"C{n}", f"Client {n}", "EUR", date(2026, 3, 1), D("100"))
             for n in range(20)]
    assert Matcher(items).match(credit("100.00", "VIR")).decision == "none"


def test_a_statement_cannot_pay_the_same_invoice_twice():
    items = book("F-70 | C1 | Atelier Nord | EUR | 2026-03-31 | 90.00")
    first, second = Matcher(items).match_all(
        [credit("90.00", "F-70", "ATELIER NORD"), credit("90.00", "F-70", "ATELIER NORD")])
    assert first.decision == "auto"
    assert second.decision == "review" and second.allocations == ()


def test_a_debit_is_not_a_payment():
    assert Matcher(NORD_AND_SUD).match(credit("-1200.00", "F-2026-012")).decision == "none"


# -- invariants over random books ----------------------------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D("2000"), places=2)


@st.composite
def scenarios(draw):
    size = draw(st.integers(1, 8))
    items = [OpenItem(f"F-{n}", f"C{draw(st.integers(1, 3))}", "Client", draw(
        st.sampled_from(["EUR", "USD"])), date(2026, 1, 1 + draw(st.integers(0, 27))),
        draw(amounts)) for n in range(size)]
    quoted = draw(st.lists(st.sampled_from([i.invoice_number for i in items]), max_size=3))
    iban = draw(st.sampled_from(["", IBAN_NORD]))
    line = credit(str(draw(amounts)), " ".join(quoted), "CLIENT", iban,
                  draw(st.sampled_from(["EUR", "USD"])))
    return items, line


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_allocations_never_exceed_a_balance_nor_the_cash(scenario):
    items, line = scenario
    result = Matcher(items, {IBAN_NORD: "C1"}).match(line)
    by_number = {i.invoice_number: i for i in items}
    for number, amount in result.allocations:
        assert 0 < amount <= by_number[number].balance
        assert by_number[number].currency == line.currency
    assert all(by_number[n].currency == line.currency
               for c in result.candidates for n in c.invoices)
    assert 0 <= result.write_off <= D("5.00") and result.unallocated >= 0
    # the fee written off settles what the cash did not: allocated = cash + fee - left over
    assert result.allocated + result.unallocated == line.amount + result.write_off


numbers = st.from_regex(r"[A-Za-z0-9]{1,3}([-/ ][A-Za-z0-9]{1,3}){0,2}", fullmatch=True)
texts = st.text(alphabet="Ff0123-/ é.", max_size=12)


@settings(max_examples=500, deadline=None)
@given(numbers, texts, texts, st.booleans())
def test_quoted_numbers_follow_the_ledger_whole_token_rule(number, before, after, insert):
    text = before + (number.lower() if insert else "") + after
    item = OpenItem(number, "C1", "Client", "EUR", date(2026, 1, 31), D("10"))
    assert (item in BookIndex([item]).mentioned(text)) == mentions(text, number)


# -- the decision taken without explaining it ----------------------------------------
#
# ``Matcher.match`` decides on the evidence that needs no text and scores the payer's
# name only when it could change the decision; ``Matcher.explain`` weighs and explains
# every candidate first. Both must say the same, to the exponent of every amount.

def same_result(fast, full):
    assert (fast.decision, fast.allocations, fast.unallocated, fast.write_off) == (
        full.decision, full.allocations, full.unallocated, full.write_off)
    assert [str(a) for _, a in fast.allocations] == [str(a) for _, a in full.allocations]
    assert (str(fast.unallocated), str(fast.write_off)) == (
        str(full.unallocated), str(full.write_off))
    assert fast == full  # candidates and reasons too, once read


NAMES = ["Atelier Nord SARL", "Atelier du Nord", "Garage du Sud SAS", "Société Bréguet S.A."]
PAYERS = ["ATELIER NORD", "ATELIER DU NORD SAS", "GARAGE SUD", "ETS BREGUET", "M DUPONT", ""]
invoice_numbers = st.one_of(st.from_regex(r"F-2026-0[0-9]{2}", fullmatch=True),
                            st.from_regex(r"FA[0-9]{3}", fullmatch=True),
                            st.from_regex(r"[0-9]{2}/[A-Z]", fullmatch=True))
balances = st.sampled_from([D("100.00"), D("250.00"), D("480.00"), D("500"), D("731.15"),
                            D("1200.00"), D("99.99"), D("150")]) | amounts


@st.composite
def statements(draw):
    numbers = draw(st.lists(invoice_numbers, min_size=1, max_size=9, unique_by=str.upper))
    customers = {f"C{k}": draw(st.sampled_from(NAMES)) for k in range(1, 5)}
    items = [OpenItem(number, ref, customers[ref], currency,
                      date(2026, 1, 1 + draw(st.integers(0, 27))), draw(balances))
             for number in numbers
             for ref in [draw(st.sampled_from(sorted(customers)))]
             for currency in [draw(st.sampled_from(["EUR", "EUR", "USD"]))]]
    ibans = {IBAN_NORD: "C1", IBAN_SUD: draw(st.sampled_from(["C1", "C2", "C3"]))}
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        picked = draw(st.lists(st.sampled_from(items), max_size=3))
        total = sum((item.balance for item in picked), D(0))
        amount = draw(st.sampled_from([total, total - D("2.50"), total + D("10"), D("0")])
                      | amounts) if picked else draw(amounts)
        quoted = draw(st.lists(st.sampled_from(picked), max_size=2)) if picked else []
        words = [item.invoice_number for item in quoted]
        if quoted and draw(st.booleans()):
            words.append(iso11649.format(rf_reference(quoted[0].invoice_number)))
        lines.append(credit(str(amount if amount > 0 else D("0.01")), " ".join(words),
                            draw(st.sampled_from(PAYERS)),
                            draw(st.sampled_from(["", IBAN_NORD, IBAN_SUD])),
                            draw(st.sampled_from(["EUR", "USD"]))))
    tolerance = draw(st.sampled_from([Tolerance(), Tolerance(D("0"), D("0")),
                                      Tolerance(D("20.00"), D("0.05"))]))
    pattern = draw(st.sampled_from([None, r"REF-(?P<number>F\d{7})"]))
    return items, ibans, lines, tolerance, pattern


@settings(max_examples=400, deadline=None)
@given(statements())
def test_the_decision_without_explanation_is_the_explained_one(statement):
    items, ibans, lines, tolerance, pattern = statement
    matcher = Matcher(items, ibans, tolerance=tolerance, reference_pattern=pattern)
    for line in lines:
        same_result(matcher.match(line), matcher.explain(line))
    for fast, full in zip(matcher.match_all(lines), matcher.match_all(lines, explained=True),
                          strict=True):
        same_result(fast, full)


def test_the_explanation_is_computed_when_first_read(monkeypatch):
    matcher = Matcher(NORD_AND_SUD, IBANS)
    explained = []
    explain = matcher.explain
    monkeypatch.setattr(matcher, "explain", lambda line: explained.append(line) or explain(line))
    line = credit("1200.00", "VIR SEPA FACTURE F-2026-012", "ATELIER NORD", IBAN_NORD)
    result = matcher.match(line)
    assert result.decision == "auto" and explained == []  # decided, nothing explained
    assert result.allocations == (("F-2026-012", D("1200.00")),)
    assert result.reasons == (reason("sure", invoices=("F-2026-012",)),)
    assert reason("known_iban") in result.candidates[0].reasons
    assert explained == [line]  # once, for both
    assert result == matcher.explain(line)


def test_the_payers_name_is_scored_only_when_it_can_change_the_decision(monkeypatch):
    from relance.core.matching import engine

    scored = []
    monkeypatch.setattr(engine.fuzz, "token_set_ratio",
                        lambda *args, **kwargs: scored.append(args) or 100.0)
    matcher = Matcher(NORD_AND_SUD, IBANS)
    # quoted and paid in full: 80 points without the name, no rival can reach 65
    assert matcher.match(credit("480.00", "FACT F-2026-015", "ATELIER NORD")).decision == "auto"
    # quoted but paid in part: only a close name makes the candidate strong
    assert matcher.match(credit("100.00", "FACT F-2026-015", "ATELIER NORD")).decision == "auto"
    assert len(scored) == 1


def test_a_quoted_invoice_paid_from_another_customers_account_goes_to_review():
    items = book("""
    F-1 | C1 | Atelier Nord  | EUR | 2026-03-31 | 500.00
    F-2 | C2 | Garage du Sud | EUR | 2026-03-31 | 500.00
    """)
    matcher = Matcher(items, {IBAN_SUD: "C2"})
    # F-1 is quoted and paid (80 points), but the account and the name are Garage du
    # Sud's, whose invoice of the same amount scores 75: too close to choose
    line = credit("500.00", "FACT F-1", "GARAGE DU SUD", IBAN_SUD)
    result = matcher.match(line)
    assert result.decision == "review"
    assert [(c.invoices, c.score) for c in result.candidates] == [(("F-1",), 80),
                                                                  (("F-2",), 75)]
    same_result(result, matcher.explain(line))


def test_a_statement_line_sent_to_review_keeps_its_explanation():
    items = book("F-70 | C1 | Atelier Nord | EUR | 2026-03-31 | 90.00")
    first, second = Matcher(items).match_all(
        [credit("90.00", "F-70", "ATELIER NORD"), credit("90.00", "F-70", "ATELIER NORD")])
    assert second.reasons[0] == reason("already_matched", invoices=("F-70",))
    assert second.reasons[1:] == first.reasons
    assert second.candidates == first.candidates


# -- the subset search -----------------------------------------------------------------
#
# ``subsets_between`` rules most sums out by buckets of the window's width and checks
# the few pairs left; it must give exactly the groups, in exactly the order, that
# trying every combination gives (and the bisection it falls back on).

def every_fitting_group(amounts, low, high):
    """The documented answer, by brute force: pairs by (sum, i, j), triples by
    (k, sum of the pair, i, j), quadruples by (sum of the first two, a, b, sum of
    the last two, c, d); at most four."""
    def total(group):
        return sum(amounts[i] for i in group)

    def key(group):
        return {2: lambda g: (total(g), *g),
                3: lambda g: (g[0], total(g[1:]), *g[1:]),
                4: lambda g: (total(g[:2]), *g[:2], total(g[2:]), *g[2:])}[len(group)](group)

    found = []
    for size in (2, 3, 4):
        found += sorted((group for group in combinations(range(len(amounts)), size)
                         if low <= total(group) <= high), key=key)
    return found[:MAX_FOUND]


cents = st.integers(1, 40) | st.integers(1, 2_000) | st.integers(1, 900_000)


@settings(max_examples=600, deadline=None)
@given(st.lists(cents, max_size=MAX_ITEMS), st.integers(0, 2_000_000),
       st.sampled_from([0, 1, 500, 2_000, 60_000, -1]), st.data())
def test_the_subset_search_finds_every_fitting_group_in_order(amounts, low, width, data):
    if amounts and data.draw(st.booleans()):  # an amount that some group does pay
        picked = data.draw(st.lists(st.sampled_from(range(len(amounts))), min_size=1,
                                    max_size=4, unique=True))
        low = sum(amounts[i] for i in picked) - data.draw(st.integers(0, max(width, 0)))
    high = low + width
    expected = every_fitting_group(amounts, low, high)
    assert subsets_between(amounts, low, high) == expected
    if len(amounts) >= 2:
        assert list(islice(_groups(amounts, _Pairs(amounts), low, high), MAX_FOUND)) == expected


def test_the_subset_search_falls_back_on_bisection_when_buckets_are_crowded():
    # balances of a few cents against a 20.00 tolerance: every sum shares a bucket, and
    # no pair reaches 1.29, so every triple would be checked one by one
    amounts = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67]
    assert _Bucketed(amounts, 129, 2_129).groups(sorted(amounts)) is None
    assert subsets_between(amounts, 129, 2_129) == every_fitting_group(amounts, 129, 2_129)


def test_name_keys_are_sorted_so_the_shortlist_does_not_depend_on_the_hash_seed():
    # Ten "Alpha" and ten "Beta" customers share as many keys with the payer: the
    # shortlist takes the customers of the first key, which must not be the luck of a
    # set's order (it was, under the process's string-hash seed).
    items = [OpenItem(f"F-{n}", f"C{n}", f"{'Alpha' if n < 10 else 'Beta'} Client{n}", "EUR",
                      date(2026, 3, 1), D(100 + n)) for n in range(20)]
    index = BookIndex(items)
    assert name_keys("ALPHA BETA") == ["ALPHA", "BETA", "~ALPH", "~BETA"]
    assert index._shortlist("ALPHA BETA") == [f"C{n}" for n in range(8)]


@st.composite
def transfers_from_a_known_account(draw):
    """A book where the account holder (C1, paying from IBAN_NORD) owes several
    invoices, some of equal or close amounts, and a line quoting nothing whose amount
    is one, or the sum of a few, of them (or short by fees, or matching nothing)."""
    own = draw(st.lists(balances, min_size=1, max_size=8))
    others = draw(st.lists(balances, max_size=3))
    items = [OpenItem(f"F-{n}", "C1", "Atelier Nord", "EUR",
                      date(2026, 1, 1 + draw(st.integers(0, 27))), balance)
             for n, balance in enumerate(own)]
    items += [OpenItem(f"G-{n}", "C2", "Garage du Sud", "EUR", date(2026, 2, 1), balance)
              for n, balance in enumerate(others)]
    picked = draw(st.lists(st.sampled_from(own), min_size=1, max_size=5))
    total = sum(picked, D(0))
    amount = draw(st.sampled_from([total, total - D("2.50"), total - D("0.01"), total + D("1")]))
    return items, credit(str(max(amount, D("0.01"))), "VIREMENT", draw(st.sampled_from(PAYERS)),
                         IBAN_NORD)


@settings(max_examples=400, deadline=None)
@given(transfers_from_a_known_account(),
       st.sampled_from([Tolerance(), Tolerance(D("0"), D("0")), Tolerance(D("20.00"), D("0.05"))]))
def test_a_transfer_from_a_known_account_is_decided_as_explained(scenario, tolerance):
    # the account holder's candidates alone, without weighing names (Matcher.match),
    # must give the decision of the full weighing (Matcher.explain)
    items, line = scenario
    matcher = Matcher(items, {IBAN_NORD: "C1"}, tolerance=tolerance)
    same_result(matcher.match(line), matcher.explain(line))
