"""Cliffs in the loss landscape of a one-unit recurrent network, and gradient clipping.

The model is the one of Pascanu, Mikolov & Bengio (2013), "On the difficulty
of training recurrent neural networks" (ICML; arXiv:1211.5063), Fig. 6::

    x_t = w σ(x_{t-1}) + b,   x_0 = 0.5,   t = 1..T (T = 50),
    E(w, b) = (σ(x_T) − 0.7)²,

with σ the logistic sigmoid. Its per-step Jacobian is ``∂x_t/∂x_{t-1} =
w σ'(x_{t-1})``. Where the start ``x_0`` sits on the *unstable* fixed point of
``x ↦ w σ(x) + b`` that factor exceeds 1 at every step, the product over 50
steps is huge, and the loss jumps from one stable branch to the other across a
thin line of the ``(w, b)`` plane: a cliff (Goodfellow, Bengio & Courville,
*Deep Learning*, §10.11.1). On that line ``b = b_c(w) = x_0 − w σ(x_0)``.

A gradient step taken on the wall is enormous; clipping the gradient's norm
(:func:`clip_by_norm`) keeps its direction and bounds the step, clipping each
entry (:func:`clip_by_value`) bounds the step but turns it.

Numerics. Gradients are exact (forward-mode recursion of the sensitivities
``∂x_t/∂w`` and ``∂x_t/∂b``). Those sensitivities are carried as a mantissa
times ``exp(s)``: whenever either passes 1 both are divided by it and its log
is added to ``s``, so no step can overflow, whatever ``w`` and ``b``. Terms
that fall below the smallest double round to zero, as they would in exact
arithmetic rounded at the end: underflow is not an error here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from explorer.sim._validate import choice, integer, real

__all__ = [
    "CLIP_MODES",
    "MAX_CLIFF_GRID",
    "MAX_CLIFF_STEPS",
    "MAX_SGD_ITERATIONS",
    "CliffGrid",
    "CliffTrajectory",
    "CliffWall",
    "FixedPointCurve",
    "cliff_fixed_point_curve",
    "cliff_grid",
    "cliff_loss_and_grad",
    "cliff_sgd",
    "cliff_states",
    "cliff_wall",
    "clip_by_norm",
    "clip_by_value",
]

MAX_CLIFF_STEPS = 500
"""Most time steps ``T`` of the recurrence accepted."""

MAX_CLIFF_GRID = 241
"""Most grid points per axis of :func:`cliff_grid` (241 × 241 × 50 steps is well under a second)."""

MAX_SGD_ITERATIONS = 1000
"""Most gradient steps of :func:`cliff_sgd`."""

CLIP_MODES = ("none", "norm", "value")
"""How :func:`cliff_sgd` treats each gradient: unchanged, :func:`clip_by_norm`, :func:`clip_by_value`."""

_X_CAP = 1e300
"""States are kept in [−1e300, 1e300]: beyond ±800 σ and σ' are already exact doubles (0 or 1)."""

_LOG_MAX = 709.0
"""Largest natural log returned as a magnitude (e^709 ≈ 8.2e307); anything larger saturates there."""


def _sigmoid_and_slope(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(x) and σ'(x) = σ(x)(1 − σ(x)) without overflow: both from e = exp(−|x|) ≤ 1."""
    e = np.exp(-np.abs(x))
    inv = 1.0 / (1.0 + e)
    sig = np.where(x >= 0, inv, e * inv)
    return sig, e * inv * inv


def _step(w, b, sig):
    # x = w σ + b, computed at half scale so that |w|, |b| near the largest double cannot overflow.
    return 2.0 * np.clip(0.5 * w * sig + 0.5 * b, -0.5 * _X_CAP, 0.5 * _X_CAP)


def _check_model(steps, x0, target) -> tuple[int, float, float]:
    return (integer("steps", steps, 1, MAX_CLIFF_STEPS), real("x0", x0, -1e6, 1e6),
            real("target", target, 0.0, 1.0))


def _finite_array(name: str, value) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite real numbers, got {value!r}")
    return a


def _unscale(mantissa: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    """``mantissa · exp(log_scale)``, saturating at ``±e^709`` instead of overflowing."""
    if not np.any(log_scale):
        return mantissa
    mag = np.abs(mantissa)
    nonzero = mag > 0
    log_mag = np.log(np.where(nonzero, mag, 1.0)) + log_scale
    scaled = np.sign(mantissa) * np.exp(np.minimum(log_mag, _LOG_MAX))
    return np.where(log_scale == 0.0, mantissa, np.where(nonzero, scaled, 0.0))


def _forward(w, b, steps, x0, target):
    """Loss, gradient and final state over the broadcast shape of ``w`` and ``b`` (underflow ignored)."""
    shape = np.broadcast_shapes(np.shape(w), np.shape(b))
    w = np.broadcast_to(w, shape)
    b = np.broadcast_to(b, shape)
    x = np.full(shape, x0)
    p = np.zeros(shape)  # ∂x_t/∂w, as p·exp(s)
    q = np.zeros(shape)  # ∂x_t/∂b, as q·exp(s)
    s = np.zeros(shape)
    for _ in range(steps):
        sig, slope = _sigmoid_and_slope(x)
        a = w * slope  # the Jacobian ∂x_t/∂x_{t−1}
        unit = np.exp(-s)
        p = sig * unit + a * p
        q = unit + a * q
        m = np.maximum(np.abs(p), np.abs(q))
        big = m > 1.0
        if np.any(big):
            m = np.where(big, m, 1.0)
            p, q, s = p / m, q / m, s + np.log(m)
        x = _step(w, b, sig)
    sig, slope = _sigmoid_and_slope(x)
    r = sig - target
    c = 2.0 * r * slope  # dE/dx_T
    return r * r, _unscale(c * p, s), _unscale(c * q, s), x


def _sigmoid_and_slope_scalar(x: float) -> tuple[float, float]:
    # NumPy's exp on a float64 scalar rounds exactly as its array loop does, so the two paths agree bit for bit.
    e = float(np.exp(-abs(x)))
    inv = 1.0 / (1.0 + e)
    return (inv if x >= 0 else e * inv), e * inv * inv


def _forward_scalar(w: float, b: float, steps: int, x0: float, target: float):
    """:func:`_forward` for one ``(w, b)`` in plain floats: the same operations in the same order, bit for bit,
    several times faster than 0-d arrays (gradient descent calls it once per step)."""
    x, p, q, s = x0, 0.0, 0.0, 0.0
    half_cap = 0.5 * _X_CAP
    with np.errstate(under="ignore"):
        for _ in range(steps):
            sig, slope = _sigmoid_and_slope_scalar(x)
            a = w * slope
            unit = 1.0 if s == 0.0 else float(np.exp(-s))
            p = sig * unit + a * p
            q = unit + a * q
            m = max(abs(p), abs(q))
            if m > 1.0:
                p, q, s = p / m, q / m, s + float(np.log(m))
            x = 2.0 * min(max(0.5 * w * sig + 0.5 * b, -half_cap), half_cap)
        sig, slope = _sigmoid_and_slope_scalar(x)
        r = sig - target
        c = 2.0 * r * slope
        return r * r, _unscale_scalar(c * p, s), _unscale_scalar(c * q, s)


def _unscale_scalar(mantissa: float, log_scale: float) -> float:
    if mantissa == 0.0 or log_scale == 0.0:
        return mantissa
    log_mag = float(np.log(abs(mantissa))) + log_scale
    return math.copysign(float(np.exp(min(log_mag, _LOG_MAX))), mantissa)


def _out(a: np.ndarray):
    return float(a) if a.ndim == 0 else a


def cliff_loss_and_grad(w, b, *, steps: int = 50, x0: float = 0.5, target: float = 0.7):
    """Loss ``E(w, b) = (σ(x_T) − target)²`` of the one-unit RNN and its exact gradient.

    The recurrence is ``x_t = w σ(x_{t−1}) + b`` from ``x_0``; the gradient is
    carried forward with it (forward mode)::

        ∂x_t/∂w = σ(x_{t−1}) + w σ'(x_{t−1}) ∂x_{t−1}/∂w,
        ∂x_t/∂b = 1          + w σ'(x_{t−1}) ∂x_{t−1}/∂b,
        ∂E/∂θ   = 2 (σ(x_T) − target) σ'(x_T) ∂x_T/∂θ.

    Parameters
    ----------
    w, b : float or array_like
        Recurrent weight and bias; broadcast against each other (a ``(b, w)``
        grid from ``b[:, None]`` and ``w[None, :]`` is evaluated in one call).
        Any finite values.
    steps : int
        ``T``, in ``[1, MAX_CLIFF_STEPS]``.
    x0 : float
        Start state.
    target : float
        Target of ``σ(x_T)``, in ``[0, 1]``.

    Returns
    -------
    E, dE_dw, dE_db : float or ndarray
        Floats for scalar ``w`` and ``b``, else arrays of the broadcast shape.
        Always finite and computed without floating-point warnings: the
        sensitivities are renormalised as they grow, and a gradient entry
        larger than ``e^709 ≈ 8.2e307`` would be returned as ``±e^709``.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Fig. 6 and Section 3.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning,
       §10.11.1.

    Examples
    --------
    >>> from explorer.sim import cliff_loss_and_grad, cliff_wall
    >>> b_c = cliff_wall(5.0).b_c
    >>> E_above, _, _ = cliff_loss_and_grad(5.0, b_c + 0.01)
    >>> E_below, _, _ = cliff_loss_and_grad(5.0, b_c - 0.01)
    >>> round(E_above, 4), round(E_below, 2)
    (0.0118, 0.34)
    >>> import numpy as np
    >>> E, dw, db = cliff_loss_and_grad(np.array([4.0, 5.0]), np.array([[-2.0], [-1.0]]))
    >>> E.shape
    (2, 2)
    """
    steps, x0, target = _check_model(steps, x0, target)
    w, b = _finite_array("w", w), _finite_array("b", b)
    if w.ndim == 0 and b.ndim == 0:
        return _forward_scalar(float(w), float(b), steps, x0, target)
    with np.errstate(under="ignore"):
        E, gw, gb, _ = _forward(w, b, steps, x0, target)
    return _out(E), _out(gw), _out(gb)


def cliff_states(w, b, *, steps: int = 50, x0: float = 0.5) -> np.ndarray:
    """The states ``x_0 … x_T`` of ``x_t = w σ(x_{t−1}) + b``, for broadcast ``w`` and ``b``.

    Parameters
    ----------
    w, b : float or array_like
        Any finite values; broadcast against each other.
    steps : int
        ``T``, in ``[1, MAX_CLIFF_STEPS]``.
    x0 : float
        Start state.

    Returns
    -------
    ndarray
        Shape ``(steps + 1,) + broadcast shape``; states are kept within ``±1e300``.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Fig. 6.

    Examples
    --------
    >>> from explorer.sim import cliff_states, cliff_wall
    >>> b_c = cliff_wall(5.0).b_c
    >>> x = cliff_states(5.0, [b_c - 0.01, b_c + 0.01])
    >>> x.shape, bool(x[-1, 0] < 0.5 < x[-1, 1])
    ((51, 2), True)
    """
    steps, x0, _ = _check_model(steps, x0, 0.5)
    w, b = _finite_array("w", w), _finite_array("b", b)
    shape = np.broadcast_shapes(w.shape, b.shape)
    out = np.empty((steps + 1, *shape))
    out[0] = x0
    with np.errstate(under="ignore"):
        for t in range(steps):
            sig, _ = _sigmoid_and_slope(out[t])
            out[t + 1] = _step(w, b, sig)
    return out


@dataclass(frozen=True)
class CliffGrid:
    """Loss and gradient over a ``(b, w)`` grid: rows follow ``b``, columns ``w``.

    Attributes
    ----------
    w, b : ndarray (n,)
        The axes.
    loss, dE_dw, dE_db : ndarray (n, n)
        ``E`` and its gradient; entry ``[i, j]`` is at ``(w[j], b[i])``.
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    dE_dw: np.ndarray
    dE_db: np.ndarray

    @property
    def grad_norm(self) -> np.ndarray:
        """``‖∇E‖`` at every grid point (no overflow: :func:`numpy.hypot`)."""
        return np.hypot(self.dE_dw, self.dE_db)


def cliff_grid(w_range: tuple[float, float], b_range: tuple[float, float], n: int, *,
               steps: int = 50, x0: float = 0.5, target: float = 0.7) -> CliffGrid:
    """The loss landscape of :func:`cliff_loss_and_grad` on an ``n × n`` grid.

    Parameters
    ----------
    w_range, b_range : (float, float)
        Lower and upper ends of each axis (lower < upper).
    n : int
        Points per axis, in ``[2, MAX_CLIFF_GRID]``.
    steps, x0, target
        As in :func:`cliff_loss_and_grad`.

    Returns
    -------
    CliffGrid
        Axes ``w`` (n,), ``b`` (n,) and the ``(n, n)`` arrays ``loss``,
        ``dE_dw``, ``dE_db`` (row ``i`` is ``b[i]``), plus ``grad_norm``.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Fig. 6.

    Examples
    --------
    >>> from explorer.sim import cliff_grid
    >>> g = cliff_grid((1.0, 8.0), (-6.0, 0.0), 21)
    >>> g.loss.shape, g.grad_norm.shape
    ((21, 21), (21, 21))
    >>> bool(g.grad_norm.max() > 100 * float(np.median(g.grad_norm)))
    True
    """
    n = integer("n", n, 2, MAX_CLIFF_GRID)
    lo_w, hi_w = (real("w_range", v) for v in w_range)
    lo_b, hi_b = (real("b_range", v) for v in b_range)
    if not (lo_w < hi_w and lo_b < hi_b):
        raise ValueError(f"each range must have lower < upper, got w_range={w_range}, b_range={b_range}")
    w = np.linspace(lo_w, hi_w, n)
    b = np.linspace(lo_b, hi_b, n)
    E, gw, gb = cliff_loss_and_grad(w[None, :], b[:, None], steps=steps, x0=x0, target=target)
    return CliffGrid(w, b, E, gw, gb)


def clip_by_norm(g, threshold: float) -> np.ndarray:
    """Rescale ``g`` to norm ``threshold`` when its Euclidean norm exceeds it.

    ``ĝ = g · τ/‖g‖`` if ``‖g‖ > τ``, else ``g``: the direction is kept and
    the step bounded (Pascanu et al. 2013, Algorithm 1). The norm is computed
    on ``g / max|g_i|``, so entries near ``1e200`` (whose squares overflow)
    are handled exactly.

    Parameters
    ----------
    g : array_like
        A gradient (any shape; the norm is over all entries), finite.
    threshold : float
        ``τ > 0``.

    Returns
    -------
    ndarray
        A new float array of ``g``'s shape.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Section 3.2, Algorithm 1.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning,
       §10.11.1, eq. 10.48.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import clip_by_norm
    >>> clip_by_norm([3.0, 4.0], 1.0)
    array([0.6, 0.8])
    >>> clip_by_norm([0.3, 0.4], 1.0)
    array([0.3, 0.4])
    >>> clip_by_norm([3e200, 4e200], 10.0)
    array([6., 8.])
    """
    tau = real("threshold", threshold, 0.0, open_low=True)
    g = _finite_array("g", g).copy()
    scale = float(np.max(np.abs(g))) if g.size else 0.0
    if scale == 0.0:
        return g
    with np.errstate(under="ignore"):
        unit = g / scale
        norm_over_scale = float(np.sqrt(np.sum(unit * unit)))
        if norm_over_scale <= tau / scale:  # ‖g‖ <= τ, compared without forming ‖g‖ (it may overflow)
            return g
        return unit * (tau / norm_over_scale)


def clip_by_value(g, threshold: float) -> np.ndarray:
    """Clip every entry of ``g`` to ``[−threshold, threshold]``.

    Each entry is bounded separately, so a clipped gradient can point in a
    different direction from ``g`` (Mikolov 2012, used in Pascanu et al. 2013
    for comparison).

    Parameters
    ----------
    g : array_like
        A gradient, finite.
    threshold : float
        ``τ > 0``.

    Returns
    -------
    ndarray
        A new float array of ``g``'s shape.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Section 3.2.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning,
       §10.11.1.

    Examples
    --------
    >>> from explorer.sim import clip_by_value
    >>> clip_by_value([3.0, -0.5, -40.0], 1.0)
    array([ 1. , -0.5, -1. ])
    """
    tau = real("threshold", threshold, 0.0, open_low=True)
    return np.clip(_finite_array("g", g), -tau, tau)


@dataclass(frozen=True)
class CliffWall:
    """Where the wall of :func:`cliff_loss_and_grad` runs at one ``w``.

    Attributes
    ----------
    w : float
    b_c : float
        ``x_0 − w σ(x_0)``: the bias at which ``x_0`` is a fixed point.
    multiplier : float
        ``w σ'(x_0)``, the Jacobian at that fixed point.
    log_amplification : float
        ``T · ln|multiplier|``: growth of a perturbation over the ``T`` steps.
    is_wall : bool
        ``multiplier > 1``: the fixed point is unstable, so biases on either
        side of ``b_c`` end on different stable branches — a cliff.
    """

    w: float
    b_c: float
    multiplier: float
    log_amplification: float
    is_wall: bool


def cliff_wall(w: float, *, steps: int = 50, x0: float = 0.5) -> CliffWall:
    """The bias ``b_c`` where the start ``x_0`` is a fixed point, and its multiplier.

    ``x_0 = w σ(x_0) + b`` gives ``b_c = x_0 − w σ(x_0)``; there the Jacobian
    is ``w σ'(x_0)`` at every step. When it exceeds 1 the fixed point is
    unstable: starts just above ``b_c`` climb to the upper stable branch,
    starts just below fall to the lower one, and ``∂x_T/∂b`` grows like
    ``(w σ'(x_0))^T`` — the wall in the loss.

    Parameters
    ----------
    w : float
        Recurrent weight, finite.
    steps : int
        ``T`` (for ``log_amplification``).
    x0 : float
        Start state.

    Returns
    -------
    CliffWall

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Section 2.3 and Fig. 6.

    Examples
    --------
    >>> import math
    >>> from explorer.sim import cliff_wall
    >>> wall = cliff_wall(5.0)
    >>> round(wall.b_c, 4), round(wall.multiplier, 3), wall.is_wall
    (-2.6123, 1.175, True)
    >>> round(math.exp(wall.log_amplification))
    3179
    """
    w = real("w", w)
    steps, x0, _ = _check_model(steps, x0, 0.5)
    sig = 1.0 / (1.0 + math.exp(-x0)) if x0 >= 0 else math.exp(x0) / (1.0 + math.exp(x0))
    multiplier = w * sig * (1.0 - sig)
    log_amp = steps * math.log(abs(multiplier)) if multiplier != 0 else -math.inf
    return CliffWall(w, x0 - w * sig, multiplier, log_amp, multiplier > 1.0)


@dataclass(frozen=True)
class FixedPointCurve:
    """Fixed points of ``x ↦ w σ(x) + b`` as a curve in the ``(b, x)`` plane.

    Every ``x`` is a fixed point of exactly one bias, ``b = x − w σ(x)``, so
    the branches are traced exactly by sweeping ``x``.

    Attributes
    ----------
    w : float
    x : ndarray
        The swept states.
    b : ndarray
        ``x − w σ(x)``: the bias for which ``x`` is a fixed point.
    multiplier : ndarray
        ``w σ'(x)``, the Jacobian at that fixed point.
    stable : ndarray of bool
        ``|multiplier| < 1``.
    branch : ndarray of int
        0, 1, 2 … numbering the runs of equal stability along ``x``
        (for ``w > 4``: lower stable, unstable, upper stable).
    """

    w: float
    x: np.ndarray
    b: np.ndarray
    multiplier: np.ndarray
    stable: np.ndarray
    branch: np.ndarray


def cliff_fixed_point_curve(w: float, x_range: tuple[float, float] = (-8.0, 12.0), n: int = 401) -> FixedPointCurve:
    """The bifurcation picture of ``x ↦ w σ(x) + b``: fixed points against ``b`` at fixed ``w``.

    For ``w > 4`` the curve ``b = x − w σ(x)`` folds: between the two folds
    (where ``w σ'(x) = 1``) each bias has three fixed points, the middle one
    unstable. A start ``x_0`` above the unstable branch ends near the upper
    stable one, below it near the lower one.

    Parameters
    ----------
    w : float
        Recurrent weight, finite.
    x_range : (float, float)
        States to sweep (lower < upper, within ±1e6).
    n : int
        Points, in ``[3, 5001]``.

    Returns
    -------
    FixedPointCurve

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Section 2.3, Fig. 6.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import cliff_fixed_point_curve
    >>> c = cliff_fixed_point_curve(5.0)
    >>> sorted(set(c.branch.tolist())), bool(c.stable[c.branch == 1].any())
    ([0, 1, 2], False)
    >>> bool(np.allclose(5.0 / (1 + np.exp(-c.x)) + c.b, c.x))
    True
    """
    w = real("w", w)
    lo, hi = (real("x_range", v, -1e6, 1e6) for v in x_range)
    if not lo < hi:
        raise ValueError(f"x_range must have lower < upper, got {x_range}")
    n = integer("n", n, 3, 5001)
    x = np.linspace(lo, hi, n)
    with np.errstate(under="ignore"):
        sig, slope = _sigmoid_and_slope(x)
    multiplier = w * slope
    stable = np.abs(multiplier) < 1.0
    branch = np.concatenate([[0], np.cumsum(stable[1:] != stable[:-1])])
    return FixedPointCurve(w, x, x - w * sig, multiplier, stable, branch)


@dataclass(frozen=True)
class CliffTrajectory:
    """One run of (clipped) gradient descent on :func:`cliff_loss_and_grad`.

    Arrays of length ``iterations + 1`` describe the parameters visited
    (index 0 is the start); arrays of length ``iterations`` describe each step.

    Attributes
    ----------
    clip : str
        One of :data:`CLIP_MODES`.
    threshold : float
        ``τ`` (``inf`` for ``clip="none"``).
    lr : float
        Learning rate ``η``.
    w, b, loss : ndarray (iterations + 1,)
        Parameters and loss after each step.
    grad_norm : ndarray (iterations + 1,)
        ``‖∇E‖`` before clipping, at each point visited.
    step_length : ndarray (iterations,)
        ``η ‖ĝ‖``: how far step ``k`` moved ``(w, b)``.
    clipped : ndarray of bool (iterations,)
        Whether clipping changed the gradient of step ``k``.
    """

    clip: str
    threshold: float
    lr: float
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    step_length: np.ndarray
    clipped: np.ndarray


def cliff_sgd(w0: float, b0: float, *, lr: float, iterations: int, clip: str = "none", threshold: float = 1.0,
              steps: int = 50, x0: float = 0.5, target: float = 0.7) -> CliffTrajectory:
    """Gradient descent ``θ ← θ − η ĝ`` on ``E(w, b)``, with ``ĝ`` the gradient clipped as asked.

    Parameters
    ----------
    w0, b0 : float
        Start point.
    lr : float
        Learning rate ``η``, in ``(0, 1e3]``.
    iterations : int
        Gradient steps, in ``[1, MAX_SGD_ITERATIONS]``.
    clip : {"none", "norm", "value"}
        ``ĝ = g``, :func:`clip_by_norm` or :func:`clip_by_value`.
    threshold : float
        ``τ > 0`` (ignored for ``clip="none"``).
    steps, x0, target
        As in :func:`cliff_loss_and_grad`.

    Returns
    -------
    CliffTrajectory

    Notes
    -----
    Parameters are kept finite: an unclipped step on the wall can be as large
    as the gradient allows, and :func:`cliff_loss_and_grad` accepts any
    finite ``(w, b)``; a step that would leave the doubles is cut at ``±1e300``.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML. Section 3.2, Fig. 6.

    Examples
    --------
    >>> from explorer.sim import cliff_sgd
    >>> run = cliff_sgd(5.0, -2.4, lr=0.5, iterations=30, clip="norm", threshold=1.0)
    >>> run.w.shape, run.step_length.shape
    ((31,), (30,))
    >>> bool(run.step_length.max() <= 0.5 * 1.0 + 1e-12)
    True
    """
    w0, b0 = real("w0", w0), real("b0", b0)
    lr = real("lr", lr, 0.0, 1e3, open_low=True)
    iterations = integer("iterations", iterations, 1, MAX_SGD_ITERATIONS)
    clip = choice("clip", clip, CLIP_MODES)
    tau = real("threshold", threshold, 0.0, open_low=True) if clip != "none" else math.inf
    steps, x0, target = _check_model(steps, x0, target)
    ws, bs, losses, norms = [w0], [b0], [], []
    lengths, clipped = [], []
    w, b = w0, b0
    for k in range(iterations + 1):
        E, gw, gb = cliff_loss_and_grad(w, b, steps=steps, x0=x0, target=target)
        losses.append(E)
        norms.append(math.hypot(gw, gb))  # each entry is at most e^709, so this is finite
        if k == iterations:
            break
        g = np.array([gw, gb])
        if clip == "norm":
            h = clip_by_norm(g, tau)
        elif clip == "value":
            h = clip_by_value(g, tau)
        else:
            h = g
        clipped.append(bool(np.any(h != g)))
        w_new, b_new = _move(w, lr * float(h[0])), _move(b, lr * float(h[1]))
        lengths.append(math.hypot(w_new - w, b_new - b))
        w, b = w_new, b_new
        ws.append(w)
        bs.append(b)
    return CliffTrajectory(clip, tau, lr, np.array(ws), np.array(bs), np.array(losses), np.array(norms),
                           np.array(lengths), np.array(clipped, dtype=bool))


def _move(theta: float, delta: float) -> float:
    """``theta − delta`` kept in ``[−1e300, 1e300]`` (``delta`` may have overflowed to ±inf)."""
    delta = min(max(delta, -_X_CAP), _X_CAP)
    return min(max(theta - delta, -_X_CAP), _X_CAP)
