"""Scenarios of the power-method page (filled in with the page)."""

from explorer.scenarios import Scenario

POWER_SCENARIOS: tuple[Scenario, ...] = ()
