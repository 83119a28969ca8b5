"""Certified largest singular values: the one place that decides how ``||P||_2`` is computed.

Every spectral norm the simulation reports (the RNN Jacobian profile
:func:`explorer.sim.jacobian_log_norms`, the powers in
:func:`explorer.sim.matrix_power_log_norms`, the deep network's layer norms)
comes from here:

:func:`top_singular_value`
    the dense direct method, for one matrix;
:func:`log_top_singular_values`
    a stack of matrices, each certified cheaply from a shared subspace or
    sent to :func:`top_singular_value`;
:class:`TopSingularValueTracker`
    a slowly changing matrix (a growing Jacobian product), warm-started block
    power iteration with an a-posteriori certificate, falling back to
    :func:`top_singular_value`;
:class:`StackedTopSingularValueTracker`
    the same for a stack of growing products at once (the rows of a grid of
    Jacobian norms), one batched iteration for every row;
:func:`log_spectral_norm`
    one square weight matrix, never an underestimate (Lanczos plus a Cholesky
    certificate for wide layers).

The LAPACK driver is chosen once, in :func:`top_eigenvalue`: ``syevx``
(tridiagonal reduction, then bisection ``stebz`` for the requested eigenvalue).
Why not ``syevr``: its MRRR kernel (``stemr``), which it uses whenever it is
asked for vectors or for the full range, can fail or lose accuracy on tightly
clustered spectra, and clustered spectra are exactly what this app produces
(orthogonal and nearly orthogonal products, repeated singular values). For the
top eigenvalue alone ``syevr`` also ends in bisection, so nothing is lost:
``syevx`` gives the same value at the same cost, and its behaviour does not
depend on how it is called. Squaring into the Gram matrix only hurts the
*small* singular values; the largest keeps a relative error of order ``n ε``.

The algorithms follow Golub & Van Loan, *Matrix Computations* (4th ed., 2013),
§8.1 (Rayleigh-Ritz and residual bounds), §10.1 (Lanczos) and §4.2 (Cholesky as
a test of positive definiteness).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import linalg
from scipy.linalg import blas, lapack

__all__: list[str] = []  # private: imported by name inside explorer.sim

SVD_MAX_SIZE = 32
"""Up to this order a direct SVD is cheaper than forming the Gram matrix and its bookkeeping."""

_EPS = float(np.finfo(float).eps)

# A certified spectral norm may exceed the reported one by this relative
# amount in ||.||^2, i.e. the reported log is within _NORM_RTOL / 2 of exact.
_NORM_RTOL = 1e-12

# Warm-started block iteration (TopSingularValueTracker).
_WIDE_BLOCK = 64  # block width while the product is short (at most n/4)
_MAX_ITERATIONS = 8
_PROBE_SEED = 20130213  # fixed seed of the start block: results are reproducible
# StackedTopSingularValueTracker: batched iterations before the rows still uncertified go to the
# direct method. Past this point only a row or two per stack remain (short, flat-spectrum
# products), and one more batched iteration on them costs about as much as the direct value.
_STACKED_ITERATIONS = 3

# Below this width the dense symmetric eigensolver is as fast as Lanczos + Cholesky.
_LANCZOS_MIN_WIDTH = 256
_LANCZOS_MAX_STEPS = 300
_LANCZOS_STALL = 1e-13
# The certified value exceeds the Lanczos estimate of ||W||_2^2 by this relative margin.
_CERTIFICATE_MARGIN = 1e-10


def top_eigenvalue(gram: np.ndarray) -> float:
    """Largest eigenvalue of a symmetric matrix stored in (at least) its upper triangle.

    LAPACK ``dsyevx`` restricted to the last eigenvalue, no vectors (see the
    module docstring for why ``syevx``). A convergence failure (``info != 0``,
    not seen in practice) falls back to the full symmetric eigensolver.
    """
    n = gram.shape[0]
    top, _, _, _, info = lapack.dsyevx(gram, compute_v=0, range="I", il=n, iu=n, lower=0)
    if info != 0:  # pragma: no cover - LAPACK convergence failure
        return float(np.linalg.eigvalsh(gram, UPLO="U")[-1])
    return float(top[0])


def top_singular_value(P: np.ndarray) -> float:
    """``σ_max(P)`` of a finite matrix by a dense direct method.

    Up to order ``SVD_MAX_SIZE`` a direct SVD (``gesdd``); above it the square
    root of :func:`top_eigenvalue` of the Gram matrix ``P Pᵀ`` (one BLAS
    ``syrk``), about half the cost of an SVD. Should LAPACK refuse, the SVD is
    the last resort.
    """
    if min(P.shape) <= SVD_MAX_SIZE:
        return float(linalg.svdvals(P, check_finite=False)[0])
    try:
        top = top_eigenvalue(blas.dsyrk(1.0, P, trans=0))  # upper triangle of P P^T
    except np.linalg.LinAlgError:  # pragma: no cover
        return float(linalg.svdvals(P, check_finite=False)[0])
    return math.sqrt(max(top, 0.0))


def excess_log(theta: float, residual: float, tail: float) -> float:
    """Certified ``ln σ_upper - ln sqrt(theta)`` from the 2 x 2 block bound.

    For symmetric PSD ``A = P P^T`` written in the basis ``[Q, Q_perp]``,
    ``||A|| <= λ_max([[θ, r], [r, g]])`` with ``θ = ||Q^T A Q||``,
    ``r >= ||(I - QQ^T) A Q||`` and ``g >= ||Q_perp^T A Q_perp||``.
    """
    if theta <= 0.0:
        return math.inf
    half = 0.5 * (theta - tail)
    root = math.hypot(half, residual)
    excess = residual * residual / (root + half) if half > 0.0 else root - half
    return 0.5 * math.log1p(excess / theta)





class TopSingularValueTracker:
    """Largest singular value of a slowly changing matrix, warm-started and certified.

    Block power (subspace) iteration on the left singular subspace of ``P``
    with Rayleigh-Ritz; each answer is certified by an a-posteriori bound or
    recomputed exactly. See :func:`jacobian_profile`.
    """

    def __init__(self, n: int, block: int, tolerance: float, adaptive: bool):
        self.n = n
        self.p_small = block
        # Short products have a flat spectrum: only a wide block captures enough of its
        # mass to certify, so start wide and narrow once the leading values separate.
        self.p_wide = max(block, min(_WIDE_BLOCK, n // 4)) if adaptive else block
        self.p = self.p_wide
        self.tol = tolerance
        self.rng = np.random.default_rng(_PROBE_SEED)
        self.Q = np.linalg.qr(self.rng.standard_normal((n, self.p)))[0]
        self.n_iterations = 0
        self.n_block = 0
        self.n_frobenius = 0
        self.n_exact = 0
        self.max_error = 0.0

    def __call__(
        self, P: np.ndarray, fro2: float, B: np.ndarray | None = None, Y: np.ndarray | None = None
    ) -> float:
        """``σ_max(P)`` given ``fro2 = ||P||_F² > 0``; ``B = Pᵀ Q`` and ``Y = P B`` may come precomputed."""
        Q = self.Q
        previous = math.inf
        theta0 = 0.0
        residual_only = math.inf
        for iteration in range(_MAX_ITERATIONS):
            self.n_iterations += 1
            if B is None or Y is None or iteration > 0:
                B = P.T @ Q
                Y = P @ B
            theta, V = np.linalg.eigh(B.T @ B)
            theta, V = theta[::-1], V[:, ::-1]
            YV = Y @ V
            QV = Q @ V
            residual = float(np.linalg.norm(YV - QV * theta))
            theta0 = float(theta[0])
            tail = max(fro2 - float(theta.sum()), 0.0)
            excess = excess_log(theta0, residual, tail)
            residual_only = excess_log(theta0, residual, 0.0)
            Q = np.linalg.qr(YV)[0]
            if excess <= self.tol:
                self.Q = Q
                if self.p > self.p_small and fro2 - float(theta[: self.p_small].sum()) <= 0.25 * theta0:
                    # QR kept the Ritz order, so the leading columns span the leading directions.
                    self.Q = Q[:, : self.p_small]
                    self.p = self.p_small
                self.n_block += 1
                self.max_error = max(self.max_error, excess)
                return math.sqrt(theta0)
            if iteration > 0 and excess > 0.5 * previous:
                break  # the bound has stalled (flat spectrum): more iterations will not certify
            previous = excess
        self.Q = Q
        if residual_only <= self.tol and self.p < self.n:
            value = self._frobenius_certificate(P, fro2)
            if value is not None:
                return value
        self.n_exact += 1
        sigma = top_singular_value(P)
        if self.p < self.p_wide:
            # Widen again, adding directions from a randomised range finder (P times Gaussian).
            extra = P @ self.rng.standard_normal((self.n, self.p_wide - self.p))
            self.Q = np.linalg.qr(np.hstack([self.Q, extra]))[0]
            self.p = self.p_wide
        elif theta0 < 0.81 * sigma * sigma:
            # The block missed the top direction: restart it from a randomised range finder.
            self.Q = np.linalg.qr(P @ self.rng.standard_normal((self.n, self.p)))[0]
        return sigma

    def _frobenius_certificate(self, P: np.ndarray, fro2: float) -> float | None:
        """Bound ``||Q_perp^T A Q_perp||`` by ``c + ||Q_perp^T (A - cI) Q_perp||_F`` (one matmul)."""
        A = P @ P.T
        Q = self.Q
        Y = A @ Q
        H = Q.T @ Y
        theta, V = np.linalg.eigh(H)
        theta, V = theta[::-1], V[:, ::-1]
        residual = float(np.linalg.norm(Y @ V - (Q @ V) * theta))
        theta0 = float(theta[0])
        tail = max(fro2 - float(theta.sum()), 0.0)
        c = tail / (self.n - self.p)
        M = A.copy()
        M[np.diag_indices_from(M)] -= c
        MQ = Y - c * Q
        HC = H - c * np.eye(self.p)
        spread2 = float(np.vdot(M, M)) - 2.0 * float(np.vdot(MQ, MQ)) + float(np.vdot(HC, HC))
        bound = min(tail, c + math.sqrt(max(spread2, 0.0)))
        excess = excess_log(theta0, residual, bound)
        if excess <= self.tol:
            self.n_frobenius += 1
            self.max_error = max(self.max_error, excess)
            return math.sqrt(theta0)
        return None





class StackedTopSingularValueTracker:
    """:class:`TopSingularValueTracker` for a stack of slowly changing matrices at once.

    Row ``i`` of every call continues row ``i`` of the previous one (the grid of
    :func:`explorer.sim.jacobian_norm_grid`: each row is one product that keeps
    growing), so each row keeps its own warm-started left block of width
    ``block``. The block iteration, the certificate (:func:`excess_log`, to
    ``tolerance`` in ``ln``) and the fallback to :func:`top_singular_value` are
    those of the single tracker; only the Frobenius certificate is left out.
    Every step is one batched NumPy call over the rows still uncertified, so a
    stack of dozens of small matrices costs a few calls, not dozens; after
    ``_STACKED_ITERATIONS`` of them the few rows left get the direct value.
    Every value returned is certified or direct, as with the single tracker.
    """

    def __init__(self, rows: int, n: int, block: int, tolerance: float):
        self.n, self.p, self.tol = n, block, tolerance
        self.rng = np.random.default_rng(_PROBE_SEED)
        start = np.linalg.qr(self.rng.standard_normal((n, block)))[0]
        self.Q = np.repeat(start[None], rows, axis=0)
        self.n_block = 0
        self.n_exact = 0
        self.max_error = 0.0

    def __call__(self, S: np.ndarray, fro2: np.ndarray) -> np.ndarray:
        """``ln σ_max`` of each ``S[i]`` (rows ``0 .. len(S) - 1``) given ``fro2[i] = ||S[i]||_F²``; -inf if 0."""
        out = np.full(S.shape[0], -math.inf)
        todo = np.flatnonzero(fro2 > 0.0)
        previous = np.full(todo.size, math.inf)
        theta0 = np.zeros(todo.size)
        for iteration in range(_STACKED_ITERATIONS):
            if not todo.size:
                return out
            P, Q = S[todo], self.Q[todo]
            B = np.matmul(P.transpose(0, 2, 1), Q)
            Y = np.matmul(P, B)  # (P Pᵀ) Q
            theta, V = np.linalg.eigh(np.matmul(B.transpose(0, 2, 1), B))
            theta, V = theta[:, ::-1], V[:, :, ::-1]
            YV = np.matmul(Y, V)
            residual = np.linalg.norm(YV - np.matmul(Q, V) * theta[:, None, :], axis=(1, 2))
            theta0 = theta[:, 0]
            tail = np.maximum(fro2[todo] - theta.sum(axis=1), 0.0)
            excess = _excess_logs(theta0, residual, tail)
            self.Q[todo] = np.linalg.qr(YV)[0]
            done = excess <= self.tol
            out[todo[done]] = 0.5 * np.log(theta0[done])
            if np.any(done):
                self.n_block += int(done.sum())
                self.max_error = max(self.max_error, float(excess[done].max()))
            # a bound that has stalled (flat spectrum) will not certify: those rows go to the exact value
            keep = ~done & ((excess <= 0.5 * previous) if iteration > 0 else True)
            stalled = ~done & ~keep
            self._exact(S, todo[stalled], theta0[stalled], out)
            todo, previous, theta0 = todo[keep], excess[keep], theta0[keep]
        self._exact(S, todo, theta0, out)
        return out

    def _exact(self, S: np.ndarray, rows: np.ndarray, theta0: np.ndarray, out: np.ndarray) -> None:
        for i, t0 in zip(rows, theta0, strict=True):
            self.n_exact += 1
            sigma = top_singular_value(S[i])
            out[i] = math.log(sigma)
            if t0 < 0.81 * sigma * sigma:
                # the block missed the top direction: restart it from a randomised range finder
                self.Q[i] = np.linalg.qr(S[i] @ self.rng.standard_normal((self.n, self.p)))[0]


def _excess_logs(theta: np.ndarray, residual: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """:func:`excess_log` elementwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        half = 0.5 * (theta - tail)
        root = np.hypot(half, residual)
        excess = np.where(half > 0.0, residual * residual / (root + half), root - half)
        return np.where(theta > 0.0, 0.5 * np.log1p(excess / theta), math.inf)


def log_top_singular_values(S: np.ndarray, fro2: np.ndarray, basis: np.ndarray | None) -> np.ndarray:
    """Return ``ln ||S_j||_2`` for a stack ``S`` of shape ``(b, n, n)`` with entries of order one.

    ``basis`` is an ``n x k`` orthonormal guess of the dominant right singular
    subspace (or ``None`` to go straight to the SVD). For each matrix the
    Rayleigh-Ritz value ``a = lambda_max(Z^T Z)``, ``Z = S_j V``, is a lower
    bound of ``||S_j||^2``. Splitting ``G = S_j^T S_j`` into the blocks
    belonging to ``span(V)`` and its complement gives the upper bound
    ``lambda_max([[a, r], [r, d]])`` with ``r = ||G V - V V^T G V||_F`` and
    ``d = trace(G) - trace(V^T G V)`` (``G`` is positive semidefinite, so its
    complement block has largest eigenvalue at most its trace). When the two
    bounds agree to ``_NORM_RTOL`` the value is certified; every other matrix
    gets :func:`top_singular_value`. Both routes are
    accurate to rounding; the cheap one succeeds once a few modes dominate
    ``W^t``, which is the common case.
    """
    b, n, _ = S.shape
    result = np.full(b, -math.inf)
    nonzero = fro2 > 0.0
    todo = nonzero.copy()
    if basis is not None:
        # one small product per matrix: a single tall (b n) x n product is faster on one
        # core but OpenBLAS threads it, which is far slower on a busy machine
        Z = np.matmul(S, basis)
        H = np.matmul(Z.transpose(0, 2, 1), Z)
        a = np.linalg.eigvalsh(H)[:, -1]
        R = np.matmul(S.transpose(0, 2, 1), Z) - basis @ H
        r2 = np.einsum("bij,bij->b", R, R)
        d = np.maximum(fro2 - np.trace(H, axis1=1, axis2=2), 0.0) + 4.0 * n * _EPS * fro2
        upper = 0.5 * (a + d) + np.sqrt(0.25 * (a - d) ** 2 + r2)
        certified = nonzero & (a > 0.0) & (upper <= a * (1.0 + _NORM_RTOL))
        result[certified] = 0.5 * np.log(a[certified])
        todo &= ~certified
    if not np.any(todo):
        return result
    idx = np.flatnonzero(todo)
    if n <= SVD_MAX_SIZE:  # the same route as top_singular_value, in one batched SVD call
        result[idx] = np.log(np.linalg.svd(S[idx], compute_uv=False)[:, 0])
        return result
    for i in idx:
        result[i] = math.log(top_singular_value(S[i]))
    return result




def log_spectral_norm(W: np.ndarray) -> float:
    """Natural log of ``||W||_2`` for a square matrix, never an underestimate (to rounding).

    Notes
    -----
    The Gram matrix ``A = W^T W`` is formed with one BLAS ``syrk`` call. Below
    ``_LANCZOS_MIN_WIDTH`` its top eigenvalue comes from :func:`top_eigenvalue`
    (LAPACK ``syevx``, top eigenvalue only). For wider layers a Lanczos
    run with full reorthogonalisation gives a Ritz value
    ``theta <= lambda_max(A)``, and a Cholesky factorisation of ``mu I - A``
    with ``mu = theta (1 + 1e-10)`` *certifies* ``lambda_max <= mu``: a
    symmetric matrix is positive definite exactly when Cholesky succeeds. The
    value returned then exceeds the exact norm by at most a relative ``5e-11``
    (plus rounding of order ``width * eps``). If the certificate fails, the
    dense eigensolver is used instead. At width 512 this is several times
    faster than a full SVD and never relies on an unverified iterative estimate.
    """
    n = W.shape[0]
    if not np.any(W):
        return -math.inf
    gram = blas.dsyrk(1.0, W.T, trans=0)  # upper triangle of W^T W (same top eigenvalue as W W^T)
    if n < _LANCZOS_MIN_WIDTH:
        return 0.5 * math.log(top_eigenvalue(gram))
    theta = _lanczos_top_eigenvalue(gram)
    mu = theta * (1.0 + _CERTIFICATE_MARGIN)
    shifted = -gram
    shifted[np.diag_indices(n)] += mu
    _, info = lapack.dpotrf(shifted, lower=0, clean=0, overwrite_a=1)
    if info != 0:
        mu = top_eigenvalue(gram)
    return 0.5 * math.log(mu)





def _lanczos_top_eigenvalue(gram: np.ndarray) -> float:
    """Largest Ritz value (a lower bound on the top eigenvalue) of a symmetric matrix.

    The matrix is stored in its upper triangle. The run stops when the Ritz
    value, which can only grow with the step count, has changed by less than
    ``_LANCZOS_STALL`` (relative) over the last five steps; the caller certifies
    the result, so a premature stop costs time, never correctness.
    """
    n = gram.shape[0]
    steps = min(n, _LANCZOS_MAX_STEPS)
    basis = np.empty((steps + 1, n))
    # A fixed start vector keeps the result deterministic for a given matrix.
    start = np.random.default_rng(0).standard_normal(n)
    basis[0] = start / np.linalg.norm(start)
    alphas = np.empty(steps)
    betas = np.empty(steps)
    beta = 0.0
    theta = -math.inf
    size = 1e-300  # running estimate of ||gram|| for the breakdown test
    for k in range(steps):
        w = blas.dsymv(1.0, gram, basis[k], lower=0)
        alpha = float(basis[k] @ w)
        w -= alpha * basis[k]
        if k:
            w -= beta * basis[k - 1]
        # Full reorthogonalisation keeps spurious copies of converged eigenvalues away.
        w -= (basis[: k + 1] @ w) @ basis[: k + 1]
        beta = float(np.linalg.norm(w))
        alphas[k], betas[k] = alpha, beta
        size = max(size, abs(alpha), beta)
        invariant = beta <= 1e-14 * size
        if invariant or k + 1 == steps or (k + 1 >= 20 and (k + 1) % 5 == 0):
            top = lapack.dsterf(alphas[: k + 1], betas[:k])[0][-1] if k else alpha
            previous, theta = theta, float(top)
            if invariant or theta - previous <= _LANCZOS_STALL * abs(theta):
                break
        basis[k + 1] = w / beta
    return theta
