"""A small book of invoices, read as a finance person would, for the document tests.

Atelier Nord SAS (creditor) claims from Boulangerie Martin SARL (a business) on
15 July 2025:

* F-2025-031, 1 200.00 € due 1 June 2025, unpaid;
* F-2025-044, 2 000.00 € due 19 June 2025, 800.00 € paid on 25 June (after the due date).

The delay spans 30 June / 1 July 2025: ECB rate 3.15 % in 2025 H1, 2.15 % in 2025 H2,
plus 10 points. Jean Dupont (a consumer) owes F-2025-051, 350.00 € due 10 June 2025.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.core.rates import load_default
from relance.documents.common import BankDetails, Party, Signatory
from relance.documents.letter import NoticeData, NoticeInvoice
from relance.documents.statement import StatementCredit, StatementData, StatementInvoice

AS_OF = date(2025, 7, 15)
CREDITOR = Party("Atelier Nord SAS", "732829320", "12 rue des Tanneurs\n59000 Lille")
BANK = BankDetails("FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP")
SIGNATORY = Signatory("Claire Martin", "Responsable comptabilité clients")
BUSINESS = Party("Boulangerie Martin SARL", "552100554", "3 place du Marché\n62000 Arras")
CONSUMER = Party("Jean Dupont", "", "8 allée des Tilleuls\n59800 Lille")

UNPAID = NoticeInvoice("F-2025-031", date(2025, 5, 2), date(2025, 6, 1), Decimal("1200.00"),
                       Decimal("1200.00"))
PARTLY_PAID = NoticeInvoice("F-2025-044", date(2025, 5, 20), date(2025, 6, 19),
                            Decimal("2000.00"), Decimal("1200.00"),
                            ((date(2025, 6, 25), Decimal("800.00")),))
CONSUMER_INVOICE = NoticeInvoice("F-2025-051", date(2025, 5, 11), date(2025, 6, 10),
                                 Decimal("350.00"), Decimal("350.00"))


def b2b_notice(language: str = "fr", **changes) -> NoticeData:
    values = dict(creditor=CREDITOR, debtor=BUSINESS, invoices=(UNPAID, PARTLY_PAID),
                  as_of=AS_OF, rates=load_default(), signatory=SIGNATORY, language=language,
                  bank=BANK, reference="MED-C0017-2025-07-15")
    return NoticeData(**(values | changes))


def b2c_notice(language: str = "fr", **changes) -> NoticeData:
    values = dict(creditor=CREDITOR, debtor=CONSUMER, invoices=(CONSUMER_INVOICE,),
                  as_of=AS_OF, rates=load_default(), signatory=SIGNATORY, language=language,
                  bank=BANK, consumer=True, reference="MED-C0021-2025-07-15")
    return NoticeData(**(values | changes))


def statement(language: str = "fr", **changes) -> StatementData:
    """Boulangerie Martin's account: three open invoices, one paid, one issued later,
    a credit note and the rest of a payment not allocated, a payment after the date."""
    invoices = (
        StatementInvoice("F-2025-031", date(2025, 5, 2), date(2025, 6, 1), Decimal("1200.00")),
        StatementInvoice("F-2025-044", date(2025, 5, 20), date(2025, 6, 19), Decimal("2000.00"),
                         ((date(2025, 6, 25), Decimal("800.00")),)),
        StatementInvoice("F-2025-058", date(2025, 7, 1), date(2025, 7, 31), Decimal("500.00")),
        StatementInvoice("F-2025-012", date(2025, 3, 3), date(2025, 4, 2), Decimal("640.00"),
                         ((date(2025, 4, 1), Decimal("640.00")),)),
        StatementInvoice("F-2025-066", date(2025, 7, 20), date(2025, 8, 19), Decimal("90.00")),
    )
    credits = (
        StatementCredit("payment", "VIR-0625", date(2025, 6, 25), Decimal("1000.00"),
                        ((date(2025, 6, 25), Decimal("800.00")),)),
        StatementCredit("credit_note", "AV-2025-003", date(2025, 7, 10), Decimal("150.00")),
        StatementCredit("payment", "VIR-0720", date(2025, 7, 20), Decimal("300.00")),
        StatementCredit("payment", "VIR-0401", date(2025, 4, 1), Decimal("640.00"),
                        ((date(2025, 4, 1), Decimal("640.00")),)),
    )
    values = dict(creditor=CREDITOR, debtor=BUSINESS, as_of=AS_OF, rates=load_default(),
                  invoices=invoices, credits=credits, language=language, bank=BANK)
    return StatementData(**(values | changes))
