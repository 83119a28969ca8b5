"""Mean-field theory of signal propagation in deep random networks, and the Jacobian's spectrum.

A deep network with weights ``W^l_ij ~ N(0, sigma_w^2 / width)`` and biases
``b^l_i ~ N(0, sigma_b^2)`` (the convention of
:func:`explorer.sim.deep_network_gradients`) has, when it is wide, Gaussian
pre-activations ``h^l_i`` whose variance ``q^l`` follows the *length map*

    q^l = V(q^{l-1}) = sigma_w^2 E[phi(sqrt(q^{l-1}) z)^2] + sigma_b^2,   z ~ N(0, 1)

(Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli 2016, "Exponential
expressivity in deep neural networks through transient chaos"). Within a few
layers ``q^l`` settles on the fixed point ``q*`` (:func:`q_star`). Back-propagated
gradients then change their mean squared norm by the same factor at every layer,

    chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]                     (:func:`chi1`)

(Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, "Deep information
propagation"): ``chi_1 < 1`` is the *ordered* phase, where gradients vanish
towards the input over about ``xi = 1 / |ln chi_1|`` layers
(:func:`depth_scale`); ``chi_1 > 1`` the *chaotic* phase, where they explode;
and the line ``chi_1 = 1`` (:func:`critical_sigma_w`) is the edge of chaos. For
ReLU ``chi_1 = sigma_w^2 / 2``, so the critical ``sigma_w^2 = 2`` is He et al.
(2015); for tanh at ``sigma_b = 0`` it is ``sigma_w = 1``, Glorot & Bengio
(2010) for square layers.

``chi_1`` fixes only the *mean* of the squared singular values of the
input-output Jacobian. Their *spread* depends on the weights' spectrum:
orthogonal weights can make every singular value close to 1 (dynamical
isometry; Pennington, Schoenholz & Ganguli 2017, "Resurrecting the sigmoid in
deep learning through dynamical isometry"). :func:`jacobian_singular_values`
measures that spectrum on one finite network.

Expectations over ``z ~ N(0, 1)`` are computed two ways. Single values
(:func:`q_star`, :func:`chi1`, :func:`critical_sigma_w`) use adaptive
:func:`scipy.integrate.quad` on panels split at the centre of the
non-linearity (relative accuracy about 1e-11), and :func:`scipy.optimize.brentq`
for the roots. Whole grids (:func:`phase_diagram`, :func:`chi1_curve`) use a
fixed trapezoid rule in ``z`` on ``[-10, 10]`` (:func:`scipy.integrate.trapezoid`, 321 nodes) and
SciPy's vectorised bracketing root finder
(:func:`scipy.optimize.elementwise.find_root`), accurate to about 1e-10 over
``q* <= 10``. ReLU, leaky ReLU and the identity are positively
homogeneous, so their moments have closed forms and need no quadrature.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy  # scipy.integrate and scipy.optimize are imported on first use

from explorer.sim._activations import DEFAULT_LEAKY_SLOPE
from explorer.sim._activations import activation as _activation
from explorer.sim._deep import MAX_DEPTH, MAX_WIDTH, _make_bias, _make_data, _make_layer
from explorer.sim._validate import choice, integer, real

__all__ = [
    "JACOBIAN_INITS",
    "MAX_JACOBIAN_WORK",
    "MAX_MEANFIELD_SIGMA",
    "MEANFIELD_ACTIVATIONS",
    "Chi1Curve",
    "JacobianSpectrum",
    "LayerVariances",
    "PhaseDiagram",
    "chi1",
    "chi1_curve",
    "critical_sigma_w",
    "depth_scale",
    "jacobian_singular_values",
    "jacobian_spectrum",
    "layer_variances",
    "phase_diagram",
    "q_star",
]

MEANFIELD_ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "identity", "sigmoid", "leaky_relu")
"""Activations with a single attracting fixed point of the length map (or none, where ``q`` grows without bound).

GELU is left out: for ``2 < sigma_w^2 < 4`` and ``sigma_b = 0`` both ``q = 0``
and ``q = inf`` attract, so "the" fixed point depends on the input.
"""

MAX_MEANFIELD_SIGMA = 100.0
"""Largest ``sigma_w`` and ``sigma_b`` accepted by the mean-field functions."""

JACOBIAN_INITS: tuple[str, ...] = ("gaussian", "orthogonal")
"""Weight families accepted by :func:`jacobian_singular_values`."""

MAX_JACOBIAN_WORK = 2**31
"""Largest ``depth * width**3`` accepted by the Jacobian functions (about 1 s of CPU here)."""

_HOMOGENEOUS = frozenset({"relu", "leaky_relu", "identity"})
# Grids integrate over z with the trapezoid rule on [-10, 10] (scipy.integrate.trapezoid): for integrands
# analytic in a strip |Im z| < d it converges like exp(-2 pi d / h), and tanh(sqrt(q) z) has its nearest
# poles at d = pi / (2 sqrt q), so h = 1/16 gives about 1e-12 up to q ~ 10 (Trefethen & Weideman 2014).
_GRID_NODES = np.linspace(-10.0, 10.0, 321)
_GRID_STEP = float(_GRID_NODES[1] - _GRID_NODES[0])
_GRID_PDF = np.exp(-0.5 * _GRID_NODES**2) / math.sqrt(2.0 * math.pi)
_MARGINAL = 1e-12  # |sigma_w^2 c - 1| below this: a homogeneous net sits exactly on the critical line


def _find_root(*args, **kwargs):
    """:func:`scipy.optimize.elementwise.find_root`, imported on first use."""
    from scipy.optimize import elementwise

    return elementwise.find_root(*args, **kwargs)


# --------------------------------------------------------------------------- validation


def _check(activation, sigma_w, sigma_b) -> tuple[str, float, float]:
    name = choice("activation", activation, MEANFIELD_ACTIVATIONS)
    sigma_w = real("sigma_w", sigma_w, 0.0, MAX_MEANFIELD_SIGMA)
    sigma_b = real("sigma_b", sigma_b, 0.0, MAX_MEANFIELD_SIGMA)
    return name, sigma_w, sigma_b


def _homogeneous_moment(name: str) -> float:
    """``E[phi(z)^2] = E[phi'(z)^2]`` for ``z ~ N(0, 1)`` and a positively homogeneous ``phi``."""
    if name == "identity":
        return 1.0
    slope = 0.0 if name == "relu" else DEFAULT_LEAKY_SLOPE
    return 0.5 * (1.0 + slope * slope)


# --------------------------------------------------------------------------- single values (quad + brentq)


def _tanh_d(x: float) -> float:
    e = math.exp(-2.0 * abs(x))
    return 4.0 * e / (1.0 + e) ** 2


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _sigmoid_d(x: float) -> float:
    e = math.exp(-abs(x))
    return e / (1.0 + e) ** 2


# Scalar phi and phi' for the quadrature callbacks (the vectorised ones cost ~5 us per scalar call).
_SCALAR = {"tanh": (math.tanh, _tanh_d), "sigmoid": (_sigmoid, _sigmoid_d)}


def _moment(name: str, q: float, *, derivative: bool = False, scaled: bool = False) -> float:
    """``E[phi(sqrt(q) z)^2]`` (``derivative``: of ``phi'``; ``scaled``: divided by ``q``) by adaptive quadrature."""
    g = _SCALAR[name][1 if derivative else 0]
    s = math.sqrt(q)
    norm = s if scaled else 1.0

    def integrand(u: float) -> float:
        v = g(s * u) / norm
        return v * v * math.exp(-0.5 * u * u)

    c = min(1.0, 10.0 / s) if s > 0 else 1.0
    total = 0.0
    for lo, hi in itertools.pairwise((-math.inf, -c, 0.0, c, math.inf)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", scipy.integrate.IntegrationWarning)
            val, _ = scipy.integrate.quad(integrand, lo, hi, epsabs=0.0, epsrel=1e-12, limit=200)
        total += val
    return total / math.sqrt(2.0 * math.pi)


def _second_moment(name: str, q: float, *, scaled: bool = False) -> float:
    return _moment(name, q, scaled=scaled)


def _q_star(name: str, sigma_w: float, sigma_b: float) -> float:
    sw2, sb2 = sigma_w * sigma_w, sigma_b * sigma_b
    if sw2 == 0.0:
        return sb2
    if name in _HOMOGENEOUS:
        gain = sw2 * _homogeneous_moment(name)
        if abs(gain - 1.0) <= _MARGINAL:
            return 0.0 if sb2 == 0.0 else math.inf
        return sb2 / (1.0 - gain) if gain < 1.0 else math.inf
    top = sw2 + sb2  # |phi| <= 1 for tanh and the sigmoid, so V(q) <= sigma_w^2 + sigma_b^2
    if name == "tanh":
        # In the ratio form r(q) = V(q)/q - 1 the root q = 0 of V(q) - q drops out.
        def r(q: float) -> float:
            return sw2 * _second_moment(name, q, scaled=True) + sb2 / q - 1.0

        if sw2 < 1.0 and sb2 < 1e-12 * (1.0 - sw2):
            # q* < 1e-12: tanh is linear there to relative O(q*), so the identity's closed form is exact.
            return sb2 / (1.0 - sw2)
        if sb2 == 0.0:
            if sw2 <= 1.0:
                return 0.0  # tanh(x)^2 < x^2: V(q) < q for every q > 0, so q -> 0
            low = 1e-3 * (sw2 - 1.0) / (2.0 * sw2)  # the root is near (sigma_w^2 - 1) / (2 sigma_w^2)
        else:
            low = sb2  # V(q) >= sigma_b^2
        if r(top) >= 0.0:
            return top
        return scipy.optimize.brentq(r, low, top, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=200)

    def g(q: float) -> float:
        return sw2 * _second_moment(name, q) + sb2 - q

    return scipy.optimize.brentq(g, 0.0, top, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=200)


def q_star(activation: str, sigma_w: float, sigma_b: float) -> float:
    """Fixed point ``q*`` of the length map ``q -> sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2``.

    Parameters
    ----------
    activation : str
        One of :data:`MEANFIELD_ACTIVATIONS`.
    sigma_w : float
        Weight scale, ``W_ij ~ N(0, sigma_w^2 / width)``; ``0 <= sigma_w <= MAX_MEANFIELD_SIGMA``.
    sigma_b : float
        Bias standard deviation, ``b_i ~ N(0, sigma_b^2)``; same range.

    Returns
    -------
    float
        The variance of the pre-activations that a deep, wide network settles
        on: the attracting fixed point. ``0`` where zero attracts (tanh with
        ``sigma_b = 0`` and ``sigma_w <= 1``; a homogeneous activation with
        ``sigma_b = 0`` below the critical line, or exactly on it, where every
        ``q`` is a fixed point and the input's variance is kept). ``math.inf``
        where the variance grows without bound (ReLU, leaky ReLU or identity on
        or above the critical line with ``sigma_b > 0``, or above it).

    Raises
    ------
    ValueError
        If ``activation`` is not in :data:`MEANFIELD_ACTIVATIONS`, or a sigma is
        negative, not finite or too large; the message names the argument.

    Notes
    -----
    With ``z ~ N(0, 1)`` the map is ``V(q) = sigma_w^2 E[phi(sqrt(q) z)^2] +
    sigma_b^2`` (Poole et al. 2016, eq. 3). For ReLU ``E[phi(sqrt(q) z)^2] =
    q/2``, so ``q* = sigma_b^2 / (1 - sigma_w^2/2)``; for the identity
    ``q* = sigma_b^2 / (1 - sigma_w^2)``. For tanh and the sigmoid ``V`` is
    increasing and bounded by ``sigma_w^2 + sigma_b^2``, so its one crossing
    with the diagonal is bracketed and found by :func:`scipy.optimize.brentq`
    (for tanh in the ratio form ``V(q)/q = 1``, which removes the root at
    ``q = 0``). Expectations by :func:`scipy.integrate.quad`; relative accuracy
    about 1e-10.

    References
    ----------
    .. [1] Poole, B., Lahiri, S., Raghu, M., Sohl-Dickstein, J. and Ganguli, S. (2016). Exponential
       expressivity in deep neural networks through transient chaos. NeurIPS.
    .. [2] Schoenholz, S. S., Gilmer, J., Ganguli, S. and Sohl-Dickstein, J. (2017). Deep information
       propagation. ICLR.

    Examples
    --------
    >>> from explorer.sim import q_star
    >>> q_star("relu", 1.0, 0.5)   # 0.25 / (1 - 1/2)
    0.5
    >>> q_star("tanh", 0.9, 0.0)
    0.0
    >>> round(q_star("tanh", 1.5, 0.3), 6)
    0.960844
    """
    name, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    return float(_q_star(name, sigma_w, sigma_b))


def _chi1(name: str, sigma_w: float, sigma_b: float) -> float:
    sw2 = sigma_w * sigma_w
    if name in _HOMOGENEOUS:
        return sw2 * _homogeneous_moment(name)
    q = _q_star(name, sigma_w, sigma_b)
    return sw2 * _moment(name, q, derivative=True)


def chi1(activation: str, sigma_w: float, sigma_b: float) -> float:
    """Per-layer factor ``chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]`` of the mean squared gradient.

    Parameters
    ----------
    activation, sigma_w, sigma_b
        As in :func:`q_star`.

    Returns
    -------
    float
        ``E||delta^l||^2 / E||delta^{l+1}||^2`` in a deep, wide random network
        at its fixed point: below 1 gradients vanish towards the input (ordered
        phase), above 1 they explode (chaotic phase). ReLU gives exactly
        ``sigma_w^2 / 2``, the identity ``sigma_w^2``, leaky ReLU
        ``sigma_w^2 (1 + s^2) / 2`` with its slope ``s = 0.01``.

    Raises
    ------
    ValueError
        As :func:`q_star`.

    Notes
    -----
    Back-propagation multiplies by ``D^l (W^{l+1})^T`` per layer; averaged over
    the random weights the squared norm is multiplied by ``sigma_w^2`` times the
    mean of ``phi'(h)^2`` over ``h ~ N(0, q*)`` (Schoenholz et al. 2017, eq. 5;
    Poole et al. 2016). The norm itself changes by ``sqrt(chi_1)`` per layer.
    The moment is the one :func:`explorer.sim.derivative_moments` computes.

    References
    ----------
    .. [1] Schoenholz, S. S., Gilmer, J., Ganguli, S. and Sohl-Dickstein, J. (2017). Deep information
       propagation. ICLR.
    .. [2] Poole, B., Lahiri, S., Raghu, M., Sohl-Dickstein, J. and Ganguli, S. (2016). Exponential
       expressivity in deep neural networks through transient chaos. NeurIPS.
    .. [3] He, K., Zhang, X., Ren, S. and Sun, J. (2015). Delving deep into rectifiers: surpassing
       human-level performance on ImageNet classification. ICCV.

    Examples
    --------
    >>> from explorer.sim import chi1
    >>> chi1("relu", 1.0, 0.7)
    0.5
    >>> round(chi1("tanh", 1.5, 0.3), 4)
    1.061
    """
    name, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    return float(_chi1(name, sigma_w, sigma_b))


def critical_sigma_w(activation: str, sigma_b: float) -> float:
    """The ``sigma_w`` on the edge of chaos ``chi_1 = 1`` for a given ``sigma_b``.

    Parameters
    ----------
    activation : str
        One of :data:`MEANFIELD_ACTIVATIONS`.
    sigma_b : float
        Bias standard deviation, ``0 <= sigma_b <= MAX_MEANFIELD_SIGMA``.

    Returns
    -------
    float
        ``sqrt 2`` for ReLU (He et al. 2015) and ``1`` for the identity,
        whatever ``sigma_b``; for tanh ``1`` at ``sigma_b = 0`` (Glorot & Bengio
        2010 for square layers), rising with ``sigma_b``.

    Raises
    ------
    ValueError
        As :func:`q_star`, or if no ``sigma_w <= MAX_MEANFIELD_SIGMA`` is critical.

    Notes
    -----
    On the line ``q* = sigma_w^2 E[phi^2] + sigma_b^2`` and ``sigma_w^2 E[phi'^2] = 1``
    hold together, so ``q*`` solves ``E[phi^2]/E[phi'^2] + sigma_b^2 = q`` (bracketed by
    doubling, :func:`scipy.optimize.brentq`) and ``sigma_w = E[phi'^2]^(-1/2)``
    (Schoenholz et al. 2017, Fig. 1). The sigmoid's ``phi' <= 1/4`` puts its
    critical ``sigma_w`` above 4.

    References
    ----------
    .. [1] Schoenholz, S. S., Gilmer, J., Ganguli, S. and Sohl-Dickstein, J. (2017). Deep information
       propagation. ICLR.
    .. [2] Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
       neural networks. AISTATS.
    .. [3] He, K., Zhang, X., Ren, S. and Sun, J. (2015). Delving deep into rectifiers: surpassing
       human-level performance on ImageNet classification. ICCV.

    Examples
    --------
    >>> from explorer.sim import critical_sigma_w
    >>> critical_sigma_w("relu", 0.3) == 2 ** 0.5, critical_sigma_w("tanh", 0.0)
    (True, 1.0)
    >>> round(critical_sigma_w("tanh", 0.3), 4)
    1.3956
    """
    name, _, sigma_b = _check(activation, 1.0, sigma_b)
    if name in _HOMOGENEOUS:
        return float(math.sqrt(1.0 / _homogeneous_moment(name)))
    if name == "tanh" and sigma_b == 0.0:
        return 1.0
    # On the line both q = sigma_w^2 m(q) + sigma_b^2 and sigma_w^2 d(q) = 1 hold (m = E[phi^2], d = E[phi'^2]),
    # so q solves m(q)/d(q) + sigma_b^2 - q = 0 and sigma_w = 1/sqrt(d(q)): one root instead of nested ones.
    sb2 = sigma_b * sigma_b

    def g(q: float) -> float:
        return _moment(name, q) / _moment(name, q, derivative=True) + sb2 - q

    low, high = max(sb2, 1e-12), max(2.0 * sb2, 1.0)
    while g(high) > 0.0:
        low, high = high, 2.0 * high
        if high > 4.0 * MAX_MEANFIELD_SIGMA**2:
            raise ValueError(f"sigma_b = {sigma_b:g} has no critical sigma_w <= {MAX_MEANFIELD_SIGMA:g} for {name}")
    q = scipy.optimize.brentq(g, low, high, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=200)
    sigma_w = 1.0 / math.sqrt(_moment(name, q, derivative=True))
    if sigma_w > MAX_MEANFIELD_SIGMA:
        raise ValueError(f"sigma_b = {sigma_b:g} has no critical sigma_w <= {MAX_MEANFIELD_SIGMA:g} for {name}")
    return float(sigma_w)


def depth_scale(activation: str, sigma_w: float, sigma_b: float) -> float:
    """Depth scale ``xi = 1 / |ln chi_1|``: layers over which the squared gradient changes by a factor e.

    Parameters
    ----------
    activation, sigma_w, sigma_b
        As in :func:`q_star`.

    Returns
    -------
    float
        ``math.inf`` on the critical line, ``0`` where ``chi_1 = 0``.

    Notes
    -----
    ``E||delta^l||^2 ~ chi_1^(L-l) = exp(-(L-l)/xi)`` below the critical line
    and ``exp(+(L-l)/xi)`` above it. Schoenholz et al. (2017) find that networks
    train only when their depth is at most a few ``xi``.

    References
    ----------
    .. [1] Schoenholz, S. S., Gilmer, J., Ganguli, S. and Sohl-Dickstein, J. (2017). Deep information
       propagation. ICLR.

    Examples
    --------
    >>> from explorer.sim import depth_scale
    >>> round(depth_scale("relu", 1.0, 0.0), 4)   # 1 / ln 2
    1.4427
    >>> depth_scale("relu", 2 ** 0.5, 0.0) > 1e12
    True
    """
    name, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    c = _chi1(name, sigma_w, sigma_b)
    if c == 0.0:
        return 0.0
    log_c = abs(math.log(c))
    return math.inf if log_c == 0.0 else 1.0 / log_c


# --------------------------------------------------------------------------- grids (fixed trapezoid rule, vectorised)


def _gh_mean(values: np.ndarray) -> np.ndarray:
    """``E[g(z)]`` from ``g`` at the grid nodes along the last axis."""
    return scipy.integrate.trapezoid(values * _GRID_PDF, dx=_GRID_STEP, axis=-1)


def _grid_q_star(name: str, sw2: np.ndarray, sb2: np.ndarray) -> np.ndarray:
    """Vectorised :func:`q_star` for tanh and the sigmoid (arrays broadcast together)."""
    sw2, sb2 = np.broadcast_arrays(np.asarray(sw2, dtype=float), np.asarray(sb2, dtype=float))
    act = _activation(name)
    top = sw2 + sb2
    if name == "tanh":
        zero = (sb2 == 0.0) & (sw2 <= 1.0)
        low = np.where(sb2 > 0.0, sb2, 1e-3 * np.abs(sw2 - 1.0) / (2.0 * np.maximum(sw2, 1e-300)))
        low = np.where(zero, 0.5 * top, np.minimum(low, 0.5 * top))

        def r(q, sw2, sb2):
            s = np.sqrt(q)[..., None]
            m = _gh_mean((act.f(s * _GRID_NODES) / s) ** 2)
            return sw2 * m + sb2 / q - 1.0

        fixed = ~zero & (sw2 > 0.0)
        out = np.where(sw2 > 0.0, sb2, 0.0)
        if np.any(fixed):
            res = _find_root(r, (low[fixed], top[fixed]), args=(sw2[fixed], sb2[fixed]),
                                        tolerances={"xrtol": 1e-13, "xatol": 1e-300})
            out = out.copy()
            out[fixed] = res.x
        return np.where(zero, 0.0, out)

    def g(q, sw2, sb2):
        s = np.sqrt(q)[..., None]
        return sw2 * _gh_mean(act.f(s * _GRID_NODES) ** 2) + sb2 - q

    res = _find_root(g, (np.zeros_like(top), np.maximum(top, 1e-300)), args=(sw2, sb2),
                                tolerances={"xrtol": 1e-13, "xatol": 1e-300})
    return np.where(top > 0.0, res.x, 0.0)


def _grid_chi1(name: str, sw2: np.ndarray, sb2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(q*, chi_1)`` over broadcast arrays of ``sigma_w^2`` and ``sigma_b^2``."""
    sw2, sb2 = np.broadcast_arrays(np.asarray(sw2, dtype=float), np.asarray(sb2, dtype=float))
    if name in _HOMOGENEOUS:
        c = _homogeneous_moment(name)
        gain = sw2 * c
        with np.errstate(divide="ignore"):
            q = np.where(gain < 1.0, sb2 / np.where(gain < 1.0, 1.0 - gain, 1.0), np.inf)
        q = np.where((np.abs(gain - 1.0) <= _MARGINAL) & (sb2 == 0.0), 0.0, q)
        return q, gain
    q = _grid_q_star(name, sw2, sb2)
    act = _activation(name)
    d = act.df(np.sqrt(q)[..., None] * _GRID_NODES)
    return q, sw2 * _gh_mean(d * d)


@dataclass(frozen=True, eq=False)
class PhaseDiagram:
    """``q*`` and ``chi_1`` over a grid of ``(sigma_w^2, sigma_b^2)``, with the critical line.

    Attributes
    ----------
    activation : str
    sigma_w2 : ndarray, shape (nw,)
        Grid of ``sigma_w^2`` (columns).
    sigma_b2 : ndarray, shape (nb,)
        Grid of ``sigma_b^2`` (rows).
    q_star : ndarray, shape (nb, nw)
        Fixed point per cell (``inf`` where the variance grows without bound).
    log_chi1 : ndarray, shape (nb, nw)
        ``ln chi_1`` per cell (``-inf`` where ``chi_1 = 0``).
    critical_sigma_w2 : ndarray, shape (nb,)
        ``sigma_w^2`` with ``chi_1 = 1`` on each row (NaN where it lies outside the grid).
    """

    activation: str
    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    q_star: np.ndarray
    log_chi1: np.ndarray
    critical_sigma_w2: np.ndarray


MAX_GRID_CELLS = 20_000


def phase_diagram(activation: str, sigma_w2, sigma_b2) -> PhaseDiagram:
    """``chi_1`` over a grid of ``(sigma_w^2, sigma_b^2)``: the ordered and chaotic phases.

    Parameters
    ----------
    activation : str
        One of :data:`MEANFIELD_ACTIVATIONS`.
    sigma_w2, sigma_b2 : array_like, 1-D
        Increasing grids of ``sigma_w^2 >= 0`` and ``sigma_b^2 >= 0``, at most
        ``MAX_MEANFIELD_SIGMA**2``; at most 20,000 cells in all.

    Returns
    -------
    PhaseDiagram

    Raises
    ------
    ValueError
        For an unknown activation, or grids that are not 1-D, non-negative,
        increasing and small enough.

    Notes
    -----
    Vectorised: the trapezoid rule in ``z`` (321 nodes on ``[-10, 10]``) and
    :func:`scipy.optimize.elementwise.find_root` for ``q*`` in every cell at
    once, then ``chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]``. The critical line
    is found per row by the same root finder on ``ln chi_1(sigma_w^2)``
    (Poole et al. 2016, Fig. 1; Schoenholz et al. 2017, Fig. 1).

    References
    ----------
    .. [1] Poole, B., Lahiri, S., Raghu, M., Sohl-Dickstein, J. and Ganguli, S. (2016). Exponential
       expressivity in deep neural networks through transient chaos. NeurIPS.
    .. [2] Schoenholz, S. S., Gilmer, J., Ganguli, S. and Sohl-Dickstein, J. (2017). Deep information
       propagation. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import phase_diagram
    >>> d = phase_diagram("tanh", np.linspace(0.5, 4, 8), np.linspace(0, 0.5, 3))
    >>> d.log_chi1.shape, round(float(d.critical_sigma_w2[0]), 6)
    ((3, 8), 1.0)
    """
    name = choice("activation", activation, MEANFIELD_ACTIVATIONS)
    limit = MAX_MEANFIELD_SIGMA**2
    grids = []
    for label, grid in (("sigma_w2", sigma_w2), ("sigma_b2", sigma_b2)):
        arr = np.asarray(grid, dtype=float)
        if arr.ndim != 1 or arr.size < 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > limit):
            raise ValueError(f"{label} must be a 1-D grid of finite values in [0, {limit:g}]")
        if np.any(np.diff(arr) <= 0):
            raise ValueError(f"{label} must be increasing")
        grids.append(arr)
    sw2, sb2 = grids
    if sw2.size * sb2.size > MAX_GRID_CELLS:
        raise ValueError(f"sigma_w2 and sigma_b2 span {sw2.size * sb2.size} cells; at most {MAX_GRID_CELLS}")
    q, c = _grid_chi1(name, sw2[None, :], sb2[:, None])
    with np.errstate(divide="ignore"):
        log_c = np.log(c)
    critical = np.full(sb2.shape, np.nan)
    if name in _HOMOGENEOUS:
        value = 1.0 / _homogeneous_moment(name)
        if sw2[0] <= value <= sw2[-1]:
            critical[:] = value
    else:
        rows = np.flatnonzero((log_c[:, 0] < 0.0) & (log_c[:, -1] > 0.0))
        if rows.size:
            def f(w2, b2):
                return np.log(_grid_chi1(name, w2, b2)[1])

            res = _find_root(f, (np.full(rows.size, sw2[0]), np.full(rows.size, sw2[-1])),
                                        args=(sb2[rows],), tolerances={"xrtol": 1e-12})
            critical[rows] = res.x
        critical[(log_c[:, 0] == 0.0)] = sw2[0]
    return PhaseDiagram(name, sw2, sb2, q, log_c, critical)


@dataclass(frozen=True, eq=False)
class Chi1Curve:
    """``chi_1`` and the depth scale along ``sigma_w`` at a fixed ``sigma_b``.

    Attributes
    ----------
    activation : str
    sigma_b : float
    sigma_w : ndarray
    log_chi1 : ndarray
        ``ln chi_1``.
    depth_scale : ndarray
        ``1/|ln chi_1|`` (``inf`` on the critical line).
    """

    activation: str
    sigma_b: float
    sigma_w: np.ndarray
    log_chi1: np.ndarray
    depth_scale: np.ndarray


def chi1_curve(activation: str, sigma_b: float, sigma_w) -> Chi1Curve:
    """``chi_1`` and ``xi = 1/|ln chi_1|`` along a grid of ``sigma_w``, vectorised.

    Parameters
    ----------
    activation : str
        One of :data:`MEANFIELD_ACTIVATIONS`.
    sigma_b : float
        Fixed bias scale.
    sigma_w : array_like, 1-D
        Weight scales in ``[0, MAX_MEANFIELD_SIGMA]``, at most 20,000.

    Returns
    -------
    Chi1Curve

    Notes
    -----
    Same quadrature and root finder as :func:`phase_diagram`; agrees with
    :func:`chi1` to about 1e-10 for ``sigma_w, sigma_b <= 3``.

    References
    ----------
    .. [1] Schoenholz, S. S., Gilmer, J., Ganguli, S. and Sohl-Dickstein, J. (2017). Deep information
       propagation. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import chi1_curve
    >>> c = chi1_curve("relu", 0.0, [1.0, 2.0])
    >>> np.round(np.exp(c.log_chi1), 12).tolist()
    [0.5, 2.0]
    """
    name, _, sigma_b = _check(activation, 1.0, sigma_b)
    sw = np.asarray(sigma_w, dtype=float)
    if sw.ndim != 1 or sw.size > MAX_GRID_CELLS or not np.all(np.isfinite(sw)) or np.any(sw < 0) \
            or np.any(sw > MAX_MEANFIELD_SIGMA):
        raise ValueError(f"sigma_w must be a 1-D grid of values in [0, {MAX_MEANFIELD_SIGMA:g}]")
    _, c = _grid_chi1(name, sw * sw, np.full(sw.shape, sigma_b * sigma_b))
    with np.errstate(divide="ignore"):
        log_c = np.log(c)
        xi = 1.0 / np.abs(log_c)
    return Chi1Curve(name, sigma_b, sw, log_c, xi)


@dataclass(frozen=True, eq=False)
class LayerVariances:
    """The length map followed layer by layer from a given input variance.

    Attributes
    ----------
    activation : str
    sigma_w, sigma_b, q0 : float
    q : ndarray, shape (depth,)
        ``q^l`` for ``l = 1..depth``: ``q^1 = sigma_w^2 q0 + sigma_b^2``, then
        ``q^{l+1} = sigma_w^2 E[phi(sqrt(q^l) z)^2] + sigma_b^2``.
    chi : ndarray, shape (depth,)
        ``chi^l = sigma_w^2 E[phi'(sqrt(q^l) z)^2]``: the predicted ratio
        ``E||delta^l||^2 / E||delta^{l+1}||^2`` at layer ``l`` (the last entry
        is not used by a ratio).
    """

    activation: str
    sigma_w: float
    sigma_b: float
    q0: float
    q: np.ndarray
    chi: np.ndarray


def layer_variances(activation: str, depth: int, *, sigma_w: float, sigma_b: float, q0: float = 1.0) -> LayerVariances:
    """Pre-activation variance ``q^l`` and gradient factor ``chi^l`` in every layer, before the fixed point.

    Parameters
    ----------
    activation : str
        One of :data:`MEANFIELD_ACTIVATIONS`.
    depth : int
        ``1..MAX_DEPTH``.
    sigma_w, sigma_b : float
        As in :func:`q_star`.
    q0 : float, default 1.0
        Mean square ``||x||^2 / width`` of the input, ``0 <= q0 <= 1e6``.

    Returns
    -------
    LayerVariances

    Notes
    -----
    The fixed point :func:`q_star` is where this sequence ends up; near the
    critical line, or with ``q* = 0``, it gets there slowly, and a finite
    network's per-layer gradient ratios follow ``chi^l`` rather than the
    asymptotic ``chi_1`` (Poole et al. 2016; Schoenholz et al. 2017).
    The trapezoid rule of :func:`phase_diagram`; positively homogeneous activations in
    closed form (``q^l`` may overflow to ``inf`` above their critical line).

    References
    ----------
    .. [1] Poole, B., Lahiri, S., Raghu, M., Sohl-Dickstein, J. and Ganguli, S. (2016). Exponential
       expressivity in deep neural networks through transient chaos. NeurIPS.
    .. [2] Schoenholz, S. S., Gilmer, J., Ganguli, S. and Sohl-Dickstein, J. (2017). Deep information
       propagation. ICLR.

    Examples
    --------
    >>> from explorer.sim import layer_variances
    >>> v = layer_variances("relu", 3, sigma_w=1.0, sigma_b=0.0, q0=4.0)
    >>> v.q.tolist(), v.chi.tolist()
    ([4.0, 2.0, 1.0], [0.5, 0.5, 0.5])
    """
    name, sigma_w, sigma_b = _check(activation, sigma_w, sigma_b)
    depth = integer("depth", depth, 1, MAX_DEPTH)
    q0 = real("q0", q0, 0.0, 1e6)
    sw2, sb2 = sigma_w * sigma_w, sigma_b * sigma_b
    q = np.empty(depth)
    chi = np.empty(depth)
    act = _activation(name)
    current = sw2 * q0 + sb2
    with np.errstate(over="ignore"):
        for i in range(depth):
            q[i] = current
            if name in _HOMOGENEOUS:
                c = _homogeneous_moment(name)
                chi[i] = sw2 * c
                current = sw2 * c * current + sb2
            else:
                z = math.sqrt(current) * _GRID_NODES
                d = act.df(z)
                chi[i] = sw2 * float(_gh_mean(d * d))
                current = sw2 * float(_gh_mean(act.f(z) ** 2)) + sb2
    return LayerVariances(name, sigma_w, sigma_b, q0, q, chi)


# --------------------------------------------------------------------------- the input-output Jacobian


@dataclass(frozen=True, eq=False)
class JacobianSpectrum:
    """Singular values of ``dx_L/dx_0`` for one network, in log domain.

    Attributes
    ----------
    depth, width : int
    activation, init : str
    sigma_w, sigma_b : float
    residual_alpha : float or None
        ``alpha`` of the residual blocks ``x_l = x_{l-1} + alpha phi(W x_{l-1} + b)``; None for a plain network.
    log_singular_values : ndarray, shape (width,)
        ``ln s_i`` in decreasing order. Values more than ``ln(1e13)`` below the
        largest are at rounding level (a ReLU network's Jacobian has exact
        zeros); they are ``-inf`` in ``resolved_log_singular_values``.
    resolved : ndarray of bool
        Which singular values are above the rounding floor.
    mean_eig, var_eig : float
        Mean and variance of the eigenvalues ``s_i^2`` of ``J J^T`` (NaN if they overflow).
    """

    depth: int
    width: int
    activation: str
    init: str
    sigma_w: float
    sigma_b: float
    residual_alpha: float | None
    log_singular_values: np.ndarray
    resolved: np.ndarray
    mean_eig: float
    var_eig: float

    @property
    def resolved_log_singular_values(self) -> np.ndarray:
        return np.where(self.resolved, self.log_singular_values, -np.inf)


_RESOLUTION = math.log(1e13)


def _check_jacobian(depth, width, activation, sigma_w, sigma_b, init, seed):
    from explorer.sim._activations import ACTIVATIONS

    depth = integer("depth", depth, 1, MAX_DEPTH)
    width = integer("width", width, 1, MAX_WIDTH)
    name = choice("activation", activation, ACTIVATIONS)
    sigma_w = real("sigma_w", sigma_w, 1e-6, MAX_MEANFIELD_SIGMA)
    sigma_b = real("sigma_b", sigma_b, 0.0, MAX_MEANFIELD_SIGMA)
    init = choice("init", init, JACOBIAN_INITS)
    seed = integer("seed", seed, 0, None)
    if depth * width**3 > MAX_JACOBIAN_WORK:
        raise ValueError(f"depth * width**3 = {depth * width**3} exceeds {MAX_JACOBIAN_WORK}; reduce depth or width")
    return depth, width, name, sigma_w, sigma_b, init, seed


def _spectrum(depth, width, name, sigma_w, sigma_b, init, seed, alpha) -> JacobianSpectrum:
    from explorer.sim._deep import _activate, _log_scaled_sum, _normalised

    act = _activation(name)
    x, _ = _make_data(width, seed)
    log_x, x_unit = _normalised(x)
    # J is kept as exp(log_scale) * M with ||M||_F = 1: QR of M after every layer would cost
    # as much as the product itself, and rescaling alone already keeps M finite.
    log_scale, m = 0.0, np.eye(width) / math.sqrt(width)
    log_scale += 0.5 * math.log(width)
    with np.errstate(under="ignore"):
        for layer in range(1, depth + 1):
            w = _make_layer(layer, width, init, sigma_w, seed).dense()
            log_z, z_unit = _log_scaled_sum(log_x, w @ x_unit, _make_bias(layer, width, sigma_b, seed))
            log_a, a_unit, d = _activate(name, act, log_z, z_unit)
            step = d[:, None] * (w @ m)
            if alpha is None:
                m, log_x, x_unit = step, log_a, a_unit
            else:
                m = m + alpha * step
                top = max(log_x, log_a)
                total = x_unit * math.exp(log_x - top) + alpha * a_unit * math.exp(log_a - top)
                log_t, x_unit = _normalised(total)
                log_x = top + log_t
            norm = float(np.linalg.norm(m))
            if norm == 0.0:
                return _package_spectrum(depth, width, name, init, sigma_w, sigma_b, alpha,
                                         np.full(width, -np.inf))
            m = m / norm
            log_scale += math.log(norm)
        s = np.linalg.svd(m, compute_uv=False)
    with np.errstate(divide="ignore"):
        log_s = np.log(s) + log_scale
    return _package_spectrum(depth, width, name, init, sigma_w, sigma_b, alpha, log_s)


def _package_spectrum(depth, width, name, init, sigma_w, sigma_b, alpha, log_s) -> JacobianSpectrum:
    log_s = np.sort(np.asarray(log_s, dtype=float))[::-1]
    resolved = np.isfinite(log_s) & (log_s >= log_s[0] - _RESOLUTION) if np.isfinite(log_s[0]) \
        else np.zeros(width, dtype=bool)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        eig = np.exp(2.0 * log_s)
        mean, var = float(np.mean(eig)), float(np.var(eig))
    if not (math.isfinite(mean) and math.isfinite(var)):
        mean = var = math.nan
    log_s.setflags(write=False)
    resolved.setflags(write=False)
    return JacobianSpectrum(depth, width, name, init, sigma_w, sigma_b, alpha, log_s, resolved, mean, var)


def jacobian_spectrum(
    depth: int, width: int, activation: str, *, sigma_w: float, sigma_b: float = 0.0,
    init: str = "gaussian", seed: int = 0, residual_alpha: float | None = None,
) -> JacobianSpectrum:
    """Log singular values of the input-output Jacobian of one random network.

    Parameters
    ----------
    depth, width : int
        ``1 <= depth <= MAX_DEPTH``, ``1 <= width <= MAX_WIDTH``, and
        ``depth * width**3 <= MAX_JACOBIAN_WORK``.
    activation : str
        One of :data:`~explorer.sim.ACTIVATIONS`.
    sigma_w : float
        Weight scale in ``[1e-6, MAX_MEANFIELD_SIGMA]``.
    sigma_b : float, default 0.0
    init : {"gaussian", "orthogonal"}
        ``W ~ N(0, sigma_w^2/width)`` entries, or ``sigma_w Q`` with ``Q`` Haar orthogonal.
    seed : int, default 0
        Same streams as :func:`explorer.sim.deep_network_gradients`: the same
        seed gives the same weights, biases and input.
    residual_alpha : float or None, default None
        None: the plain network ``x_l = phi(W^l x_{l-1} + b^l)``. A number
        ``alpha`` in ``[0, 10]``: residual blocks ``x_l = x_{l-1} + alpha
        phi(W^l x_{l-1} + b^l)`` (He et al. 2016).

    Returns
    -------
    JacobianSpectrum

    Raises
    ------
    ValueError
        For any argument out of range (the message names it).

    Notes
    -----
    ``J = prod_l D^l W^l`` (plain) or ``prod_l (I + alpha D^l W^l)`` (residual),
    ``D^l = diag(phi'(h^l))`` along the forward pass of the seeded input. The
    product is accumulated layer by layer and rescaled to unit Frobenius norm
    each time, the scale kept as a log, so depth 200 at any ``sigma_w`` neither
    overflows nor underflows; the SVD of the rescaled product resolves singular
    values down to about ``1e-13`` of the largest. Pennington, Schoenholz &
    Ganguli (2017) show that at ``chi_1 = 1`` the mean of ``s_i^2`` is 1 for
    every depth while its variance grows with depth for Gaussian weights and
    much less, or not at all, for orthogonal ones.

    References
    ----------
    .. [1] Pennington, J., Schoenholz, S. S. and Ganguli, S. (2017). Resurrecting the sigmoid in deep
       learning through dynamical isometry: theory and practice. NeurIPS.
    .. [2] Saxe, A. M., McClelland, J. L. and Ganguli, S. (2014). Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks. ICLR.
    .. [3] He, K., Zhang, X., Ren, S. and Sun, J. (2016). Deep residual learning for image recognition. CVPR.

    Examples
    --------
    >>> from explorer.sim import jacobian_spectrum
    >>> s = jacobian_spectrum(10, 8, "identity", sigma_w=1.0, init="orthogonal")
    >>> bool(abs(s.log_singular_values).max() < 1e-12)
    True
    """
    depth, width, name, sigma_w, sigma_b, init, seed = _check_jacobian(
        depth, width, activation, sigma_w, sigma_b, init, seed)
    alpha = None if residual_alpha is None else real("residual_alpha", residual_alpha, 0.0, 10.0)
    return _spectrum(depth, width, name, sigma_w, sigma_b, init, seed, alpha)


def jacobian_singular_values(
    depth: int, width: int, activation: str, *, sigma_w: float, sigma_b: float = 0.0,
    init: str = "gaussian", seed: int = 0,
) -> np.ndarray:
    """Singular values of ``dx_L/dx_0`` for one random network and input, shape ``(width,)``.

    Parameters
    ----------
    depth, width, activation, sigma_w, sigma_b, init, seed
        As in :func:`jacobian_spectrum` (plain network).

    Returns
    -------
    ndarray, shape (width,)
        In decreasing order; ``exp`` of
        :attr:`JacobianSpectrum.log_singular_values`, so entries beyond float64's
        range are ``inf`` or ``0``, and entries below ``1e-13`` times the largest
        are at rounding level.

    Raises
    ------
    ValueError
        For any argument out of range.

    Notes
    -----
    With the identity activation and orthogonal weights at ``sigma_w = 1`` the
    Jacobian is a product of orthogonal matrices and every singular value is 1
    (Saxe et al. 2014); that is the perfect dynamical isometry that Pennington
    et al. (2017) approach with tanh near ``q* = 0``.

    References
    ----------
    .. [1] Pennington, J., Schoenholz, S. S. and Ganguli, S. (2017). Resurrecting the sigmoid in deep
       learning through dynamical isometry: theory and practice. NeurIPS.
    .. [2] Saxe, A. M., McClelland, J. L. and Ganguli, S. (2014). Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import jacobian_singular_values
    >>> s = jacobian_singular_values(20, 16, "identity", sigma_w=1.0, init="orthogonal", seed=3)
    >>> s.shape, bool(np.allclose(s, 1.0))
    ((16,), True)
    """
    spec = jacobian_spectrum(depth, width, activation, sigma_w=sigma_w, sigma_b=sigma_b, init=init, seed=seed)
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(spec.log_singular_values)

