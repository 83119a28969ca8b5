"""How the eigenvalues of ``W`` drive ``||W^t||``, and where they stop telling the story.

Repeating a linear step ``x -> W x`` for ``t`` steps multiplies by ``W^t``.
When ``W = V diag(lambda) V^{-1}`` each eigen-direction is scaled by
``lambda_i^t``: modes with ``|lambda_i| > 1`` blow up, modes with
``|lambda_i| < 1`` die out (Goodfellow, Bengio & Courville, *Deep Learning*,
§8.2.5; Pascanu, Mikolov & Bengio 2013, "On the difficulty of training
recurrent neural networks"). The gradient travels back through the transpose,
so it meets the same eigenvalues.

The eigenvalues only fix the *long-run* rate: Gelfand's formula
``||W^t||^(1/t) -> rho(W)``. Over a finite horizon a non-normal ``W`` (one
whose eigenvectors are far from orthogonal) can amplify by a large factor
before the decay wins, and a Jordan block at ``|lambda| = 1`` grows like a
polynomial in ``t`` although every eigenvalue has modulus one
(Trefethen & Embree, *Spectra and Pseudospectra*, 2005, chapters 14-16).

Everything that can explode or vanish is returned as a natural log and is
computed without forming a huge or tiny float: powers are built by repeated
products that are rescaled as they go, and the log of the scale is summed.
``W^t`` is never formed as ``V diag(lambda)^t V^{-1}``, which is wrong for
defective matrices and loses all accuracy when ``V`` is ill-conditioned.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import blas
from scipy.special import gammaln

from explorer.sim._constants import LN2
from explorer.sim._linalg import log_top_singular_values
from explorer.sim._power import MAX_POWER_STEPS
from explorer.sim._random_matrices import gaussian_matrix, orthogonal_matrix
from explorer.sim._regime import Regime
from explorer.sim._validate import integer, real, real_array, square_matrix

__all__ = [
    "CRITICAL_TOL",
    "MAX_EIGENVALUES",
    "MAX_JORDAN_SIZE",
    "MAX_POWER_WORK",
    "MAX_RANDOM_GAIN",
    "MAX_SPECTRUM_MODES",
    "MAX_SPECTRUM_SIZE",
    "MODAL_COND_LIMIT",
    "NORMAL_RTOL",
    "FloatLimits",
    "HalfLives",
    "ModeContributions",
    "RandomSpectrum",
    "SpectrumGrowth",
    "float_limit_steps",
    "gradient_log_norms",
    "growth_regime",
    "half_life_steps",
    "jordan_block",
    "jordan_corner_log",
    "late_log_growth_rate",
    "matrix_from_eigenvalues",
    "matrix_power_log_norms",
    "modal_cancellation_log",
    "mode_contributions",
    "random_gaussian_spectrum",
    "spectrum_from_modes",
    "spectrum_growth",
    "unit_vector",
]

MAX_SPECTRUM_SIZE = 512
"""Largest matrix size ``n`` accepted."""

MAX_POWER_WORK = 2.0e10
"""Cap on ``steps * n**3`` for :func:`matrix_power_log_norms` (one ``n x n`` product per step).

With this cap ``n = 64`` allows every ``steps <= MAX_POWER_STEPS``, ``n = 200``
about 2 500 steps and ``n = 512`` about 150 steps.
"""

MAX_EIGENVALUES = MAX_SPECTRUM_SIZE
"""Largest number of eigenvalues :func:`matrix_from_eigenvalues` accepts."""

MAX_SPECTRUM_MODES = 4
"""Largest number of modes :func:`spectrum_from_modes` accepts."""

MAX_JORDAN_SIZE = 64
"""Largest Jordan block :func:`jordan_block` builds."""

MAX_RANDOM_GAIN = 100.0
"""Largest gain :func:`random_gaussian_spectrum` accepts."""

MODAL_COND_LIMIT = 1e8
"""Above this condition number of the eigenvector matrix the modal picture is not trusted."""

NORMAL_RTOL = 1e-10
"""``W`` counts as normal when ``||W^T W - W W^T||_F <= NORMAL_RTOL * ||W||_2^2``."""

_EPS = float(np.finfo(float).eps)
_FLOAT_TINY = float(np.finfo(float).tiny)  # smallest normal float64


# Rank of the subspace used to certify ||P||_2 cheaply (see _linalg.log_top_singular_values).
_SUBSPACE_RANK = 8

# Budget for the block of powers awaiting their norms, in float64 entries.
_CHUNK_ENTRIES = 2**21

_CONJUGATE_RTOL = 1e-12

# Powers (and vectors) are stored with their largest entry in [2^(H-1), 2^H),
# H = _HEADROOM, not near 1: a float64 array then holds entries from 2^H down
# to 2^-1074, twice the usual dynamic range, and products of its small entries
# with those of the prescaled W (all below 1) underflow far later. The next
# product cannot overflow: n <= 512 gives partial sums below 2^(H + 9) < 2^1024.
_HEADROOM = 1000

# BLAS i?amax: index of the entry of largest magnitude, without a temporary |x| array.
_index_of_max_abs = blas.idamax

# Entries of the unit-scaled certificate basis below this are set to zero (see _flush_tiny).
_FLUSH = 1e-150


# ----------------------------------------------------------------------------
# validation helpers


def _log(x):
    """Natural log that maps 0 to -inf without a divide-by-zero warning."""
    with np.errstate(divide="ignore"):
        return np.log(x)


def _pow2_exponent(A: np.ndarray) -> int | None:
    """``e`` with ``max |A| / 2^e`` in ``[0.5, 1)``; ``None`` for an all-zero array."""
    peak = float(np.max(np.abs(A)))
    return None if peak == 0.0 else math.frexp(peak)[1]


def _pow2_prescale(A: np.ndarray) -> tuple[np.ndarray, float]:
    """Return ``(A / 2^e, e ln 2)`` with ``max |A / 2^e|`` in ``[0.5, 1)``; exact scaling.

    A zero matrix is returned unchanged with log scale ``-inf``.
    """
    exponent = _pow2_exponent(A)
    if exponent is None:
        return A, -math.inf
    return np.ldexp(A, -exponent), exponent * LN2


def _sticky_neg_inf(log_values: np.ndarray) -> np.ndarray:
    """Once a power is exactly zero every later power is zero: keep ``-inf`` from there on."""
    hit = np.flatnonzero(np.isneginf(log_values))
    if hit.size:
        log_values[hit[0] :] = -math.inf
    return log_values


def _flush_tiny(A: np.ndarray) -> np.ndarray:
    """Zero the entries of a unit-scaled array below ``_FLUSH``, in place.

    Used only on the orthonormal basis of the norm certificate, where a
    perturbation of ``1e-150`` is far below rounding; there it keeps products
    away from subnormal numbers, which are very slow on most CPUs. The powers
    themselves are not treated this way: their small entries can carry the
    whole answer when large ones cancel (e.g. a nilpotent part next to a tiny
    eigenvalue), so they only lose entries that are already subnormal.
    """
    A[np.abs(A) < _FLUSH] = 0.0
    return A


# ----------------------------------------------------------------------------
# ||W^t||_2 for t = 0..steps


def _refine_basis(P: np.ndarray, basis: np.ndarray, sweeps: int = 1) -> np.ndarray:
    """A few sweeps of subspace iteration on ``P^T P`` (warm-started)."""
    for _ in range(sweeps):
        Y = P.T @ (P @ basis)
        if not np.any(Y):
            return basis
        basis = _flush_tiny(np.linalg.qr(Y)[0])
    return basis


def matrix_power_log_norms(W: np.ndarray, steps: int) -> np.ndarray:
    """Return ``ln ||W^t||_2`` for ``t = 0, 1, ..., steps`` without overflow.

    Parameters
    ----------
    W : (n, n) array_like
        Real square matrix with finite entries, ``1 <= n <= MAX_SPECTRUM_SIZE``.
    steps : int
        Largest power, ``0 <= steps <= MAX_POWER_STEPS`` and
        ``steps * n**3 <= MAX_POWER_WORK``.

    Returns
    -------
    (steps + 1,) ndarray
        Natural log of the spectral norm of ``W^t``; entry 0 is ``ln ||I|| = 0``.
        Once the computed ``W^t`` is exactly zero (the zero matrix, or a
        nilpotent matrix whose products cancel exactly, such as a strictly
        triangular one) the entry is ``-inf``, and so is every later entry,
        since ``W^s = 0`` implies ``W^t = 0`` for ``t >= s``.

    Raises
    ------
    ValueError
        If ``W`` is not a finite real square matrix of allowed size, or
        ``steps`` is out of range.

    Notes
    -----
    The powers come from repeated products ``P_t = W P_{t-1}`` with the
    exact ``W`` each time (binary powering would raise a rounded ``W^k`` to a
    high power, and near a defective eigenvalue that error grows with ``t``).
    After every product ``P_t`` is rescaled by a power of two, which is
    exact, so that its largest entry is near ``2^1000``, and the exponent is
    accumulated. Overall sizes are therefore unlimited, and one power can
    hold entries from ``2^1000`` down to ``2^-1074`` (about 600 decades).
    A power whose entries span even more, such as the cube of
    ``jordan_block(1e-250, 4)`` (1 down to ``1e-750``), loses its smallest
    entries as any floating-point product would; that matters only if the
    large entries later die out exactly, as the nilpotent part does there.
    ``W^t`` is never written as ``V diag(lambda)^t V^{-1}``.

    The spectral norms are evaluated in blocks of up to 64 powers: a norm is
    accepted from a cheap subspace bound when that bound is certified, else
    taken from an exact symmetric eigensolver (see :func:`explorer.sim._linalg.log_top_singular_values`),
    so the result agrees with ``ln svdvals(P_t)[0]`` for the computed product
    to about ``1e-12`` relative. The computed product itself, like any
    computed ``W^t``, has a forward error of order
    ``t eps max_s ||W^s|| ||W^(t-s)||``; for a strongly non-normal dense
    ``W`` that can exceed ``||W^t||`` (e.g. an orthogonal similarity of
    ``jordan_block(0.75, 40)``, whose powers peak near ``1e22``).
    Triangular matrices keep their exact zeros and fare much better.

    Typical cost at ``n = 64``: about half a second for 10 000 steps;
    matrices whose top singular values stay clustered (near-orthogonal ``W``
    that is not normal) need the eigensolver at every step, several times
    slower.

    Shortcut: always ``rho(W)^t <= ||W^t|| <= ||W||^t``. When
    ``rho(W) = ||W||`` to within ``256 eps`` (normal matrices, and any matrix
    whose largest eigenvalue sits on a singular direction) the two sides pin
    the answer to ``t (ln ||W|| + ln rho) / 2`` within ``128 t eps``.

    Growth of ``||W^t||`` with ``t`` is what makes gradients explode or vanish
    through repeated multiplication (Goodfellow et al., *Deep Learning*,
    §8.2.5); its transient behaviour for non-normal ``W`` is the subject of
    Trefethen & Embree, *Spectra and Pseudospectra*, ch. 14-16.

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.
    .. [3] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import matrix_power_log_norms
    >>> lam = 3.0
    >>> logs = matrix_power_log_norms([[lam]], 10_000)
    >>> round(float(logs[-1] / 10_000), 6) == round(math.log(lam), 6)
    True
    >>> J = [[1.0, 1.0], [0.0, 1.0]]  # ||J^t|| grows like t
    >>> [round(float(np.exp(v)), 4) for v in matrix_power_log_norms(J, 3)]
    [1.0, 1.618, 2.4142, 3.3028]
    >>> matrix_power_log_norms([[0.0, 1.0], [0.0, 0.0]], 3).tolist()
    [0.0, 0.0, -inf, -inf]
    """
    A = square_matrix("W", W, MAX_SPECTRUM_SIZE)
    steps = _check_power_steps(steps, A.shape[0])
    return _power_log_norms(_Prescaled.of(A), steps)


def _check_power_steps(steps, n: int) -> int:
    steps = integer("steps", steps, 0, MAX_POWER_STEPS)
    if steps * float(n) ** 3 > MAX_POWER_WORK:
        raise ValueError(
            f"steps * n**3 must be <= {MAX_POWER_WORK:.0e}; got steps = {steps} with n = {n}, "
            f"so use steps <= {int(MAX_POWER_WORK // float(n) ** 3)}"
        )
    return steps


@dataclass(frozen=True)
class _Prescaled:
    """``A = 2^e * scaled`` with its SVD and eigenvalues, shared by the functions of this module."""

    scaled: np.ndarray
    exponent: int  # A = 2^exponent * scaled (0 for the zero matrix)
    log_scale: float  # exponent * ln 2, -inf for the zero matrix
    singular_values: np.ndarray
    right_vectors: np.ndarray  # rows are right singular vectors
    eigenvalues: np.ndarray  # of ``scaled``
    eigenvectors: np.ndarray | None

    @classmethod
    def of(cls, A: np.ndarray, *, with_eigenvectors: bool = False) -> _Prescaled:
        scaled, log_scale = _pow2_prescale(A)
        exponent = 0 if log_scale == -math.inf else round(log_scale / LN2)
        _, sing, right = np.linalg.svd(scaled)
        if with_eigenvectors:
            lam, vectors = np.linalg.eig(scaled)
        else:
            lam, vectors = np.linalg.eigvals(scaled), None
        return cls(scaled, exponent, log_scale, sing, right, lam, vectors)

    @property
    def log_norm(self) -> float:
        """``ln ||A||_2``."""
        top = float(self.singular_values[0])
        return -math.inf if top == 0.0 else self.log_scale + math.log(top)

    @property
    def log_rho(self) -> float:
        """``ln rho(A)``."""
        rho = float(np.max(np.abs(self.eigenvalues)))
        return -math.inf if rho == 0.0 else self.log_scale + math.log(rho)


def _power_log_norms(pre: _Prescaled, steps: int) -> np.ndarray:
    """Body of :func:`matrix_power_log_norms` for validated input."""
    out = np.empty(steps + 1)
    out[0] = 0.0
    if steps == 0:
        return out
    if pre.log_scale == -math.inf:
        out[1:] = -math.inf
        return out
    n = pre.scaled.shape[0]
    sing, right = pre.singular_values, pre.right_vectors
    rho = min(float(np.max(np.abs(pre.eigenvalues))) / sing[0], 1.0)
    if rho >= 1.0 - 256 * _EPS:
        out[1:] = np.arange(1, steps + 1) * (pre.log_norm + 0.5 * math.log(rho))
        return out

    # Each power is the exact W times the previous one. (Reusing a computed
    # W^k as a factor, as binary powering does, raises a rounded matrix to a
    # high power; near a defective eigenvalue that error grows with t.) Every
    # rescaling is by a power of two, so it adds no rounding either.
    A = pre.scaled
    k = min(_SUBSPACE_RANK, n)
    basis = None if k == n else right[:k].T.copy()
    block = max(1, min(steps, 64, _CHUNK_ENTRIES // (n * n)))
    stack = np.empty((block, n, n))  # A^t / 2^log2_stack[j], max |entry| in [2^(H-1), 2^H)
    log2_stack = np.empty(block)
    P = np.ldexp(np.eye(n), _HEADROOM)
    log2_P = -float(_HEADROOM)
    t0 = 0
    while t0 < steps:
        b = min(block, steps - t0)
        filled = b
        for j in range(b):
            power = stack[j]
            np.matmul(A, P, out=power)
            flat = power.reshape(-1)
            peak = abs(float(flat[_index_of_max_abs(flat)]))
            if peak == 0.0:
                filled = j
                break
            shift = math.frexp(peak)[1] - _HEADROOM
            if 0 < abs(shift) < 1000:
                power *= math.ldexp(1.0, -shift)  # a power of two: exact
            elif shift:
                np.ldexp(power, -shift, out=power)
            if j % 8 == 7:
                # Subnormal numbers make products very slow on most CPUs. Relative to the
                # largest entry (~2^1000) they are below 2^-2022, already past the range
                # this representation promises, so dropping them costs no accuracy.
                power[np.abs(power) < _FLOAT_TINY] = 0.0
            log2_P += shift
            log2_stack[j] = log2_P
            P = power
        if filled:
            S = np.ldexp(stack[:filled], -_HEADROOM)  # max |entry| in [0.5, 1) for the norms
            fro2 = np.einsum("bij,bij->b", S, S)
            if basis is not None:
                basis = _refine_basis(S[filled - 1], basis)
            log_norms = log_top_singular_values(S, fro2, basis)
            out[t0 + 1 : t0 + filled + 1] = (log2_stack[:filled] + _HEADROOM) * LN2 + log_norms
        if filled < b:
            out[t0 + filled + 1 :] = -math.inf
            break
        P = stack[b - 1].copy()
        t0 += b
    out[1:] += np.arange(1, steps + 1) * pre.log_scale
    return _sticky_neg_inf(out)


# ----------------------------------------------------------------------------
# ||W^t x|| and the gradient ||(W^T)^t g||


def _log_norm_of_scaled(v: np.ndarray, log2_v: float) -> float:
    """``ln ||v 2^log2_v||_2`` for ``v`` with max ``|entry|`` near ``2^_HEADROOM`` (no overflow)."""
    unit = np.ldexp(v, -_HEADROOM)
    return (log2_v + _HEADROOM) * LN2 + 0.5 * math.log(float(unit @ unit))


def _vector_log_norms(A: np.ndarray, x: np.ndarray, steps: int) -> np.ndarray:
    """``ln ||A^t x||_2`` for ``t = 0..steps`` by rescaled matrix-vector products."""
    out = np.full(steps + 1, -math.inf)
    shift = _pow2_exponent(x)
    if shift is None:
        return out
    shift -= _HEADROOM
    v = np.ldexp(x, -shift)  # A^t x = v 2^log2_v, max |v| in [2^(H-1), 2^H)
    log2_v = float(shift)
    out[0] = _log_norm_of_scaled(v, log2_v)
    A, log_scale = _pow2_prescale(A)
    if log_scale == -math.inf:
        return out
    for t in range(1, steps + 1):
        v = A @ v
        shift = _pow2_exponent(v)
        if shift is None:
            break
        shift -= _HEADROOM
        v = np.ldexp(v, -shift)
        if t % 8 == 0:
            v[np.abs(v) < _FLOAT_TINY] = 0.0  # subnormals: see _power_log_norms
        log2_v += shift
        out[t] = _log_norm_of_scaled(v, log2_v) + t * log_scale
    return out


def gradient_log_norms(W: np.ndarray, g: np.ndarray, steps: int) -> np.ndarray:
    """Return ``ln ||(W^T)^t g||_2`` for ``t = 0..steps``: a gradient sent back through ``t`` linear steps.

    Parameters
    ----------
    W : (n, n) array_like
        The matrix of the forward step ``h_t = W h_{t-1}``.
    g : (n,) array_like
        Gradient with respect to the last state.
    steps : int
        Number of steps back, ``0 <= steps <= MAX_POWER_STEPS``.

    Returns
    -------
    (steps + 1,) ndarray
        Natural logs; ``-inf`` where the propagated gradient is exactly zero
        (and from then on).

    Raises
    ------
    ValueError
        If ``W`` or ``g`` is not finite and real, the shapes disagree, or
        ``steps`` is out of range.

    Notes
    -----
    By the chain rule ``dL/dh_{T-t} = (W^T)^t dL/dh_T`` (Pascanu, Mikolov &
    Bengio 2013; Goodfellow et al., *Deep Learning*, §8.2.5), so the gradient
    meets the eigenvalues of ``W`` (``W^T`` has the same ones). Each
    matrix-vector product is rescaled by a power of two (exact) and the
    exponent is accumulated, so ``10^(+-5000)`` is no problem. Cost
    ``O(steps n^2)``.

    References
    ----------
    .. [1] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import gradient_log_norms
    >>> logs = gradient_log_norms(np.diag([2.0, 0.5]), [0.0, 1.0], 3)
    >>> [round(float(v), 4) for v in logs / math.log(2.0)]
    [0.0, -1.0, -2.0, -3.0]
    """
    A = square_matrix("W", W, MAX_SPECTRUM_SIZE)
    vec = real_array("g", g, (A.shape[0],), f"({A.shape[0]},) to match W")
    return _vector_log_norms(A.T, vec, integer("steps", steps, 0, MAX_POWER_STEPS))


# ----------------------------------------------------------------------------
# building matrices with a prescribed spectrum


def _pair_eigenvalues(eigenvalues) -> tuple[list[float], list[complex]]:
    """Split into real eigenvalues and the upper members ``a + ib`` (``b > 0``) of conjugate pairs."""
    arr = _check_eigenvalue_list(eigenvalues)
    tol = _CONJUGATE_RTOL * np.maximum(1.0, np.abs(arr))
    is_real = np.abs(arr.imag) <= tol
    reals = [float(v) for v in arr.real[is_real]]
    upper = [(i, complex(arr[i])) for i in np.flatnonzero(~is_real & (arr.imag > 0))]
    lower = [(i, complex(arr[i])) for i in np.flatnonzero(~is_real & (arr.imag < 0))]
    pairs = []
    for i, lam in upper:
        match = None
        for pos, (_j, mu) in enumerate(lower):
            if abs(mu - lam.conjugate()) <= _CONJUGATE_RTOL * max(1.0, abs(lam)):
                match = pos
                break
        if match is None:
            raise ValueError(
                f"eigenvalues[{i}] = {lam} has no conjugate partner {lam.conjugate()}; "
                "a real matrix needs its non-real eigenvalues in conjugate pairs"
            )
        lower.pop(match)
        pairs.append(lam)
    if lower:
        i, lam = lower[0]
        raise ValueError(
            f"eigenvalues[{i}] = {lam} has no conjugate partner {lam.conjugate()}; "
            "a real matrix needs its non-real eigenvalues in conjugate pairs"
        )
    return reals, pairs


def matrix_from_eigenvalues(eigenvalues, *, nonnormality: float = 0.0, seed: int = 0) -> np.ndarray:
    """Return a real matrix with exactly the given eigenvalues and adjustable non-normality.

    Parameters
    ----------
    eigenvalues : sequence of complex
        The spectrum, as a multiset (at most ``MAX_EIGENVALUES`` values).
        Non-real values must come in conjugate pairs; a value whose imaginary
        part is below ``1e-12 * max(1, |lambda|)`` counts as real.
    nonnormality : float, default 0
        In ``[0, 1)``. 0 gives a normal matrix (orthogonal eigenvectors);
        towards 1 the eigenvectors lean towards one common direction and the
        eigenvector basis becomes ill-conditioned.
    seed : int, default 0
        Seed of the random orthogonal frame.

    Returns
    -------
    (n, n) ndarray
        Real ``W`` with ``eig(W)`` equal to ``eigenvalues`` up to rounding.

    Raises
    ------
    ValueError
        If a non-real eigenvalue lacks its conjugate (the message names it),
        a value is not finite, there are too many, or ``nonnormality`` is
        outside ``[0, 1)``.

    Notes
    -----
    ``D`` is the real block-diagonal form: a ``1 x 1`` block per real
    eigenvalue and ``[[a, -b], [b, a]]`` per pair ``a +- ib``. With ``Q``
    a seeded Haar orthogonal matrix, ``u`` the unit vector ``(1, ..., 1) / sqrt(n)``
    and ``nu = nonnormality``,

    ``W = Q M D M^{-1} Q^T``,  ``M = (1 - nu) I + nu u u^T``.

    ``M`` is symmetric with eigenvalues ``1 - nu`` and ``1``, so the
    eigenvector basis ``Q M`` has condition number exactly ``1 / (1 - nu)``
    and ``M^{-1} = (I - u u^T) / (1 - nu) + u u^T`` needs no inversion. At
    ``nu = 0`` ``W = Q D Q^T`` is normal. Similar matrices share eigenvalues,
    so the spectrum does not depend on ``nu``; what changes is how far
    ``||W^t||`` can rise above ``rho^t`` (at most by ``cond(Q M)``; Trefethen &
    Embree, *Spectra and Pseudospectra*, ch. 14). ``Q`` is an orthogonal
    change of basis, so ``seed`` turns the eigenvectors but leaves every
    ``||W^t||`` unchanged.

    References
    ----------
    .. [1] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.
    .. [2] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import matrix_from_eigenvalues
    >>> W = matrix_from_eigenvalues([0.5, 0.3 + 0.4j, 0.3 - 0.4j], seed=1)
    >>> np.round(np.sort_complex(np.linalg.eigvals(W)), 6).tolist()
    [(0.3-0.4j), (0.3+0.4j), (0.5+0j)]
    >>> bool(np.allclose(W @ W.T, W.T @ W))
    True
    >>> matrix_from_eigenvalues([0.5j])
    Traceback (most recent call last):
    ...
    ValueError: eigenvalues[0] = 0.5j has no conjugate partner -0.5j; a real matrix needs its non-real \
eigenvalues in conjugate pairs
    """
    reals, pairs = _pair_eigenvalues(eigenvalues)
    seed = integer("seed", seed, 0, 2**63 - 1)
    nu = real("nonnormality", nonnormality, 0.0, 1.0, open_high=True)
    n = len(reals) + 2 * len(pairs)
    D = np.zeros((n, n))
    pos = 0
    for lam in pairs:
        D[pos : pos + 2, pos : pos + 2] = [[lam.real, -lam.imag], [lam.imag, lam.real]]
        pos += 2
    D[np.arange(pos, n), np.arange(pos, n)] = reals
    Q = orthogonal_matrix(n, seed)
    u = np.full(n, 1.0 / math.sqrt(n))
    M = (1.0 - nu) * np.eye(n) + nu * np.outer(u, u)
    M_inv = (np.eye(n) - np.outer(u, u)) / (1.0 - nu) + np.outer(u, u)
    return Q @ (M @ D @ M_inv) @ Q.T


def jordan_block(eigenvalue: float, size: int) -> np.ndarray:
    """Return the ``size x size`` Jordan block ``J = lambda I + N`` (ones on the superdiagonal).

    Parameters
    ----------
    eigenvalue : float
        The single (real) eigenvalue ``lambda``.
    size : int
        ``1 <= size <= MAX_JORDAN_SIZE``.

    Returns
    -------
    (size, size) ndarray

    Raises
    ------
    ValueError
        If ``eigenvalue`` is not a finite real number or ``size`` is out of range.

    Notes
    -----
    ``J`` is defective: one eigenvector for an eigenvalue of multiplicity
    ``size``. Its powers are ``(J^t)_{i, i+k} = C(t, k) lambda^(t-k)``, so at
    ``|lambda| = 1`` the norm grows like ``t^(size-1) / (size-1)!`` although
    ``rho(J) = 1``; eigenvalues alone would predict a constant norm.

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.

    Examples
    --------
    >>> from explorer.sim import jordan_block
    >>> jordan_block(0.5, 3).tolist()
    [[0.5, 1.0, 0.0], [0.0, 0.5, 1.0], [0.0, 0.0, 0.5]]
    """
    lam = real("eigenvalue", eigenvalue)
    size = integer("size", size, 1, MAX_JORDAN_SIZE)
    return lam * np.eye(size) + np.eye(size, k=1)


# ----------------------------------------------------------------------------
# what the eigenvalues say, and what ||W^t|| actually does


def _eigen_condition(vectors: np.ndarray) -> float:
    """Condition number of an eigenvector matrix; ``inf`` when it is numerically singular."""
    n = vectors.shape[0]
    with np.errstate(all="ignore"):
        sing = np.linalg.svd(vectors, compute_uv=False)
    if not np.all(np.isfinite(sing)) or sing[-1] <= n * _EPS * sing[0]:
        return math.inf
    return float(sing[0] / sing[-1])


def _sort_by_modulus(lam: np.ndarray) -> np.ndarray:
    """Eigenvalues by decreasing modulus, the upper member of a conjugate pair first."""
    return lam[np.lexsort((-lam.imag, -np.abs(lam)))]


@dataclass(frozen=True)
class SpectrumGrowth:
    """What the spectrum predicts for ``||W^t||`` next to what it does.

    Attributes
    ----------
    step : (steps + 1,) ndarray of int
        ``t = 0..steps``.
    log_norm_power : (steps + 1,) ndarray
        ``ln ||W^t||_2`` (see :func:`matrix_power_log_norms`).
    log_rho : float
        ``ln rho(W)``, the long-run growth rate per step (``-inf`` if nilpotent).
    log_norm_W : float
        ``ln ||W||_2``, the worst one-step stretch (``-inf`` for ``W = 0``).
    eigenvalues : (n,) complex ndarray
        Sorted by decreasing modulus.
    cond_V : float
        2-norm condition number of the unit-column eigenvector matrix from
        ``numpy.linalg.eig``. Exactly 1 for normal ``W`` (an orthonormal
        eigenbasis exists). ``inf`` when that matrix is numerically singular
        (``sigma_min <= n eps sigma_max``), as for exactly defective input
        like :func:`jordan_block`; a defective matrix blurred by rounding
        shows a huge finite value instead (about ``eps^(-1 + 1/m)`` for a
        block of size ``m``).
    gelfand : (steps,) ndarray
        ``||W^t||^(1/t)`` for ``t = 1..steps`` (aligned with ``step[1:]``);
        tends to ``rho(W)`` (Gelfand's formula).
    peak_step : int or None
        For ``rho < 1``: the first ``t >= 1`` where ``||W^t||`` is largest
        over the computed range. ``None`` when ``rho >= 1`` (the norm need not
        come back down, so there is no transient peak) or ``steps == 0``.
    log_peak : float or None
        ``ln ||W^peak_step||``; ``None`` exactly when ``peak_step`` is.
    transient_growth : bool
        ``rho < 1`` and yet ``||W^t|| > 1`` for some computed ``t >= 1``:
        the norm rises before the eigenvalues make it decay.
    is_normal : bool
        ``||W^T W - W W^T||_F <= NORMAL_RTOL ||W||_2^2``; then ``||W^t|| = rho^t``.
    """

    step: np.ndarray
    log_norm_power: np.ndarray
    log_rho: float
    log_norm_W: float
    eigenvalues: np.ndarray
    cond_V: float
    gelfand: np.ndarray
    peak_step: int | None
    log_peak: float | None
    transient_growth: bool
    is_normal: bool


def spectrum_growth(W: np.ndarray, steps: int) -> SpectrumGrowth:
    """Compare ``||W^t||`` with the eigenvalue prediction ``rho^t`` and report transients.

    Parameters
    ----------
    W : (n, n) array_like
        Real square matrix (see :func:`matrix_power_log_norms` for limits).
    steps : int
        Largest power computed.

    Returns
    -------
    SpectrumGrowth

    Raises
    ------
    ValueError
        As :func:`matrix_power_log_norms`.

    Notes
    -----
    Always ``rho^t <= ||W^t|| <= ||W||^t`` and ``||W^t|| <= cond(V) rho^t``
    for diagonalisable ``W = V diag(lambda) V^{-1}``. For a normal matrix
    ``cond(V) = 1`` and the eigenvalues tell the whole story
    (Goodfellow et al., *Deep Learning*, §8.2.5). For a non-normal one the
    gap between ``1`` and ``cond(V)`` leaves room for a transient hump, and a
    defective one (``cond(V) = inf``) adds polynomial factors
    (Trefethen & Embree, *Spectra and Pseudospectra*, ch. 14-16).

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.
    .. [3] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import math
    >>> from explorer.sim import spectrum_growth
    >>> g = spectrum_growth([[0.8, 10.0], [0.0, 0.8]], 40)
    >>> round(math.exp(g.log_rho), 3), g.peak_step, round(math.exp(g.log_peak), 1)
    (0.8, 4, 20.5)
    >>> g.transient_growth, g.is_normal, g.cond_V
    (True, False, inf)
    >>> round(float(g.gelfand[-1]), 2)
    0.93
    """
    A = square_matrix("W", W, MAX_SPECTRUM_SIZE)
    steps = _check_power_steps(steps, A.shape[0])
    pre = _Prescaled.of(A, with_eigenvectors=True)
    log_norms = _power_log_norms(pre, steps)
    scaled = pre.scaled
    commutator = scaled.T @ scaled - scaled @ scaled.T
    is_normal = bool(np.linalg.norm(commutator) <= NORMAL_RTOL * float(pre.singular_values[0]) ** 2)
    cond_V = 1.0 if is_normal else _eigen_condition(pre.eigenvectors)
    log_rho = pre.log_rho
    lam = pre.eigenvalues
    eigenvalues = _sort_by_modulus(np.ldexp(lam.real, pre.exponent) + 1j * np.ldexp(lam.imag, pre.exponent))

    t = np.arange(1, steps + 1)
    log_gelfand = log_norms[1:] / t
    too_big = log_gelfand > math.log(np.finfo(float).max)
    gelfand = np.exp(np.where(too_big, 0.0, log_gelfand))
    gelfand[too_big] = math.inf

    peak_step = log_peak = None
    transient = False
    if steps >= 1 and log_rho < 0.0:
        peak_step = int(np.argmax(log_norms[1:])) + 1
        log_peak = float(log_norms[peak_step])
        transient = log_peak > 0.0
    return SpectrumGrowth(
        step=np.arange(steps + 1),
        log_norm_power=log_norms,
        log_rho=log_rho,
        log_norm_W=pre.log_norm,
        eigenvalues=eigenvalues,
        cond_V=cond_V,
        gelfand=gelfand,
        peak_step=peak_step,
        log_peak=log_peak,
        transient_growth=bool(transient),
        is_normal=is_normal,
    )


# ----------------------------------------------------------------------------
# the modal picture x_t = sum_i c_i lambda_i^t v_i


@dataclass(frozen=True)
class ModeContributions:
    """Size of each eigen-mode of ``W^t x`` over time.

    Attributes
    ----------
    step : (steps + 1,) ndarray of int
        ``t = 0..steps``.
    eigenvalues : (m,) complex ndarray
        One eigenvalue per mode, by decreasing modulus; a conjugate pair is a
        single mode listed by its member with positive imaginary part.
    is_pair : (m,) bool ndarray
        Whether the mode stands for a conjugate pair.
    coefficients : (m,) complex ndarray
        ``c = V^{-1} x`` for the listed eigenvalue (unit-norm eigenvectors).
    log_contributions : (m, steps + 1) ndarray
        ``ln |c_i lambda_i^t|``, plus ``ln 2`` for a pair (the pair adds up to
        ``2 Re(c lambda^t v)``, whose norm is at most ``2 |c| |lambda|^t``).
        ``-inf`` where the mode is exactly zero.
    log_norm_trajectory : (steps + 1,) ndarray
        ``ln ||W^t x||_2`` computed directly by rescaled products, for comparison.
    cond_V : float
        Condition number of the eigenvector matrix (``inf`` if numerically singular).
    reliable : bool
        ``cond_V <= MODAL_COND_LIMIT``. When False the coefficients are
        dominated by rounding and huge cancelling terms; show a warning
        instead of the modes.
    """

    step: np.ndarray
    eigenvalues: np.ndarray
    is_pair: np.ndarray
    coefficients: np.ndarray
    log_contributions: np.ndarray
    log_norm_trajectory: np.ndarray
    cond_V: float
    reliable: bool


def mode_contributions(W: np.ndarray, x: np.ndarray, steps: int) -> ModeContributions:
    """Split ``W^t x`` into eigen-modes and give the log size of each one.

    Parameters
    ----------
    W : (n, n) array_like
        Real square matrix.
    x : (n,) array_like
        Starting vector.
    steps : int
        Last step, ``0 <= steps <= MAX_POWER_STEPS`` and ``n * (steps + 1) <= 4e6``.

    Returns
    -------
    ModeContributions

    Raises
    ------
    ValueError
        If the inputs are not finite and real, shapes disagree or sizes exceed the caps.

    Notes
    -----
    With ``W = V diag(lambda) V^{-1}`` and ``c = V^{-1} x``,
    ``W^t x = sum_i c_i lambda_i^t v_i``: each mode changes by the factor
    ``|lambda_i|`` per step, so the modes with ``|lambda| > 1`` take over and
    the others fade (Goodfellow et al., *Deep Learning*, §8.2.5, where this is
    linked to the power method). The logs are ``ln|c_i| + t ln|lambda_i|``,
    never a power. The picture is only as good as ``V``: when ``cond(V)`` is
    large the ``c_i`` are huge, nearly cancel, and carry rounding error of
    order ``eps cond(V) ||x||``; for a defective ``W`` no eigenvector basis
    exists. ``reliable`` flags both cases.

    References
    ----------
    .. [1] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.
    .. [2] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import mode_contributions
    >>> mc = mode_contributions(np.diag([2.0, 0.5]), [1.0, 1.0], 2)
    >>> np.round(mc.log_contributions / math.log(2.0), 6).tolist()
    [[0.0, 1.0, 2.0], [0.0, -1.0, -2.0]]
    >>> mc.reliable
    True
    """
    A = square_matrix("W", W, MAX_SPECTRUM_SIZE)
    n = A.shape[0]
    vec = real_array("x", x, (n,), f"({n},) to match W")
    steps = integer("steps", steps, 0, MAX_POWER_STEPS)
    if n * (steps + 1) > 4_000_000:
        raise ValueError(f"n * (steps + 1) must be <= 4e6, got n = {n} and steps = {steps}")

    lam, vectors = np.linalg.eig(A)
    cond_V = _eigen_condition(vectors)
    if math.isfinite(cond_V):
        coeffs = np.linalg.solve(vectors, vec.astype(complex))
    else:
        coeffs = np.linalg.lstsq(vectors, vec.astype(complex), rcond=None)[0]

    keep, pair = [], []
    used = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(lam.imag > 0):
        partners = np.flatnonzero((lam.imag < 0) & ~used)
        if partners.size:
            used[partners[np.argmin(np.abs(lam[partners] - lam[i].conjugate()))]] = True
        keep.append(i)
        pair.append(True)
    for i in np.flatnonzero(lam.imag == 0):
        keep.append(i)
        pair.append(False)
    for i in np.flatnonzero((lam.imag < 0) & ~used):  # unpaired only through rounding
        keep.append(i)
        pair.append(False)
    keep = np.array(keep, dtype=int)
    is_pair = np.array(pair, dtype=bool)
    order = np.lexsort((-lam[keep].imag, -np.abs(lam[keep])))
    keep, is_pair = keep[order], is_pair[order]

    t = np.arange(steps + 1)
    log_c = _log(np.abs(coeffs[keep])) + np.where(is_pair, LN2, 0.0)
    log_lam = _log(np.abs(lam[keep]))
    # t ln|lambda|, with lambda^0 = 1 also for lambda = 0.
    rate = np.zeros((keep.size, steps + 1))
    zero_mode = np.isneginf(log_lam)
    rate[~zero_mode] = np.outer(log_lam[~zero_mode], t)
    rate[zero_mode, 1:] = -math.inf
    return ModeContributions(
        step=t,
        eigenvalues=lam[keep],
        is_pair=is_pair,
        coefficients=coeffs[keep],
        log_contributions=log_c[:, None] + rate,
        log_norm_trajectory=_vector_log_norms(A, vec, steps),
        cond_V=cond_V,
        reliable=bool(cond_V <= MODAL_COND_LIMIT),
    )


# ----------------------------------------------------------------------------
# half-lives and float limits


@dataclass(frozen=True)
class HalfLives:
    """Steps for each mode to halve or double.

    Attributes
    ----------
    eigenvalues : (m,) complex ndarray
        As given.
    magnitude : (m,) ndarray
        ``|lambda|``.
    steps : (m,) ndarray
        ``ln 2 / |ln |lambda||``; ``inf`` at ``|lambda| = 1``, ``0`` at ``lambda = 0``.
    direction : (m,) ndarray of str
        ``"doubling"`` (``|lambda| > 1``), ``"halving"`` (``|lambda| < 1``,
        including 0) or ``"steady"`` (``|lambda| = 1``).
    """

    eigenvalues: np.ndarray
    magnitude: np.ndarray
    steps: np.ndarray
    direction: np.ndarray


def _check_eigenvalue_list(eigenvalues) -> np.ndarray:
    """A finite 1-D complex array of 1 to ``MAX_EIGENVALUES`` numbers, or a ValueError saying why not."""
    arr = np.asarray(eigenvalues)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
        raise ValueError(f"eigenvalues must be numbers, got dtype {arr.dtype}")
    arr = np.atleast_1d(arr).astype(complex)
    if arr.ndim != 1 or not 1 <= arr.size <= MAX_EIGENVALUES:
        raise ValueError(f"eigenvalues must be a 1-D sequence of 1 to {MAX_EIGENVALUES} values, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("eigenvalues must all be finite")
    return arr


def half_life_steps(eigenvalues) -> HalfLives:
    """Return how many steps each mode needs to halve (``|lambda| < 1``) or double (``|lambda| > 1``).

    Parameters
    ----------
    eigenvalues : sequence of complex
        At most ``MAX_EIGENVALUES`` finite values.

    Returns
    -------
    HalfLives

    Raises
    ------
    ValueError
        If a value is not finite or there are none or too many.

    Notes
    -----
    A mode scales by ``|lambda|^t = exp(t ln|lambda|)``, so it changes by a
    factor 2 after ``ln 2 / |ln|lambda||`` steps. Near ``|lambda| = 1`` this
    is about ``0.69 / | |lambda| - 1 |``: an eigenvalue of 0.99 halves in
    about 69 steps, which is why long-range signals in a recurrent net fade
    (Goodfellow et al., *Deep Learning*, §8.2.5 and §10.7).

    References
    ----------
    .. [1] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> from explorer.sim import half_life_steps
    >>> h = half_life_steps([0.5, 2.0, -1.0, 0.0])
    >>> h.steps.tolist(), h.direction.tolist()
    ([1.0, 1.0, inf, 0.0], ['halving', 'doubling', 'steady', 'halving'])
    """
    arr = _check_eigenvalue_list(eigenvalues)
    magnitude = np.abs(arr)
    log_mag = _log(magnitude)
    steps = np.full(arr.size, math.inf)
    moving = log_mag != 0.0
    steps[moving] = LN2 / np.abs(log_mag[moving])  # 1/inf = 0 for lambda = 0
    direction = np.where(log_mag > 0, "doubling", np.where(log_mag < 0, "halving", "steady"))
    return HalfLives(eigenvalues=arr, magnitude=magnitude, steps=steps, direction=direction)


@dataclass(frozen=True)
class FloatLimits:
    """First steps at which ``exp(log_norm)`` leaves the range of normal float32 / float64 numbers.

    Each ``*_step`` is an index into the log series (the step ``t``), or
    ``None`` when the series never crosses that limit. ``*_exit_step`` is the
    earlier of overflow and underflow. The ``log_*`` attributes are the
    thresholds used: ``ln(finfo.max)`` and ``ln(finfo.tiny)`` (smallest
    normal number).
    """

    float32_overflow_step: int | None
    float32_underflow_step: int | None
    float64_overflow_step: int | None
    float64_underflow_step: int | None
    float32_exit_step: int | None
    float64_exit_step: int | None
    log_float32_max: float
    log_float32_tiny: float
    log_float64_max: float
    log_float64_tiny: float


def _first_index(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _earlier(a: int | None, b: int | None) -> int | None:
    return min(v for v in (a, b) if v is not None) if (a is not None or b is not None) else None


def float_limit_steps(log_norms) -> FloatLimits:
    """Return the first step where ``exp(log_norms[t])`` overflows or underflows float32 and float64.

    Parameters
    ----------
    log_norms : (T,) array_like
        Natural logs indexed by step; ``-inf`` (exact zero) counts as
        underflow and ``+inf`` as overflow. NaN is not allowed.

    Returns
    -------
    FloatLimits

    Raises
    ------
    ValueError
        If ``log_norms`` is not a non-empty 1-D real array or contains NaN.

    Notes
    -----
    Overflow means ``> finfo.max`` (about ``3.4e38`` for float32 and
    ``1.8e308`` for float64); underflow means ``< finfo.tiny``, the smallest
    normal number (``1.2e-38`` and ``2.2e-308``); below it numbers are
    subnormal and lose precision before reaching zero. Comparing in log
    space never creates those numbers. Training in float32 or float16 hits
    these walls many steps earlier than the float64 used here, one practical
    face of exploding and vanishing gradients (Goodfellow et al., *Deep
    Learning*, §4.1 on overflow and underflow).

    References
    ----------
    .. [1] IEEE (2019). IEEE Standard for Floating-Point Arithmetic (IEEE 754-2019).
    .. [2] Higham, N. J. (2002). Accuracy and Stability of Numerical Algorithms, 2nd ed. SIAM, ch. 3 and
       18 (products of matrices).

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import float_limit_steps
    >>> lim = float_limit_steps(np.arange(200) * math.log(2.0))  # ||.|| = 2^t
    >>> lim.float32_overflow_step, lim.float64_overflow_step, lim.float64_underflow_step
    (128, None, None)
    """
    arr = np.asarray(log_norms)
    if arr.dtype == object or np.iscomplexobj(arr) or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"log_norms must be a real 1-D array, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"log_norms must be a non-empty 1-D array, got shape {arr.shape}")
    if np.any(np.isnan(arr)):
        raise ValueError("log_norms must not contain NaN")
    f32, f64 = np.finfo(np.float32), np.finfo(np.float64)
    lim = {
        "log_float32_max": math.log(float(f32.max)),
        "log_float32_tiny": math.log(float(f32.tiny)),
        "log_float64_max": math.log(float(f64.max)),
        "log_float64_tiny": math.log(float(f64.tiny)),
    }
    o32 = _first_index(arr > lim["log_float32_max"])
    u32 = _first_index(arr < lim["log_float32_tiny"])
    o64 = _first_index(arr > lim["log_float64_max"])
    u64 = _first_index(arr < lim["log_float64_tiny"])
    return FloatLimits(
        float32_overflow_step=o32,
        float32_underflow_step=u32,
        float64_overflow_step=o64,
        float64_underflow_step=u64,
        float32_exit_step=_earlier(o32, u32),
        float64_exit_step=_earlier(o64, u64),
        **lim,
    )


# ----------------------------------------------------------------------------
# random matrices: the circular law


@dataclass(frozen=True)
class RandomSpectrum:
    """Eigenvalues of a seeded Gaussian matrix and the growth of ``||W^t x||``.

    Attributes
    ----------
    n, gain, seed : int, float, int
        The parameters of :func:`explorer.sim._random_matrices.gaussian_matrix`.
    eigenvalues : (n,) complex ndarray
        Sorted by decreasing modulus; they fill the disc of radius ``gain``.
    log_rho : float
        ``ln rho(W)``.
    step : (steps + 1,) ndarray of int
    log_norm_trajectory : (steps + 1,) ndarray
        ``ln ||W^t x||`` for a seeded random unit vector ``x``.
    log_reference : (steps + 1,) ndarray
        ``t ln gain``, the circular-law prediction for the growth rate.
    """

    n: int
    gain: float
    seed: int
    eigenvalues: np.ndarray
    log_rho: float
    step: np.ndarray
    log_norm_trajectory: np.ndarray
    log_reference: np.ndarray


def random_gaussian_spectrum(n: int, gain: float, seed: int, steps: int) -> RandomSpectrum:
    """Eigenvalues of ``gaussian_matrix(n, gain, seed)`` and ``ln ||W^t x||`` against ``t ln gain``.

    Parameters
    ----------
    n : int
        Size, ``1 <= n <= MAX_SPECTRUM_SIZE``.
    gain : float
        In ``(0, MAX_RANDOM_GAIN]``; entries are ``N(0, gain^2 / n)``.
    seed : int
        Seed of the matrix; the unit vector ``x`` uses the derived seed ``(seed, 1)``.
    steps : int
        ``0 <= steps <= MAX_POWER_STEPS``.

    Returns
    -------
    RandomSpectrum

    Raises
    ------
    ValueError
        If ``n``, ``gain`` or ``steps`` is out of range.

    Notes
    -----
    Girko's circular law: the eigenvalues of such a matrix spread uniformly
    over the disc ``|z| <= gain`` as ``n`` grows, so ``rho -> gain`` and a
    typical vector grows or shrinks like ``gain^t``: for ``t`` well below
    ``n`` the mean of ``||W^t x||^2`` stays close to ``gain^(2t)``. Over
    longer horizons the largest eigenvalue takes over; at finite ``n`` it
    sits a few percent away from ``gain`` (seed-dependent), which shows up
    as a slow drift from ``t ln gain``. ``gain = 1`` is the edge between
    vanishing and exploding that careful initialisation aims for
    (Goodfellow et al., *Deep Learning*, §8.2.5 and §8.4). Cost ``O(n^3 + steps n^2)``.

    References
    ----------
    .. [1] Girko, V. L. (1985). Circular law. Theory of Probability and Its Applications 29(4), 694-706.
    .. [2] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).

    Examples
    --------
    >>> import math
    >>> from explorer.sim import random_gaussian_spectrum
    >>> rs = random_gaussian_spectrum(200, 1.1, seed=0, steps=100)
    >>> bool(abs(math.exp(rs.log_rho) - 1.1) < 0.15)
    True
    >>> bool(abs(rs.log_norm_trajectory[-1] - rs.log_reference[-1]) < 5.0)
    True
    """
    n = integer("n", n, 1, MAX_SPECTRUM_SIZE)
    gain = real("gain", gain, 0.0, MAX_RANDOM_GAIN, open_low=True)
    seed = integer("seed", seed, 0, 2**63 - 1)
    steps = integer("steps", steps, 0, MAX_POWER_STEPS)
    W = gaussian_matrix(n, gain, seed)
    lam = _sort_by_modulus(np.linalg.eigvals(W))
    x = np.random.default_rng([seed, 1]).standard_normal(n)
    x /= np.linalg.norm(x)
    t = np.arange(steps + 1)
    return RandomSpectrum(
        n=n,
        gain=gain,
        seed=seed,
        eigenvalues=lam,
        log_rho=float(_log(np.abs(lam[0]))),
        step=t,
        log_norm_trajectory=_vector_log_norms(W, x, steps),
        log_reference=t * math.log(gain),
    )


# ----------------------------------------------------------------------------
# spectra from a few modes

_MODE_KINDS = ("real", "pair")


def spectrum_from_modes(modes) -> np.ndarray:
    """Build an eigenvalue list from up to four modes ``(magnitude, phase_radians, kind)``.

    Parameters
    ----------
    modes : sequence of (float, float, str)
        ``kind = "real"``: the phase must be 0 or ``pi`` (``+-1e-9``), giving
        ``lambda = +magnitude`` or ``-magnitude``. ``kind = "pair"``: the
        conjugate pair ``magnitude * exp(+-i phase)``; the phase must not be a
        multiple of ``pi`` (use two real modes instead). ``magnitude >= 0``.

    Returns
    -------
    (m,) complex ndarray
        Real modes give one entry, pairs two (``+phase`` then ``-phase``).

    Raises
    ------
    ValueError
        If there are no modes or more than ``MAX_SPECTRUM_MODES``, or a mode
        is malformed (the message names the mode and the problem).

    Notes
    -----
    A conjugate pair is one real 2-D rotation-and-scaling: every step turns
    the plane by ``phase`` and multiplies lengths by ``magnitude``, so the
    mode oscillates inside an envelope ``magnitude^t``. A negative real
    eigenvalue flips sign every step.

    References
    ----------
    .. [1] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.
    .. [2] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import spectrum_from_modes
    >>> spectrum_from_modes([(1.05, 0.0, "real"), (0.5, math.pi, "real")]).tolist()
    [(1.05+0j), (-0.5+0j)]
    >>> np.round(spectrum_from_modes([(1.0, math.pi / 2, "pair")]), 12).tolist()
    [1j, -1j]
    """
    try:
        items = list(modes)
    except TypeError:
        raise ValueError(f"modes must be a sequence of (magnitude, phase, kind), got {modes!r}") from None
    if not 1 <= len(items) <= MAX_SPECTRUM_MODES:
        raise ValueError(f"modes must hold 1 to {MAX_SPECTRUM_MODES} modes, got {len(items)}")
    out: list[complex] = []
    for i, mode in enumerate(items):
        try:
            magnitude, phase, kind = mode
        except (TypeError, ValueError):
            raise ValueError(f"modes[{i}] must be (magnitude, phase_radians, kind), got {mode!r}") from None
        magnitude = real(f"modes[{i}] magnitude", magnitude)
        phase = real(f"modes[{i}] phase", phase)
        if magnitude < 0.0:
            raise ValueError(f"modes[{i}] magnitude must be >= 0, got {magnitude}")
        if kind not in _MODE_KINDS:
            raise ValueError(f"modes[{i}] kind must be one of {_MODE_KINDS}, got {kind!r}")
        turns = math.remainder(phase, 2.0 * math.pi)  # in [-pi, pi]
        if kind == "real":
            if abs(turns) <= 1e-9:
                out.append(complex(magnitude, 0.0))
            elif math.pi - abs(turns) <= 1e-9:
                out.append(complex(-magnitude, 0.0))
            else:
                raise ValueError(f"modes[{i}] is 'real', so its phase must be 0 or pi, got {phase}")
        else:
            if abs(turns) <= 1e-9 or math.pi - abs(turns) <= 1e-9:
                raise ValueError(
                    f"modes[{i}] is a 'pair' with phase {phase}, a multiple of pi; use 'real' modes instead"
                )
            lam = cmath.rect(magnitude, abs(turns))
            out.extend([lam, lam.conjugate()])
    return np.array(out, dtype=complex)


# ----------------------------------------------------------------------------
# small helpers of the eigenvalue page: regimes, start vectors, rates, Jordan corner

CRITICAL_TOL = 1e-9
"""``|lambda|`` within this distance of 1 counts as critical in :func:`growth_regime`."""


def growth_regime(eigenvalues, *, tol: float = CRITICAL_TOL) -> np.ndarray:
    """Label each eigenvalue with the :class:`Regime` of its mode, by its modulus.

    Parameters
    ----------
    eigenvalues : sequence of complex
        At most ``MAX_EIGENVALUES`` finite values.
    tol : float, default ``CRITICAL_TOL``
        ``| |lambda| - 1 | <= tol`` is ``Regime.NEUTRAL`` (critical); must be in ``[0, 0.5]``.

    Returns
    -------
    (m,) ndarray of Regime, dtype object
        ``Regime.EXPLODES`` for ``|lambda| > 1 + tol``, ``Regime.VANISHES`` for
        ``|lambda| < 1 - tol``, else ``Regime.NEUTRAL``. Same order as the
        input; ``.tolist()`` gives a list of :class:`Regime` (each equal to its
        string value, e.g. ``"explodes"``).

    Raises
    ------
    ValueError
        If a value is not finite, there are none or too many, or ``tol`` is out of range.

    Notes
    -----
    The mode along an eigenvector scales as ``|lambda|^t``: above 1 it
    explodes, below 1 it vanishes, on the unit circle it keeps its size
    (Goodfellow et al., *Deep Learning*, §8.2.5). The tolerance absorbs the
    rounding of a computed eigenvalue, so a rotation built with modulus 1
    is not reported as exploding because ``|lambda| = 1 + 2e-16``. Whether a
    critical mode really stays bounded depends on more than ``|lambda|``: a
    Jordan block on the unit circle grows like a polynomial.

    References
    ----------
    .. [1] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> import math
    >>> from explorer.sim import growth_regime
    >>> growth_regime([1.05, 0.3 + 0.4j, complex(math.cos(1.0), math.sin(1.0))]).tolist()
    [<Regime.EXPLODES: 'explodes'>, <Regime.VANISHES: 'vanishes'>, <Regime.NEUTRAL: 'neutral'>]
    """
    arr = _check_eigenvalue_list(eigenvalues)
    tol = real("tol", tol, 0.0, 0.5)
    gap = np.abs(arr) - 1.0
    out = np.empty(gap.shape, dtype=object)  # np.full would store the str value, not the member
    out[:] = [Regime.EXPLODES if g > tol else Regime.VANISHES if g < -tol else Regime.NEUTRAL for g in gap]
    return out


def unit_vector(n: int, seed: int, stream: int = 1) -> np.ndarray:
    """Return a seeded random unit vector of length ``n`` (uniform on the sphere).

    Parameters
    ----------
    n : int
        ``1 <= n <= MAX_SPECTRUM_SIZE``.
    seed : int
        Non-negative seed; two viewers with the same seed get the same vector.
    stream : int, default 1
        Independent stream for the same seed: ``1`` is the start vector ``x``
        that :func:`random_gaussian_spectrum` uses, ``2`` a gradient ``g``.

    Returns
    -------
    (n,) ndarray
        ``z / ||z||`` with ``z`` standard normal from ``default_rng([seed, stream])``.

    Raises
    ------
    ValueError
        If ``n``, ``seed`` or ``stream`` is out of range.

    Notes
    -----
    A direction drawn this way has, with probability one, a non-zero
    component along every eigenvector, so every mode of ``W^t x`` shows up
    (Goodfellow et al., *Deep Learning*, §8.2.5).

    References
    ----------
    .. [1] Mezzadri, F. (2007). How to generate random matrices from the classical compact groups.
       Notices of the AMS 54(5), 592-604.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import unit_vector
    >>> x = unit_vector(5, seed=3)
    >>> round(float(np.linalg.norm(x)), 12), bool(np.any(x != unit_vector(5, seed=3, stream=2)))
    (1.0, True)
    """
    n = integer("n", n, 1, MAX_SPECTRUM_SIZE)
    seed = integer("seed", seed, 0, 2**63 - 1)
    stream = integer("stream", stream, 0, 2**31 - 1)
    z = np.random.default_rng([seed, stream]).standard_normal(n)
    return z / np.linalg.norm(z)


def late_log_growth_rate(log_values, *, start_fraction: float = 0.5) -> float:
    """Mean growth per step, in natural log, over the last part of a log series.

    Parameters
    ----------
    log_values : (T + 1,) array_like
        ``ln`` of a size at ``t = 0..T`` (e.g. ``ln ||W^t||``); ``-inf`` allowed.
    start_fraction : float, default 0.5
        The rate is measured from ``s = floor(start_fraction * T)`` to ``T``;
        in ``[0, 1)``.

    Returns
    -------
    float
        ``(L[T] - L[s]) / (T - s)``; ``exp`` of it is the factor per step.
        ``nan`` when ``T = 0`` or an end point is not finite (an exact zero).

    Raises
    ------
    ValueError
        If ``log_values`` is not a non-empty 1-D real array, holds NaN or
        ``+inf``, or ``start_fraction`` is outside ``[0, 1)``.

    Notes
    -----
    Skipping the first part leaves out transients (non-normal humps, the
    fading of faster modes), so the result approaches ``ln rho(W)`` for
    ``||W^t||`` (Gelfand's formula) and, for a random Gaussian ``W``, about
    ``ln gain`` (Girko's circular law).

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import late_log_growth_rate
    >>> late_log_growth_rate(np.arange(11) * math.log(1.05)) == math.log(1.05)
    True
    """
    arr = np.asarray(log_values)
    if arr.dtype == object or np.iscomplexobj(arr) or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"log_values must be a real 1-D array, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"log_values must be a non-empty 1-D array, got shape {arr.shape}")
    if np.any(np.isnan(arr)) or np.any(arr == math.inf):
        raise ValueError("log_values must not contain NaN or +inf")
    frac = real("start_fraction", start_fraction, 0.0, 1.0, open_high=True)
    last = arr.size - 1
    start = math.floor(frac * last)
    if last == 0 or not (math.isfinite(arr[start]) and math.isfinite(arr[last])):
        return math.nan
    return float((arr[last] - arr[start]) / (last - start))


def jordan_corner_log(eigenvalue: float, size: int, steps: int) -> np.ndarray:
    """Return ``ln |(J^t)_{1,m}| = ln C(t, m-1) + (t-m+1) ln|lambda|`` for ``t = 0..steps``.

    Parameters
    ----------
    eigenvalue : float
        ``lambda`` of the Jordan block ``J = lambda I + N`` (:func:`jordan_block`).
    size : int
        ``m``, ``1 <= m <= MAX_JORDAN_SIZE``.
    steps : int
        ``0 <= steps <= MAX_POWER_STEPS``.

    Returns
    -------
    (steps + 1,) ndarray
        Natural log of the top-right entry of ``J^t``; ``-inf`` where that
        entry is 0 (``t < m - 1``, or ``lambda = 0`` and ``t > m - 1``).

    Raises
    ------
    ValueError
        If ``eigenvalue`` is not finite or ``size``/``steps`` is out of range.

    Notes
    -----
    ``J^t = sum_k C(t, k) lambda^(t-k) N^k`` and ``N^(m-1)`` has a single 1
    in the corner, so the corner entry is ``C(t, m-1) lambda^(t-m+1)``. It is
    a lower bound of ``||J^t||_2`` and, for large ``t``, the dominant entry:
    at ``|lambda| = 1`` it is the polynomial ``~ t^(m-1) / (m-1)!`` that the
    eigenvalue (modulus 1) does not predict (Trefethen & Embree,
    *Spectra and Pseudospectra*, ch. 16). Binomials are taken through
    ``gammaln``, so nothing overflows.

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import jordan_corner_log
    >>> np.round(np.exp(jordan_corner_log(1.0, 3, 4)), 9).tolist()
    [0.0, 0.0, 1.0, 3.0, 6.0]
    """
    lam = real("eigenvalue", eigenvalue)
    m = integer("size", size, 1, MAX_JORDAN_SIZE)
    steps = integer("steps", steps, 0, MAX_POWER_STEPS)
    out = np.full(steps + 1, -math.inf)
    k = m - 1
    t = np.arange(k, steps + 1)
    if t.size == 0:
        return out
    log_binom = gammaln(t + 1.0) - math.lgamma(k + 1) - gammaln(t - k + 1.0)
    power = t - k
    if lam == 0.0:
        out[k] = 0.0  # lambda^0 = 1; every later power of lambda is 0
        return out
    out[k:] = log_binom + power * math.log(abs(lam))
    return out


def modal_cancellation_log(mc: ModeContributions) -> float:
    """Return ``max_t ln( max_i |c_i lambda_i^t| / ||W^t x|| )``: how far single modes overshoot their sum.

    Parameters
    ----------
    mc : ModeContributions
        From :func:`mode_contributions`.

    Returns
    -------
    float
        Natural log of the largest ratio over the steps where both sides are
        non-zero; ``nan`` if there is no such step.

    Notes
    -----
    For a normal ``W`` the eigenvectors are orthogonal, so no mode can be
    larger than the whole vector (a conjugate pair is counted with its upper
    bound ``2 |c| |lambda|^t``, so the ratio stays below 2). A ratio far above
    1 means the modes are large and nearly cancel: ``x`` is a small
    difference of big components along nearly parallel eigenvectors. As the
    modes decay at different rates the cancellation fails, which is the
    transient growth of non-normal matrices (Trefethen & Embree,
    *Spectra and Pseudospectra*, ch. 14).

    References
    ----------
    .. [1] Trefethen, L. N. and Embree, M. (2005). Spectra and Pseudospectra: The Behavior of Nonnormal
       Matrices and Operators. Princeton University Press.
    .. [2] Higham, N. J. (2002). Accuracy and Stability of Numerical Algorithms, 2nd ed. SIAM, ch. 3 and
       18 (products of matrices).

    Examples
    --------
    >>> import numpy as np
    >>> import math
    >>> from explorer.sim import matrix_from_eigenvalues, modal_cancellation_log, mode_contributions
    >>> W = matrix_from_eigenvalues([0.9, 0.5], nonnormality=0.99, seed=0)
    >>> bool(modal_cancellation_log(mode_contributions(W, [1.0, 0.0], 5)) > math.log(10))
    True
    >>> bool(modal_cancellation_log(mode_contributions(np.diag([0.9, 0.5]), [1.0, 1.0], 5)) <= 0.0)
    True
    """
    if not isinstance(mc, ModeContributions):
        raise ValueError(f"mc must be a ModeContributions, got {type(mc).__name__}")
    total = np.asarray(mc.log_norm_trajectory, dtype=float)
    if mc.log_contributions.size == 0:
        return math.nan
    top = np.max(mc.log_contributions, axis=0)
    ok = np.isfinite(total) & np.isfinite(top)
    if not np.any(ok):
        return math.nan
    return float(np.max(top[ok] - total[ok]))
