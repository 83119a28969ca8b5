"""Element-wise activation functions, their derivatives and Gaussian moments.

Every gradient that flows back through a layer is multiplied by ``diag(f'(z))``,
so the size of ``f'`` decides how much each layer shrinks or stretches it.
This module gives each activation as a pair of vectorised functions
(``f``, ``df``), its sup-derivative ``gamma = sup |f'|`` (the constant in the
bound of Pascanu, Mikolov & Bengio 2013, "On the difficulty of training
recurrent neural networks") and the moments ``E[f'(z)]`` and ``E[f'(z)^2]`` for
Gaussian pre-activations, computed by adaptive quadrature.

All functions are written so that no intermediate overflows: they can be
evaluated at ``x = +-1000`` (or ``+-1e300``) without a floating-point warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import integrate, special

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "activation",
    "derivative_moments",
    "layers_to_reach",
]

ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "identity")
"""Names accepted by :func:`activation`, in display order."""

DEFAULT_LEAKY_SLOPE = 0.01

_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative and sup-derivative.

    Attributes
    ----------
    name : str
        Key from :data:`ACTIVATIONS`.
    label : str
        Human-readable name for legends.
    f, df : callable
        Vectorised ``f(x)`` and ``f'(x)``; accept scalars or arrays, return float arrays.
    gamma : float
        ``sup_x |f'(x)|``, the Lipschitz constant of ``f``.
    gamma_at : float
        A point ``x`` at which ``|f'(x)| = gamma`` (``inf`` when it is only
        approached, as for ReLU where every ``x > 0`` attains it we return 1.0).
    formula : str
        LaTeX for ``f`` and ``f'``.
    kinks : tuple of float
        Points where ``f'`` is discontinuous (used to split quadrature).
    """

    name: str
    label: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    gamma: float
    gamma_at: float
    formula: str
    kinks: tuple[float, ...] = ()


def _as_float(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _sigmoid(x):
    return special.expit(_as_float(x))


def _sigmoid_df(x):
    x = _as_float(x)
    # expit(x) * expit(-x) avoids the cancellation in s * (1 - s) for large x.
    return special.expit(x) * special.expit(-x)


def _tanh(x):
    return np.tanh(_as_float(x))


def _tanh_df(x):
    # 1/cosh^2(x) = 4 e^{-2|x|} / (1 + e^{-2|x|})^2, which never overflows.
    e = np.exp(-2.0 * np.abs(_as_float(x)))
    return 4.0 * e / (1.0 + e) ** 2


def _relu(x):
    return np.maximum(_as_float(x), 0.0)


def _relu_df(x):
    return (_as_float(x) > 0).astype(float)


def _identity(x):
    return _as_float(x) + 0.0


def _identity_df(x):
    return np.ones_like(_as_float(x))


def _gelu(x):
    x = _as_float(x)
    return x * special.ndtr(x)


def _std_normal_pdf(x):
    # exp(-x^2/2) underflows quietly to 0 for |x| > ~38; squaring 1e300 would
    # overflow, so clip first (the pdf is already 0 there).
    x = np.clip(_as_float(x), -1e3, 1e3)
    return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _gelu_df(x):
    x = _as_float(x)
    # d/dx [x Phi(x)] = Phi(x) + x phi(x); x*phi(x) is 0 beyond |x| ~ 40.
    xc = np.clip(x, -1e3, 1e3)
    return special.ndtr(x) + xc * _std_normal_pdf(xc)


# GELU's derivative peaks where phi(x) (2 - x^2) = 0, i.e. at x = sqrt(2).
_GELU_GAMMA = float(special.ndtr(_SQRT2) + _SQRT2 * math.exp(-1.0) / math.sqrt(2.0 * math.pi))


def _leaky(slope: float) -> tuple[Callable, Callable]:
    def f(x):
        x = _as_float(x)
        return np.where(x > 0, x, slope * x)

    def df(x):
        return np.where(_as_float(x) > 0, 1.0, slope)

    return f, df


def activation(name: str, *, slope: float = DEFAULT_LEAKY_SLOPE) -> Activation:
    """Return the :class:`Activation` called ``name``.

    Parameters
    ----------
    name : str
        One of :data:`ACTIVATIONS`.
    slope : float, optional
        Negative-side slope of ``"leaky_relu"`` (ignored otherwise). Must be finite.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If ``name`` is not in :data:`ACTIVATIONS` (the message lists the valid
        names), or ``slope`` is not finite.

    Notes
    -----
    ``gamma = sup |f'|`` is 1/4 for the logistic sigmoid (at 0), 1 for tanh
    (at 0), 1 for ReLU and identity, ``max(1, |slope|)`` for leaky ReLU, and
    ``Phi(sqrt 2) + sqrt 2 * phi(sqrt 2) ~ 1.129`` for the exact GELU
    ``x Phi(x)`` (Hendrycks & Gimpel 2016). Pascanu et al. (2013) use it to
    bound each Jacobian factor of a recurrent network.

    Examples
    --------
    >>> act = activation("sigmoid")
    >>> act.gamma
    0.25
    >>> float(act.df(0.0))
    0.25
    >>> round(activation("gelu").gamma, 6)
    1.128904
    """
    if name == "sigmoid":
        return Activation(
            "sigmoid", "Sigmoid", _sigmoid, _sigmoid_df, 0.25, 0.0,
            r"\sigma(x)=\frac{1}{1+e^{-x}},\quad \sigma'(x)=\sigma(x)\,\bigl(1-\sigma(x)\bigr)",
        )
    if name == "tanh":
        return Activation(
            "tanh", "Tanh", _tanh, _tanh_df, 1.0, 0.0,
            r"\tanh(x),\quad \tanh'(x)=1-\tanh^2(x)",
        )
    if name == "relu":
        return Activation(
            "relu", "ReLU", _relu, _relu_df, 1.0, 1.0,
            r"\max(0,x),\quad \mathbb{1}[x>0]", kinks=(0.0,),
        )
    if name == "leaky_relu":
        slope = float(slope)
        if not math.isfinite(slope):
            raise ValueError(f"slope must be a finite number, got {slope!r}")
        f, df = _leaky(slope)
        gamma = max(1.0, abs(slope))
        return Activation(
            "leaky_relu", "Leaky ReLU", f, df, gamma, 1.0 if gamma == 1.0 else -1.0,
            rf"\max(x,\,{slope:g}x),\quad f'\in\{{{slope:g},\,1\}}", kinks=(0.0,),
        )
    if name == "gelu":
        return Activation(
            "gelu", "GELU", _gelu, _gelu_df, _GELU_GAMMA, _SQRT2,
            r"x\,\Phi(x),\quad \Phi(x)+x\,\varphi(x)",
        )
    if name == "identity":
        return Activation(
            "identity", "Identity", _identity, _identity_df, 1.0, 0.0, r"x,\quad 1",
        )
    raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}")


def derivative_moments(
    name: str, std: float = 1.0, mean: float = 0.0, *, slope: float = DEFAULT_LEAKY_SLOPE
) -> tuple[float, float]:
    """Return ``(E[f'(z)], E[f'(z)^2])`` for ``z ~ N(mean, std^2)``.

    Parameters
    ----------
    name : str
        One of :data:`ACTIVATIONS`.
    std : float, default 1.0
        Standard deviation of the pre-activation; ``std = 0`` gives ``f'(mean)``.
    mean : float, default 0.0
    slope : float, optional
        Negative-side slope for ``"leaky_relu"``.

    Returns
    -------
    (float, float)
        First and second moment of ``f'(z)``.

    Raises
    ------
    ValueError
        If ``std`` is negative or either argument is not finite, or ``name`` is unknown.

    Notes
    -----
    With ``z = mean + std * u`` and ``u ~ N(0, 1)`` the moments are
    ``int g(mean + std u) phi(u) du``. They are evaluated with
    :func:`scipy.integrate.quad` on the two half-lines either side of
    ``u0 = -mean/std``, where every activation here has its kink or the centre
    of its non-linearity, so the adaptive rule never has to find a
    discontinuity or a narrow spike on its own. The relative accuracy is about
    1e-12 in practice. ``E[f'^2]`` sets how the mean squared gradient changes
    per layer in a randomly initialised network (Glorot & Bengio 2010;
    He et al. 2015).

    Examples
    --------
    >>> m1, m2 = derivative_moments("relu")
    >>> round(m1, 12), round(m2, 12)
    (0.5, 0.5)
    """
    act = activation(name, slope=slope)
    std = float(std)
    mean = float(mean)
    if not (math.isfinite(std) and math.isfinite(mean)):
        raise ValueError(f"std and mean must be finite, got std={std!r}, mean={mean!r}")
    if std < 0:
        raise ValueError(f"std must be >= 0, got {std!r}")
    if std == 0.0:
        d = float(act.df(mean))
        return d, d * d

    u0 = -mean / std

    def moment(power: int) -> float:
        def integrand(u: float) -> float:
            return float(act.df(mean + std * u)) ** power * math.exp(-0.5 * u * u)

        total = 0.0
        for lo, hi in ((-math.inf, u0), (u0, math.inf)):
            val, _ = integrate.quad(integrand, lo, hi, epsabs=1e-15, epsrel=1e-13, limit=200)
            total += val
        return total / math.sqrt(2.0 * math.pi)

    return moment(1), moment(2)


def layers_to_reach(factor: float, threshold: float = 1e-6) -> int | None:
    """Smallest depth ``L >= 1`` with ``factor**L <= threshold``.

    Parameters
    ----------
    factor : float
        Per-layer multiplicative factor, ``>= 0``.
    threshold : float, default 1e-6
        Target in ``(0, 1)``.

    Returns
    -------
    int or None
        ``None`` when the factor never gets there (``factor >= 1``).

    Notes
    -----
    Computed in log domain: ``L = ceil(ln threshold / ln factor)``.

    Examples
    --------
    >>> layers_to_reach(0.25)
    10
    >>> layers_to_reach(1.0) is None
    True
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold!r}")
    if factor < 0 or not math.isfinite(factor):
        raise ValueError(f"factor must be finite and >= 0, got {factor!r}")
    if factor == 0.0:
        return 1
    if factor >= 1.0:
        return None
    depth = math.ceil(math.log(threshold) / math.log(factor) - 1e-12)
    return max(depth, 1)
