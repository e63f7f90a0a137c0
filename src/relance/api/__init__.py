"""The REST API (django-ninja) under ``/api/v1/``, with its OpenAPI schema.

It calls the same service functions as the pages and the command line: the reports of
``relance report`` (``relance.reports.tables``), the imports of ``relance import``
(``relance.imports.runs``), the reconciliation queue of the review page. A client logs
in as a Relance user, with HTTP Basic authentication (over HTTPS) or the session of the
web pages, and sees only the organizations it is a member of, with its role's rights.
"""
