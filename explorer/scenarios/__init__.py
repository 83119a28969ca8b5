"""Named scenarios (presets) for every page: plain data, importable without Streamlit.

One module per page (``activations``, ``power``, ``spectra``, ``jacobian``).

Each page's first scenario is its default view, and its values equal the
controls' defaults; the test-suite checks that, and that every scenario runs.
Keys are the control names without the page prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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


from explorer.scenarios.activations import ACTIVATION_SCENARIOS  # noqa: E402
from explorer.scenarios.jacobian import JACOBIAN_SCENARIOS  # noqa: E402
from explorer.scenarios.power import POWER_SCENARIOS  # noqa: E402
from explorer.scenarios.spectra import SPECTRUM_SCENARIOS  # noqa: E402

SCENARIOS_BY_PAGE: dict[str, tuple[Scenario, ...]] = {
    "act": ACTIVATION_SCENARIOS,
    "pm": POWER_SCENARIOS,
    "eig": SPECTRUM_SCENARIOS,
    "jac": JACOBIAN_SCENARIOS,
}
"""Page prefix (see :mod:`explorer.site`) -> its scenarios, first is the default."""
