"""Remedies measured at initialisation: residual connections and batch normalisation.

Both functions measure per-layer gradients of one seeded random network, with
the weight, bias and input streams of :func:`explorer.sim.deep_network_gradients`
(so the plain network on the same seed is the same network without the remedy).

Residual network (He, Zhang, Ren & Sun 2016, "Deep residual learning for image
recognition"), ``l = 1..L``:

    z^l = W^l x^{l-1} + b^l,    x^l = x^{l-1} + alpha phi(z^l),    C = 1/2 ||x^L - y||^2.

Backward, with ``g^l = dC/dx^l``: ``dC/db^l = alpha D^l g^l`` and
``g^{l-1} = (I + alpha W^l^T D^l) g^l``, ``D^l = diag(phi'(z^l))``. The
identity term keeps the product of per-layer Jacobians near ``I`` for small
``alpha``, where the plain product ``prod D^l W^l`` shrinks or grows
geometrically. Everything is carried as ``exp(log_scale) * unit_vector``.

Batch-normalised network at initialisation (Ioffe & Szegedy 2015, "Batch
normalization"), on a batch ``X`` of ``B`` inputs (columns), no biases,
``gamma = 1``, ``beta = 0``:

    Z^l = W^l X^{l-1},   Zhat^l = (Z^l - mean_b Z^l) / sqrt(var_b Z^l + eps),   X^l = phi(Zhat^l),

    C = 1/(2B) sum_b ||X^L_b - Y_b||^2,

each unit normalised over the batch. The measured quantity is
``||dC/dW^l||_F`` per layer. Yang, Pennington, Rao, Sohl-Dickstein &
Schoenholz (2019), "A mean field theory of batch normalization", show that in
wide networks these gradients grow exponentially towards the input whatever
``sigma_w`` and the activation; batch normalisation's help in training comes
from elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from explorer.sim._activations import ACTIVATIONS
from explorer.sim._activations import activation as _activation
from explorer.sim._deep import _activate, _log_scaled_sum, _make_bias, _make_data, _make_layer, _normalised, _stream
from explorer.sim._validate import choice, integer, real

__all__ = [
    "MAX_BATCH",
    "MAX_REMEDY_DEPTH",
    "MAX_REMEDY_SIGMA_W",
    "MAX_REMEDY_WIDTH",
    "BatchNormGradients",
    "ResidualGradients",
    "batchnorm_gradient_check",
    "batchnorm_network_gradients",
    "residual_network_gradients",
]

MAX_REMEDY_DEPTH = 200
"""Deepest residual or batch-normalised network accepted."""

MAX_REMEDY_WIDTH = 512
"""Widest layer accepted by the remedy networks."""

MAX_REMEDY_SIGMA_W = 4.0
"""Largest ``sigma_w`` accepted by the remedy networks (keeps the plain batch comparison inside float64)."""

MAX_BATCH = 256
"""Largest batch accepted by :func:`batchnorm_network_gradients`."""

MAX_BATCH_WORK = 2**29
"""Largest ``depth * width**2 * batch`` accepted (about 1 s of CPU here)."""

_MAX_KEPT = 2**22  # weights kept between passes (32 MiB); above it they are redrawn from their seeds


def _frozen(a) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    a.setflags(write=False)
    return a


# --------------------------------------------------------------------------- residual


@dataclass(frozen=True, eq=False)
class ResidualGradients:
    """Per-layer gradients of a residual network ``x^l = x^{l-1} + alpha phi(W^l x^{l-1} + b^l)``.

    Attributes
    ----------
    depth, width : int
    activation : str
    sigma_w, sigma_b, alpha : float
    seed : int
    layers : ndarray of int
        ``1..depth``.
    log_bias_grad_norms : ndarray
        ``ln ||dC/db^l||`` (``-inf`` where it is exactly zero, e.g. ``alpha = 0``).
    log_state_grad_norms : ndarray, shape (depth + 1,)
        ``ln ||dC/dx^l||`` for ``l = 0..depth``.
    log_state_norms : ndarray, shape (depth + 1,)
        ``ln ||x^l||`` of the forward pass.
    """

    depth: int
    width: int
    activation: str
    sigma_w: float
    sigma_b: float
    alpha: float
    seed: int
    layers: np.ndarray
    log_bias_grad_norms: np.ndarray
    log_state_grad_norms: np.ndarray
    log_state_norms: np.ndarray


def _check_net(depth, width, activation, sigma_w, seed, *, name="activation"):
    return (integer("depth", depth, 1, MAX_REMEDY_DEPTH), integer("width", width, 1, MAX_REMEDY_WIDTH),
            choice(name, activation, ACTIVATIONS), real("sigma_w", sigma_w, 1e-6, MAX_REMEDY_SIGMA_W),
            integer("seed", seed, 0, None))


def residual_network_gradients(
    depth: int, width: int, activation: str, *, sigma_w: float, sigma_b: float = 0.0,
    alpha: float = 1.0, seed: int = 0,
) -> ResidualGradients:
    """Measure ``||dC/db^l||`` in every block of a random residual network.

    Parameters
    ----------
    depth : int
        Number of residual blocks, ``1..MAX_REMEDY_DEPTH``.
    width : int
        ``1..MAX_REMEDY_WIDTH``.
    activation : str
        One of :data:`~explorer.sim.ACTIVATIONS`.
    sigma_w : float
        ``W^l_ij ~ N(0, sigma_w^2/width)``, in ``[1e-6, MAX_REMEDY_SIGMA_W]``.
    sigma_b : float, default 0.0
        ``b^l_i ~ N(0, sigma_b^2)``, in ``[0, 10]``.
    alpha : float, default 1.0
        Branch weight in ``[0, 10]``.
    seed : int, default 0
        Same streams as :func:`explorer.sim.deep_network_gradients`.

    Returns
    -------
    ResidualGradients

    Raises
    ------
    ValueError
        For any argument out of range (the message names it).

    Notes
    -----
    Each block's Jacobian is ``I + alpha D^l W^l``; for small ``alpha`` the
    product over ``L`` blocks stays near the identity, so the gradient reaching
    the first block is about as large as the one leaving the last (He et al.
    2016). For large ``alpha sigma_w`` the mean squared gradient grows by about
    ``1 + alpha^2 chi`` per block instead of ``chi``: polynomial-looking growth
    replaces the plain network's exponential decay towards the input.
    Computed in log domain.

    References
    ----------
    .. [1] He, K., Zhang, X., Ren, S. and Sun, J. (2016). Deep residual learning for image recognition. CVPR.
    .. [2] He, K., Zhang, X., Ren, S. and Sun, J. (2016). Identity mappings in deep residual networks. ECCV.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import residual_network_gradients
    >>> r = residual_network_gradients(50, 64, "tanh", sigma_w=0.5, alpha=0.3, seed=1)
    >>> bool(abs(r.log_state_grad_norms[0] - r.log_state_grad_norms[-1]) < np.log(10))
    True
    """
    depth, width, name, sigma_w, seed = _check_net(depth, width, activation, sigma_w, seed)
    sigma_b = real("sigma_b", sigma_b, 0.0, 10.0)
    alpha = real("alpha", alpha, 0.0, 10.0)
    act = _activation(name)
    keep = depth * width * width <= _MAX_KEPT
    layers = {}

    def layer(i: int):
        if i in layers:
            return layers[i]
        made = _make_layer(i, width, "gaussian", sigma_w, seed)
        if keep:
            layers[i] = made
        return made

    x, y = _make_data(width, seed)
    log_x, x_unit = _normalised(x)
    log_states = np.empty(depth + 1)
    log_states[0] = log_x
    dsig = np.empty((depth, width))
    with np.errstate(under="ignore"):
        for i in range(1, depth + 1):
            log_z, z_unit = _log_scaled_sum(log_x, layer(i).matvec(x_unit), _make_bias(i, width, sigma_b, seed))
            log_a, a_unit, dsig[i - 1] = _activate(name, act, log_z, z_unit)
            if alpha > 0.0:
                top = max(log_x, log_a + math.log(alpha))
                total = x_unit * math.exp(log_x - top) + a_unit * math.exp(log_a + math.log(alpha) - top)
                log_t, x_unit = _normalised(total)
                log_x = top + log_t
            log_states[i] = log_x
        log_g, g_unit = _log_scaled_sum(log_x, x_unit, -y)
        log_grads = np.empty(depth + 1)
        log_bias = np.full(depth, -np.inf)
        log_grads[depth] = log_g
        for i in range(depth, 0, -1):
            if log_g == -math.inf:
                log_grads[i - 1] = -math.inf
                continue
            local = dsig[i - 1] * g_unit  # D^l g^l / ||g^l||
            if alpha > 0.0:
                n = float(np.linalg.norm(local))
                log_bias[i - 1] = log_g + math.log(alpha) + math.log(n) if n > 0 else -math.inf
                step, g_unit = _normalised(g_unit + alpha * layer(i).rmatvec(local))
                log_g += step
            log_grads[i - 1] = log_g
    return ResidualGradients(depth, width, name, sigma_w, sigma_b, alpha, seed,
                             np.arange(1, depth + 1), _frozen(log_bias), _frozen(log_grads), _frozen(log_states))


# --------------------------------------------------------------------------- batch normalisation


@dataclass(frozen=True, eq=False)
class BatchNormGradients:
    """Per-layer weight gradients of a deep network on one batch, with or without batch normalisation.

    Attributes
    ----------
    depth, width, batch : int
    activation : str
    sigma_w : float
    seed : int
    normalised : bool
        Whether every layer is batch-normalised.
    layers : ndarray of int
        ``1..depth``.
    log_weight_grad_norms : ndarray
        ``ln ||dC/dW^l||_F`` (``-inf`` for an exact zero).
    log_rate : float
        Least-squares slope of ``ln ||dC/dW^l||^2`` against ``L - l`` over
        ``l = 1..L-1``: the measured per-layer factor of the squared norm is
        ``exp(log_rate)`` going back towards the input (NaN for ``L < 3``).
    """

    depth: int
    width: int
    batch: int
    activation: str
    sigma_w: float
    seed: int
    normalised: bool
    layers: np.ndarray
    log_weight_grad_norms: np.ndarray
    log_rate: float


def _batch_data(width: int, batch: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_stream(seed, 0, 2))
    return rng.standard_normal((width, batch)), rng.random((width, batch))


def _bn_forward(weights, x, act, normalised: bool, eps: float):
    cache = []
    for w in weights:
        z = w @ x
        if normalised:
            mu = z.mean(axis=1, keepdims=True)
            s = np.sqrt(((z - mu) ** 2).mean(axis=1, keepdims=True) + eps)
            zhat = (z - mu) / s
        else:
            s, zhat = None, z
        cache.append((x, zhat, s))
        x = act.f(zhat)
    return x, cache


def _bn_loss(weights, x, y, act, normalised, eps) -> float:
    out, _ = _bn_forward(weights, x, act, normalised, eps)
    return 0.5 * float(np.sum((out - y) ** 2)) / x.shape[1]


def _bn_backward(weights, cache, out, y, act) -> list[np.ndarray]:
    batch = out.shape[1]
    g = (out - y) / batch  # dC/dX^L
    grads = [None] * len(weights)
    for i in range(len(weights) - 1, -1, -1):
        x_prev, zhat, s = cache[i]
        g = g * act.df(zhat)  # dC/dZhat
        if s is not None:
            g = (g - g.mean(axis=1, keepdims=True) - zhat * (g * zhat).mean(axis=1, keepdims=True)) / s
        grads[i] = g @ x_prev.T  # dC/dW^l
        g = weights[i].T @ g
    return grads


def _weights(depth: int, width: int, sigma_w: float, seed: int) -> list[np.ndarray]:
    return [_make_layer(i, width, "gaussian", sigma_w, seed).dense() for i in range(1, depth + 1)]


def _rate(log_norms: np.ndarray) -> float:
    depth = log_norms.size
    if depth < 3 or not np.all(np.isfinite(log_norms[:-1])):
        return math.nan
    back = depth - np.arange(1, depth)  # L - l for l = 1..L-1 (the last layer is left out: no product yet)
    return float(np.polyfit(back, 2.0 * log_norms[:-1], 1)[0])


def batchnorm_network_gradients(
    depth: int, width: int, activation: str, *, sigma_w: float, batch: int = 32, normalised: bool = True,
    eps: float = 1e-5, seed: int = 0,
) -> BatchNormGradients:
    """Measure ``||dC/dW^l||_F`` per layer on one batch, with or without batch normalisation.

    Parameters
    ----------
    depth : int
        ``1..MAX_REMEDY_DEPTH``.
    width : int
        ``1..MAX_REMEDY_WIDTH``.
    activation : str
        One of :data:`~explorer.sim.ACTIVATIONS`.
    sigma_w : float
        ``W^l_ij ~ N(0, sigma_w^2/width)`` (same draws as
        :func:`explorer.sim.deep_network_gradients`), in ``[1e-6, MAX_REMEDY_SIGMA_W]``.
    batch : int, default 32
        Batch size ``B`` in ``[2, MAX_BATCH]``; ``depth * width**2 * batch <= 2**29``.
    normalised : bool, default True
        Batch-normalise every layer (``gamma = 1``, ``beta = 0``), or not (the plain network, no biases).
    eps : float, default 1e-5
        Added to the batch variance, in ``[0, 1]``.
    seed : int, default 0
        Seeds the weights and the batch (inputs ``N(0, 1)``, targets ``U(0, 1)``).

    Returns
    -------
    BatchNormGradients

    Raises
    ------
    ValueError
        For any argument out of range (the message names it).

    Notes
    -----
    Backward through the normalisation of one unit over the batch:
    ``dC/dz = (g - mean(g) - zhat mean(g zhat)) / sqrt(var + eps)`` with
    ``g = dC/dzhat`` (Ioffe & Szegedy 2015). The normalisation makes the
    forward pass independent of ``sigma_w``; the backward pass is not:
    Yang et al. (2019) predict that gradients grow exponentially towards the
    input in a deep batch-normalised network without skip connections, and
    that no choice of ``sigma_w`` or activation removes this.

    References
    ----------
    .. [1] Ioffe, S. and Szegedy, C. (2015). Batch normalization: accelerating deep network training by
       reducing internal covariate shift. ICML.
    .. [2] Yang, G., Pennington, J., Rao, V., Sohl-Dickstein, J. and Schoenholz, S. S. (2019). A mean
       field theory of batch normalization. ICLR.

    Examples
    --------
    >>> from explorer.sim import batchnorm_network_gradients
    >>> bn = batchnorm_network_gradients(30, 64, "relu", sigma_w=2 ** 0.5, batch=32, seed=0)
    >>> plain = batchnorm_network_gradients(30, 64, "relu", sigma_w=2 ** 0.5, batch=32, normalised=False, seed=0)
    >>> bool(bn.log_rate > 0.2 > abs(plain.log_rate))
    True
    """
    depth, width, name, sigma_w, seed = _check_net(depth, width, activation, sigma_w, seed)
    batch = integer("batch", batch, 2, MAX_BATCH)
    eps = real("eps", eps, 0.0, 1.0)
    if not isinstance(normalised, (bool, np.bool_)):
        raise ValueError(f"normalised must be True or False, got {normalised!r}")
    if depth * width * width * batch > MAX_BATCH_WORK:
        raise ValueError(f"depth * width**2 * batch = {depth * width * width * batch} exceeds {MAX_BATCH_WORK}")
    act = _activation(name)
    weights = _weights(depth, width, sigma_w, seed)
    x, y = _batch_data(width, batch, seed)
    with np.errstate(under="ignore"):
        out, cache = _bn_forward(weights, x, act, bool(normalised), eps)
        grads = _bn_backward(weights, cache, out, y, act)
        norms = np.array([np.linalg.norm(g) for g in grads])
    with np.errstate(divide="ignore"):
        log_norms = np.log(norms)
    return BatchNormGradients(depth, width, batch, name, sigma_w, seed, bool(normalised),
                              np.arange(1, depth + 1), _frozen(log_norms), _rate(log_norms))


def _batchnorm_parts(depth, width, activation, sigma_w, batch, normalised, eps, seed):
    """Weights, batch and exact gradients, for finite-difference checks (tests and the page)."""
    act = _activation(activation)
    weights = _weights(depth, width, sigma_w, seed)
    x, y = _batch_data(width, batch, seed)
    out, cache = _bn_forward(weights, x, act, normalised, eps)
    return weights, x, y, act, _bn_backward(weights, cache, out, y, act)


def batchnorm_gradient_check(
    depth: int, width: int, activation: str, *, sigma_w: float, batch: int = 32, normalised: bool = True,
    eps: float = 1e-5, seed: int = 0, entries: int = 6,
) -> float:
    """Largest relative error of the back-propagated ``dC/dW^l`` against central differences.

    Checks ``entries`` weights in the first and the last layer (the two ends of
    the figure), with step ``h = 1e-6 sigma_w / sqrt(width)``, shrunk in proportion where that
    layer's gradient is larger than the last layer's (the loss is as much more sensitive there).

    Parameters
    ----------
    depth, width, activation, sigma_w, batch, normalised, eps, seed
        As in :func:`batchnorm_network_gradients`.
    entries : int, default 6
        Weights checked per layer, drawn at random (``1..50``).

    Returns
    -------
    float
        ``max |fd - exact| / max(|fd|, |exact|)`` over the checked entries:
        about 1e-7 for smooth activations, up to about 1e-5 for ReLU (a kink
        can fall inside ``[w - h, w + h]``).

    References
    ----------
    .. [1] Ioffe, S. and Szegedy, C. (2015). Batch normalization: accelerating deep network training by
       reducing internal covariate shift. ICML.
    .. [2] Yang, G., Pennington, J., Rao, V., Sohl-Dickstein, J. and Schoenholz, S. S. (2019). A mean
       field theory of batch normalization. ICLR.

    Examples
    --------
    >>> from explorer.sim import batchnorm_gradient_check
    >>> batchnorm_gradient_check(6, 8, "tanh", sigma_w=1.0, batch=8) < 1e-5
    True
    """
    depth, width, name, sigma_w, seed = _check_net(depth, width, activation, sigma_w, seed)
    batch = integer("batch", batch, 2, MAX_BATCH)
    entries = integer("entries", entries, 1, 50)
    weights, x, y, act, grads = _batchnorm_parts(depth, width, name, sigma_w, batch, bool(normalised), eps, seed)
    rng = np.random.default_rng(seed + 7)
    worst = 0.0
    last = float(np.linalg.norm(grads[-1]))
    for layer in sorted({0, depth - 1}):
        # Where the gradient is large the loss is as sensitive: a smaller step keeps every ReLU kink (and
        # batch-norm's steep directions) outside [w - h, w + h].
        here = float(np.linalg.norm(grads[layer]))
        h = 1e-6 * sigma_w / math.sqrt(width) * (min(1.0, last / here) if here > 0 else 1.0)
        for _ in range(entries):
            i, j = rng.integers(width), rng.integers(width)
            w0 = weights[layer][i, j]
            weights[layer][i, j] = w0 + h
            up = _bn_loss(weights, x, y, act, bool(normalised), eps)
            weights[layer][i, j] = w0 - h
            down = _bn_loss(weights, x, y, act, bool(normalised), eps)
            weights[layer][i, j] = w0
            fd = (up - down) / (2 * h)
            exact = grads[layer][i, j]
            scale = max(abs(exact), abs(fd), 1e-12 * float(np.linalg.norm(grads[layer])))
            worst = max(worst, float(abs(fd - exact) / scale))
    return worst
