"""Server settings read from the environment (the ``GE_*`` variables), in one place.

Each reader falls back to its default on a missing, unparsable or out-of-range
value, so a mistyped variable on a host never stops the server from starting.
The variables themselves are listed in docs/deploy.md.
"""

from __future__ import annotations

import os


def env_int(name: str, default: int, low: int | None = None, high: int | None = None) -> int:
    """The integer in ``name``, or ``default`` if it is missing, not an integer, or outside ``[low, high]``."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    if (low is not None and value < low) or (high is not None and value > high):
        return default
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """The value of ``name`` (case and surrounding spaces ignored) if it is one of ``choices``, else ``default``."""
    value = os.environ.get(name, default).strip().lower()
    return value if value in choices else default
