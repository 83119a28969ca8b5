"""What a scenario is: a named configuration of one page's controls (plain data).

Each page keeps its scenarios in ``explorer/lessons/<page>/scenarios.py``, and
the page registry (:mod:`explorer.app.registry`) points at them. A page's first
scenario is its default view and equals the controls' defaults; the
test-suite checks that, that every scenario runs, and that every published
``?<prefix>_case=<key>`` link still opens its scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CUSTOM = "custom"
"""The picker's value once any control has left the chosen scenario."""


@dataclass(frozen=True)
class Scenario:
    """A named configuration of a page's controls.

    Attributes
    ----------
    key : str
        Value used in the URL.
    label : str
        Text shown in the picker.
    note : str
        One-sentence teaching point shown under the picker.
    values : mapping
        Control name (without the page prefix) -> value.
    """

    key: str
    label: str
    note: str
    values: Mapping[str, Any] = field(default_factory=dict)
