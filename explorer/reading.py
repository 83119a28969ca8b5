"""What a figure says, as data: the verdict sentence and its tone.

Each page's ``reading.py`` turns typed simulation results into these values
with pure functions (no Streamlit), and the views only lay them out. The tone
is the same :class:`explorer.sim.Regime` that the simulation's summaries
report and that the charts colour by, so "explodes" means one thing
everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.sim import Regime


@dataclass(frozen=True)
class Verdict:
    """The closing sentence of a figure, computed from the numbers on screen.

    Attributes
    ----------
    text : str
        Markdown; always says in words what the tone shows with an icon.
    regime : Regime
        What the numbers do: explodes, vanishes, keeps its size, or is exactly zero.
    """

    text: str
    regime: Regime = Regime.NEUTRAL


def regime_of_rate(log_rate: float, *, tol: float = 1e-9) -> Regime:
    """The regime of a per-step growth rate given as a natural log.

    >>> regime_of_rate(-0.5), regime_of_rate(0.0), regime_of_rate(float("-inf"))
    (<Regime.VANISHES: 'vanishes'>, <Regime.NEUTRAL: 'neutral'>, <Regime.ZERO: 'zero'>)
    """
    if log_rate == float("-inf"):
        return Regime.ZERO
    if log_rate > tol:
        return Regime.EXPLODES
    if log_rate < -tol:
        return Regime.VANISHES
    return Regime.NEUTRAL
