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

import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy  # scipy.integrate is imported on first use
from scipy import special

from explorer.sim._validate import choice, integer, real

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "DepthFactors",
    "DerivativeHistogram",
    "TanhSigmoidRelation",
    "activation",
    "depth_factors",
    "derivative_histogram",
    "derivative_moments",
    "layers_to_reach",
    "saturation_intervals",
    "tanh_sigmoid_relation",
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

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Hendrycks, D. and Gimpel, K. (2016). Gaussian Error Linear Units (GELUs). arXiv:1606.08415.
    .. [3] LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient BackProp. In Neural
       Networks: Tricks of the Trade, Springer.

    Examples
    --------
    >>> from explorer.sim import activation
    >>> act = activation("sigmoid")
    >>> act.gamma
    0.25
    >>> float(act.df(0.0))
    0.25
    >>> round(activation("gelu").gamma, 6)
    1.128904
    """
    name = choice("name", name, ACTIVATIONS)
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
        slope = real("slope", slope)
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
    raise AssertionError(name)  # pragma: no cover  (choice() above admits only these names)


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
    of its non-linearity (with extra panels of width ``min(1, 10/std)`` beside
    it), so the adaptive rule never has to find a discontinuity or a narrow
    spike on its own. The relative accuracy is about
    1e-12 in practice. ``E[f'^2]`` sets how the mean squared gradient changes
    per layer in a randomly initialised network (Glorot & Bengio 2010;
    He et al. 2015).

    References
    ----------
    .. [1] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [3] LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient BackProp. In Neural
       Networks: Tricks of the Trade, Springer.

    Examples
    --------
    >>> from explorer.sim import derivative_moments
    >>> m1, m2 = derivative_moments("relu")
    >>> round(m1, 12), round(m2, 12)
    (0.5, 0.5)
    """
    act = activation(name, slope=slope)
    std = real("std", std, 0.0)
    mean = real("mean", mean)
    if std == 0.0:
        d = float(act.df(mean))
        return d, d * d

    u0 = -mean / std

    def moment(power: int) -> float:
        def integrand(u: float) -> float:
            return float(act.df(mean + std * u)) ** power * math.exp(-0.5 * u * u)

        # The non-linearity lives in |u - u0| <~ 10/std; give it its own panels.
        c = min(1.0, 10.0 / std)
        cuts = (-math.inf, u0 - c, u0, u0 + c, math.inf)
        total = 0.0
        for lo, hi in itertools.pairwise(cuts):
            with warnings.catch_warnings():
                # QUADPACK flags "roundoff" on GELU with std >~ 100, where the answer is
                # still right to ~1e-14 (tests check the closed form of E[GELU'] there).
                warnings.simplefilter("ignore", scipy.integrate.IntegrationWarning)
                val, _ = scipy.integrate.quad(integrand, lo, hi, epsabs=0.0, epsrel=1e-11, limit=200)
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

    References
    ----------
    .. [1] Nielsen, M. A. (2015). Neural Networks and Deep Learning, ch. 5. Determination Press.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> from explorer.sim import layers_to_reach
    >>> layers_to_reach(0.25)
    10
    >>> layers_to_reach(1.0) is None
    True
    """
    threshold = real("threshold", threshold, 0.0, 1.0, open_low=True, open_high=True)
    factor = real("factor", factor, 0.0)
    if factor == 0.0:
        return 1
    if factor >= 1.0:
        return None
    depth = math.ceil(math.log(threshold) / math.log(factor) - 1e-12)
    return max(depth, 1)


@dataclass(frozen=True)
class DerivativeHistogram:
    """Monte Carlo histogram of ``f'(z)`` for ``z ~ N(mean, std^2)``.

    Attributes
    ----------
    edges : ndarray, shape (bins + 1,)
        Bin edges on the ``f'`` axis.
    fraction : ndarray, shape (bins,)
        Fraction of samples in each bin (sums to 1).
    sample_mean, sample_mean_stderr : float
        Monte Carlo estimate of ``E[f'(z)]`` and its standard error.
    sample_second_moment : float
        Monte Carlo estimate of ``E[f'(z)^2]``.
    n_samples : int
    """

    edges: np.ndarray
    fraction: np.ndarray
    sample_mean: float
    sample_mean_stderr: float
    sample_second_moment: float
    n_samples: int


MAX_SAMPLES = 200_000


def derivative_histogram(
    name: str,
    std: float = 1.0,
    mean: float = 0.0,
    *,
    bins: int = 40,
    n_samples: int = 20_000,
    seed: int = 0,
    slope: float = DEFAULT_LEAKY_SLOPE,
) -> DerivativeHistogram:
    """Sample ``f'(z)``, ``z ~ N(mean, std^2)``, and bin it.

    The sample mean is the simulation that :func:`derivative_moments`
    (quadrature) predicts; the page shows both side by side.

    Parameters
    ----------
    name, std, mean, slope
        As in :func:`derivative_moments`.
    bins : int, default 40
        Number of equal-width bins over ``[min(0, f'), max(f')]``.
    n_samples : int, default 20000
        At most :data:`MAX_SAMPLES`.
    seed : int, default 0

    References
    ----------
    .. [1] Nielsen, M. A. (2015). Neural Networks and Deep Learning, ch. 5. Determination Press.
    .. [2] LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient BackProp. In Neural
       Networks: Tricks of the Trade, Springer.

    Examples
    --------
    >>> from explorer.sim import derivative_histogram
    >>> h = derivative_histogram("relu", n_samples=1000, seed=1)
    >>> round(float(h.fraction.sum()), 12)
    1.0
    """
    act = activation(name, slope=slope)
    n_samples = integer("n_samples", n_samples, 1, MAX_SAMPLES)
    bins = integer("bins", bins, 1, 1000)
    std = real("std", std, 0.0)
    mean = real("mean", mean)
    rng = np.random.default_rng(seed)
    z = mean + std * rng.standard_normal(int(n_samples))
    d = act.df(z)
    lo = min(0.0, float(d.min()))
    hi = max(float(d.max()), lo + 1e-12, act.gamma)
    counts, edges = np.histogram(d, bins=int(bins), range=(lo, hi))
    n = d.size
    stderr = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return DerivativeHistogram(
        edges=edges,
        fraction=counts / n,
        sample_mean=float(d.mean()),
        sample_mean_stderr=stderr,
        sample_second_moment=float(np.mean(d * d)),
        n_samples=n,
    )


@dataclass(frozen=True)
class DepthFactors:
    """How a per-layer derivative factor compounds over depth, in log10.

    Attributes
    ----------
    depth : ndarray of int, shape (max_depth + 1,)
        ``L = 0 .. max_depth``.
    log10_gamma_pow : ndarray
        ``L log10 gamma``: the worst case allowed by ``sup|f'|``.
    log10_mean_pow : ndarray
        ``L log10 E[f']``: the expected product of independent factors.
    log10_rms_pow : ndarray
        ``L log10 sqrt(E[f'^2])``: the root-mean-square factor, which sets how
        gradient norms scale in a randomly initialised network.
    gamma, mean_factor, rms_factor : float
    layers_gamma, layers_mean, layers_rms : int or None
        Depth at which each factor first reaches ``threshold`` (None: never).
    threshold : float
    """

    depth: np.ndarray
    log10_gamma_pow: np.ndarray
    log10_mean_pow: np.ndarray
    log10_rms_pow: np.ndarray
    gamma: float
    mean_factor: float
    rms_factor: float
    layers_gamma: int | None
    layers_mean: int | None
    layers_rms: int | None
    threshold: float


MAX_DEPTH_FACTORS = 10_000


def _log10_pow(factor: float, depth: np.ndarray) -> np.ndarray:
    if factor == 0.0:
        # 0^0 = 1, then exactly zero: -inf has no place in a chart, so callers
        # get NaN-free data by clipping at a floor that is far below any axis.
        out = np.full(depth.shape, -400.0)
        out[depth == 0] = 0.0
        return out
    return depth * math.log10(factor)


def depth_factors(
    name: str,
    std: float = 1.0,
    mean: float = 0.0,
    *,
    max_depth: int = 50,
    threshold: float = 1e-6,
    slope: float = DEFAULT_LEAKY_SLOPE,
) -> DepthFactors:
    """Compound ``gamma``, ``E[f']`` and ``sqrt(E[f'^2])`` over ``L`` layers.

    Notes
    -----
    Back-propagating through ``L`` layers multiplies the gradient by ``L``
    diagonal factors ``f'(z_l)``. ``gamma^L`` bounds their product
    (Pascanu et al. 2013); for independent ``z_l ~ N(mean, std^2)`` the
    product has expectation ``E[f']^L`` and mean square ``E[f'^2]^L``.
    Everything is returned as ``log10`` so that ``0.25^500 = 10^-301`` and
    beyond stay plottable.

    References
    ----------
    .. [1] Nielsen, M. A. (2015). Neural Networks and Deep Learning, ch. 5. Determination Press.
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [3] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> from explorer.sim import depth_factors
    >>> d = depth_factors("sigmoid", max_depth=20)
    >>> d.layers_gamma
    10
    """
    max_depth = integer("max_depth", max_depth, 1, MAX_DEPTH_FACTORS)
    act = activation(name, slope=slope)
    m1, m2 = derivative_moments(name, std, mean, slope=slope)
    mean_factor = abs(m1)
    rms_factor = math.sqrt(m2)
    depth = np.arange(int(max_depth) + 1)
    return DepthFactors(
        depth=depth,
        log10_gamma_pow=_log10_pow(act.gamma, depth),
        log10_mean_pow=_log10_pow(mean_factor, depth),
        log10_rms_pow=_log10_pow(rms_factor, depth),
        gamma=act.gamma,
        mean_factor=mean_factor,
        rms_factor=rms_factor,
        layers_gamma=layers_to_reach(act.gamma, threshold),
        layers_mean=layers_to_reach(mean_factor, threshold),
        layers_rms=layers_to_reach(rms_factor, threshold),
        threshold=threshold,
    )


def saturation_intervals(
    name: str, x_min: float, x_max: float, threshold: float, *, num: int = 4001,
    slope: float = DEFAULT_LEAKY_SLOPE,
) -> list[tuple[float, float]]:
    """Intervals of ``[x_min, x_max]`` where ``|f'(x)| < threshold``.

    Found on a grid of ``num`` points; each interval's ends are grid points
    (accurate to ``(x_max - x_min) / (num - 1)``).

    References
    ----------
    .. [1] LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient BackProp. In Neural
       Networks: Tricks of the Trade, Springer.
    .. [2] Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
       neural networks. AISTATS.

    Examples
    --------
    >>> from explorer.sim import saturation_intervals
    >>> saturation_intervals("relu", -2, 2, 0.5, num=5)
    [(-2.0, 0.0)]
    """
    x_min = real("x_min", x_min)
    x_max = real("x_max", x_max, x_min, open_low=True)
    num = integer("num", num, 2, 100_000)
    x = np.linspace(x_min, x_max, int(num))
    low = np.abs(activation(name, slope=slope).df(x)) < threshold
    intervals: list[tuple[float, float]] = []
    edges = np.flatnonzero(np.diff(low.astype(int)))
    starts = [0] if low[0] else []
    ends: list[int] = []
    for e in edges:
        if low[e + 1]:
            starts.append(e + 1)
        else:
            ends.append(e)
    if low[-1]:
        ends.append(x.size - 1)
    for s, e in zip(starts, ends, strict=True):
        intervals.append((float(x[s]), float(x[e])))
    return intervals


@dataclass(frozen=True)
class TanhSigmoidRelation:
    """Numerical check of ``tanh(x) = 2 sigmoid(2x) - 1`` and its derivative form.

    Attributes
    ----------
    x : ndarray
    tanh, tanh_via_sigmoid : ndarray
        ``tanh(x)`` and ``2 sigmoid(2x) - 1``.
    dtanh, dtanh_via_sigmoid : ndarray
        ``tanh'(x)`` and ``4 sigmoid'(2x)``.
    max_abs_error, max_abs_error_derivative : float
        Largest discrepancy on the grid (rounding level when the identity holds).
    """

    x: np.ndarray
    tanh: np.ndarray
    tanh_via_sigmoid: np.ndarray
    dtanh: np.ndarray
    dtanh_via_sigmoid: np.ndarray
    max_abs_error: float
    max_abs_error_derivative: float


def tanh_sigmoid_relation(x) -> TanhSigmoidRelation:
    """Evaluate both sides of ``tanh(x) = 2 sigmoid(2x) - 1`` on ``x``.

    Notes
    -----
    Differentiating gives ``tanh'(x) = 4 sigmoid'(2x)``: tanh is a sigmoid
    stretched by 2 vertically and squeezed by 2 horizontally, so its
    sup-derivative is ``4 * 1/4 = 1`` and it is centred on zero. Both facts are
    why tanh networks keep gradients alive longer than sigmoid ones
    (LeCun et al. 1998, "Efficient BackProp").

    References
    ----------
    .. [1] LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient BackProp. In Neural
       Networks: Tricks of the Trade, Springer.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import tanh_sigmoid_relation
    >>> r = tanh_sigmoid_relation(np.linspace(-5, 5, 11))
    >>> bool(r.max_abs_error < 1e-15 and r.max_abs_error_derivative < 1e-15)
    True
    """
    x = _as_float(x)
    t = _tanh(x)
    ts = 2.0 * _sigmoid(2.0 * x) - 1.0
    dt = _tanh_df(x)
    dts = 4.0 * _sigmoid_df(2.0 * x)
    return TanhSigmoidRelation(
        x=x, tanh=t, tanh_via_sigmoid=ts, dtanh=dt, dtanh_via_sigmoid=dts,
        max_abs_error=float(np.max(np.abs(t - ts))) if x.size else 0.0,
        max_abs_error_derivative=float(np.max(np.abs(dt - dts))) if x.size else 0.0,
    )
