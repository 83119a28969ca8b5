"""Seeded random matrices and rescaling to a target norm or spectral radius.

Every random quantity in Gradient Explorer comes from an explicit integer
seed, so two viewers of the same link see the same numbers.
"""

from __future__ import annotations

import numpy as np

from explorer.sim._validate import integer

__all__ = [
    "MAX_RANDOM_SIZE",
    "gaussian_matrix",
    "orthogonal_matrix",
    "scale_to_spectral_norm",
    "scale_to_spectral_radius",
    "spectral_norm",
    "spectral_radius",
]

MAX_RANDOM_SIZE = 1024
"""Largest ``n`` the random constructors accept (memory and time cap)."""


def gaussian_matrix(n: int, gain: float = 1.0, seed: int = 0) -> np.ndarray:
    """Return an ``n x n`` matrix with i.i.d. entries ``N(0, gain^2 / n)``.

    Notes
    -----
    With this scaling the eigenvalues fill the disc of radius ``gain``
    as ``n`` grows (Girko's circular law), and ``||W||_2 -> 2 gain``.

    References
    ----------
    .. [1] Girko, V. L. (1985). Circular law. Theory of Probability and Its Applications 29(4), 694-706.
    .. [2] Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
       neural networks. AISTATS.

    Examples
    --------
    >>> from explorer.sim import gaussian_matrix
    >>> gaussian_matrix(3, seed=1).shape
    (3, 3)
    """
    n = integer("n", n, 1, MAX_RANDOM_SIZE)
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n)) * (float(gain) / np.sqrt(n))


def orthogonal_matrix(n: int, seed: int = 0) -> np.ndarray:
    """Return a Haar-random ``n x n`` orthogonal matrix, the same one ``scipy.stats.ortho_group`` draws.

    Mezzadri's recipe: the Q factor of a Gaussian matrix, each column's sign set so
    that R has a positive diagonal. This is SciPy's own algorithm on the same normal
    stream, so a seed gives the matrix it always gave; it is written out here because
    importing ``scipy.stats`` for it alone costs about 37 MB in every process.

    References
    ----------
    .. [1] Mezzadri, F. (2007). How to generate random matrices from the classical compact groups.
       Notices of the AMS 54(5), 592-604.
    .. [2] Saxe, A. M., McClelland, J. L. and Ganguli, S. (2014). Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import orthogonal_matrix
    >>> Q = orthogonal_matrix(4, seed=2)
    >>> bool(np.allclose(Q @ Q.T, np.eye(4)))
    True
    """
    n = integer("n", n, 1, MAX_RANDOM_SIZE)
    if n == 1:
        return np.ones((1, 1))
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))
    q *= np.copysign(1.0, np.diagonal(r))
    return q


def spectral_norm(W: np.ndarray) -> float:
    """Largest singular value ``sigma_max(W) = ||W||_2`` (LAPACK SVD via ``np.linalg.norm(W, 2)``).

    Deliberately not ``explorer.sim._linalg.top_singular_value``: this value
    *scales* ``W_rec`` (:func:`scale_to_spectral_norm`), and in a chaotic
    network a last-bit change of the scale changes the trajectory, so the pages'
    quoted numbers depend on this exact routine.

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> from explorer.sim import spectral_norm
    >>> spectral_norm([[3.0, 0.0], [0.0, -4.0]])
    4.0
    """
    return float(np.linalg.norm(np.asarray(W, dtype=float), 2))


def spectral_radius(W: np.ndarray) -> float:
    """Largest eigenvalue magnitude ``rho(W) = max |lambda_i|``.

    ``rho(W) <= ||W||_2`` always; for a nilpotent ``W`` it is 0 however large ``||W||_2`` is.

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of training recurrent neural
       networks. ICML.

    Examples
    --------
    >>> from explorer.sim import spectral_norm, spectral_radius
    >>> spectral_radius([[0.0, 2.0], [0.0, 0.0]]), spectral_norm([[0.0, 2.0], [0.0, 0.0]])
    (0.0, 2.0)
    """
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(W, dtype=float)))))


def scale_to_spectral_norm(W: np.ndarray, target: float) -> np.ndarray:
    """Rescale ``W`` so that ``||W||_2 = target``.

    Raises
    ------
    ValueError
        If ``W`` is zero (it cannot be rescaled) or ``target < 0``.
    """
    if target < 0:
        raise ValueError(f"target must be >= 0, got {target!r}")
    s = spectral_norm(W)
    if s == 0:
        raise ValueError("W is the zero matrix; it has no scale to adjust")
    return np.asarray(W, dtype=float) * (target / s)


def scale_to_spectral_radius(W: np.ndarray, target: float) -> np.ndarray:
    """Rescale ``W`` so that ``rho(W) = target``.

    Raises
    ------
    ValueError
        If ``W`` is nilpotent (spectral radius 0) or ``target < 0``.
    """
    if target < 0:
        raise ValueError(f"target must be >= 0, got {target!r}")
    r = spectral_radius(W)
    if r <= 1e-300:
        raise ValueError("W has spectral radius 0 (nilpotent); it cannot be scaled to a radius")
    return np.asarray(W, dtype=float) * (target / r)
