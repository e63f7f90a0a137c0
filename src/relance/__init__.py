"""Relance: accounts-receivable collection for French SMEs and outsourced finance firms."""

__version__ = "0.1.0"
