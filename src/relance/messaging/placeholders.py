"""The variables a message template may use, documented in French and English.

This list is the contract between the renderer and the people who edit templates:
:func:`relance.messaging.render.check_template` rejects any other name, and the
template editor shows these descriptions. Optional values are *absent* when unknown;
a template tests them with ``{% if iban is defined %}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One template variable and what it holds, for the editor's help panel."""

    name: str
    fr: str
    en: str


_ALL = (
    Placeholder("step", "Étape du scénario (courtesy, reminder_1…)",
                "Scenario step (courtesy, reminder_1…)"),
    Placeholder("language", "Langue du message : fr ou en", "Message language: fr or en"),
    Placeholder("organization_name", "Nom de votre société (le créancier)",
                "Your company's name (the creditor)"),
    Placeholder("customer_name", "Raison sociale ou nom du client",
                "Customer's company or personal name"),
    Placeholder("contact_first_name", "Prénom du contact (absent s'il est inconnu)",
                "Contact's first name (absent when unknown)"),
    Placeholder("invoices", "Factures concernées : number, issued, due, amount, balance, "
                "partly_paid", "Invoices concerned: number, issued, due, amount, balance, "
                "partly_paid"),
    Placeholder("invoice", "La première (ou seule) facture de la liste",
                "The first (or only) invoice of the list"),
    Placeholder("invoice_count", "Nombre de factures concernées", "Number of invoices"),
    Placeholder("currency", "Devise (code ISO 4217, ex. EUR)",
                "Currency (ISO 4217 code, e.g. EUR)"),
    Placeholder("total_due", "Total restant dû sur ces factures",
                "Total balance still owed on these invoices"),
    Placeholder("total_claimed", "Total réclamé : restant dû, intérêts et indemnité (B2B)",
                "Total claimed: balance, interest and indemnity (B2B)"),
    Placeholder("signature", "Signataire : name, function, email, phone",
                "Signatory: name, function, email, phone"),
    Placeholder("consumer", "Vrai si le client est un particulier (B2C)",
                "True when the customer is a consumer (B2C)"),
    Placeholder("payment_terms_days", "Délai de paiement convenu, en jours (absent si inconnu)",
                "Agreed payment terms in days (absent when unknown)"),
    Placeholder("late_interest", "Intérêts de retard calculés (absent si non calculés)",
                "Late interest computed (absent when not computed)"),
    Placeholder("indemnity", "Indemnité forfaitaire de recouvrement, 40 € par facture (B2B)",
                "Fixed recovery indemnity, €40 per invoice (B2B)"),
    Placeholder("deadline", "Date limite de paiement de la mise en demeure",
                "Payment deadline given by the formal notice"),
    Placeholder("portal_url", "Lien vers l'espace client (absent s'il n'y en a pas)",
                "Link to the customer portal (absent when none)"),
    Placeholder("iban", "IBAN pour le virement (absent s'il n'est pas renseigné)",
                "IBAN for bank transfers (absent when not set)"),
    Placeholder("copies_attached", "Vrai si la copie des factures est jointe au message",
                "True when the invoices' copies are attached to the message"),
)

PLACEHOLDERS = MappingProxyType({p.name: p for p in _ALL})

# Attributes of the structured placeholders; anything else is reported as unknown.
FIELDS = MappingProxyType({
    "invoice": frozenset({"number", "issued", "due", "amount", "balance", "partly_paid"}),
    "signature": frozenset({"name", "function", "email", "phone"}),
})

# Filters the templates may use besides Jinja's own.
FILTERS = MappingProxyType({
    "money": Placeholder("money", "Montant formaté : 1 234,56 €", "Formatted amount: €1,234.56"),
    "date": Placeholder("date", "Date formatée : 12 mars 2026", "Formatted date: 12 March 2026"),
})
