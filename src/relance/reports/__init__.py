"""Cash and collection reporting in the shell: figures read from the database, pages,
exports (CSV, XLSX), charts (SVG), the monthly PDF report and the ``report`` command.

The rules are in :mod:`relance.core.reporting` and :mod:`relance.core.forecast`
(docs/reporting.md); this app only loads, aggregates and renders.
"""
