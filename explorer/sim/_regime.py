"""The growth regime: one vocabulary for what a repeated product does."""

from __future__ import annotations

import enum

__all__ = ["Regime"]


class Regime(enum.StrEnum):
    """What a quantity multiplied again and again does in the long run.

    The simulation's summaries (:func:`explorer.sim.bound_summary`,
    :func:`explorer.sim.deep_gradient_summary`) and :func:`explorer.sim.growth_regime`
    report it, the verdicts take their tone from it and the charts colour by
    it, so "explodes" means one thing everywhere. Being a :class:`enum.StrEnum`,
    each member compares equal to its value (``Regime.ZERO == "zero"``).

    Attributes
    ----------
    EXPLODES : "explodes"
        Grows without bound (geometrically, or polynomially on the unit
        circle for a Jordan block).
    VANISHES : "vanishes"
        Shrinks towards zero geometrically.
    NEUTRAL : "neutral"
        Keeps its size: critical, ``|lambda| = 1``, growth rate about 0.
    ZERO : "zero"
        Exactly zero: every path was cut (``σ' = 0``, a nilpotent power).

    Notes
    -----
    A product of ``t`` factors of size about ``a`` behaves like ``a^t``: it
    explodes for ``a > 1`` and vanishes for ``a < 1`` (Pascanu et al. 2013
    [1]_; Goodfellow et al. 2016, §8.2.5 [2]_).

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning.
       MIT Press, §8.2.5 and §10.11.

    Examples
    --------
    >>> from explorer.sim import Regime
    >>> Regime("vanishes") is Regime.VANISHES, str(Regime.EXPLODES)
    (True, 'explodes')
    """

    EXPLODES = "explodes"
    """Grows without bound (geometrically, or polynomially on the unit circle for a Jordan block)."""
    VANISHES = "vanishes"
    """Shrinks towards zero."""
    NEUTRAL = "neutral"
    """Keeps its size: critical, |λ| = 1, growth rate about 0."""
    ZERO = "zero"
    """Exactly zero: every path was cut (σ′ = 0, a nilpotent power)."""
