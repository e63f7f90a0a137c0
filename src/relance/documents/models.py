"""Penalty rates a user added: a semester the packaged table does not have yet.

The official rates ship with Relance (``relance/data/rates.csv``); between two releases a
new semester's rates (published by the ECB and by arrêté in the Journal officiel) can be
added with ``relance rates add``. They are national, so not per organization. Rates are
annual percentages with two decimals, as they are published.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.core.rates import Semester, SemesterRates


class RateOverride(models.Model):
    """One semester's rates, added (or corrected) by a user; it wins over the packaged row."""

    HALVES = [(1, _("January–June")), (2, _("July–December"))]
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField(choices=HALVES)
    ecb_mro = models.DecimalField(max_digits=5, decimal_places=2,
                                  help_text=_("ECB main refinancing rate, percent"))
    legal_other = models.DecimalField(max_digits=5, decimal_places=2,
                                      help_text=_("Legal interest rate, all other cases"))
    legal_private = models.DecimalField(max_digits=5, decimal_places=2,
                                        help_text=_("Legal interest rate, private individuals"))
    source = models.CharField(max_length=300, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "half"],
                                               name="one_rate_override_per_semester")]
        ordering = ["year", "half"]

    def __str__(self) -> str:
        return str(self.semester)

    @property
    def semester(self) -> Semester:
        return Semester(self.year, self.half)

    def as_rates(self) -> SemesterRates:
        return SemesterRates(self.semester, self.ecb_mro, self.legal_other, self.legal_private,
                             self.source)
