"""Constants shared by the simulation modules (one definition each).

``explorer/format.py`` has its own ``LN10`` for text; inside ``explorer.sim``
these are the only ones. ``math.log`` rounds correctly, so both are the
floats nearest to ``ln 2`` and ``ln 10``.
"""

from __future__ import annotations

import math

__all__: list[str] = []  # private: imported by name inside explorer.sim

LN2 = math.log(2.0)
"""``ln 2``: a power-of-two exponent ``e`` is the natural log ``e * LN2``."""

LN10 = math.log(10.0)
"""``ln 10``: divide a natural log by it to get a log10."""
