"""The API's fixtures: the web pages' two organizations and people, the clock at DAY."""

from tests.web.conftest import clock_at_day, w  # noqa: F401 - pytest fixtures
