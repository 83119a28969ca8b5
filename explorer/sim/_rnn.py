"""Recurrent networks: trajectories, Jacobian products and their bounds.

A vanilla recurrent network applies the same map at every step, so the
sensitivity of a late state to an early one is a *product* of one-step
Jacobians. This module simulates such a network, measures the spectral norm of
that product for every lag, and sets it beside the bounds of Pascanu, Mikolov &
Bengio (2013), "On the difficulty of training recurrent neural networks"
(ICML; arXiv:1211.5063), see also Goodfellow, Bengio & Courville, *Deep
Learning*, §8.2.5 and §10.7.

Two update rules are supported (``form``):

``"pascanu"`` (the form analysed in the paper)
    ``x_t = W_rec σ(x_{t-1}) + W_in u_t + b``, one-step Jacobian
    ``∂x_j/∂x_{j-1} = W_rec diag(σ'(x_{j-1}))``.
``"elman"`` (the textbook form)
    ``a_t = W_rec x_{t-1} + W_in u_t + b``, ``x_t = σ(a_t)``, one-step Jacobian
    ``∂x_j/∂x_{j-1} = diag(σ'(a_j)) W_rec``.

In both, ``∂x_t/∂x_k = J_t J_{t-1} ... J_{k+1}`` (latest factor on the left),
and sub-multiplicativity gives ``||J_j||_2 <= ||W_rec||_2 γ = η`` with
``γ = sup|σ'|``, hence ``||∂x_t/∂x_k||_2 <= η^(t-k)``: if the largest singular
value of ``W_rec`` is below ``1/γ`` the long-range factors must vanish. The
converse does not hold, which is what the measurements here make visible.

Everything that can explode or vanish is returned as a natural logarithm and is
computed without overflow: running products are renormalised by exact powers of
two whose exponents are accumulated as integers. Even the *states* of an
unbounded network (identity or ReLU with a large ``W_rec``) are stored with a
per-step power-of-two scale once they pass ``2**256``; see :class:`RNNTrace`.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from explorer.sim._activations import ACTIVATIONS
from explorer.sim._activations import activation as _activation
from explorer.sim._constants import LN2 as _LN2
from explorer.sim._constants import LN10 as _LN10
from explorer.sim._linalg import (
    SVD_MAX_SIZE,
    StackedTopSingularValueTracker,
    TopSingularValueTracker,
    log_top_singular_values,
    top_singular_value,
)
from explorer.sim._random_matrices import (
    gaussian_matrix,
    orthogonal_matrix,
    scale_to_spectral_norm,
    scale_to_spectral_radius,
    spectral_norm,
    spectral_radius,
)
from explorer.sim._regime import Regime
from explorer.sim._validate import choice, integer, real, real_array

__all__ = [
    "MATRIX_KINDS",
    "MAX_CONTRIBUTION_ENTRIES",
    "MAX_GRID_STEPS",
    "MAX_GRID_WORK",
    "MAX_RNN_ENTRY_ABS",
    "MAX_RNN_INPUTS",
    "MAX_RNN_SIZE",
    "MAX_RNN_STEPS",
    "MAX_RNN_TARGET",
    "MAX_SWEEP_SCALES",
    "MAX_SWEEP_WORK",
    "RNN_FORMS",
    "TARGET_KINDS",
    "BoundSummary",
    "JacobianGrid",
    "JacobianProfile",
    "MemoryEnd",
    "MemoryHorizon",
    "RNNTrace",
    "SaturationProfile",
    "SweepResult",
    "backprop_log_norms",
    "bound_summary",
    "data_dependent_log_bound",
    "growth_rate_sweep",
    "jacobian_grid_steps",
    "jacobian_log_norms",
    "jacobian_norm_grid",
    "jacobian_product",
    "jacobian_profile",
    "make_rnn_inputs",
    "memory_horizon",
    "pascanu_eta",
    "pascanu_log_bound",
    "profile_growth_rate",
    "recurrent_matrix",
    "saturation_profile",
    "simulate_random_rnn",
    "simulate_rnn",
    "step_jacobian",
    "temporal_contribution_log_bounds",
    "temporal_contribution_matrices",
    "temporal_contributions",
]

MAX_RNN_SIZE = 512
"""Largest hidden size ``n`` accepted (one ``n x n`` product per step must stay cheap)."""

MAX_RNN_STEPS = 5000
"""Largest number of steps ``T`` accepted."""

MAX_RNN_INPUTS = 512
"""Largest input dimension ``m`` accepted."""

MAX_RNN_ENTRY_ABS = 1e6
"""Largest magnitude allowed for any entry of ``W_rec``, ``W_in``, ``b``, ``inputs``, ``x0``.

Keeps every intermediate of the scaled simulation far from the float range."""

MAX_RNN_TARGET = 100.0
"""Largest target ``σ_max`` / ``ρ`` accepted by :func:`recurrent_matrix`."""

MAX_CONTRIBUTION_ENTRIES = 2_000_000
"""Cap on ``T * n * n`` for :func:`temporal_contribution_matrices` (16 MB of floats)."""

MAX_SWEEP_SCALES = 200
"""Largest number of scales in one :func:`growth_rate_sweep`."""

MAX_SWEEP_WORK = 4e9
"""Cap on ``n * n * T * len(scales)`` (multiply-adds) for :func:`growth_rate_sweep`."""

RNN_FORMS: tuple[str, ...] = ("pascanu", "elman")
"""Update rules accepted by :func:`simulate_rnn`."""

MATRIX_KINDS: tuple[str, ...] = ("gaussian", "orthogonal", "nilpotent")
"""Families accepted by :func:`recurrent_matrix`."""

TARGET_KINDS: tuple[str, ...] = ("sigma_max", "spectral_radius")
"""What :func:`recurrent_matrix` scales to its target."""

_STATE_EXPONENT_CAP = 256  # states are stored unscaled while max|x_t| < 2**256
_CLIP_EXPONENT = 62  # every activation's derivative is constant (in floats) beyond 2**61
_HOMOGENEOUS = frozenset({"identity", "relu", "leaky_relu"})  # σ(c x) = c σ(x) for c > 0
_BOUNDED = frozenset({"tanh", "sigmoid"})
_CERTIFY_TOLERANCE = 2.5e-7  # certified bound on the error of each ln-norm (contract: 1e-6)
_DEFAULT_BLOCK = 8
_EXACT_MAX_SIZE = SVD_MAX_SIZE  # up to this a direct SVD per lag is cheaper than the iteration's bookkeeping


# ---------------------------------------------------------------------------
# The trajectory
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RNNTrace:
    """One simulated trajectory plus everything its Jacobians need.

    All arrays are read-only.

    Attributes
    ----------
    W_rec : ndarray, shape (n, n)
    W_in : ndarray, shape (n, m)
    b : ndarray, shape (n,)
    inputs : ndarray, shape (T, m)
        ``inputs[t - 1]`` is ``u_t``.
    activation : str
        Name from :data:`~explorer.sim._activations.ACTIVATIONS`.
    form : str
        ``"pascanu"`` or ``"elman"`` (see the module docstring).
    states : ndarray, shape (T + 1, n)
        ``states[0] = x0`` and ``states[t]`` is ``x_t`` -- exactly, as long as
        ``max|x_t| < 2**256`` (always the case for bounded activations). Beyond
        that the row holds the mantissa and the true state is
        ``np.ldexp(states[t], state_log2_scale[t])``.
    state_log2_scale : ndarray of int64, shape (T + 1,)
        Power-of-two scale of each row of ``states`` (and ``preactivations``);
        all zeros unless the trajectory diverged past ``2**256``.
    preactivations : ndarray, shape (T + 1, n), or None
        Elman form only: ``a_t`` in row ``t`` (same scale as ``states``); row 0
        is NaN because ``x0`` has no pre-activation. ``None`` for the Pascanu form,
        whose state *is* the pre-activation.
    derivatives : ndarray, shape (T, n)
        ``derivatives[j - 1]`` is the diagonal of the one-step Jacobian
        ``J_j = ∂x_j/∂x_{j-1}``: ``σ'(x_{j-1})`` (pascanu) or ``σ'(a_j)`` (elman).
    """

    W_rec: np.ndarray
    W_in: np.ndarray
    b: np.ndarray
    inputs: np.ndarray
    activation: str
    form: str
    states: np.ndarray
    state_log2_scale: np.ndarray
    preactivations: np.ndarray | None
    derivatives: np.ndarray
    recurrent_norm: float

    @property
    def T(self) -> int:
        """Number of steps."""
        return int(self.inputs.shape[0])

    @property
    def n(self) -> int:
        """Hidden size."""
        return int(self.W_rec.shape[0])

    @property
    def m(self) -> int:
        """Input dimension."""
        return int(self.W_in.shape[1])

    @property
    def states_rescaled(self) -> bool:
        """Whether any row of :attr:`states` is stored with a power-of-two scale."""
        return bool(np.any(self.state_log2_scale != 0))

    @property
    def log_state_norms(self) -> np.ndarray:
        """``ln ||x_t||_2`` for ``t = 0..T`` (``-inf`` for a zero state), overflow-free."""
        return np.array(
            [_log_norm(row) + s * _LN2 for row, s in zip(self.states, self.state_log2_scale, strict=True)]
        )


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def _log_norm(v: np.ndarray) -> float:
    """``ln ||v||_2`` without overflow or underflow; ``-inf`` for the zero vector."""
    v = np.asarray(v, dtype=float)
    amax = float(np.max(np.abs(v))) if v.size else 0.0
    if amax == 0.0:
        return -math.inf
    e = math.frexp(amax)[1]
    with np.errstate(under="ignore"):
        return math.log(float(np.linalg.norm(np.ldexp(v, -e)))) + e * _LN2


def _activate_scaled(act, z: np.ndarray, s: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(2**-s σ(2**s z), σ'(2**s z))`` without ever forming a huge ``2**s z``.

    ``act`` is an :class:`~explorer.sim._activations.Activation`; ``s`` broadcasts
    against the last axis of ``z`` (one scale per column).
    """
    s = np.asarray(s, dtype=np.int64)
    if not np.any(s):
        return act.f(z), act.df(z)
    # The true value, clipped to +-2**62 where every σ' (and tanh, sigmoid) is already flat.
    mant, expo = np.frexp(z)
    clipped = np.ldexp(mant, np.minimum(expo + s, _CLIP_EXPONENT))
    deriv = act.df(clipped)
    if act.name in _HOMOGENEOUS:
        values = act.f(z)
    elif act.name in _BOUNDED:
        values = np.ldexp(act.f(clipped), -s)
    elif act.name == "gelu":
        # gelu(x) = x Φ(x), so 2**-s gelu(2**s z) = z Φ(2**s z).
        values = z * special.ndtr(clipped)
    else:  # pragma: no cover - ACTIVATIONS is closed; a new one must be classified above
        raise ValueError(f"activation {act.name!r} has no scaled form")
    return values, deriv


class _Dynamics:
    """The update rule, applied to a block of ``S`` networks at once (one per column).

    Column ``c`` has recurrent matrix ``gain[c] * W``. States are kept as
    ``x * 2**s`` with one integer ``s`` per column (see :class:`RNNTrace`);
    bounded activations never need it (``|W σ| <= n max|W| << 2**256``).
    """

    def __init__(self, name: str, form: str, W: np.ndarray, gain: np.ndarray | None = None):
        self.act = _activation(name)
        self.pascanu = form == "pascanu"
        self.W = W
        self.gain = gain
        self.may_diverge = name not in _BOUNDED
        self.scaled = False

    def _rescale(self, y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Re-pick each column's power of two so that max|y| < 2**256; never below 2**0,
        # so states that fit in floats are stored as they are.
        amax = np.max(np.abs(y), axis=0)
        if not self.scaled and float(np.max(amax)) < 2.0**_STATE_EXPONENT_CAP:
            return y, s
        expo = np.frexp(amax)[1].astype(np.int64)
        new_s = np.maximum(expo + s - _STATE_EXPONENT_CAP, 0)
        shift = s - new_s
        if np.any(shift):
            y = np.ldexp(y, shift)
        self.scaled = bool(np.any(new_s))
        return y, new_s

    def step(
        self, x: np.ndarray, s: np.ndarray, drive: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """Advance ``x`` (n, S) with scales ``s`` (S,) by one step; ``drive = W_in u_t + b`` (n,).

        Returns ``(x_new, s_new, derivative, preactivation)`` where ``derivative``
        is the diagonal of this step's Jacobian factor (``None`` preactivation for
        the Pascanu form).
        """
        scaled_drive = np.ldexp(drive[:, None], -s) if self.scaled else drive[:, None]
        if self.pascanu:
            h, deriv = _activate_scaled(self.act, x, s) if self.scaled else (self.act.f(x), self.act.df(x))
            y = self.W @ h
            if self.gain is not None:
                y *= self.gain
            y += scaled_drive
            if self.may_diverge:
                y, s = self._rescale(y, s)
            return y, s, deriv, None
        a = self.W @ x
        if self.gain is not None:
            a *= self.gain
        a += scaled_drive
        if self.may_diverge:
            a, s = self._rescale(a, s)
        x_new, deriv = _activate_scaled(self.act, a, s) if self.scaled else (self.act.f(a), self.act.df(a))
        return x_new, s, deriv, a


def simulate_rnn(
    W_rec: np.ndarray,
    W_in: np.ndarray,
    b: np.ndarray,
    inputs: np.ndarray,
    x0: np.ndarray,
    activation: str,
    form: str = "pascanu",
) -> RNNTrace:
    """Run a vanilla RNN for ``T = len(inputs)`` steps and record what its Jacobians need.

    Parameters
    ----------
    W_rec : array_like, shape (n, n)
        Recurrent weights, ``1 <= n <=`` :data:`MAX_RNN_SIZE`.
    W_in : array_like, shape (n, m)
        Input weights, ``m <=`` :data:`MAX_RNN_INPUTS`.
    b : array_like, shape (n,)
    inputs : array_like, shape (T, m)
        Row ``t - 1`` is ``u_t``; ``T <=`` :data:`MAX_RNN_STEPS`.
    x0 : array_like, shape (n,)
        Initial state.
    activation : str
        One of :data:`~explorer.sim._activations.ACTIVATIONS`.
    form : {"pascanu", "elman"}, default "pascanu"

    Returns
    -------
    RNNTrace

    Raises
    ------
    ValueError
        If a shape does not match (the message names the argument), an entry is
        not finite or exceeds :data:`MAX_RNN_ENTRY_ABS`, a size exceeds its
        ``MAX_*`` cap, or ``activation`` / ``form`` is unknown.

    Notes
    -----
    Pascanu et al. (2013), eq. (2): ``x_t = W_rec σ(x_{t-1}) + W_in u_t + b``.
    Elman form: ``a_t = W_rec x_{t-1} + W_in u_t + b``, ``x_t = σ(a_t)``.

    Unbounded activations (identity, ReLU, leaky ReLU, GELU) with
    ``||W_rec||_2 > 1`` can make ``x_t`` grow past the float range. The state is
    then stored as ``states[t] * 2**state_log2_scale[t]``: the first three are
    positively homogeneous and GELU is ``x Φ(x)``, so the update can be carried
    out exactly on the mantissa, and every ``σ'`` is evaluated at the true
    (clipped to ``±2**62``, where it is constant) value.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import simulate_rnn
    >>> tr = simulate_rnn(0.5 * np.eye(2), np.eye(2), np.zeros(2), np.ones((3, 2)), np.zeros(2), "identity")
    >>> tr.states[:, 0].tolist()
    [0.0, 1.0, 1.5, 1.75]
    >>> tr.T, tr.n
    (3, 2)
    """
    activation = choice("activation", activation, ACTIVATIONS)
    form = choice("form", form, RNN_FORMS)
    W_rec = real_array("W_rec", W_rec, (None, None), "(n, n)", max_abs=MAX_RNN_ENTRY_ABS)
    n = W_rec.shape[0]
    if W_rec.shape != (n, n) or not 1 <= n <= MAX_RNN_SIZE:
        raise ValueError(f"W_rec must be square (n, n) with 1 <= n <= {MAX_RNN_SIZE}, got {W_rec.shape}")
    W_in = real_array("W_in", W_in, (n, None), f"(n, m) = ({n}, m)", max_abs=MAX_RNN_ENTRY_ABS)
    m = W_in.shape[1]
    if m > MAX_RNN_INPUTS:
        raise ValueError(f"W_in must have at most {MAX_RNN_INPUTS} columns (inputs), got {m}")
    b = real_array("b", b, (n,), f"(n,) = ({n},)", max_abs=MAX_RNN_ENTRY_ABS)
    inputs = real_array("inputs", inputs, (None, m), f"(T, m) = (T, {m})", max_abs=MAX_RNN_ENTRY_ABS)
    T = inputs.shape[0]
    if T > MAX_RNN_STEPS:
        raise ValueError(f"inputs must have at most {MAX_RNN_STEPS} rows (steps T), got {T}")
    x0 = real_array("x0", x0, (n,), f"(n,) = ({n},)", max_abs=MAX_RNN_ENTRY_ABS)

    states = np.empty((T + 1, n))
    scales = np.zeros(T + 1, dtype=np.int64)
    derivs = np.empty((T, n))
    pre = np.full((T + 1, n), np.nan) if form == "elman" else None
    drives = inputs @ W_in.T + b if T else np.empty((0, n))
    x = x0[:, None].copy()
    s = np.zeros(1, dtype=np.int64)
    states[0] = x0
    dynamics = _Dynamics(activation, form, W_rec)
    with np.errstate(under="ignore"):
        for t in range(1, T + 1):
            x, s, d, a = dynamics.step(x, s, drives[t - 1])
            states[t] = x[:, 0]
            scales[t] = s[0]
            derivs[t - 1] = d[:, 0]
            if pre is not None:
                pre[t] = a[:, 0]
    return RNNTrace(
        W_rec=_frozen(W_rec),
        W_in=_frozen(W_in),
        b=_frozen(b),
        inputs=_frozen(inputs),
        activation=activation,
        form=form,
        states=_frozen(states),
        state_log2_scale=_frozen(scales),
        preactivations=None if pre is None else _frozen(pre),
        derivatives=_frozen(derivs),
        recurrent_norm=spectral_norm(W_rec),
    )


def _check_trace(trace) -> RNNTrace:
    if not isinstance(trace, RNNTrace):
        raise ValueError(f"trace must be an RNNTrace from simulate_rnn, got {type(trace).__name__}")
    return trace


def _check_t(trace: RNNTrace, t) -> int:
    if t is None:
        return trace.T
    return integer("t", t, 0, trace.T)


# ---------------------------------------------------------------------------
# Explicit Jacobians (small cases and tests)
# ---------------------------------------------------------------------------


def step_jacobian(trace: RNNTrace, j: int) -> np.ndarray:
    """The one-step Jacobian ``J_j = ∂x_j/∂x_{j-1}`` as an explicit ``n x n`` matrix.

    Parameters
    ----------
    trace : RNNTrace
    j : int
        Step, ``1 <= j <= T``.

    Returns
    -------
    ndarray, shape (n, n)

    Notes
    -----
    Pascanu form: ``W_rec diag(σ'(x_{j-1}))`` (Pascanu et al. 2013, eq. 5 with the
    transpose corrected). Elman form: ``diag(σ'(a_j)) W_rec``.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import simulate_rnn, step_jacobian
    >>> tr = simulate_rnn(2 * np.eye(2), np.eye(2), np.zeros(2), np.zeros((1, 2)), np.zeros(2), "tanh")
    >>> step_jacobian(tr, 1).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    trace = _check_trace(trace)
    if trace.T == 0:
        raise ValueError("j: the trace has no steps (T = 0), so there is no one-step Jacobian")
    j = integer("j", j, 1, trace.T)
    d = trace.derivatives[j - 1]
    if trace.form == "pascanu":
        return trace.W_rec * d[None, :]
    return d[:, None] * trace.W_rec


def jacobian_product(trace: RNNTrace, t: int, k: int) -> np.ndarray:
    """The explicit product ``∂x_t/∂x_k = J_t J_{t-1} ... J_{k+1}`` (identity if ``k == t``).

    Meant for small examples and checks; use :func:`jacobian_log_norms` for norms.

    Parameters
    ----------
    trace : RNNTrace
    t, k : int
        ``0 <= k <= t <= T``.

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    ValueError
        If the indices are out of range, or the product could leave the float
        range (its data-dependent bound exceeds ``e**600``).

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import jacobian_product, simulate_rnn
    >>> tr = simulate_rnn(2 * np.eye(2), np.eye(2), np.zeros(2), np.zeros((3, 2)), np.zeros(2), "identity")
    >>> float(jacobian_product(tr, 3, 0)[0, 0])
    8.0
    """
    trace = _check_trace(trace)
    t = integer("t", t, 0, trace.T)
    k = integer("k", k, 0, t)
    if t > k and data_dependent_log_bound(trace, t)[k] > 600.0:
        raise ValueError("the product may overflow; use jacobian_log_norms for its norm")
    P = np.eye(trace.n)
    with np.errstate(under="ignore"):
        for j in range(t, k, -1):
            P = P @ step_jacobian(trace, j)
    return P


# ---------------------------------------------------------------------------
# Norms of Jacobian products, every lag, certified
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class JacobianProfile:
    """Result of :func:`jacobian_profile`.

    Attributes
    ----------
    log_norms : ndarray, shape (t + 1,)
        ``log_norms[k] = ln ||∂x_t/∂x_k||_2``; ``log_norms[t] = 0``.
    t : int
    method : str
        ``"certified"`` or ``"exact"`` (what ``"auto"`` resolved to).
    n_block_certified : int
        Lags whose value was certified by the cheap trace bound.
    n_frobenius_certified : int
        Lags that needed the one-matmul Frobenius bound (flat spectra).
    n_exact : int
        Lags computed with a full singular-value decomposition.
    n_iterations : int
        Block power iterations in total.
    max_error_bound : float
        Largest certified bound on ``|error|`` of an entry (0 for exact lags).
    """

    log_norms: np.ndarray
    t: int
    method: str
    n_block_certified: int
    n_frobenius_certified: int
    n_exact: int
    n_iterations: int
    max_error_bound: float


def jacobian_profile(
    trace: RNNTrace,
    t: int | None = None,
    *,
    method: str = "auto",
    block_size: int | None = None,
) -> JacobianProfile:
    """``ln ||∂x_t/∂x_k||_2`` for every ``k = 0..t``, with diagnostics.

    Parameters
    ----------
    trace : RNNTrace
    t : int, optional
        Final step, ``0 <= t <= T`` (default ``T``).
    method : {"auto", "certified", "exact"}, default "auto"
        ``"exact"`` runs :func:`scipy.linalg.svdvals` at every lag (the slow
        reference); ``"certified"`` is the fast method below; ``"auto"`` picks
        ``"exact"`` for ``n <=`` 32, where a small SVD is cheaper than the
        bookkeeping, and ``"certified"`` above.
    block_size : int, optional
        Fixed width of the power-iteration block; exposed for tests. By default
        the block starts at ``min(64, n/4)`` columns (at least 8) and narrows to 8
        once the leading singular values have separated from the rest.

    Returns
    -------
    JacobianProfile

    Raises
    ------
    ValueError
        For a bad ``trace``, ``t``, ``method`` or ``block_size``.

    Notes
    -----
    The products are built from the left, ``P_{k-1} = P_k J_k`` with
    ``P_{t-1} = J_t``, one ``n x n`` matmul per lag: ``J_k`` is ``W_rec`` with its
    columns (Pascanu form) or rows (Elman form) scaled by ``d = σ'``. Before each
    product ``d`` is divided by an exact power of two chosen from ``||P||_F``,
    whose exponent is added to an integer counter, so nothing overflows or
    underflows and the rescaling itself introduces no rounding.

    The top singular value of each ``P`` comes from block power iteration on the
    *left* singular subspace, warm-started from the previous lag: as the product
    grows its leading left singular vectors settle (the Oseledets / power-method
    picture of Goodfellow et al., §8.2.5), so one or two iterations usually
    suffice, and the first one rides along with the main product
    (``P @ [J_k | Pᵀ Q]`` in a single matmul). The block starts wide and narrows
    to 8 columns once the leading singular values have separated.

    Each answer ``sqrt(θ)`` (a Rayleigh-Ritz value, a lower bound) is
    **certified**: with ``A = P Pᵀ``, ``Q`` the block, ``r`` the Frobenius norm of
    the block residual and ``g = ||P||_F² - tr(Qᵀ A Q)`` (the mass outside the
    block, which bounds the rest of the spectrum),
    ``σ_max² <= λ_max([[θ, r], [r, g]])``. When that bound does not pin the value
    to within 2.5e-7 in ``ln`` -- short products whose spectrum is still flat --
    a second bound with ``g`` replaced by ``c + ||Q_⊥ᵀ(A - cI)Q_⊥||_F`` (one extra
    matmul; exact products of orthogonal matrices pass it) is tried, and failing
    that the value is recomputed by a dense direct method (the top eigenvalue
    of ``P Pᵀ`` from LAPACK ``syevx``, relative error of order ``n ε``, about
    half the cost of an SVD). Every entry is therefore
    within 2.5e-7 of the explicit product's ``ln σ_max`` (up to rounding in the
    product itself), whatever the iteration did.

    If the product becomes exactly zero (ReLU with every unit off, a nilpotent
    ``W_rec`` after ``n`` steps, a derivative that underflowed to 0) the entry and
    all earlier ones are ``-inf``.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).
    .. [3] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import jacobian_profile, orthogonal_matrix, simulate_rnn
    >>> W = 3.0 * orthogonal_matrix(4, seed=0)
    >>> tr = simulate_rnn(W, np.eye(4), np.zeros(4), np.ones((5, 4)), np.zeros(4), "identity")
    >>> prof = jacobian_profile(tr, method="certified")
    >>> np.round(prof.log_norms / math.log(3.0), 9).tolist()
    [5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
    """
    trace = _check_trace(trace)
    t = _check_t(trace, t)
    if method not in ("auto", "certified", "exact"):
        raise ValueError(f"method must be 'auto', 'certified' or 'exact', got {method!r}")
    n = trace.n
    if method == "auto":
        method = "exact" if n <= _EXACT_MAX_SIZE else "certified"
    block = min(_DEFAULT_BLOCK, n) if block_size is None else integer("block_size", block_size, 1, n)
    out = np.zeros(t + 1)
    estimator = TopSingularValueTracker(n, block, _CERTIFY_TOLERANCE, adaptive=block_size is None)
    W = trace.W_rec
    pascanu = trace.form == "pascanu"
    log2_scale = 0
    if t > 0:
        P = step_jacobian(trace, t)
    # Preallocated [M | B] operand and two alternating outputs: no n x n allocation per lag.
    width = n + estimator.p_wide
    operand = np.empty((n, width))
    outputs = (np.empty((n, width)), np.empty((n, width)))
    with np.errstate(under="ignore"):
        for k in range(t - 1, -1, -1):
            # Here P = P_k / 2**log2_scale with P_k = J_t ... J_{k+1}.
            fro2 = float(np.einsum("ij,ij->", P, P))
            if fro2 == 0.0:
                out[: k + 1] = -math.inf
                break
            P_next = Y = B = None
            if k > 0:
                # The next factor M = J_k, divided by a power of two that brings the next
                # product back to unit size (an exact rescaling).
                d = trace.derivatives[k - 1]
                shift = math.frexp(math.sqrt(fro2))[1] + math.frexp(float(np.max(np.abs(d))))[1]
                d = np.ldexp(d, -shift)
                M = operand[:, :n]
                np.multiply(W, d[None, :] if pascanu else d[:, None], out=M)
                if method == "certified":
                    # One matmul gives both P_{k-1} = P M and the first power step Y = P B.
                    p = estimator.p
                    B = P.T @ estimator.Q
                    operand[:, n : n + p] = B
                    joint = outputs[k % 2][:, : n + p]
                    np.matmul(P, operand[:, : n + p], out=joint)
                    P_next, Y = joint[:, :n], joint[:, n:]
                else:
                    P_next = P @ M
            if method == "exact":
                estimator.n_exact += 1
                sigma = top_singular_value(P)
            else:
                sigma = estimator(P, fro2, B, Y)
            if sigma == 0.0:
                out[: k + 1] = -math.inf
                break
            out[k] = math.log(sigma) + log2_scale * _LN2
            if k > 0:
                log2_scale += shift
                P = P_next
    return JacobianProfile(
        log_norms=out,
        t=t,
        method=method,
        n_block_certified=estimator.n_block,
        n_frobenius_certified=estimator.n_frobenius,
        n_exact=estimator.n_exact,
        n_iterations=estimator.n_iterations,
        max_error_bound=estimator.max_error,
    )


def jacobian_log_norms(trace: RNNTrace, t: int | None = None) -> np.ndarray:
    """``ln ||∂x_t/∂x_k||_2`` (natural log of the spectral norm) for ``k = 0..t``.

    Parameters
    ----------
    trace : RNNTrace
    t : int, optional
        Final step, ``0 <= t <= T``; default ``T``.

    Returns
    -------
    ndarray, shape (t + 1,)
        Entry ``k`` is ``ln ||J_t ... J_{k+1}||_2``; entry ``t`` is 0 (empty
        product). ``-inf`` where the product is exactly zero.

    Notes
    -----
    ``∂x_t/∂x_k = ∏_{j=k+1}^{t} ∂x_j/∂x_{j-1}`` (Pascanu et al. 2013, eqs. 3-5).
    Overflow-free, certified to 2.5e-7 against the explicit product's largest
    singular value, and about one ``n x n`` matmul per lag; see
    :func:`jacobian_profile` for the algorithm and diagnostics.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.
    .. [3] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import jacobian_log_norms, simulate_rnn
    >>> tr = simulate_rnn(2.0 * np.eye(3), np.eye(3), np.zeros(3), np.ones((4, 3)), np.zeros(3), "identity")
    >>> np.round(jacobian_log_norms(tr) / math.log(2.0), 9).tolist()
    [4.0, 3.0, 2.0, 1.0, 0.0]
    """
    return jacobian_profile(trace, t).log_norms


# ---------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------


def pascanu_eta(W_rec: np.ndarray, activation: str) -> float:
    """``η = ||W_rec||_2 γ``, the bound on every one-step Jacobian norm.

    Parameters
    ----------
    W_rec : array_like, shape (n, n)
    activation : str
        Name from :data:`~explorer.sim._activations.ACTIVATIONS`; ``γ = sup|σ'|``.

    Returns
    -------
    float

    Notes
    -----
    ``||W_rec diag(σ')||_2 <= ||W_rec||_2 max|σ'| <= ||W_rec||_2 γ``. If ``η < 1``
    every long-range factor shrinks at least like ``η^(t-k)``: the sufficient
    condition ``σ_max(W_rec) < 1/γ`` for vanishing gradients of Pascanu et al.
    (2013), §2.1. ``η > 1`` is necessary, not sufficient, for exploding ones.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import pascanu_eta
    >>> pascanu_eta(3.0 * np.eye(2), "sigmoid")
    0.75
    """
    name = choice("activation", activation, ACTIVATIONS)
    W = real_array("W_rec", W_rec, (None, None), "(n, n)", max_abs=MAX_RNN_ENTRY_ABS)
    return spectral_norm(W) * _activation(name).gamma


def pascanu_log_bound(trace: RNNTrace, t: int | None = None) -> np.ndarray:
    """``(t - k) ln η`` for ``k = 0..t``: the uniform bound on :func:`jacobian_log_norms`.

    Parameters
    ----------
    trace : RNNTrace
    t : int, optional
        Default ``T``.

    Returns
    -------
    ndarray, shape (t + 1,)
        Entry ``t`` is 0; ``-inf`` elsewhere if ``η = 0``.

    Notes
    -----
    ``||∂x_t/∂x_k||_2 <= η^(t-k)`` with ``η = ||W_rec||_2 γ`` (Pascanu et al. 2013).
    Holds for both forms.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import pascanu_log_bound, simulate_rnn
    >>> tr = simulate_rnn(8.0 * np.eye(2), np.eye(2), np.zeros(2), np.zeros((2, 2)), np.zeros(2), "sigmoid")
    >>> np.round(pascanu_log_bound(tr) / math.log(2.0), 12).tolist()
    [2.0, 1.0, 0.0]
    """
    trace = _check_trace(trace)
    t = _check_t(trace, t)
    eta = trace.recurrent_norm * _activation(trace.activation).gamma
    lags = np.arange(t, -1, -1, dtype=float)
    if eta == 0.0:
        out = np.full(t + 1, -math.inf)
        out[t] = 0.0
        return out
    return lags * math.log(eta)


def data_dependent_log_bound(trace: RNNTrace, t: int | None = None) -> np.ndarray:
    """``ln ∏_{j=k+1}^{t} ||W_rec||_2 max_i|σ'_j,i|`` for ``k = 0..t``.

    Parameters
    ----------
    trace : RNNTrace
    t : int, optional
        Default ``T``.

    Returns
    -------
    ndarray, shape (t + 1,)
        Same layout as :func:`jacobian_log_norms`: entry ``t`` is 0, ``-inf``
        from the first factor whose derivatives are all zero.

    Notes
    -----
    Replacing ``γ`` by the largest derivative actually met at step ``j`` keeps
    the inequality (``||W D_j|| <= ||W|| ||D_j||``) and tightens it wherever
    the trajectory saturates. It lies between the measured norm and
    :func:`pascanu_log_bound`.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import data_dependent_log_bound, simulate_rnn
    >>> tr = simulate_rnn(np.eye(2), np.eye(2), np.zeros(2), np.zeros((2, 2)), np.zeros(2), "tanh")
    >>> data_dependent_log_bound(tr).tolist()
    [0.0, 0.0, 0.0]
    """
    trace = _check_trace(trace)
    t = _check_t(trace, t)
    dmax = np.max(np.abs(trace.derivatives[:t]), axis=1) if t else np.empty(0)
    with np.errstate(divide="ignore"):
        per_step = np.log(trace.recurrent_norm) + np.log(dmax)
    out = np.zeros(t + 1)
    # out[k] = sum_{j=k+1}^{t} per_step[j-1]: a reversed cumulative sum.
    out[:t] = np.cumsum(per_step[::-1])[::-1]
    return out


# ---------------------------------------------------------------------------
# Back-propagated gradients and temporal contributions
# ---------------------------------------------------------------------------


def _loss_gradient(trace: RNNTrace, g_T, seed: int) -> np.ndarray:
    if g_T is None:
        v = np.random.default_rng(seed).standard_normal(trace.n)
        return v / np.linalg.norm(v)
    g = np.array(g_T, dtype=float)
    if g.shape != (trace.n,):
        raise ValueError(f"g_T must have shape (n,) = ({trace.n},), got {g.shape}")
    if not np.all(np.isfinite(g)):
        raise ValueError("g_T must be finite")
    return g


def _backward(trace: RNNTrace, g_T: np.ndarray, keep_directions: bool):
    """Back-propagate ``g_k = J_{k+1}ᵀ g_{k+1}`` with power-of-two renormalisation.

    Returns ``ln||g_k||`` (T+1,), ``ln||δ_k||`` (T,) where ``δ_k`` is the gradient
    with respect to the linear combination ``W_rec h_{k-1} + ...`` at step ``k``
    (``g_k`` itself in the Pascanu form, ``σ'(a_k) ⊙ g_k`` in the Elman form),
    and optionally the unit directions of ``δ_k`` (T, n).
    """
    T = trace.T
    W = trace.W_rec
    pascanu = trace.form == "pascanu"
    log_g = np.full(T + 1, -math.inf)
    log_delta = np.full(T, -math.inf)
    directions = np.zeros((T, trace.n)) if keep_directions else None
    g = g_T
    log2_scale = 0
    with np.errstate(under="ignore"):
        for k in range(T, -1, -1):
            amax = float(np.max(np.abs(g)))
            if amax == 0.0:
                break
            e = math.frexp(amax)[1]
            g = np.ldexp(g, -e)
            log2_scale += e
            log_g[k] = math.log(float(np.linalg.norm(g))) + log2_scale * _LN2
            if k == 0:
                break
            d = trace.derivatives[k - 1]
            delta = g if pascanu else d * g
            log_delta[k - 1] = _log_norm(delta) + log2_scale * _LN2
            if directions is not None and np.isfinite(log_delta[k - 1]):
                directions[k - 1] = delta / np.linalg.norm(delta)
            g = d * (W.T @ g) if pascanu else W.T @ delta
    return log_g, log_delta, directions


def backprop_log_norms(trace: RNNTrace, g_T: np.ndarray | None = None, *, seed: int = 0) -> np.ndarray:
    """``ln ||∂E_T/∂x_k||_2`` for ``k = 0..T``: back-propagation through time.

    Parameters
    ----------
    trace : RNNTrace
    g_T : array_like, shape (n,), optional
        ``∂E_T/∂x_T``. Default: a unit vector ``v`` drawn from
        ``np.random.default_rng(seed)`` (normalised Gaussian), i.e. the linear
        read-out loss ``E_T = vᵀ x_T``, which weighs no direction specially.
    seed : int, default 0
        Seed of the default ``g_T``.

    Returns
    -------
    ndarray, shape (T + 1,)
        Entry ``T`` is ``ln ||g_T||``; ``-inf`` once the gradient is exactly zero.

    Notes
    -----
    ``g_k = J_{k+1}ᵀ g_{k+1}``, i.e. ``g_k = (∂x_T/∂x_k)ᵀ g_T``, so
    ``ln||g_k|| <= ln||∂x_T/∂x_k||_2 + ln||g_T||``: this is the quantity the
    learning signal actually sees, and it follows the top singular direction
    only when ``g_T`` has a component along it. Renormalised by powers of two
    at every step (overflow-free).

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import backprop_log_norms, simulate_rnn
    >>> tr = simulate_rnn(2.0 * np.eye(2), np.eye(2), np.zeros(2), np.ones((3, 2)), np.zeros(2), "identity")
    >>> np.round(backprop_log_norms(tr, np.array([1.0, 0.0])) / math.log(2.0), 12).tolist()
    [3.0, 2.0, 1.0, 0.0]
    """
    trace = _check_trace(trace)
    g = _loss_gradient(trace, g_T, seed)
    return _backward(trace, g, keep_directions=False)[0]


def _recurrent_input_log_norms(trace: RNNTrace) -> np.ndarray:
    """``ln ||h_{k-1}||`` for ``k = 1..T``, where ``W_rec h_{k-1}`` enters step ``k``."""
    out = np.empty(trace.T)
    for k in range(1, trace.T + 1):
        x = trace.states[k - 1]
        s = int(trace.state_log2_scale[k - 1])
        h = _activate_scaled(_activation(trace.activation), x, s)[0] if trace.form == "pascanu" else x
        out[k - 1] = _log_norm(h) + s * _LN2
    return out


def temporal_contributions(trace: RNNTrace, g_T: np.ndarray | None = None, *, seed: int = 0) -> np.ndarray:
    """``ln ||(∂E_T/∂x_T)(∂x_T/∂x_k)(∂⁺x_k/∂W_rec)||_F`` for ``k = 1..T``.

    Parameters
    ----------
    trace : RNNTrace
    g_T : array_like, shape (n,), optional
        ``∂E_T/∂x_T``; default as in :func:`backprop_log_norms`.
    seed : int, default 0

    Returns
    -------
    ndarray, shape (T,)
        Entry ``k - 1`` belongs to step ``k`` (index 0 is the oldest term).
        ``-inf`` where the term is exactly zero.

    Notes
    -----
    Pascanu et al. (2013), eq. (4)/(11): the gradient of ``E_T`` splits into one
    *temporal contribution* per step, ``∂E_T/∂W_rec = Σ_k term_k``, where
    ``∂⁺`` is the immediate partial derivative (``x_{k-1}`` held fixed). Each term
    is an outer product, so its Frobenius norm is a product of two vector norms:
    Pascanu form ``term_k = g_k σ(x_{k-1})ᵀ``; Elman form
    ``term_k = (σ'(a_k) ⊙ g_k) x_{k-1}ᵀ``, with ``g_k = ∂E_T/∂x_k``. When the
    Jacobian products vanish, the old terms (small ``k``) drop out of the sum
    and the gradient only carries short-term information.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Bengio, Y., Simard, P. and Frasconi, P. (1994). Learning long-term dependencies with gradient
       descent is difficult. IEEE Transactions on Neural Networks 5(2), 157-166.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import simulate_rnn, temporal_contributions
    >>> tr = simulate_rnn(0.5 * np.eye(2), np.eye(2), np.zeros(2), np.ones((3, 2)), np.zeros(2), "identity")
    >>> np.round(np.exp(temporal_contributions(tr, np.array([1.0, 0.0]))), 6).tolist()
    [0.0, 0.707107, 2.12132]
    """
    trace = _check_trace(trace)
    g = _loss_gradient(trace, g_T, seed)
    log_delta = _backward(trace, g, keep_directions=False)[1]
    return log_delta + _recurrent_input_log_norms(trace)


def temporal_contribution_matrices(
    trace: RNNTrace, g_T: np.ndarray | None = None, *, seed: int = 0
) -> np.ndarray:
    """The temporal contributions themselves, as ``n x n`` matrices (small cases).

    Parameters
    ----------
    trace : RNNTrace
        With ``T * n * n <=`` :data:`MAX_CONTRIBUTION_ENTRIES`.
    g_T : array_like, shape (n,), optional
    seed : int, default 0

    Returns
    -------
    ndarray, shape (T, n, n)
        ``out[k - 1]`` is the term of step ``k``; ``out.sum(axis=0)`` is
        ``∂E_T/∂W_rec`` (``E_T`` the loss whose gradient at ``x_T`` is ``g_T``).

    Raises
    ------
    ValueError
        If ``T * n * n`` exceeds the cap or a term is too large for floats
        (``ln ||term||_F > 700``); use :func:`temporal_contributions` then.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import simulate_rnn, temporal_contribution_matrices
    >>> tr = simulate_rnn(0.5 * np.eye(1), np.eye(1), np.zeros(1), np.ones((2, 1)), np.zeros(1), "identity")
    >>> temporal_contribution_matrices(tr, np.array([1.0]))[:, 0, 0].tolist()
    [0.0, 1.0]
    """
    trace = _check_trace(trace)
    if trace.T * trace.n * trace.n > MAX_CONTRIBUTION_ENTRIES:
        raise ValueError(
            f"trace is too large for explicit matrices: T * n * n = {trace.T * trace.n**2} "
            f"> {MAX_CONTRIBUTION_ENTRIES}; use temporal_contributions"
        )
    g = _loss_gradient(trace, g_T, seed)
    _, log_delta, directions = _backward(trace, g, keep_directions=True)
    out = np.zeros((trace.T, trace.n, trace.n))
    for k in range(1, trace.T + 1):
        x = trace.states[k - 1]
        s = int(trace.state_log2_scale[k - 1])
        h = _activate_scaled(_activation(trace.activation), x, s)[0] if trace.form == "pascanu" else x
        log_h = _log_norm(h) + s * _LN2
        total = log_delta[k - 1] + log_h
        if total == -math.inf:
            continue
        if total > 700.0:
            raise ValueError(f"the term of step {k} is too large for floats (ln norm {total:.1f})")
        out[k - 1] = math.exp(total) * np.outer(directions[k - 1], h / np.linalg.norm(h))
    return out


# ---------------------------------------------------------------------------
# Saturation
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SaturationProfile:
    """How far below ``γ`` the derivatives along a trajectory sit.

    Attributes
    ----------
    derivatives : ndarray, shape (T * n,)
        ``|σ'|`` of every factor, flattened step-major (``derivatives[(j-1)*n + i]``
        is unit ``i`` in ``J_j``).
    mean_per_step : ndarray, shape (T,)
        Mean ``|σ'|`` over units at each step ``j = 1..T``.
    mean_derivative : float
        Overall mean of ``|σ'|`` (NaN if ``T = 0``).
    fraction_saturated : float
        Fraction of values below ``threshold`` (NaN if ``T = 0``).
    threshold : float
        ``0.1 γ`` unless given.
    gamma : float
        ``sup|σ'|`` of the activation.
    """

    derivatives: np.ndarray
    mean_per_step: np.ndarray
    mean_derivative: float
    fraction_saturated: float
    threshold: float
    gamma: float


def saturation_profile(trace: RNNTrace, threshold: float | None = None) -> SaturationProfile:
    """The ``σ'`` values met along the trajectory, and how many are saturated.

    Parameters
    ----------
    trace : RNNTrace
    threshold : float, optional
        A derivative counts as saturated below this; default ``0.1 γ``.

    Returns
    -------
    SaturationProfile

    Notes
    -----
    The data-dependent bound replaces ``γ`` by these values: a saturated unit
    (tanh or sigmoid far from 0) passes almost nothing back, which is why a
    network whose ``σ_max(W_rec)`` exceeds ``1/γ`` can still have vanishing
    gradients (Pascanu et al. 2013, §2.1; Goodfellow et al., §10.7).

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient BackProp. In Neural
       Networks: Tricks of the Trade, Springer.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import saturation_profile, simulate_rnn
    >>> tr = simulate_rnn(np.eye(2), np.eye(2), np.zeros(2), 50 * np.ones((3, 2)), np.zeros(2), "tanh")
    >>> sp = saturation_profile(tr)
    >>> round(sp.fraction_saturated, 3)
    0.667
    """
    trace = _check_trace(trace)
    gamma = _activation(trace.activation).gamma
    thr = 0.1 * gamma if threshold is None else real("threshold", threshold, 0.0, math.inf)
    d = np.abs(trace.derivatives)
    if trace.T == 0:
        return SaturationProfile(np.empty(0), np.empty(0), math.nan, math.nan, thr, gamma)
    return SaturationProfile(
        derivatives=d.ravel(),
        mean_per_step=d.mean(axis=1),
        mean_derivative=float(d.mean()),
        fraction_saturated=float(np.mean(d < thr)),
        threshold=thr,
        gamma=gamma,
    )


# ---------------------------------------------------------------------------
# Building networks: matrices and inputs
# ---------------------------------------------------------------------------


def _nilpotent_chain(n: int) -> np.ndarray:
    """The shift with ones on the superdiagonal: unit ``i + 1`` feeds unit ``i``."""
    return np.eye(n, k=1)


def recurrent_matrix(
    n: int,
    *,
    kind: str = "gaussian",
    target: float = 0.9,
    target_kind: str = "sigma_max",
    seed: int = 0,
) -> np.ndarray:
    """A seeded ``W_rec`` scaled so its largest singular value (or spectral radius) hits ``target``.

    Parameters
    ----------
    n : int
        ``1 <= n <=`` :data:`MAX_RNN_SIZE`.
    kind : {"gaussian", "orthogonal", "nilpotent"}, default "gaussian"
        ``"gaussian"``: i.i.d. normal entries; ``"orthogonal"``: Haar-random
        orthogonal (``σ_max = ρ``); ``"nilpotent"``: the chain (shift) matrix with
        ones on the superdiagonal, ``ρ = 0`` and ``||W^k||_2 = 1`` for ``k < n``,
        ``W^n = 0`` (the seed is not used).
    target : float, default 0.9
        In ``[0,`` :data:`MAX_RNN_TARGET` ``]``.
    target_kind : {"sigma_max", "spectral_radius"}, default "sigma_max"
    seed : int, default 0

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    ValueError
        Bad ``kind``, ``target_kind``, ``n`` or ``target``; and
        ``kind="nilpotent"`` with ``target_kind="spectral_radius"`` (a nilpotent
        matrix has ``ρ = 0`` whatever its scale, so no rescaling can reach a
        positive radius; target ``sigma_max`` instead).

    Notes
    -----
    The two targets differ as much as the matrix is non-normal. For a large
    Gaussian matrix ``σ_max ≈ 2ρ`` (circular law versus the largest singular
    value), so "spectral radius 0.9" means ``σ_max ≈ 1.8``: Pascanu et al.'s
    sufficient condition no longer applies, although the linearised dynamics
    around a fixed point still decay eventually. The nilpotent chain is the
    extreme case (Trefethen & Embree, *Spectra and Pseudospectra*): eigenvalues
    all zero, yet ``||W^k||_2 = σ_max^k`` for ``k < n``.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Saxe, A. M., McClelland, J. L. and Ganguli, S. (2014). Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks. ICLR.
    .. [3] Girko, V. L. (1985). Circular law. Theory of Probability and Its Applications 29(4), 694-706.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import recurrent_matrix, spectral_norm, spectral_radius
    >>> W = recurrent_matrix(50, target=1.5, seed=3)
    >>> round(spectral_norm(W), 12)
    1.5
    >>> N = recurrent_matrix(5, kind="nilpotent", target=2.0)
    >>> spectral_radius(N), float(np.linalg.norm(np.linalg.matrix_power(N, 4), 2))
    (0.0, 16.0)
    """
    n = integer("n", n, 1, MAX_RNN_SIZE)
    if kind not in MATRIX_KINDS:
        raise ValueError(f"kind must be one of {', '.join(MATRIX_KINDS)}; got {kind!r}")
    if target_kind not in TARGET_KINDS:
        raise ValueError(f"target_kind must be one of {', '.join(TARGET_KINDS)}; got {target_kind!r}")
    target = real("target", target, 0.0, MAX_RNN_TARGET)
    if kind == "gaussian":
        base = gaussian_matrix(n, 1.0, seed)
    elif kind == "orthogonal":
        base = orthogonal_matrix(n, seed)
    else:
        if target_kind == "spectral_radius":
            raise ValueError(
                "target_kind='spectral_radius' is impossible for kind='nilpotent': its spectral radius is 0 "
                "at every scale; use target_kind='sigma_max'"
            )
        if n == 1:
            return np.zeros((1, 1))
        base = _nilpotent_chain(n)
    if target_kind == "sigma_max":
        return scale_to_spectral_norm(base, target)
    return scale_to_spectral_radius(base, target)


def make_rnn_inputs(T: int, m: int, scale: float = 1.0, seed: int = 0) -> np.ndarray:
    """Seeded i.i.d. ``N(0, scale²)`` inputs of shape ``(T, m)``.

    Parameters
    ----------
    T : int
        ``0 <= T <=`` :data:`MAX_RNN_STEPS`.
    m : int
        ``1 <= m <=`` :data:`MAX_RNN_INPUTS`.
    scale : float, default 1.0
        Standard deviation, ``0 <= scale <= 1000``.
    seed : int, default 0
        Drawn from stream ``(seed, 1)`` of :func:`numpy.random.default_rng`, so the
        inputs are independent of a matrix made with the same ``seed``.

    Returns
    -------
    ndarray, shape (T, m)

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import make_rnn_inputs
    >>> make_rnn_inputs(3, 2, 0.0).tolist()
    [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    >>> bool(np.array_equal(make_rnn_inputs(4, 3, seed=5), make_rnn_inputs(4, 3, seed=5)))
    True
    """
    T = integer("T", T, 0, MAX_RNN_STEPS)
    m = integer("m", m, 1, MAX_RNN_INPUTS)
    scale = real("scale", scale, 0.0, 1000.0)
    rng = np.random.default_rng((int(seed), 1))
    return scale * rng.standard_normal((T, m)) + 0.0  # + 0.0 turns -0.0 into 0.0


def simulate_random_rnn(
    activation: str,
    n: int,
    T: int,
    *,
    kind: str = "gaussian",
    target: float = 0.9,
    target_kind: str = "sigma_max",
    input_scale: float = 1.0,
    bias: float = 0.0,
    seed: int = 0,
    form: str = "pascanu",
) -> RNNTrace:
    """Simulate the network the page's controls describe.

    ``W_rec = recurrent_matrix(n, kind=kind, target=target, target_kind=target_kind, seed=seed)``,
    ``W_in = I`` (each unit gets its own input), ``b = bias * 1``,
    ``inputs = make_rnn_inputs(T, n, input_scale, seed)`` and ``x0 = 0``.

    Parameters
    ----------
    activation : str
    n, T : int
    kind, target, target_kind, seed
        As in :func:`recurrent_matrix`.
    input_scale : float, default 1.0
        Standard deviation of each input.
    bias : float, default 0.0
        The same bias on every unit, ``|bias| <= 100``.
    form : {"pascanu", "elman"}, default "pascanu"

    Returns
    -------
    RNNTrace

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> from explorer.sim import simulate_random_rnn
    >>> tr = simulate_random_rnn("tanh", 8, 20, target=0.9, seed=1)
    >>> tr.states.shape
    (21, 8)
    """
    W = recurrent_matrix(n, kind=kind, target=target, target_kind=target_kind, seed=seed)
    T = integer("T", T, 0, MAX_RNN_STEPS)
    bias = real("bias", bias, -100.0, 100.0)
    inputs = make_rnn_inputs(T, W.shape[0], input_scale, seed)
    n = W.shape[0]
    return simulate_rnn(W, np.eye(n), np.full(n, bias), inputs, np.zeros(n), activation, form)


# ---------------------------------------------------------------------------
# Growth rate against σ_max
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Measured asymptotic growth rate of the Jacobian products against ``σ_max(W_rec)``.

    Attributes
    ----------
    scales : ndarray, shape (S,)
        ``σ_max(W_rec)`` of each network.
    log_growth_rate : ndarray, shape (S,)
        Measured ``ln`` growth factor per step (top Lyapunov exponent); ``-inf``
        when the product became exactly zero.
    growth_factor : ndarray, shape (S,)
        ``exp(log_growth_rate)``.
    log_eta : ndarray, shape (S,)
        ``ln η = ln(σ_max γ)``, the bound's rate (``-inf`` at scale 0).
    eta : ndarray, shape (S,)
    spectral_radius : ndarray, shape (S,)
        ``ρ(W_rec)`` of each network.
    mean_derivative : ndarray, shape (S,)
        Mean ``|σ'|`` over the measured part of each trajectory.
    critical_scale : float
        ``1/γ``: below it vanishing is guaranteed.
    activation : str
    burn_in : int
        Steps discarded before averaging.
    """

    scales: np.ndarray
    log_growth_rate: np.ndarray
    growth_factor: np.ndarray
    log_eta: np.ndarray
    eta: np.ndarray
    spectral_radius: np.ndarray
    mean_derivative: np.ndarray
    critical_scale: float
    activation: str
    burn_in: int


def growth_rate_sweep(
    activation: str,
    n: int,
    T: int,
    scales,
    *,
    kind: str = "gaussian",
    seed: int = 0,
    form: str = "pascanu",
    input_scale: float = 1.0,
    bias: float = 0.0,
    burn_in: float = 0.25,
) -> SweepResult:
    """Measured growth rate per step of ``||∂x_t/∂x_k||`` for a range of ``σ_max(W_rec)``.

    Parameters
    ----------
    activation : str
    n : int
        Hidden size.
    T : int
        Steps per network, ``2 <= T <=`` :data:`MAX_RNN_STEPS`.
    scales : array_like, shape (S,)
        Values of ``σ_max(W_rec)``, each in ``[0,`` :data:`MAX_RNN_TARGET` ``]``;
        at most :data:`MAX_SWEEP_SCALES`.
    kind, seed, form, input_scale, bias
        As in :func:`simulate_random_rnn`; the network at scale ``c`` is exactly
        ``simulate_random_rnn(activation, n, T, target=c, ...)``.
    burn_in : float, default 0.25
        Fraction of the steps discarded (trajectory transient and alignment).

    Returns
    -------
    SweepResult

    Raises
    ------
    ValueError
        For bad arguments, or if ``n² T S`` exceeds :data:`MAX_SWEEP_WORK`.

    Notes
    -----
    The estimator is the top Lyapunov exponent of the Jacobian product along
    the trajectory (Benettin et al. 1980): a vector is pushed through
    ``v ← J_j v`` and renormalised at every step, and the logs of the
    renormalisations are averaged after the burn-in. That is the long-lag slope
    of :func:`jacobian_log_norms` at the cost of one matrix-vector product per
    step. All scales run together: ``W_rec`` at scale ``c`` is ``c`` times one
    base matrix, so the ``S`` networks advance as the columns of one ``n x S``
    block. Because every ``||J_j|| <= η``, the measured rate never exceeds
    ``ln η``; where it sits far below (saturation, non-normality) the condition
    ``σ_max < 1/γ`` is visibly sufficient but not necessary.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import growth_rate_sweep
    >>> res = growth_rate_sweep("identity", 16, 50, [0.5, 2.0], kind="orthogonal")
    >>> np.round(res.growth_factor, 9).tolist()
    [0.5, 2.0]
    """
    name = choice("activation", activation, ACTIVATIONS)
    form = choice("form", form, RNN_FORMS)
    n = integer("n", n, 1, MAX_RNN_SIZE)
    T = integer("T", T, 2, MAX_RNN_STEPS)
    try:
        c = np.array(scales, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError("scales must be a sequence of numbers") from None
    if not 1 <= c.size <= MAX_SWEEP_SCALES:
        raise ValueError(f"scales must hold between 1 and {MAX_SWEEP_SCALES} values, got {c.size}")
    if not np.all(np.isfinite(c)) or np.any(c < 0) or np.any(c > MAX_RNN_TARGET):
        raise ValueError(f"scales must be finite and in [0, {MAX_RNN_TARGET}]")
    if float(n) * n * T * c.size > MAX_SWEEP_WORK:
        raise ValueError(f"sweep too large: n^2 * T * len(scales) must be <= {MAX_SWEEP_WORK:g}")
    burn_in = real("burn_in", burn_in, 0.0, 0.9)
    bias = real("bias", bias, -100.0, 100.0)
    base = recurrent_matrix(n, kind=kind, target=1.0, target_kind="sigma_max", seed=seed)
    drives = make_rnn_inputs(T, n, input_scale, seed) + bias
    burn = int(burn_in * T)
    S = c.size
    x = np.zeros((n, S))
    s = np.zeros(S, dtype=np.int64)
    dynamics = _Dynamics(name, form, base, c)
    v = np.random.default_rng((int(seed), 2)).standard_normal(n)
    V = np.repeat((v / np.linalg.norm(v))[:, None], S, axis=1)
    norms = np.empty((T - burn, S))
    abs_deriv_sum = np.zeros((n, S))
    with np.errstate(under="ignore"):
        for j in range(1, T + 1):
            x, s, d, _ = dynamics.step(x, s, drives[j - 1])
            if j <= burn:
                continue  # the vector starts after the transient (x0 = 0 may sit on a ReLU kink)
            # d is σ'(x_{j-1}) (pascanu) or σ'(a_j) (elman): the diagonal of J_j.
            V = (base @ (d * V)) * c if form == "pascanu" else d * ((base @ V) * c)
            row = norms[j - 1 - burn]
            np.sqrt(np.einsum("ij,ij->j", V, V), out=row)
            V /= np.where(row > 0.0, row, 1.0)
            abs_deriv_sum += np.abs(d)
    steps = T - burn
    with np.errstate(divide="ignore"):
        rate = np.sum(np.log(norms), axis=0) / steps
    gamma = _activation(name).gamma
    eta = c * gamma
    with np.errstate(divide="ignore"):
        log_eta = np.log(eta)
        growth = np.exp(rate)
    return SweepResult(
        scales=c,
        log_growth_rate=rate,
        growth_factor=growth,
        log_eta=log_eta,
        eta=eta,
        spectral_radius=c * spectral_radius(base),
        mean_derivative=abs_deriv_sum.mean(axis=0) / steps,
        critical_scale=1.0 / gamma,
        activation=name,
        burn_in=burn,
    )


# ---------------------------------------------------------------------------
# Page summaries: the (t, k) grid of norms, the measured rate, the bound check
# ---------------------------------------------------------------------------

MAX_GRID_STEPS = 101
"""Largest number of steps in one :func:`jacobian_norm_grid` (a 101 x 101 triangle)."""

MAX_GRID_WORK = 2e10
"""Cap on ``n**3 * sum(steps)`` (multiply-adds) for :func:`jacobian_norm_grid`."""

_GRID_RENORMALISE_EVERY = 4  # steps between power-of-two rescalings of the stacked products


@dataclass(frozen=True, eq=False)
class JacobianGrid:
    """Norms of ``∂x_t/∂x_k`` for every pair of a grid of steps.

    Attributes
    ----------
    steps : ndarray of int, shape (G,)
        Increasing steps ``0 <= s_0 < ... < s_{G-1} <= T``.
    log_norms : ndarray, shape (G, G)
        ``log_norms[i, j] = ln ||∂x_{steps[i]}/∂x_{steps[j]}||_2`` for ``j <= i``
        (0 on the diagonal, the empty product); ``-inf`` where the product is
        exactly zero; NaN above the diagonal (``k > t`` has no product).
    """

    steps: np.ndarray
    log_norms: np.ndarray


def jacobian_norm_grid(trace: RNNTrace, steps) -> JacobianGrid:
    """``ln ||∂x_t/∂x_k||_2`` for every pair ``k <= t`` taken from ``steps``.

    Parameters
    ----------
    trace : RNNTrace
    steps : array_like of int, shape (G,)
        Distinct steps in ``[0, T]`` (sorted here), at most
        :data:`MAX_GRID_STEPS`, with ``n**3 * sum(steps) <=`` :data:`MAX_GRID_WORK`.

    Returns
    -------
    JacobianGrid

    Raises
    ------
    ValueError
        For a bad trace, steps out of range, repeated, too many, or too much work.

    Notes
    -----
    Row ``t`` of the grid is :func:`jacobian_log_norms` ``(trace, t)`` read at the
    grid's ``k``. Rather than one profile per row (``sum(steps)`` products of
    ``n x n`` matrices), the Jacobians between two neighbouring grid steps are
    multiplied once into a segment ``S_i = J_{s_{i+1}} ... J_{s_i + 1}``, and
    all rows advance together: walking ``i`` down, every row with ``t > s_i``
    is multiplied on the right by ``S_i`` in one batched product, so after it
    each holds ``∂x_t/∂x_{s_i}``. That is ``max(steps) + G²/2`` products in all.
    Segments and rows are renormalised by exact powers of two (integer
    exponents accumulated per row), so nothing overflows. At each grid ``k``
    the largest singular value of every row is taken by the same certified
    estimator as :func:`jacobian_profile` (within 2.5e-7 in ``ln``), run on all
    rows at once and warm-started from each row's previous grid point with a
    fixed block of 8; ``n <= 32`` uses a direct SVD.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import jacobian_norm_grid, simulate_rnn
    >>> tr = simulate_rnn(2.0 * np.eye(3), np.eye(3), np.zeros(3), np.ones((4, 3)), np.zeros(3), "identity")
    >>> g = jacobian_norm_grid(tr, [0, 2, 4])
    >>> np.round(g.log_norms / math.log(2.0), 9)
    array([[ 0., nan, nan],
           [ 2.,  0., nan],
           [ 4.,  2.,  0.]])
    """
    trace = _check_trace(trace)
    try:
        raw = np.array(steps, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError("steps must be a sequence of integers") from None
    if not 1 <= raw.size <= MAX_GRID_STEPS:
        raise ValueError(f"steps must hold between 1 and {MAX_GRID_STEPS} values, got {raw.size}")
    if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
        raise ValueError("steps must be integers")
    grid = np.sort(raw.astype(np.int64))
    if grid[0] < 0 or grid[-1] > trace.T:
        raise ValueError(f"steps must lie in [0, T] = [0, {trace.T}]")
    if np.any(np.diff(grid) == 0):
        raise ValueError("steps must be distinct")
    n = trace.n
    if float(n) ** 3 * float(grid.sum()) > MAX_GRID_WORK:
        raise ValueError(f"grid too large: n^3 * sum(steps) must be <= {MAX_GRID_WORK:g}")

    G = grid.size
    out = np.full((G, G), np.nan)
    np.fill_diagonal(out, 0.0)
    stack = np.zeros((G, n, n))  # row r: the product for grid row G - 1 - r; active rows form a prefix
    spare = np.empty_like(stack)
    log2_scale = np.zeros(G, dtype=np.int64)
    exact = n <= _EXACT_MAX_SIZE
    tracker = None if exact else StackedTopSingularValueTracker(G, n, min(_DEFAULT_BLOCK, n), _CERTIFY_TOLERANCE)
    with np.errstate(under="ignore"):
        for i in range(G - 2, -1, -1):
            segment, shift = _jacobian_segment(trace, int(grid[i + 1]), int(grid[i]))
            active = G - 2 - i  # rows whose t lies above grid[i + 1]
            np.matmul(stack[:active], segment, out=spare[:active])
            stack, spare = spare, stack
            stack[active] = segment
            active += 1
            log2_scale[:active] += shift
            part = stack[:active]
            _renormalise(part, log2_scale[:active])
            fro2 = np.einsum("bij,bij->b", part, part)
            logs = log_top_singular_values(part, fro2, None) if exact else tracker(part, fro2)
            out[G - 1 - np.arange(active), i] = logs + log2_scale[:active] * _LN2
    return JacobianGrid(steps=_frozen(grid), log_norms=_frozen(out))


def _jacobian_segment(trace: RNNTrace, t: int, k: int) -> tuple[np.ndarray, int]:
    """``∂x_t/∂x_k = J_t ... J_{k+1}`` for ``t > k`` as ``(M, e)`` with the product ``= M · 2**e``."""
    W, pascanu = trace.W_rec, trace.form == "pascanu"
    M = None
    scale = np.zeros(1, dtype=np.int64)
    for j in range(t, k, -1):
        d = trace.derivatives[j - 1]
        dmax = float(np.max(np.abs(d)))
        shift = math.frexp(dmax)[1] if dmax > 0.0 else 0
        d = np.ldexp(d, -shift)
        scale += shift
        if M is None:
            M = W * d[None, :] if pascanu else d[:, None] * W
        elif pascanu:
            M = (M @ W) * d[None, :]
        else:
            M = (M * d[None, :]) @ W
        if (t - j) % _GRID_RENORMALISE_EVERY == _GRID_RENORMALISE_EVERY - 1:
            _renormalise(M[None], scale)
    return M, int(scale[0])


def _renormalise(blocks: np.ndarray, log2_scale: np.ndarray) -> None:
    """Scale each block (in place) by an exact power of two to a peak in [0.5, 1); add the exponents to ``log2_scale``.

    With max|d| < 1 and ||W_rec|| <= 100 a block cannot leave the float range between two rescalings.
    """
    peaks = np.maximum(blocks.max(axis=(1, 2)), -blocks.min(axis=(1, 2)))
    exponents = np.where(peaks > 0.0, np.frexp(peaks)[1], 0).astype(np.int64)
    blocks *= np.ldexp(1.0, -exponents)[:, None, None]
    log2_scale += exponents


def jacobian_grid_steps(
    T: int,
    n: int,
    *,
    max_step: int = 200,
    max_cells: int = 32,
    min_cells: int = 10,
    max_work: float = 4e9,
) -> np.ndarray:
    """Evenly spaced steps for :func:`jacobian_norm_grid` that keep its cost bounded.

    Parameters
    ----------
    T, n : int
        Steps of the trace and hidden size.
    max_step : int, default 200
        The grid covers ``0..min(T, max_step)``, shortened further if needed.
    max_cells, min_cells : int, default 32 and 10
        Grid points per side: as many as the budget allows, within these bounds.
    max_work : float, default 4e9
        Budget for ``n**3 * sum(steps)`` multiply-adds (the stacked products).

    Returns
    -------
    ndarray of int
        ``0 = s_0 < s_1 < ... <= min(T, max_step)``.

    Notes
    -----
    The grid first loses points (down to ``min_cells``), then range: at
    ``n = 256`` the default budget covers the first few dozen steps.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> from explorer.sim import jacobian_grid_steps
    >>> jacobian_grid_steps(200, 64)[-3:].tolist()
    [188, 194, 200]
    >>> int(jacobian_grid_steps(1000, 256)[-1]) < 200
    True
    """
    T = integer("T", T, 0, MAX_RNN_STEPS)
    n = integer("n", n, 1, MAX_RNN_SIZE)
    top = min(T, integer("max_step", max_step, 1, MAX_RNN_STEPS))
    hi = integer("max_cells", max_cells, 1, MAX_GRID_STEPS - 1)
    lo = min(integer("min_cells", min_cells, 1, hi), hi)
    budget = real("max_work", max_work, 1.0, MAX_GRID_WORK)

    def make(cells: int, last: int) -> np.ndarray:
        return np.unique(np.round(np.linspace(0, last, min(cells, last) + 1)).astype(np.int64))

    if top == 0:
        return np.zeros(1, dtype=np.int64)
    cells = hi
    while cells > lo and float(n) ** 3 * make(cells, top).sum() > budget:
        cells -= 1
    while top > 1 and float(n) ** 3 * make(cells, top).sum() > budget:
        top = max(1, int(top * 0.9))
    return make(cells, top)


def profile_growth_rate(log_norms, *, discard: float = 0.25) -> float:
    """Measured growth per step of ``||∂x_t/∂x_k||``: the long-lag slope of a profile.

    Parameters
    ----------
    log_norms : array_like, shape (t + 1,)
        ``ln ||∂x_t/∂x_k||_2`` for ``k = 0..t``, as from :func:`jacobian_log_norms`.
    discard : float, default 0.25
        Fraction of the shortest lags left out (the transient before the
        product settles on its growth rate), ``0 <= discard < 1``.

    Returns
    -------
    float
        Least-squares slope of ``ln`` norm against lag ``t - k`` over lags
        ``ceil(discard t)..t`` (natural log per step; ``exp`` of it is the
        factor per step). ``-inf`` if the product is exactly zero somewhere in
        that range; NaN if fewer than two lags remain.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import profile_growth_rate
    >>> round(profile_growth_rate(math.log(0.5) * np.arange(10, -1, -1)) / math.log(0.5), 12)
    1.0
    """
    y = np.array(log_norms, dtype=float).ravel()[::-1]  # index = lag
    discard = real("discard", discard, 0.0, 0.99)
    if np.any(np.isnan(y)) or np.any(y == math.inf):
        raise ValueError("log_norms must hold finite values or -inf")
    first = math.ceil(discard * (y.size - 1))
    lags = np.arange(first, y.size, dtype=float)
    part = y[first:]
    if part.size < 2:
        return math.nan
    if np.any(np.isneginf(part)):
        return -math.inf
    lags -= lags.mean()
    return float(np.dot(lags, part - part.mean()) / np.dot(lags, lags))


def temporal_contribution_log_bounds(
    trace: RNNTrace, g_T: np.ndarray | None = None, *, seed: int = 0
) -> np.ndarray:
    """Pascanu's bound on each temporal contribution, ``ln`` of it, for ``k = 1..T``.

    Parameters
    ----------
    trace : RNNTrace
    g_T : array_like, shape (n,), optional
        ``∂E_T/∂x_T``; default as in :func:`backprop_log_norms`.
    seed : int, default 0

    Returns
    -------
    ndarray, shape (T,)
        Entry ``k - 1`` bounds entry ``k - 1`` of :func:`temporal_contributions`.

    Notes
    -----
    Pascanu et al. (2013), §2.1: ``||term_k|| <= ||∂E_T/∂x_T|| η^(T-k) ||∂⁺x_k/∂W_rec||``.
    Pascanu form: ``∂⁺x_k/∂W_rec`` contributes ``||σ(x_{k-1})||``; Elman form:
    ``||σ'(a_k) ⊙ g_k|| <= γ ||g_k||`` adds a factor ``γ`` and the input is ``x_{k-1}``.
    With ``η < 1`` the bound of the oldest terms falls geometrically: whatever
    the data, the gradient forgets them.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import simulate_rnn, temporal_contribution_log_bounds, temporal_contributions
    >>> tr = simulate_rnn(0.5 * np.eye(2), np.eye(2), np.zeros(2), np.ones((3, 2)), np.zeros(2), "identity")
    >>> bool(np.all(temporal_contributions(tr, np.array([1.0, 0.0]))
    ...             <= temporal_contribution_log_bounds(tr, np.array([1.0, 0.0])) + 1e-12))
    True
    """
    trace = _check_trace(trace)
    g = _loss_gradient(trace, g_T, seed)
    gamma = _activation(trace.activation).gamma
    eta = trace.recurrent_norm * gamma
    lags = np.arange(trace.T - 1, -1, -1, dtype=float)  # T - k for k = 1..T
    with np.errstate(divide="ignore"):
        log_eta = math.log(eta) if eta > 0.0 else -math.inf
        decay = np.where(lags > 0, lags * log_eta, 0.0) if eta > 0.0 else np.where(lags > 0, -math.inf, 0.0)
    extra = 0.0 if trace.form == "pascanu" else math.log(gamma)
    return _log_norm(g) + decay + extra + _recurrent_input_log_norms(trace)


@dataclass(frozen=True)
class BoundSummary:
    """The numbers a verdict on Pascanu's bound needs, for one trajectory.

    Attributes
    ----------
    sigma_max, spectral_radius : float
        ``||W_rec||_2`` and ``ρ(W_rec)`` (the largest ``|eigenvalue|``).
    gamma, eta, critical_scale : float
        ``sup|σ'|``, ``η = σ_max γ`` and ``1/γ`` (the σ_max below which vanishing is guaranteed).
    log_rate : float
        Measured ``ln`` growth per step (:func:`profile_growth_rate`) over the lags
        before the first exact zero (NaN if fewer than three remain).
    max_excess : float
        ``max_k (ln||∂x_t/∂x_k|| - (t - k) ln η)`` over finite entries: ``<= 0`` up to
        rounding whenever the bound holds (it always does).
    peak_log_norm : float
        Largest ``ln||∂x_t/∂x_k||`` over lags ``>= 1`` (``-inf`` if none is finite).
    peak_lag : int
        Lag where it occurs (0 if ``t = 0``).
    zero_from_lag : int or None
        Shortest lag whose product is exactly zero, else None.
    mean_derivative : float
        Mean ``|σ'|`` over the whole trajectory.
    regime : Regime
        ``Regime.ZERO`` (exact zero within the first half of the lags), else
        ``Regime.VANISHES`` if ``guaranteed``, else read from the measured rate:
        ``Regime.EXPLODES`` (``rate > 1e-3`` per step), ``Regime.VANISHES``
        (``rate < -1e-3``) or ``Regime.NEUTRAL``; checked in that order.
    guaranteed : bool
        ``η < 1``: the bound certifies vanishing (Pascanu et al. 2013, §2.1).
        Reported even when ``regime`` is ``Regime.ZERO``.
    """

    sigma_max: float
    spectral_radius: float
    gamma: float
    eta: float
    critical_scale: float
    log_rate: float
    max_excess: float
    peak_log_norm: float
    peak_lag: int
    zero_from_lag: int | None
    mean_derivative: float
    regime: Regime
    guaranteed: bool


_NEUTRAL_RATE = 1e-3


def bound_summary(trace: RNNTrace, log_norms, *, discard: float = 0.25) -> BoundSummary:
    """Summarise a measured profile against Pascanu's bound.

    Parameters
    ----------
    trace : RNNTrace
    log_norms : array_like, shape (t + 1,)
        :func:`jacobian_log_norms` ``(trace, t)``.
    discard : float, default 0.25
        As in :func:`profile_growth_rate`.

    Returns
    -------
    BoundSummary

    Notes
    -----
    ``σ_max < 1/γ`` (``η < 1``) is sufficient for vanishing (Pascanu et al.
    2013, §2.1); the regime is read from the measurement otherwise, because
    ``η > 1`` is only necessary for explosion. ``ρ`` is reported beside ``σ_max``:
    the bound is about the largest *singular* value, and a nilpotent ``W_rec``
    (``ρ = 0``) can still make the products grow for up to ``n - 1`` steps.

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> from explorer.sim import bound_summary, jacobian_log_norms, simulate_random_rnn
    >>> tr = simulate_random_rnn("tanh", 16, 60, target=0.5, seed=2)
    >>> s = bound_summary(tr, jacobian_log_norms(tr))
    >>> s.regime, s.guaranteed, round(s.eta, 12), bool(s.max_excess <= 1e-9)
    (<Regime.VANISHES: 'vanishes'>, True, 0.5, True)
    """
    trace = _check_trace(trace)
    y = np.array(log_norms, dtype=float).ravel()
    t = y.size - 1
    if not 0 <= t <= trace.T:
        raise ValueError(f"log_norms must have t + 1 entries with t <= T = {trace.T}, got {y.size}")
    gamma = _activation(trace.activation).gamma
    sigma_max = float(trace.recurrent_norm)
    eta = sigma_max * gamma
    bound = pascanu_log_bound(trace, t)
    finite = np.isfinite(y)
    with np.errstate(invalid="ignore"):
        excess = y[finite] - bound[finite]
    max_excess = float(np.max(excess)) if excess.size else -math.inf
    lags = t - np.arange(t + 1)
    zeros = lags[np.isneginf(y)]
    zero_from = int(zeros.min()) if zeros.size else None
    long = y[:t]  # lags >= 1
    if long.size and np.any(np.isfinite(long)):
        idx = int(np.argmax(np.where(np.isfinite(long), long, -np.inf)))
        peak, peak_lag = float(long[idx]), int(t - idx)
    else:
        peak, peak_lag = -math.inf, 0
    # The rate is read before the first exact zero: ReLU's σ'(0) = 0 at x_0 = 0 alone zeroes the longest lag.
    live = y if zero_from is None else y[t - zero_from + 1:]
    rate = profile_growth_rate(live, discard=discard) if live.size >= 3 else math.nan
    d = np.abs(trace.derivatives[:t]) if t else np.empty(0)
    mean_d = float(d.mean()) if d.size else math.nan
    guaranteed = bool(eta < 1.0)
    if zero_from is not None and zero_from <= max(2, t // 2):
        regime = Regime.ZERO
    elif guaranteed:
        regime = Regime.VANISHES
    elif rate > _NEUTRAL_RATE:
        regime = Regime.EXPLODES
    elif rate < -_NEUTRAL_RATE:
        regime = Regime.VANISHES
    else:
        regime = Regime.NEUTRAL
    return BoundSummary(
        sigma_max=sigma_max,
        spectral_radius=float(spectral_radius(trace.W_rec)),
        gamma=float(gamma),
        eta=float(eta),
        critical_scale=float(1.0 / gamma),
        log_rate=float(rate),
        max_excess=max_excess,
        peak_log_norm=peak,
        peak_lag=peak_lag,
        zero_from_lag=zero_from,
        mean_derivative=mean_d,
        regime=regime,
        guaranteed=guaranteed,
    )


class MemoryEnd(enum.StrEnum):
    """Where the temporal contributions that count sit in time (:attr:`MemoryHorizon.end`)."""

    NEWEST = "newest"
    """The newest term (step ``T``) counts: the gradient remembers the recent steps."""
    OLDEST = "oldest"
    """Every counted term lies in the older half (``last_k <= T / 2``): the newest ones are negligible."""
    MIDDLE = "middle"
    """Counted terms end after the middle but before step ``T``."""
    NONE = "none"
    """Every term is exactly zero."""


@dataclass(frozen=True)
class MemoryHorizon:
    """Which temporal contributions are within ``10**-decades`` of the largest, stated as facts.

    Steps are numbered ``k = 1..T`` as in :func:`temporal_contributions`
    (``k = T`` is the newest term).

    Attributes
    ----------
    count : int
        Number of terms ``>= 10**-decades`` times the largest (0 if every term is zero).
    steps : ndarray of int, shape (count,)
        Their steps ``k``, ascending (read-only).
    first_k, last_k : int or None
        Oldest and newest counted step (None if ``count == 0``).
    largest_k : int or None
        Step of the largest term (the oldest one on ties).
    contiguous : bool
        The counted steps are exactly ``first_k..last_k``.
    end : MemoryEnd
        ``NEWEST`` if step ``T`` counts, ``OLDEST`` if ``last_k <= T / 2``,
        ``MIDDLE`` otherwise, ``NONE`` if every term is zero.
    log_ratio_newest : float
        ``ln(||term_T|| / ||term_largest||)`` (``<= 0``; ``-inf`` if the newest
        term is zero; NaN if every term is zero or ``T = 0``).
    span : int
        ``1 + T - first_k``: how many of the most recent steps one must keep to
        include every counted term (what the old integer ``memory_horizon``
        returned; it equals ``count`` only when the counted terms are the newest ones).
    T : int
        Number of terms.
    decades : float
        The cut.
    """

    count: int
    steps: np.ndarray
    first_k: int | None
    last_k: int | None
    largest_k: int | None
    contiguous: bool
    end: MemoryEnd
    log_ratio_newest: float
    span: int
    T: int
    decades: float

    @property
    def log10_ratio_newest(self) -> float:
        """``log10`` of the newest term relative to the largest (``-21.2`` means ``10^-21``)."""
        return self.log_ratio_newest / _LN10


def memory_horizon(log_contributions, *, decades: float = 6.0) -> MemoryHorizon:
    """Which temporal contributions count (within ``10**-decades`` of the largest), and where they sit.

    Parameters
    ----------
    log_contributions : array_like, shape (T,)
        ``ln ||term_k||`` for ``k = 1..T`` (:func:`temporal_contributions`).
    decades : float, default 6.0
        A term counts if it is at least ``10**-decades`` times the largest.

    Returns
    -------
    MemoryHorizon
        The count, the steps, the largest step, whether they are the newest
        or the oldest, and the size of the newest term relative to the largest.

    Raises
    ------
    ValueError
        If an entry is NaN or ``+inf``, or ``decades`` is not in ``[0, 1e6]``.

    Notes
    -----
    With vanishing Jacobian products, old terms drop out of
    ``∂E_T/∂θ = Σ_k term_k`` and the gradient only "remembers" the last few
    steps (Pascanu et al. 2013 [1]_, §2.1; Bengio, Simard & Frasconi 1994 [2]_).
    With exploding products it is the other way round: the *oldest* terms
    dominate, and the newest can be many decades smaller than the largest, so
    the counted terms are not "the newest ``count``" (``end`` says which).

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
       training recurrent neural networks. ICML.
    .. [2] Bengio, Y., Simard, P. and Frasconi, P. (1994). Learning long-term
       dependencies with gradient descent is difficult. IEEE Transactions on
       Neural Networks 5(2), 157-166.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import memory_horizon
    >>> h = memory_horizon(np.log([1e-9, 1e-7, 1e-3, 1.0]))  # vanishing: the newest terms count
    >>> h.count, h.steps.tolist(), h.largest_k, str(h.end)
    (2, [3, 4], 4, 'newest')
    >>> h = memory_horizon(np.log([1.0, 0.5, 1e-3, 1e-9, 1e-12, 1e-15]))  # exploding: the oldest count
    >>> h.count, h.steps.tolist(), str(h.end), round(h.log10_ratio_newest, 6)
    (3, [1, 2, 3], 'oldest', -15.0)
    """
    y = np.array(log_contributions, dtype=float).ravel()
    decades = real("decades", decades, 0.0, 1e6)
    if np.any(np.isnan(y)) or np.any(y == math.inf):
        raise ValueError("log_contributions must hold finite values or -inf")
    T = int(y.size)
    if not T or not np.any(np.isfinite(y)):
        empty = np.zeros(0, dtype=np.int64)
        empty.flags.writeable = False
        return MemoryHorizon(0, empty, None, None, None, True, MemoryEnd.NONE, math.nan, 0, T, decades)
    top = int(np.argmax(y))
    steps = np.flatnonzero(y >= y[top] - decades * _LN10) + 1
    steps.flags.writeable = False
    first, last = int(steps[0]), int(steps[-1])
    if last == T:
        end = MemoryEnd.NEWEST
    elif 2 * last <= T:
        end = MemoryEnd.OLDEST
    else:
        end = MemoryEnd.MIDDLE
    return MemoryHorizon(
        count=int(steps.size),
        steps=steps,
        first_k=first,
        last_k=last,
        largest_k=top + 1,
        contiguous=bool(steps.size == last - first + 1),
        end=end,
        log_ratio_newest=float(y[-1] - y[top]),
        span=1 + T - first,
        T=T,
        decades=decades,
    )
