"""Scenarios of the Jacobian-bound page (filled in with the page)."""

from explorer.scenarios import Scenario

JACOBIAN_SCENARIOS: tuple[Scenario, ...] = ()
