"""Scenarios of the eigenvalue page (filled in with the page)."""

from explorer.scenarios import Scenario

SPECTRUM_SCENARIOS: tuple[Scenario, ...] = ()
