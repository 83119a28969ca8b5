"""Gated recurrent cells (LSTM, GRU): trajectories and state-Jacobian products.

A vanilla RNN carries its memory through ``W diag(σ')`` at every step, and the
product of those factors shrinks geometrically (Pascanu, Mikolov & Bengio 2013).
A gated cell adds a second path. The LSTM (Hochreiter & Schmidhuber 1997, with
the forget gate of Gers, Schmidhuber & Cummins 2000) updates its cell state by

    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,

so along the cell the one-step factor is ``diag(f_t)``: close to the identity
whenever the forget gates are close to 1, whatever the recurrent weights. The
GRU (Cho et al. 2014) mixes old and new state, ``h_t = (1 - z_t) ⊙ ñ_t + z_t ⊙
h_{t-1}``, and its update gate ``z`` plays the same role.

Weights follow PyTorch's layout and gate order (``torch.nn.LSTM``: rows ``i, f,
g, o``; ``torch.nn.GRU``: rows ``r, z, n`` with separate input and hidden
biases), so a reader can load the same numbers into either.

Jacobian products are accumulated from the latest factor backwards and
renormalised by exact powers of two after every step (the technique of
:func:`explorer.sim.jacobian_log_norms`), so their natural-log spectral norms
are exact to rounding for thousands of steps, with no overflow or underflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from explorer.sim._constants import LN2 as _LN2
from explorer.sim._linalg import top_singular_value
from explorer.sim._validate import choice, integer, real_array

__all__ = [
    "FORGET_BIAS_KINDS",
    "MAX_GATED_ENTRY_ABS",
    "MAX_GATED_SIZE",
    "MAX_GATED_STEPS",
    "GRUTrace",
    "LSTMTrace",
    "gru_jacobian_log_norms",
    "lstm_cell_path_log_norms",
    "lstm_jacobian_log_norms",
    "random_gru_weights",
    "random_lstm_weights",
    "simulate_gru",
    "simulate_lstm",
]

MAX_GATED_SIZE = 256
"""Largest hidden size ``n`` accepted by the gated simulations."""

MAX_GATED_STEPS = 5000
"""Largest number of steps ``T`` accepted."""

MAX_GATED_INPUTS = 512
"""Largest input dimension ``m`` accepted."""

MAX_GATED_ENTRY_ABS = 1e6
"""Largest magnitude of any weight, bias, input or initial-state entry."""

FORGET_BIAS_KINDS: tuple[str, ...] = ("zero", "one", "chrono")
"""Forget-gate bias initialisations of :func:`random_lstm_weights` (and the GRU's update gate)."""


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=float)
    a.setflags(write=False)
    return a


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return special.expit(a)


def _dsigmoid(a: np.ndarray) -> np.ndarray:
    """``σ'(a) = σ(a) σ(-a)``, accurate in both tails (no ``1 - σ`` cancellation)."""
    return special.expit(a) * special.expit(-a)


# ---------------------------------------------------------------------------
# LSTM
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LSTMTrace:
    """One LSTM trajectory and its gates (all arrays read-only).

    Attributes
    ----------
    W_x : ndarray, shape (4n, m)
    W_h : ndarray, shape (4n, n)
    b : ndarray, shape (4n,)
        Rows in PyTorch's gate order: input ``i``, forget ``f``, cell ``g``, output ``o``.
    inputs : ndarray, shape (T, m)
        ``inputs[t - 1]`` is ``x_t``.
    h, c : ndarray, shape (T + 1, n)
        Row 0 is the initial state, row ``t`` the state after ``x_t``.
    preactivations : ndarray, shape (T, 4n)
        Row ``t - 1`` is ``W_x x_t + W_h h_{t-1} + b``.
    i, f, g, o : ndarray, shape (T, n)
        The gates at step ``t`` in row ``t - 1``.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    inputs: np.ndarray
    h: np.ndarray
    c: np.ndarray
    preactivations: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray

    @property
    def T(self) -> int:
        """Number of steps."""
        return int(self.inputs.shape[0])

    @property
    def n(self) -> int:
        """Hidden size."""
        return int(self.W_h.shape[1])


def _check_sizes(W_x, W_h, gates: int, inputs, name_b: str = "b"):
    W_h = real_array("W_h", W_h, (None, None), f"({gates}n, n)", max_abs=MAX_GATED_ENTRY_ABS)
    n = W_h.shape[1]
    if W_h.shape != (gates * n, n) or not 1 <= n <= MAX_GATED_SIZE:
        raise ValueError(f"W_h must have shape ({gates}n, n) with 1 <= n <= {MAX_GATED_SIZE}, got {W_h.shape}")
    W_x = real_array("W_x", W_x, (gates * n, None), f"({gates}n, m) = ({gates * n}, m)",
                     max_abs=MAX_GATED_ENTRY_ABS)
    m = W_x.shape[1]
    if m > MAX_GATED_INPUTS:
        raise ValueError(f"W_x must have at most {MAX_GATED_INPUTS} columns (inputs), got {m}")
    inputs = real_array("inputs", inputs, (None, m), f"(T, m) = (T, {m})", max_abs=MAX_GATED_ENTRY_ABS)
    if inputs.shape[0] > MAX_GATED_STEPS:
        raise ValueError(f"inputs must have at most {MAX_GATED_STEPS} rows (steps), got {inputs.shape[0]}")
    return W_x, W_h, inputs, n


def simulate_lstm(W_x, W_h, b, inputs, h0, c0) -> LSTMTrace:
    """Run an LSTM cell for ``T = len(inputs)`` steps (PyTorch layout and gate order).

    Parameters
    ----------
    W_x : array_like, shape (4n, m)
    W_h : array_like, shape (4n, n)
    b : array_like, shape (4n,)
        Rows in gate order ``i, f, g, o`` (``torch.nn.LSTM``'s ``b_ih + b_hh``).
    inputs : array_like, shape (T, m)
    h0, c0 : array_like, shape (n,)

    Returns
    -------
    LSTMTrace

    Raises
    ------
    ValueError
        If a shape does not match (the message names the argument), an entry is
        not finite or exceeds :data:`MAX_GATED_ENTRY_ABS`, or a size exceeds its cap.

    Notes
    -----
    With ``a_t = W_x x_t + W_h h_{t-1} + b`` split into four blocks,
    ``i, f, o = σ(a_i), σ(a_f), σ(a_o)``, ``g = tanh(a_g)``,
    ``c_t = f ⊙ c_{t-1} + i ⊙ g`` and ``h_t = o ⊙ tanh(c_t)``
    (Hochreiter & Schmidhuber 1997; forget gate: Gers, Schmidhuber & Cummins 2000).

    References
    ----------
    .. [1] Hochreiter, S. and Schmidhuber, J. (1997). Long short-term memory. Neural Computation 9(8).
    .. [2] Gers, F. A., Schmidhuber, J. and Cummins, F. (2000). Learning to forget: continual prediction
       with LSTM. Neural Computation 12(10).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import simulate_lstm
    >>> b = np.array([-50.0, 50.0, 0.0, 50.0])  # i = 0, f = 1, o = 1: the cell keeps c0
    >>> tr = simulate_lstm(np.zeros((4, 1)), np.zeros((4, 1)), b, np.ones((3, 1)), [0.0], [0.5])
    >>> tr.c[:, 0].tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    W_x, W_h, inputs, n = _check_sizes(W_x, W_h, 4, inputs)
    b = real_array("b", b, (4 * n,), f"(4n,) = ({4 * n},)", max_abs=MAX_GATED_ENTRY_ABS)
    h0 = real_array("h0", h0, (n,), f"(n,) = ({n},)", max_abs=MAX_GATED_ENTRY_ABS)
    c0 = real_array("c0", c0, (n,), f"(n,) = ({n},)", max_abs=MAX_GATED_ENTRY_ABS)
    T = inputs.shape[0]
    h = np.empty((T + 1, n))
    c = np.empty((T + 1, n))
    h[0], c[0] = h0, c0
    drive = inputs @ W_x.T + b
    A = np.empty((T, 4 * n))
    for t in range(T):
        a = drive[t] + W_h @ h[t]
        A[t] = a
        i, f, g, o = _sigmoid(a[:n]), _sigmoid(a[n:2 * n]), np.tanh(a[2 * n:3 * n]), _sigmoid(a[3 * n:])
        c[t + 1] = f * c[t] + i * g
        h[t + 1] = o * np.tanh(c[t + 1])
    gates = A.reshape(T, 4, n)
    return LSTMTrace(
        W_x=_frozen(W_x), W_h=_frozen(W_h), b=_frozen(b), inputs=_frozen(inputs), h=_frozen(h), c=_frozen(c),
        preactivations=_frozen(A), i=_frozen(_sigmoid(gates[:, 0])), f=_frozen(_sigmoid(gates[:, 1])),
        g=_frozen(np.tanh(gates[:, 2])), o=_frozen(_sigmoid(gates[:, 3])),
    )


def lstm_step_jacobian(trace: LSTMTrace, t: int) -> np.ndarray:
    """``∂(h_t, c_t)/∂(h_{t-1}, c_{t-1})``, the ``2n x 2n`` one-step state Jacobian (inputs fixed).

    Blocks, with ``a = W_x x_t + W_h h_{t-1} + b`` and ``W_i, W_f, W_g, W_o`` the
    four row blocks of ``W_h``::

        ∂c/∂h = diag(c_{t-1} σ'(a_f)) W_f + diag(g σ'(a_i)) W_i + diag(i (1 - g²)) W_g
        ∂c/∂c = diag(f)
        ∂h/∂h = diag(tanh(c_t) σ'(a_o)) W_o + diag(o (1 - tanh²(c_t))) ∂c/∂h
        ∂h/∂c = diag(o (1 - tanh²(c_t)) f)
    """
    n = trace.n
    a = trace.preactivations[t - 1]
    W = trace.W_h
    i, f, g, o = trace.i[t - 1], trace.f[t - 1], trace.g[t - 1], trace.o[t - 1]
    tc = np.tanh(trace.c[t])
    dc_dh = ((trace.c[t - 1] * _dsigmoid(a[n:2 * n]))[:, None] * W[n:2 * n]
             + (g * _dsigmoid(a[:n]))[:, None] * W[:n]
             + (i * (1.0 - g * g))[:, None] * W[2 * n:3 * n])
    k = o * (1.0 - tc * tc)
    J = np.empty((2 * n, 2 * n))
    J[:n, :n] = (tc * _dsigmoid(a[3 * n:]))[:, None] * W[3 * n:] + k[:, None] * dc_dh
    J[:n, n:] = np.diag(k * f)
    J[n:, :n] = dc_dh
    J[n:, n:] = np.diag(f)
    return J


def _product_log_norms(T: int, step_jacobian) -> np.ndarray:
    """``ln ||J_T ... J_{k+1}||_2`` for ``k = 0..T`` from a function ``j -> J_j``, overflow-free.

    ``P_{k-1} = P_k J_k`` is built from the left; after every product ``P`` is
    divided by an exact power of two read off its Frobenius norm and the
    exponent is added to an integer counter (as in :func:`explorer.sim.jacobian_log_norms`),
    so neither overflow nor underflow can occur and the rescaling adds no rounding.
    An exactly zero product gives ``-inf`` for it and every earlier lag.
    """
    out = np.zeros(T + 1)
    if T == 0:
        return out
    log2_scale = 0
    P = step_jacobian(T)
    with np.errstate(under="ignore"):
        for k in range(T - 1, -1, -1):
            fro = float(np.linalg.norm(P))
            if fro == 0.0 or not math.isfinite(fro):
                out[: k + 1] = -math.inf
                break
            shift = math.frexp(fro)[1]
            P = np.ldexp(P, -shift)
            log2_scale += shift
            out[k] = math.log(top_singular_value(P)) + log2_scale * _LN2
            if k > 0:
                P = P @ step_jacobian(k)
    return out


def lstm_jacobian_log_norms(trace: LSTMTrace) -> np.ndarray:
    """``ln ||∂(h_T, c_T)/∂(h_k, c_k)||_2`` for ``k = 0..T`` (natural log, full state, inputs fixed).

    Parameters
    ----------
    trace : LSTMTrace

    Returns
    -------
    ndarray, shape (T + 1,)
        Entry ``k`` is the log spectral norm of the ``2n x 2n`` product of
        one-step state Jacobians (see :func:`lstm_step_jacobian` for the blocks);
        entry ``T`` is 0. ``-inf`` where the product is exactly zero.

    Notes
    -----
    ``∂s_T/∂s_k = ∏_{j=k+1}^{T} ∂s_j/∂s_{j-1}`` with ``s = (h, c)``. The cell
    block of every factor is ``diag(f_j)``: with forget gates near 1 the product
    keeps its size for hundreds of steps, where a vanilla RNN's
    ``∏ W diag(σ')`` shrinks geometrically (Pascanu et al. 2013). Computed in log
    domain with power-of-two renormalisation; about one ``2n x 2n`` matmul and
    one top singular value per lag.

    References
    ----------
    .. [1] Hochreiter, S. and Schmidhuber, J. (1997). Long short-term memory. Neural Computation 9(8).
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import lstm_jacobian_log_norms, simulate_lstm
    >>> b = np.array([-50.0, 50.0, 0.0, 50.0])
    >>> tr = simulate_lstm(np.zeros((4, 1)), np.zeros((4, 1)), b, np.ones((3, 1)), [0.0], [0.0])
    >>> # every factor is [[0, 1], [0, 1]] (h_t = c_t = c_{t-1}): the products keep norm √2
    >>> np.round(lstm_jacobian_log_norms(tr) / np.log(np.sqrt(2.0)), 9).tolist()
    [1.0, 1.0, 1.0, 0.0]
    """
    if not isinstance(trace, LSTMTrace):
        raise ValueError(f"trace must be an LSTMTrace, got {type(trace).__name__}")
    return _product_log_norms(trace.T, lambda j: lstm_step_jacobian(trace, j))


def lstm_cell_path_log_norms(trace: LSTMTrace) -> np.ndarray:
    """``ln ||∏_{j=k+1}^{T} diag(f_j)||_2 = max_u Σ_j ln f_{j,u}`` for ``k = 0..T``: the cell path alone.

    Parameters
    ----------
    trace : LSTMTrace

    Returns
    -------
    ndarray, shape (T + 1,)
        Entry ``T`` is 0. ``ln f = -ln(1 + e^{-a_f})`` is evaluated from the
        pre-activation, so it stays exact when ``f`` rounds to 1.

    Notes
    -----
    This is the ``c``-to-``c`` block of the LSTM's state Jacobian product when
    the gates' dependence on ``h`` is ignored: the "constant error carousel" of
    Hochreiter & Schmidhuber (1997) with the forget gate of Gers et al. (2000).
    A mean forget gate ``f̄`` keeps about ``f̄^k`` after ``k`` steps.

    References
    ----------
    .. [1] Gers, F. A., Schmidhuber, J. and Cummins, F. (2000). Learning to forget: continual prediction
       with LSTM. Neural Computation 12(10).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import lstm_cell_path_log_norms, simulate_lstm
    >>> b = np.array([0.0, 0.0, 0.0, 0.0])  # f = σ(0) = 1/2 at every step
    >>> tr = simulate_lstm(np.zeros((4, 1)), np.zeros((4, 1)), b, np.ones((3, 1)), [0.0], [0.0])
    >>> (np.round(lstm_cell_path_log_norms(tr) / np.log(0.5), 9) + 0.0).tolist()
    [3.0, 2.0, 1.0, 0.0]
    """
    if not isinstance(trace, LSTMTrace):
        raise ValueError(f"trace must be an LSTMTrace, got {type(trace).__name__}")
    n = trace.n
    log_f = -np.logaddexp(0.0, -trace.preactivations[:, n:2 * n])  # (T, n)
    tail = np.zeros((trace.T + 1, n))
    tail[:-1] = np.cumsum(log_f[::-1], axis=0)[::-1]
    return np.max(tail, axis=1)


# ---------------------------------------------------------------------------
# GRU
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GRUTrace:
    """One GRU trajectory and its gates (all arrays read-only).

    Attributes
    ----------
    W_x, W_h : ndarray, shapes (3n, m) and (3n, n)
    b_x, b_h : ndarray, shape (3n,)
        Rows in PyTorch's gate order: reset ``r``, update ``z``, candidate ``n``.
    inputs : ndarray, shape (T, m)
    h : ndarray, shape (T + 1, n)
        Row 0 is the initial state.
    a_r, a_z : ndarray, shape (T, n)
        Pre-activations of the reset and update gates.
    r, z, n_tilde : ndarray, shape (T, n)
        Gates and candidate state at step ``t`` in row ``t - 1``.
    hn : ndarray, shape (T, n)
        ``W_hn h_{t-1} + b_hn`` (the part the reset gate scales).
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b_x: np.ndarray
    b_h: np.ndarray
    inputs: np.ndarray
    h: np.ndarray
    a_r: np.ndarray
    a_z: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n_tilde: np.ndarray
    hn: np.ndarray

    @property
    def T(self) -> int:
        """Number of steps."""
        return int(self.inputs.shape[0])

    @property
    def n(self) -> int:
        """Hidden size."""
        return int(self.W_h.shape[1])


def simulate_gru(W_x, W_h, b_x, b_h, inputs, h0) -> GRUTrace:
    """Run a GRU cell for ``T = len(inputs)`` steps (PyTorch layout and gate order).

    Parameters
    ----------
    W_x : array_like, shape (3n, m)
    W_h : array_like, shape (3n, n)
    b_x, b_h : array_like, shape (3n,)
        Rows in gate order ``r, z, n`` (``torch.nn.GRU``'s ``b_ih`` and ``b_hh``).
    inputs : array_like, shape (T, m)
    h0 : array_like, shape (n,)

    Returns
    -------
    GRUTrace

    Raises
    ------
    ValueError
        For a shape that does not match, a non-finite or too large entry, or a size over its cap.

    Notes
    -----
    ``r = σ(W_xr x + b_xr + W_hr h + b_hr)``, ``z = σ(W_xz x + b_xz + W_hz h + b_hz)``,
    ``ñ = tanh(W_xn x + b_xn + r ⊙ (W_hn h + b_hn))`` and
    ``h_t = (1 - z) ⊙ ñ + z ⊙ h_{t-1}`` (Cho et al. 2014, in PyTorch's convention
    where ``z`` is the fraction of the old state kept).

    References
    ----------
    .. [1] Cho, K., van Merriënboer, B., Gulcehre, C., Bahdanau, D., Bougares, F., Schwenk, H. and
       Bengio, Y. (2014). Learning phrase representations using RNN encoder-decoder for statistical
       machine translation. EMNLP.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import simulate_gru
    >>> b_h = np.array([0.0, 50.0, 0.0])  # z = 1: the state is kept
    >>> tr = simulate_gru(np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3), b_h, np.ones((2, 1)), [0.25])
    >>> tr.h[:, 0].tolist()
    [0.25, 0.25, 0.25]
    """
    W_x, W_h, inputs, n = _check_sizes(W_x, W_h, 3, inputs)
    b_x = real_array("b_x", b_x, (3 * n,), f"(3n,) = ({3 * n},)", max_abs=MAX_GATED_ENTRY_ABS)
    b_h = real_array("b_h", b_h, (3 * n,), f"(3n,) = ({3 * n},)", max_abs=MAX_GATED_ENTRY_ABS)
    h0 = real_array("h0", h0, (n,), f"(n,) = ({n},)", max_abs=MAX_GATED_ENTRY_ABS)
    T = inputs.shape[0]
    h = np.empty((T + 1, n))
    h[0] = h0
    gx = inputs @ W_x.T + b_x
    a_r, a_z, cand, hns = (np.empty((T, n)) for _ in range(4))
    for t in range(T):
        gh = W_h @ h[t] + b_h
        a_r[t] = gx[t, :n] + gh[:n]
        a_z[t] = gx[t, n:2 * n] + gh[n:2 * n]
        hns[t] = gh[2 * n:]
        r, z = _sigmoid(a_r[t]), _sigmoid(a_z[t])
        cand[t] = np.tanh(gx[t, 2 * n:] + r * hns[t])
        h[t + 1] = (1.0 - z) * cand[t] + z * h[t]
    return GRUTrace(
        W_x=_frozen(W_x), W_h=_frozen(W_h), b_x=_frozen(b_x), b_h=_frozen(b_h), inputs=_frozen(inputs),
        h=_frozen(h), a_r=_frozen(a_r), a_z=_frozen(a_z), r=_frozen(_sigmoid(a_r)), z=_frozen(_sigmoid(a_z)),
        n_tilde=_frozen(cand), hn=_frozen(hns),
    )


def gru_step_jacobian(trace: GRUTrace, t: int) -> np.ndarray:
    """``∂h_t/∂h_{t-1}`` of the GRU (inputs fixed), an ``n x n`` matrix.

    ``diag(z) + diag((h_{t-1} - ñ) σ'(a_z)) W_hz
    + diag((1 - z)(1 - ñ²)) [diag(r) W_hn + diag(hn σ'(a_r)) W_hr]``.
    """
    n = trace.n
    W = trace.W_h
    z, r, cand, hn = trace.z[t - 1], trace.r[t - 1], trace.n_tilde[t - 1], trace.hn[t - 1]
    dn = (1.0 - z) * (1.0 - cand * cand)
    J = ((trace.h[t - 1] - cand) * _dsigmoid(trace.a_z[t - 1]))[:, None] * W[n:2 * n]
    J += (dn * r)[:, None] * W[2 * n:]
    J += (dn * hn * _dsigmoid(trace.a_r[t - 1]))[:, None] * W[:n]
    J[np.diag_indices(n)] += z
    return J


def gru_jacobian_log_norms(trace: GRUTrace) -> np.ndarray:
    """``ln ||∂h_T/∂h_k||_2`` for ``k = 0..T`` (natural log, inputs fixed).

    Parameters
    ----------
    trace : GRUTrace

    Returns
    -------
    ndarray, shape (T + 1,)
        Entry ``T`` is 0; ``-inf`` where the product is exactly zero.

    Notes
    -----
    Every one-step factor is ``diag(z) + (terms through W_h)``
    (:func:`gru_step_jacobian`): an update gate near 1 makes it close to the
    identity, the GRU's version of the LSTM's forget-gate path (Cho et al. 2014).
    Log domain with power-of-two renormalisation, as :func:`lstm_jacobian_log_norms`.

    References
    ----------
    .. [1] Cho, K. et al. (2014). Learning phrase representations using RNN encoder-decoder for
       statistical machine translation. EMNLP.
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import gru_jacobian_log_norms, simulate_gru
    >>> b_h = np.array([0.0, 0.0, 0.0])  # z = 1/2, and W_h = 0: each step halves the state
    >>> tr = simulate_gru(np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3), b_h, np.ones((2, 1)), [0.25])
    >>> (np.round(gru_jacobian_log_norms(tr) / np.log(0.5), 9) + 0.0).tolist()
    [2.0, 1.0, 0.0]
    """
    if not isinstance(trace, GRUTrace):
        raise ValueError(f"trace must be a GRUTrace, got {type(trace).__name__}")
    return _product_log_norms(trace.T, lambda j: gru_step_jacobian(trace, j))


# ---------------------------------------------------------------------------
# Initialisations
# ---------------------------------------------------------------------------


def _gate_bias(kind: str, n: int, horizon: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "zero":
        return np.zeros(n)
    if kind == "one":
        return np.ones(n)
    return np.log(rng.uniform(1.0, max(horizon - 1.0, 1.0 + 1e-9), size=n))


def random_lstm_weights(n: int, m: int, *, forget_bias: str = "one", horizon: int = 100,
                        seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PyTorch's default LSTM initialisation with a chosen forget-gate bias: ``(W_x, W_h, b)``.

    Parameters
    ----------
    n, m : int
        Hidden size (``<=`` :data:`MAX_GATED_SIZE`) and input size.
    forget_bias : {"zero", "one", "chrono"}, default "one"
        ``"zero"``: PyTorch's plain default (``f ≈ σ(0) = 1/2``); ``"one"``:
        ``b_f = 1`` (Jozefowicz, Zaremba & Sutskever 2015); ``"chrono"``:
        ``b_f ~ ln U(1, horizon - 1)`` and ``b_i = -b_f`` (Tallec & Ollivier 2018).
    horizon : int, default 100
        The longest dependency the chrono initialisation aims at (``T_max``).
    seed : int, default 0

    Returns
    -------
    W_x : ndarray, shape (4n, m)
    W_h : ndarray, shape (4n, n)
    b : ndarray, shape (4n,)
        Every weight and the base bias uniform on ``[-1/√n, 1/√n]``, as
        ``torch.nn.LSTM`` (its two biases summed), then the forget block set as above.

    References
    ----------
    .. [1] Jozefowicz, R., Zaremba, W. and Sutskever, I. (2015). An empirical exploration of recurrent
       network architectures. ICML.
    .. [2] Tallec, C. and Ollivier, Y. (2018). Can recurrent neural networks warp time? ICLR.

    Examples
    --------
    >>> from explorer.sim import random_lstm_weights
    >>> W_x, W_h, b = random_lstm_weights(3, 2, forget_bias="one")
    >>> W_x.shape, W_h.shape, b[3:6].tolist()
    ((12, 2), (12, 3), [1.0, 1.0, 1.0])
    """
    n = integer("n", n, 1, MAX_GATED_SIZE)
    m = integer("m", m, 1, MAX_GATED_INPUTS)
    kind = choice("forget_bias", forget_bias, FORGET_BIAS_KINDS)
    horizon = integer("horizon", horizon, 2, 100_000)
    rng = np.random.default_rng(integer("seed", seed, 0))
    s = 1.0 / math.sqrt(n)
    W_x = rng.uniform(-s, s, (4 * n, m))
    W_h = rng.uniform(-s, s, (4 * n, n))
    b = rng.uniform(-s, s, 4 * n) + rng.uniform(-s, s, 4 * n)
    b[n:2 * n] = _gate_bias(kind, n, horizon, rng)
    if kind == "chrono":
        b[:n] = -b[n:2 * n]
    return W_x, W_h, b


def random_gru_weights(n: int, m: int, *, update_bias: str = "zero", horizon: int = 100,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """PyTorch's default GRU initialisation with a chosen update-gate bias: ``(W_x, W_h, b_x, b_h)``.

    Parameters
    ----------
    n, m : int
    update_bias : {"zero", "one", "chrono"}, default "zero"
        Added to the update gate's hidden bias ``b_hz`` (``z`` is the fraction of
        the old state kept, the GRU's counterpart of the forget gate): ``"one"``
        adds 1, ``"chrono"`` adds ``ln U(1, horizon - 1)`` (Tallec & Ollivier 2018).
    horizon : int, default 100
    seed : int, default 0

    Returns
    -------
    W_x, W_h, b_x, b_h : ndarray
        Shapes (3n, m), (3n, n), (3n,), (3n,); uniform on ``[-1/√n, 1/√n]`` as ``torch.nn.GRU``.

    References
    ----------
    .. [1] Cho, K. et al. (2014). Learning phrase representations using RNN encoder-decoder for
       statistical machine translation. EMNLP.
    .. [2] Tallec, C. and Ollivier, Y. (2018). Can recurrent neural networks warp time? ICLR.

    Examples
    --------
    >>> from explorer.sim import random_gru_weights
    >>> W_x, W_h, b_x, b_h = random_gru_weights(3, 2)
    >>> W_x.shape, W_h.shape, b_x.shape
    ((9, 2), (9, 3), (9,))
    """
    n = integer("n", n, 1, MAX_GATED_SIZE)
    m = integer("m", m, 1, MAX_GATED_INPUTS)
    kind = choice("update_bias", update_bias, FORGET_BIAS_KINDS)
    horizon = integer("horizon", horizon, 2, 100_000)
    rng = np.random.default_rng(integer("seed", seed, 0))
    s = 1.0 / math.sqrt(n)
    W_x = rng.uniform(-s, s, (3 * n, m))
    W_h = rng.uniform(-s, s, (3 * n, n))
    b_x = rng.uniform(-s, s, 3 * n)
    b_h = rng.uniform(-s, s, 3 * n)
    if kind != "zero":
        b_h[n:2 * n] += _gate_bias(kind, n, horizon, rng)
    return W_x, W_h, b_x, b_h

