"""Benchmark of the reconciliation matcher against a plain reference look-up.

Generates a synthetic book (by default 1,000,000 open invoices over 100,000 customers)
and 50,000 bank credits, then times on the same lines:

(a) the baseline: split the remittance into tokens and look each up in a dict of
    invoice numbers, the least any tool does;
(b) the whole matcher (``Matcher.match``): references, RF, amounts, subset sums, IBAN
    and payer names, decision and allocation; the candidates and their reasons
    are built when first read, which (b) does not do;
(c) reading every result's candidates and reasons afterwards, as the reconciliation
    service does when it stores them (timed once, apart), and those of the lines sent
    to review only, what a collector opens.

Index building is timed apart for both; each of the ``--repeat`` runs builds its index
afresh and matches cold. Prints lines/second, the ratios (b)/(a) for matching only,
for the index build and for both, the cost of the explanations, the peak resident
memory, and how the matcher's decisions compare with the truth the generator knows.
Run:

    .venv/bin/python bench/bench_matching.py [--invoices N --lines M] [--quick] [--by-kind]
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import resource
import sys
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from relance.core.matching import BankCredit, Matcher, OpenItem, normalize_name  # noqa: E402

SYLLABLES = ("bra", "vel", "nor", "mat", "tec", "lor", "ven", "dis", "cal", "mon", "ter",
             "gal", "pri", "sol", "vix", "dor", "lam", "bel", "sen", "cor", "fil", "mar",
             "tal", "ris", "quo", "zen", "pol", "har", "ket", "sud", "lum", "gre")
TRADES = ("Atelier", "Transports", "Boulangerie", "Garage", "Cabinet", "Menuiserie",
          "Imprimerie", "Pharmacie", "Hôtel", "Société", "Groupe", "Laboratoire")
FORMS = ("SARL", "SAS", "SA", "EURL", "S.A.S.", "")
NOISE_WORDS = ("PRLV", "CB", "REMISE", "CHQ", "INTERETS", "REGUL", "LOYER", "SALAIRE",
               "DIVERS", "AVOIR", "COMMISSION", "VIR", "INST")
KINDS = ("reference", "amount", "several", "fees", "noise")
BASE_DUE = date(2025, 10, 1)
PAID_ON = date(2026, 4, 2)
TOKEN = re.compile(r"[0-9A-Z]+(?:[-/.][0-9A-Z]+)*")


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def make_customers(rng: random.Random, count: int) -> tuple[list[str], dict[str, str]]:
    names = [f"{rng.choice(TRADES)} {pseudo_word(rng)} {pseudo_word(rng)} {rng.choice(FORMS)}"
             .strip() for _ in range(count)]
    ibans = {f"FR76{rng.randrange(10**23):023d}": f"C{n}" for n in range(count)
             if rng.random() < 0.6}
    return names, ibans


def make_book(rng: random.Random, invoices: int, names: list[str],
              ) -> tuple[list[OpenItem], list[list[int]]]:
    dues = [BASE_DUE + timedelta(days=d) for d in range(240)]
    per_customer: list[list[int]] = [[] for _ in names]
    items = []
    for n in range(invoices):
        c = rng.randrange(len(names))
        per_customer[c].append(n)
        currency = "USD" if rng.random() < 0.02 else "EUR"
        balance = Decimal(rng.randint(5_000, 900_000)).scaleb(-2)
        items.append(OpenItem(f"F-2026-{n:07d}", f"C{c}", names[c], currency,
                              rng.choice(dues), balance))
    for indexes in per_customer:
        indexes.sort(key=lambda i: items[i].due)
    return items, per_customer


def payer_name(rng: random.Random, name: str) -> str:
    """How a bank writes the payer: upper case, often another legal form, no accents."""
    words = [w for w in name.upper().replace("Ô", "O").replace("É", "E").split()
             if w not in ("SARL", "SAS", "SA", "EURL", "S.A.S.")]
    return " ".join(words + [rng.choice(("SARL", "SAS", ""))]).strip()


def iban_of(customer: str, by_customer: dict[str, str], rng: random.Random) -> str:
    return by_customer.get(customer, "") if rng.random() < 0.8 else ""


def make_lines(rng: random.Random, count: int, items: list[OpenItem],
               per_customer: list[list[int]], ibans: dict[str, str],
               ) -> list[tuple[str, BankCredit, tuple[str, ...]]]:
    """Lines of five kinds, each with the invoices it truly pays (empty for noise)."""
    iban_by_customer = {c: i for i, c in ibans.items()}
    kinds = ("reference",) * 35 + ("amount",) * 20 + ("several",) * 15 + ("fees",) * 10 \
        + ("noise",) * 20
    lines = []
    for _ in range(count):
        kind = rng.choice(kinds)
        item = items[rng.randrange(len(items))]
        payer = payer_name(rng, item.customer_name)
        iban = iban_of(item.customer_ref, iban_by_customer, rng)
        if kind == "reference":
            text = (f"VIR SEPA /DE {payer} /MOTIF FACTURE {item.invoice_number} "
                    f"/REF {rng.randrange(10**8)}")
            line = BankCredit(item.balance, item.currency, PAID_ON, payer, iban, text)
            truth: tuple[str, ...] = (item.invoice_number,)
        elif kind == "amount":
            line = BankCredit(item.balance, item.currency, PAID_ON, payer, iban, f"VIR {payer}")
            truth = (item.invoice_number,)
        elif kind == "several":
            own = [items[i] for i in per_customer[int(item.customer_ref[1:])]
                   if items[i].currency == "EUR"]
            group = own[:rng.randint(2, 4)]
            total = sum((i.balance for i in group), Decimal(0))
            line = BankCredit(total, "EUR", PAID_ON, payer,
                              iban_by_customer.get(item.customer_ref, ""), "REGLEMENT FACTURES")
            truth = tuple(i.invoice_number for i in group) if len(group) > 1 else ()
        elif kind == "fees":
            fee = Decimal(rng.randint(50, 499)).scaleb(-2)
            fee = min(fee, (item.balance * Decimal("0.02")).quantize(Decimal("0.01")))
            text = f"/INV/{item.invoice_number} FRAIS {payer}"
            line = BankCredit(item.balance - fee, item.currency, PAID_ON, payer, iban, text)
            truth = (item.invoice_number,)
        else:
            text = " ".join(rng.choice(NOISE_WORDS) for _ in range(4)) + f" {rng.randrange(10**6)}"
            line = BankCredit(Decimal(rng.randint(100, 2_000_000)).scaleb(-2), "EUR", PAID_ON,
                              f"{pseudo_word(rng)} {pseudo_word(rng)}".upper(), "", text)
            truth = ()
        lines.append((kind, line, truth))
    return lines


def baseline_index(items: list[OpenItem]) -> dict[str, OpenItem]:
    return {item.invoice_number.upper(): item for item in items}


def baseline(index: dict[str, OpenItem], line: BankCredit) -> list[OpenItem]:
    """Exact-reference look-up only: every token of the text tried as an invoice number."""
    text = f"{line.structured_reference} {line.remittance}".upper()
    return [index[token] for token in TOKEN.findall(text) if token in index]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, work, repeat: int = 1):
    """CPU seconds of ``work``, the fastest of ``repeat`` runs.

    Process CPU time rather than wall time, and the minimum of several runs (as
    ``timeit`` does), so that other jobs on a shared machine disturb the figure least.
    """
    times = []
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    elapsed = min(times)
    print(f"{label:<38} {elapsed:8.2f} s CPU   peak RSS {peak_mb():8.0f} MB"
          + (f"   (best of {repeat})" if repeat > 1 else ""))
    return result, elapsed


def cpu(work):
    """``work()`` and the CPU seconds it took."""
    start = time.process_time()
    result = work()
    return result, time.process_time() - start


def best_runs(label: str, build, match, repeat: int):
    """Build then match ``repeat`` times from scratch, keeping the fastest of each.

    Every run starts cold: a new index, and the matcher's cache of payer names
    emptied, so that no run profits from the work of the one before (the lazily
    sorted customer lists, for instance).
    """
    builds, matches, results = [], [], None
    for _ in range(repeat):
        normalize_name.cache_clear()
        index, seconds = cpu(build)
        builds.append(seconds)
        gc.freeze()  # the index is kept for the run, as the book is
        results, seconds = cpu(lambda index=index: match(index))
        matches.append(seconds)
        del index
    for what, times in (("build", builds), ("match lines", matches)):
        print(f"{label + ': ' + what:<38} {min(times):8.2f} s CPU   peak RSS {peak_mb():8.0f} MB"
              f"   (best of {repeat})")
    return results, min(builds), min(matches)


def explained(results) -> int:
    """Read the candidates and reasons of ``results``, as a collector or the service
    storing them would."""
    return sum(len(result.candidates) + len(result.reasons) for result in results)


def report_explanations(results, full: float, base: float) -> None:
    """Time (c): the explanations, built on first read, of the review lines then of all."""
    count = len(results)
    review = [result for result in results if result.decision == "review"]
    _, for_review = cpu(lambda: explained(review))
    _, for_all = cpu(lambda: explained(results))  # the review ones are read already
    for_all += for_review
    print(f"(c) explanations of the {len(review):,} review lines   {for_review:8.2f} s CPU"
          f"   ratio (b + c)/(a) {(full + for_review) / base:8.2f}")
    print(f"(c) explanations of all {count:,} lines        {for_all:8.2f} s CPU"
          f"   ratio (b + c)/(a) {(full + for_all) / base:8.2f}")


def report_quality(lines, results) -> None:
    table: Counter[tuple[str, str]] = Counter()
    wrong = 0
    for (kind, _, truth), result in zip(lines, results, strict=True):
        table[(kind, result.decision)] += 1
        if result.decision == "auto":
            paid = tuple(number for number, _ in result.allocations)
            wrong += sorted(paid) != sorted(truth)
    print("\ndecisions by kind of line (auto / review / none):")
    for kind in KINDS:
        print(f"  {kind:<10} " + " / ".join(f"{table[(kind, d)]:6d}"
                                            for d in ("auto", "review", "none")))
    autos = sum(n for (_, d), n in table.items() if d == "auto")
    print(f"  automatic matches that differ from the truth: {wrong} of {autos}")


def report_by_kind(lines, build_baseline, build_matcher) -> None:
    """µs a line per kind of line, on a new index of each, matched cold kind by kind:
    where the time goes (one run, so noisier than the ratios above)."""
    normalize_name.cache_clear()
    index, matcher = build_baseline(), build_matcher()
    gc.freeze()
    print("\nµs a line by kind (baseline / matcher):")
    for kind in KINDS:
        mine = [line for k, line, _ in lines if k == kind]
        _, base = cpu(lambda mine=mine: [baseline(index, line) for line in mine])
        _, full = cpu(lambda mine=mine: [matcher.match(line) for line in mine])
        count = max(len(mine), 1)
        print(f"  {kind:<10} {base / count * 1e6:6.1f} / {full / count * 1e6:6.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="10 times smaller")
    parser.add_argument("--seed", type=int, default=20260402)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs, best kept")
    parser.add_argument("--by-kind", action="store_true",
                        help="also time each kind of line apart")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    invoices, count = args.invoices // scale, args.lines // scale
    customers = (args.customers or max(1, args.invoices // 10)) // scale
    rng = random.Random(args.seed)
    print(f"{invoices:,} open invoices, {customers:,} customers, {count:,} bank lines")

    (names, ibans), _ = timed("generate customers", lambda: make_customers(rng, customers))
    (items, per_customer), _ = timed("generate invoices",
                                     lambda: make_book(rng, invoices, names))
    lines, _ = timed("generate bank lines",
                     lambda: make_lines(rng, count, items, per_customer, ibans))

    # A worker that has loaded a book keeps it for the run: take it out of the cyclic
    # garbage collector's sight, or every later allocation pays for rescanning it.
    gc.freeze()
    _, base_build, base = best_runs(
        "(a) baseline", lambda: baseline_index(items),
        lambda index: [baseline(index, line) for _, line, _ in lines], args.repeat)
    results, build, full = best_runs(
        "(b) matcher", lambda: Matcher(items, ibans),
        lambda matcher: [matcher.match(line) for _, line, _ in lines], args.repeat)

    print(f"\n(a) baseline   {count / base:12,.0f} lines/s   {base / count * 1e6:6.1f} µs a line")
    print(f"(b) matcher    {count / full:12,.0f} lines/s   {full / count * 1e6:6.1f} µs a line")
    print(f"ratio (b)/(a), matching only      {full / base:8.2f}")
    print(f"ratio (b)/(a), index build        {build / base_build:8.2f}")
    print(f"ratio (b)/(a), build + matching   {(build + full) / (base_build + base):8.2f}")
    report_explanations(results, full, base)
    print(f"peak RSS       {peak_mb():12,.0f} MB")
    report_quality(lines, results)
    if args.by_kind:
        report_by_kind(lines, lambda: baseline_index(items), lambda: Matcher(items, ibans))


if __name__ == "__main__":
    main()
