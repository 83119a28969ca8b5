"""Per-layer gradients of a deep feedforward network, measured and bounded.

The network follows Nielsen's notation (*Neural Networks and Deep Learning*,
ch. 2 "How the backpropagation algorithm works" and ch. 5 "Why are deep neural
networks hard to train?"). Layers are ``l = 1..L`` with ``L = depth``, every
layer is ``width x width``, the input is ``a^0 = x`` and

    z^l = w^l a^{l-1} + b^l,    a^l = sigma(z^l),    C = 1/2 ||a^L - y||^2.

Backpropagation gives ``delta^l = dC/dz^l = dC/db^l`` through

    delta^L = Sigma'(z^L) (a^L - y),    delta^l = Sigma'(z^l) (w^{l+1})^T delta^{l+1},

with ``Sigma'(z) = diag(sigma'(z))``. Unrolling the recursion makes the
gradient reaching layer ``l`` a product of ``L - l`` weight matrices and
``L - l + 1`` derivative matrices, and submultiplicativity of the spectral norm
turns it into the feedforward analogue of the bound of Pascanu, Mikolov &
Bengio (2013), "On the difficulty of training recurrent neural networks":

    ||dC/db^l|| <= gamma^(L-l+1) * prod_{r=l+1..L} ||w^r||_2 * ||a^L - y||,

where ``gamma = sup |sigma'|`` (:attr:`explorer.sim._activations.Activation.gamma`).
If every factor ``gamma ||w^r||_2`` is below one the bound, and with it the
gradient, shrinks geometrically towards the input (Goodfellow, Bengio &
Courville, *Deep Learning*, section 8.2.5).

Everything that can explode or vanish is carried in log domain. The forward
pass stores each vector as ``exp(log_scale) * unit_vector`` and folds the bias
in without ever forming a huge or tiny number, so a depth-200 network with
``sigma_w = 10`` or ``0.01`` yields finite logs and raises no floating-point
warning. The backward pass propagates a unit vector and accumulates the log of
the norm it loses or gains at each layer.

Random streams (so one seed always gives one network). Each stream is an
independent :class:`numpy.random.SeedSequence` child with ``entropy=seed``:

- ``spawn_key=(0,)``: the input ``x ~ N(0, I)`` (``width`` draws), then the
  target ``y ~ U(0, 1)^width``. The unit interval lies inside the output range
  of every activation in :data:`~explorer.sim._activations.ACTIVATIONS`, so the
  target is reachable in principle whatever the activation.
- ``spawn_key=(l, 0)``: the weights of layer ``l``. For the Gaussian schemes
  (``gaussian``, ``xavier``, ``he``) they are the same standard normal draws,
  only scaled differently; ``orthogonal`` uses the same stream for its
  Householder vectors.
- ``spawn_key=(l, 1)``: the bias of layer ``l``, ``b^l = sigma_b * N(0, I)``,
  drawn even when ``sigma_b = 0``.

So changing ``depth`` keeps the first layers, changing ``sigma_b`` keeps the
weights, and changing ``sigma_w`` only rescales them.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.linalg import lapack

from explorer.sim._activations import ACTIVATIONS, Activation
from explorer.sim._activations import activation as _activation
from explorer.sim._linalg import log_spectral_norm
from explorer.sim._random_matrices import gaussian_matrix
from explorer.sim._regime import Regime
from explorer.sim._validate import choice, integer, real

__all__ = [
    "INIT_SCHEMES",
    "MAX_DEPTH",
    "MAX_SIGMA_B",
    "MAX_SIGMA_W",
    "MAX_WIDTH",
    "MIN_SIGMA_W",
    "DeepGradients",
    "DeepNetwork",
    "DeepSummary",
    "build_network",
    "deep_gradient_summary",
    "deep_network_gradients",
    "init_weight_std",
    "network_gradients",
]

MAX_DEPTH = 200
"""Largest number of layers accepted."""

MAX_WIDTH = 1024
"""Largest layer width accepted."""

MIN_SIGMA_W = 1e-6
"""Smallest weight scale ``sigma_w`` accepted."""

MAX_SIGMA_W = 1e3
"""Largest weight scale ``sigma_w`` accepted (weights and Gram entries stay far from overflow)."""

MAX_SIGMA_B = 1e3
"""Largest bias standard deviation accepted."""

INIT_SCHEMES: tuple[str, ...] = ("gaussian", "xavier", "he", "orthogonal")
"""Weight initialisations accepted by :func:`deep_network_gradients`."""

# Dense materialisation (build_network) and the weights kept between the forward and
# the backward pass are limited to this many float64 numbers (256 MiB). Above it the
# backward pass regenerates each layer from its seed instead of storing it.
_MAX_STORED_FLOATS = 2**25


# exp(700) ~ 1e304 is safely finite; beyond it every bounded activation is saturated.
_LOG_HUGE = 700.0
# For |z| <= 2 exp(-20) tanh(z) = z and tanh'(z) = 1 to double precision.
_LOG_TANH_LINEAR = -20.0

# Householder reflectors applied together in the orthogonal layers.
_REFLECTOR_BLOCK = 64

_POSITIVELY_HOMOGENEOUS = frozenset({"identity", "relu", "leaky_relu"})


# --------------------------------------------------------------------------- validation


def _check_common(depth, width, init, sigma_w, sigma_b, seed) -> tuple[int, int, str, float, float, int]:
    return (
        integer("depth", depth, 1, MAX_DEPTH),
        integer("width", width, 1, MAX_WIDTH),
        choice("init", init, INIT_SCHEMES),
        real("sigma_w", sigma_w, MIN_SIGMA_W, MAX_SIGMA_W),
        real("sigma_b", sigma_b, 0.0, MAX_SIGMA_B),
        integer("seed", seed, 0, None),
    )


# --------------------------------------------------------------------------- log-domain vectors


def _log_norm(v: np.ndarray) -> float:
    """Natural log of ``||v||_2`` without squaring tiny or huge entries (``-inf`` for 0)."""
    peak = float(np.max(np.abs(v))) if v.size else 0.0
    if peak == 0.0:
        return -math.inf
    return math.log(peak) + math.log(float(np.linalg.norm(v / peak)))


def _normalised(v: np.ndarray) -> tuple[float, np.ndarray]:
    """Split ``v`` into ``(log ||v||, v / ||v||)``; the zero vector gives ``(-inf, 0)``."""
    log_n = _log_norm(v)
    if log_n == -math.inf:
        return log_n, np.zeros_like(v)
    peak = float(np.max(np.abs(v)))
    unit = v / peak
    return log_n, unit / float(np.linalg.norm(unit))


def _log_scaled_sum(log_scale: float, v: np.ndarray, u: np.ndarray) -> tuple[float, np.ndarray]:
    """Return ``(log s, w)`` with ``exp(log s) * w = exp(log_scale) * v + u`` and ``||w|| = 1``.

    Both terms are first rescaled by the larger of their two norms, so the only
    thing that can happen to the smaller one is a harmless underflow.
    """
    log_v, unit_v = _normalised(v)
    log_v += log_scale
    log_u, unit_u = _normalised(u)
    top = max(log_v, log_u)
    if top == -math.inf:
        return 0.0, np.zeros_like(v)
    total = unit_v * math.exp(log_v - top) if log_v > -math.inf else np.zeros_like(v)
    if log_u > -math.inf:
        total = total + unit_u * math.exp(log_u - top)
    log_t, unit_t = _normalised(total)
    if log_t == -math.inf:
        return 0.0, unit_t
    return top + log_t, unit_t


def _activate(name: str, act: Activation, log_scale: float, z_unit: np.ndarray):
    """Apply the activation to ``z = exp(log_scale) * z_unit`` in log-domain form.

    Returns ``(log_scale_a, a_unit, dsigma)`` with ``a = exp(log_scale_a) * a_unit``
    and ``dsigma = sigma'(z)``.
    """
    if name in _POSITIVELY_HOMOGENEOUS:
        # f(s z) = s f(z) and f'(s z) = f'(z) for s > 0, so the scale passes through.
        return log_scale, act.f(z_unit), act.df(z_unit)
    z = z_unit * math.exp(min(log_scale, _LOG_HUGE))
    if name == "gelu":
        # x Phi(x) = s * (z_unit Phi(x)): exact at both extremes, relu-like for huge s.
        return log_scale, z_unit * special.ndtr(z), act.df(z)
    if name == "tanh" and log_scale < _LOG_TANH_LINEAR:
        return log_scale, z_unit.copy(), np.ones_like(z_unit)
    # Bounded activations (sigmoid, tanh): the output is O(1), so the scale resets.
    return 0.0, act.f(z), act.df(z)


# --------------------------------------------------------------------------- layers


class _DenseLayer:
    """A layer given by an explicit weight matrix."""

    def __init__(self, weights: np.ndarray):
        self.weights = weights

    def matvec(self, v: np.ndarray) -> np.ndarray:
        return self.weights @ v

    def rmatvec(self, v: np.ndarray) -> np.ndarray:
        return v @ self.weights

    def log_norm(self) -> float:
        return log_spectral_norm(self.weights)

    def dense(self) -> np.ndarray:
        return self.weights


class _HaarOrthogonalLayer:
    """``scale * Q`` with ``Q`` Haar-distributed, kept as Householder reflectors.

    Notes
    -----
    Householder QR of an ``n x n`` standard Gaussian matrix meets, at step ``k``,
    a column that is again i.i.d. Gaussian of length ``n - k`` and independent
    of the earlier reflectors (rotation invariance). Drawing those columns
    directly gives ``Q = H_1 ... H_n D`` with ``D`` the signs that make
    ``diag R`` positive, and this ``Q`` is Haar distributed (Stewart 1980, "The
    efficient generation of random orthogonal matrices with an application to
    condition estimators"; Mezzadri 2007, "How to generate random matrices
    from the classical compact groups"). It takes ``n(n+1)/2`` normal draws and
    no ``O(n^3)`` factorisation.

    Reflectors are applied in blocks of ``_REFLECTOR_BLOCK`` with the UT
    representation ``H_i ... H_j = I - V S^{-1} V^T``, ``S = I + striu(V^T V)``
    when every ``H = I - t t^T`` has ``||t||^2 = 2`` (Joffrain, Low,
    Quintana-Orti, van de Geijn & Van Zee 2006, "Accumulating Householder
    transformations, revisited"), so a product with ``Q`` is a handful of BLAS
    calls costing about one dense matrix-vector product.
    """

    def __init__(self, n: int, scale: float, rng: np.random.Generator):
        self.n = n
        self.scale = scale
        # Row k of `rows` holds the k-th Gaussian vector x_k in columns k..n-1.
        rows = np.zeros((n, n))
        rows[np.tri(n, dtype=bool).T] = rng.standard_normal(n * (n + 1) // 2)
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
        lead = np.diagonal(rows).copy()
        lead_sign = np.where(lead >= 0, 1.0, -1.0)
        # t = (x + sign(x0)||x|| e1) * sqrt(2) / ||x + sign(x0)||x|| e1||, and
        # ||x + sign(x0)||x|| e1||^2 = 2 ||x|| (||x|| + |x0|); no cancellation.
        rows[np.diag_indices(n)] += lead_sign * norms
        rows /= np.sqrt(norms * (norms + np.abs(lead)))[:, None]
        # H_k x_k = -sign(x0)||x_k|| e1, so D flips that sign back to +.
        self.signs = -lead_sign
        self.blocks: list[tuple[int, np.ndarray, np.ndarray]] = []
        for k0 in range(0, n, _REFLECTOR_BLOCK):
            block = np.ascontiguousarray(rows[k0 : k0 + _REFLECTOR_BLOCK, k0:])
            s = np.triu(block @ block.T, 1)
            s[np.diag_indices_from(s)] = 1.0
            s_inv, _ = lapack.dtrtri(s, lower=0)
            self.blocks.append((k0, block, s_inv))

    def _signed(self, w: np.ndarray) -> np.ndarray:
        return self.signs * w if w.ndim == 1 else self.signs[:, None] * w

    def _q(self, v: np.ndarray) -> np.ndarray:
        w = self._signed(np.asarray(v, dtype=float))
        for k0, block, s_inv in reversed(self.blocks):
            w[k0:] -= block.T @ (s_inv @ (block @ w[k0:]))
        return w

    def _qt(self, v: np.ndarray) -> np.ndarray:
        w = np.array(v, dtype=float)
        for k0, block, s_inv in self.blocks:
            w[k0:] -= block.T @ (s_inv.T @ (block @ w[k0:]))
        return self._signed(w)

    def matvec(self, v: np.ndarray) -> np.ndarray:
        return self.scale * self._q(v)

    def rmatvec(self, v: np.ndarray) -> np.ndarray:
        return self.scale * self._qt(v)

    def log_norm(self) -> float:
        return math.log(self.scale)

    def dense(self) -> np.ndarray:
        return self.scale * self._q(np.eye(self.n))


# --------------------------------------------------------------------------- initialisation


def init_weight_std(init: str, width: int, sigma_w: float = 1.0) -> float:
    """Standard deviation of each weight entry under an initialisation scheme.

    Parameters
    ----------
    init : str
        One of :data:`INIT_SCHEMES`.
    width : int
        Fan-in and fan-out of the (square) layer.
    sigma_w : float, default 1.0
        Multiplicative scale applied on top of the scheme.

    Returns
    -------
    float
        ``sigma_w / sqrt(width)`` for ``"gaussian"``;
        ``sigma_w * sqrt(2 / (fan_in + fan_out))`` for ``"xavier"`` (Glorot &
        Bengio 2010, "Understanding the difficulty of training deep feedforward
        neural networks"), which equals the Gaussian value for square layers;
        ``sigma_w * sqrt(2 / fan_in)`` for ``"he"`` (He, Zhang, Ren & Sun 2015,
        "Delving deep into rectifiers"); and ``sigma_w / sqrt(width)`` for
        ``"orthogonal"``, whose entries (of ``sigma_w Q``, ``Q`` Haar) have
        mean square ``sigma_w^2 / width``.

    Raises
    ------
    ValueError
        If ``init`` is unknown, ``width`` is out of range or ``sigma_w`` is invalid.

    Notes
    -----
    Xavier keeps the variance of both forward activations and backward
    gradients roughly constant for activations with ``sigma'(0) = 1``; He
    doubles it to make up for ReLU zeroing half of its inputs.

    References
    ----------
    .. [1] Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
       neural networks. AISTATS.
    .. [2] He, K., Zhang, X., Ren, S. and Sun, J. (2015). Delving deep into rectifiers: surpassing
       human-level performance on ImageNet classification. ICCV.
    .. [3] LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient BackProp. In Neural
       Networks: Tricks of the Trade, Springer.

    Examples
    --------
    >>> from explorer.sim import init_weight_std
    >>> round(init_weight_std("he", 128), 6)
    0.125
    >>> init_weight_std("xavier", 50) == init_weight_std("gaussian", 50)
    True
    """
    init = choice("init", init, INIT_SCHEMES)
    width = integer("width", width, 1, MAX_WIDTH)
    sigma_w = real("sigma_w", sigma_w, MIN_SIGMA_W, MAX_SIGMA_W)
    fan_in = fan_out = width
    if init == "xavier":
        return sigma_w * math.sqrt(2.0 / (fan_in + fan_out))
    if init == "he":
        return sigma_w * math.sqrt(2.0 / fan_in)
    return sigma_w / math.sqrt(fan_in)


def _stream(seed: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=key)


def _make_layer(layer: int, width: int, init: str, sigma_w: float, seed: int):
    weight_stream = _stream(seed, layer, 0)
    if init == "orthogonal":
        return _HaarOrthogonalLayer(width, sigma_w, np.random.default_rng(weight_stream))
    gain = init_weight_std(init, width, sigma_w) * math.sqrt(width)
    layer_seed = int(weight_stream.generate_state(1, np.uint64)[0])
    return _DenseLayer(gaussian_matrix(width, gain, seed=layer_seed))


def _make_bias(layer: int, width: int, sigma_b: float, seed: int) -> np.ndarray:
    return sigma_b * np.random.default_rng(_stream(seed, layer, 1)).standard_normal(width)


def _make_data(width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_stream(seed, 0))
    x = rng.standard_normal(width)
    y = rng.random(width)
    return x, y


# --------------------------------------------------------------------------- results


def _frozen(a) -> np.ndarray:
    a = np.asarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class DeepNetwork:
    """A materialised network: explicit weights, biases, input and target.

    Attributes
    ----------
    weights : ndarray, shape (depth, width, width)
        ``weights[l - 1]`` is ``w^l``.
    biases : ndarray, shape (depth, width)
        ``biases[l - 1]`` is ``b^l``.
    x, y : ndarray, shape (width,)
        Input ``a^0`` and target.
    init, sigma_w, sigma_b, seed
        The settings that produced it.
    """

    weights: np.ndarray
    biases: np.ndarray
    x: np.ndarray
    y: np.ndarray
    init: str
    sigma_w: float
    sigma_b: float
    seed: int

    @property
    def depth(self) -> int:
        return self.weights.shape[0]

    @property
    def width(self) -> int:
        return self.weights.shape[1]


@dataclass(frozen=True, eq=False)
class DeepGradients:
    """Measured bias gradients of every layer next to the Pascanu-style bound.

    All arrays have one entry per layer ``l = 1..depth`` (index ``l - 1``).
    ``log_*`` fields are natural logs and are finite unless the quantity is
    exactly zero (``-inf``, e.g. a layer where every ReLU is off).

    Attributes
    ----------
    depth, width : int
    activation, init : str
    sigma_w, sigma_b : float
    seed : int
    gamma : float
        ``sup |sigma'|`` of the activation.
    layers : ndarray of int
        ``1..depth``, for plotting.
    log_delta_norms : ndarray
        ``ln ||delta^l|| = ln ||dC/db^l||``.
    log_bound : ndarray
        ``ln`` of ``gamma^(L-l+1) prod_{r>l} ||w^r||_2 ||a^L - y||``.
    delta_norms, bound : ndarray
        ``exp`` of the two fields above; may be ``0`` or ``inf`` in float64.
    delta_directions : ndarray, shape (depth, width)
        ``delta^l / ||delta^l||`` (zero rows where the gradient is zero), so
        ``delta^l = delta_norms[l-1] * delta_directions[l-1]``.
    log_output_error : float
        ``ln ||a^L - y||``.
    log_weight_norms : ndarray
        ``ln ||w^r||_2`` for ``r = 1..depth``: exactly ``ln sigma_w`` for
        orthogonal layers, otherwise exact to rounding or (width >= 256) a
        certified upper bound at most ``5e-11`` above it.
    log_activation_norms : ndarray
        ``ln ||a^l||`` of the forward pass.
    mean_abs_dsigma : ndarray
        Mean of ``|sigma'(z^l)|`` over the units of layer ``l``.
    """

    depth: int
    width: int
    activation: str
    init: str
    sigma_w: float
    sigma_b: float
    seed: int
    gamma: float
    layers: np.ndarray
    log_delta_norms: np.ndarray
    log_bound: np.ndarray
    delta_norms: np.ndarray
    bound: np.ndarray
    delta_directions: np.ndarray
    log_output_error: float
    log_weight_norms: np.ndarray
    log_activation_norms: np.ndarray
    mean_abs_dsigma: np.ndarray


# --------------------------------------------------------------------------- core

_PARALLEL_NORM_WIDTH = 128
"""Layers at least this wide compute their spectral norms on worker threads."""
_NORM_WORKERS = 2
_NORMS_IN_FLIGHT = 4


def _propagate(
    make_layer: Callable[[int], object],
    biases: Callable[[int], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    act: Activation,
    depth: int,
    keep_layers: bool,
) -> dict:
    """Log-domain forward and backward pass shared by both public entry points."""
    width = x.size
    log_weight_norms = np.empty(depth)
    log_activation_norms = np.empty(depth)
    dsigmas = np.empty((depth, width))
    kept: list = []

    log_a, a_unit = 0.0, np.array(x, dtype=float)
    # Each layer's spectral norm (a Gram matrix, Lanczos and a Cholesky certificate) costs far
    # more than its forward product, and the layers are independent: wide layers hand their
    # norms to worker threads (BLAS and LAPACK release the GIL) while this thread draws the
    # next layer. At most _NORMS_IN_FLIGHT layers wait, so memory stays bounded.
    parallel = width >= _PARALLEL_NORM_WIDTH and depth > 1
    pool = ThreadPoolExecutor(max_workers=_NORM_WORKERS) if parallel else None
    pending: deque = deque()
    try:
        for index in range(depth):
            layer = make_layer(index + 1)
            if pool is None:
                log_weight_norms[index] = layer.log_norm()
            else:
                pending.append((index, pool.submit(layer.log_norm)))
                while len(pending) > _NORMS_IN_FLIGHT:
                    done, future = pending.popleft()
                    log_weight_norms[done] = future.result()
            log_z, z_unit = _log_scaled_sum(log_a, layer.matvec(a_unit), biases(index + 1))
            log_a, a_unit, dsigmas[index] = _activate(act.name, act, log_z, z_unit)
            log_activation_norms[index] = log_a + _log_norm(a_unit)
            if keep_layers:
                kept.append(layer)
        while pending:
            done, future = pending.popleft()
            log_weight_norms[done] = future.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    log_error, error_unit = _log_scaled_sum(log_a, a_unit, -y)

    log_delta = np.empty(depth)
    directions = np.zeros((depth, width))
    log_d, d_unit = _normalised(dsigmas[-1] * error_unit)
    log_d += log_error
    log_delta[-1], directions[-1] = log_d, d_unit
    for index in range(depth - 2, -1, -1):  # layer index + 1, receiving from the layer above
        if log_d == -math.inf:
            log_delta[index] = -math.inf
            continue
        layer_above = kept[index + 1] if keep_layers else make_layer(index + 2)
        step, d_unit = _normalised(dsigmas[index] * layer_above.rmatvec(d_unit))
        log_d += step
        log_delta[index], directions[index] = log_d, d_unit

    # Suffix sums: sum_{r = l+1..L} ln ||w^r|| for l = 1..L (empty sum for l = L).
    tail = np.concatenate([np.cumsum(log_weight_norms[::-1])[::-1][1:], [0.0]])
    exponents = depth - np.arange(1, depth + 1) + 1
    log_bound = exponents * math.log(act.gamma) + tail + log_error
    return {
        "log_delta_norms": log_delta,
        "log_bound": log_bound,
        "delta_directions": directions,
        "log_output_error": float(log_error),
        "log_weight_norms": log_weight_norms,
        "log_activation_norms": log_activation_norms,
        "mean_abs_dsigma": np.mean(np.abs(dsigmas), axis=1),
    }


def _package(fields: dict, *, depth, width, act, init, sigma_w, sigma_b, seed) -> DeepGradients:
    with np.errstate(over="ignore", under="ignore"):
        delta_norms = np.exp(fields["log_delta_norms"])
        bound = np.exp(fields["log_bound"])
    arrays = {k: _frozen(v) if isinstance(v, np.ndarray) else v for k, v in fields.items()}
    return DeepGradients(
        depth=depth, width=width, activation=act.name, init=init,
        sigma_w=sigma_w, sigma_b=sigma_b, seed=seed, gamma=act.gamma,
        layers=_frozen(np.arange(1, depth + 1)),
        delta_norms=_frozen(delta_norms), bound=_frozen(bound), **arrays,
    )


# --------------------------------------------------------------------------- public API


def build_network(
    depth: int,
    width: int,
    *,
    sigma_w: float,
    sigma_b: float = 0.0,
    init: str = "gaussian",
    seed: int = 0,
) -> DeepNetwork:
    """Materialise the network that :func:`deep_network_gradients` uses.

    Parameters
    ----------
    depth, width, sigma_w, sigma_b, init, seed
        As in :func:`deep_network_gradients`.

    Returns
    -------
    DeepNetwork
        Dense weights ``(depth, width, width)``, biases, input and target,
        drawn from the seeded streams described in the module docstring.

    Raises
    ------
    ValueError
        For any invalid argument, or if ``depth * width**2`` exceeds 2**25
        numbers (use :func:`deep_network_gradients`, which streams the layers).

    Notes
    -----
    Meant for small networks (tests, finite differences, inspection). The
    orthogonal weights are formed explicitly from their Householder factors.

    References
    ----------
    .. [1] Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
       neural networks. AISTATS.
    .. [2] He, K., Zhang, X., Ren, S. and Sun, J. (2015). Delving deep into rectifiers: surpassing
       human-level performance on ImageNet classification. ICCV.
    .. [3] Saxe, A. M., McClelland, J. L. and Ganguli, S. (2014). Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import build_network
    >>> net = build_network(3, 4, sigma_w=1.0, init="orthogonal", seed=1)
    >>> net.weights.shape
    (3, 4, 4)
    >>> bool(np.allclose(net.weights[0] @ net.weights[0].T, np.eye(4)))
    True
    """
    depth, width, init, sigma_w, sigma_b, seed = _check_common(depth, width, init, sigma_w, sigma_b, seed)
    if depth * width * width > _MAX_STORED_FLOATS:
        raise ValueError(
            f"depth * width**2 = {depth * width * width} exceeds {_MAX_STORED_FLOATS}; "
            "reduce depth or width to materialise the network"
        )
    layers = range(1, depth + 1)
    weights = np.stack([_make_layer(layer, width, init, sigma_w, seed).dense() for layer in layers])
    biases = np.stack([_make_bias(layer, width, sigma_b, seed) for layer in layers])
    x, y = _make_data(width, seed)
    return DeepNetwork(
        weights=_frozen(weights), biases=_frozen(biases), x=_frozen(x), y=_frozen(y),
        init=init, sigma_w=sigma_w, sigma_b=sigma_b, seed=seed,
    )


def network_gradients(network: DeepNetwork, activation: str) -> DeepGradients:
    """Backpropagate through an explicit :class:`DeepNetwork`.

    Parameters
    ----------
    network : DeepNetwork
        Usually from :func:`build_network`.
    activation : str
        One of :data:`~explorer.sim._activations.ACTIVATIONS`.

    Returns
    -------
    DeepGradients
        Same fields as :func:`deep_network_gradients`; weight norms are always
        computed numerically here, even for orthogonal layers.

    Raises
    ------
    ValueError
        If ``activation`` is unknown.

    Notes
    -----
    ``network_gradients(build_network(...), a)`` agrees with
    ``deep_network_gradients(..., a)`` to rounding.

    References
    ----------
    .. [1] Nielsen, M. A. (2015). Neural Networks and Deep Learning, ch. 5. Determination Press.
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import build_network, network_gradients
    >>> net = build_network(4, 3, sigma_w=1.0, seed=2)
    >>> g = network_gradients(net, "tanh")
    >>> bool(np.all(g.log_delta_norms <= g.log_bound + 1e-9))
    True
    """
    act = _activation(choice("activation", activation, ACTIVATIONS))
    weights = np.asarray(network.weights, dtype=float)
    biases = np.asarray(network.biases, dtype=float)
    depth, width = weights.shape[0], weights.shape[1]
    with np.errstate(under="ignore"):
        fields = _propagate(
            lambda layer: _DenseLayer(weights[layer - 1]), lambda layer: biases[layer - 1],
            np.asarray(network.x, dtype=float), np.asarray(network.y, dtype=float),
            act, depth, keep_layers=True,
        )
    return _package(
        fields, depth=depth, width=width, act=act, init=network.init,
        sigma_w=network.sigma_w, sigma_b=network.sigma_b, seed=network.seed,
    )


def deep_network_gradients(
    depth: int,
    width: int,
    activation: str,
    *,
    sigma_w: float,
    sigma_b: float = 0.0,
    init: str = "gaussian",
    seed: int = 0,
) -> DeepGradients:
    """Measure ``||dC/db^l||`` in every layer of a random deep network and bound it.

    Parameters
    ----------
    depth : int
        Number of layers ``L``, ``1 <= depth <= MAX_DEPTH``.
    width : int
        Units per layer (all layers ``width x width``), ``1 <= width <= MAX_WIDTH``.
    activation : str
        One of :data:`~explorer.sim._activations.ACTIVATIONS`.
    sigma_w : float
        Weight scale, in ``[MIN_SIGMA_W, MAX_SIGMA_W]``. For ``"gaussian"``,
        ``w_ij ~ N(0, sigma_w^2 / width)``; for ``"xavier"`` and ``"he"`` it
        multiplies the scheme's standard deviation (see :func:`init_weight_std`);
        for ``"orthogonal"``, ``w = sigma_w Q`` with ``Q`` Haar-random orthogonal.
    sigma_b : float, default 0.0
        Bias standard deviation, ``b_j ~ N(0, sigma_b^2)``, in ``[0, MAX_SIGMA_B]``.
    init : str, default "gaussian"
        One of :data:`INIT_SCHEMES`.
    seed : int, default 0
        Non-negative seed for the input ``x ~ N(0, I)``, the target
        ``y ~ U(0, 1)^width``, the weights and the biases (streams in the module
        docstring).

    Returns
    -------
    DeepGradients

    Raises
    ------
    ValueError
        If an argument is out of range or not one of the listed names; the
        message names the argument.

    Notes
    -----
    ``delta^l = Sigma'(z^l) (w^{l+1})^T ... Sigma'(z^L) (a^L - y)`` (Nielsen,
    *Neural Networks and Deep Learning*, ch. 2) and, because
    ``||Sigma'(z)||_2 = max |sigma'(z_j)| <= gamma`` and ``||w^T||_2 = ||w||_2``,

        ``||delta^l|| <= gamma^(L-l+1) prod_{r=l+1..L} ||w^r||_2 ||a^L - y||``,

    the feedforward form of the Pascanu, Mikolov & Bengio (2013) argument. For
    the sigmoid, ``gamma = 1/4``, so the bound falls by at least a factor
    ``||w||_2 / 4`` per layer. Both sides are computed in log domain.

    Layers are generated one at a time; if ``depth * width**2`` exceeds 2**25
    they are regenerated from their seeds for the backward pass instead of
    being stored. The spectral norms dominate the cost for the Gaussian
    schemes; orthogonal layers need none (``||sigma_w Q||_2 = sigma_w``).

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
       neural networks. AISTATS.
    .. [3] He, K., Zhang, X., Ren, S. and Sun, J. (2015). Delving deep into rectifiers: surpassing
       human-level performance on ImageNet classification. ICCV.
    .. [4] Saxe, A. M., McClelland, J. L. and Ganguli, S. (2014). Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks. ICLR.
    .. [5] Nielsen, M. A. (2015). Neural Networks and Deep Learning, ch. 5. Determination Press.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import deep_network_gradients
    >>> g = deep_network_gradients(20, 16, "sigmoid", sigma_w=1.0, seed=0)
    >>> g.log_delta_norms.shape
    (20,)
    >>> bool(np.all(g.log_delta_norms <= g.log_bound + 1e-9))
    True
    >>> bool(g.delta_norms[0] < 1e-6 * g.delta_norms[-1])
    True
    """
    act = _activation(choice("activation", activation, ACTIVATIONS))
    depth, width, init, sigma_w, sigma_b, seed = _check_common(depth, width, init, sigma_w, sigma_b, seed)
    per_layer = width * width if init != "orthogonal" else width * (width + 1) // 2
    keep = depth * per_layer <= _MAX_STORED_FLOATS
    x, y = _make_data(width, seed)
    with np.errstate(under="ignore"):
        fields = _propagate(
            lambda layer: _make_layer(layer, width, init, sigma_w, seed),
            lambda layer: _make_bias(layer, width, sigma_b, seed),
            x, y, act, depth, keep_layers=keep,
        )
    return _package(
        fields, depth=depth, width=width, act=act, init=init,
        sigma_w=sigma_w, sigma_b=sigma_b, seed=seed,
    )


# --------------------------------------------------------------------------- summary

_NEUTRAL_LAYER_RATE = 0.02  # within x0.98..x1.02 per layer: the gradient "keeps its size"


@dataclass(frozen=True)
class DeepSummary:
    """The numbers a verdict on the feedforward bound needs.

    Rates are natural logs *per layer, going back towards the input*:
    ``exp(rate) > 1`` means the gradient grows as it travels from layer ``L``
    down to layer 1.

    Attributes
    ----------
    log_rate : float
        Measured ``(ln||δ^1|| - ln||δ^L||) / (L - 1)``; NaN for ``L = 1``,
        ``-inf`` if a gradient became exactly zero.
    log_bound_rate : float
        The bound's rate ``ln γ + mean_{r=2..L} ln||w^r||_2`` (same span).
    log_span : float
        ``ln||δ^1|| - ln||δ^L||``: how much smaller (or larger) the first layer's
        gradient is than the last layer's.
    log_bound_span : float
        The same for the bound.
    max_layer_factor : float
        ``max_{r=2..L} γ ||w^r||_2``: if it is below 1 the bound shrinks at every
        layer, so vanishing is guaranteed (NaN for ``L = 1``).
    max_excess : float
        ``max_l (ln||δ^l|| - ln bound_l)`` over finite entries: ``<= 0`` up to rounding.
    zero_layers : int
        Layers whose gradient is exactly zero (not drawable on a log axis).
    mean_abs_dsigma : float
        Mean ``|σ'(z^l)|`` over all units and layers.
    regime : Regime
        ``Regime.ZERO`` (a gradient is exactly zero), else ``Regime.VANISHES``
        if ``guaranteed``, else ``Regime.NEUTRAL`` (``|log_rate| <= 0.02``:
        within x0.98..x1.02 per layer), ``Regime.EXPLODES`` (``log_span > 0``)
        or ``Regime.VANISHES``; checked in that order.
    guaranteed : bool
        ``L > 1`` and ``max_layer_factor < 1``: the bound certifies vanishing.
        Reported even when ``regime`` is ``Regime.ZERO``.
    """

    log_rate: float
    log_bound_rate: float
    log_span: float
    log_bound_span: float
    max_layer_factor: float
    max_excess: float
    zero_layers: int
    mean_abs_dsigma: float
    regime: Regime
    guaranteed: bool


def deep_gradient_summary(g: DeepGradients) -> DeepSummary:
    """Summarise :func:`deep_network_gradients` against its bound.

    Parameters
    ----------
    g : DeepGradients

    Returns
    -------
    DeepSummary

    Raises
    ------
    ValueError
        If ``g`` is not a :class:`DeepGradients`.

    Notes
    -----
    From ``||δ^l|| <= γ^(L-l+1) prod_{r>l} ||w^r||_2 ||a^L - y||`` the bound changes
    by ``γ ||w^r||_2`` from layer ``r`` to layer ``r - 1``. When every such factor
    is below 1, the early layers' gradients must be small (sufficient); when
    some exceed 1 the bound says nothing and only the measurement decides
    (Pascanu, Mikolov & Bengio 2013; Nielsen, ch. 5).

    References
    ----------
    .. [1] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.
    .. [2] Nielsen, M. A. (2015). Neural Networks and Deep Learning, ch. 5. Determination Press.
    .. [3] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> from explorer.sim import deep_gradient_summary, deep_network_gradients
    >>> s = deep_gradient_summary(deep_network_gradients(20, 16, "sigmoid", sigma_w=1.0, seed=0))
    >>> s.regime, s.guaranteed, bool(s.log_rate < s.log_bound_rate < 0)
    (<Regime.VANISHES: 'vanishes'>, True, True)
    """
    if not isinstance(g, DeepGradients):
        raise ValueError(f"g must be a DeepGradients, got {type(g).__name__}")
    L = g.depth
    delta = np.asarray(g.log_delta_norms, dtype=float)
    bound = np.asarray(g.log_bound, dtype=float)
    zero_layers = int(np.sum(np.isneginf(delta)))
    finite = np.isfinite(delta)
    excess = delta[finite] - bound[finite]
    max_excess = float(np.max(excess)) if excess.size else -math.inf
    log_gamma = math.log(g.gamma)
    factors = log_gamma + np.asarray(g.log_weight_norms[1:], dtype=float)
    if L > 1:
        with np.errstate(invalid="ignore"):
            span = float(delta[0] - delta[-1]) if np.isfinite(delta[-1]) else math.nan
        if zero_layers:
            span = -math.inf
        bound_span = float(bound[0] - bound[-1])
        rate = span / (L - 1)
        bound_rate = bound_span / (L - 1)
        max_factor = float(math.exp(min(float(np.max(factors)), 700.0)))
    else:
        span = bound_span = rate = bound_rate = max_factor = math.nan
    guaranteed = bool(L > 1 and max_factor < 1.0)
    if zero_layers:
        regime = Regime.ZERO
    elif guaranteed:
        regime = Regime.VANISHES
    elif not abs(rate) > _NEUTRAL_LAYER_RATE:  # also catches NaN (a single layer)
        regime = Regime.NEUTRAL
    elif span > 0.0:
        regime = Regime.EXPLODES
    else:
        regime = Regime.VANISHES
    return DeepSummary(
        log_rate=float(rate),
        log_bound_rate=float(bound_rate),
        log_span=float(span),
        log_bound_span=float(bound_span),
        max_layer_factor=max_factor,
        max_excess=max_excess,
        zero_layers=zero_layers,
        mean_abs_dsigma=float(np.mean(g.mean_abs_dsigma)),
        regime=regime,
        guaranteed=guaranteed,
    )
