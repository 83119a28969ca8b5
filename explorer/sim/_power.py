"""The power method: what repeated multiplication by one matrix does to a vector.

Multiplying a vector by the same matrix ``W`` again and again is exactly what
back-propagation through a linear recurrence does. If ``W = V diag(lambda) V^-1``
then ``W^t = V diag(lambda)^t V^-1``: every eigen-component is scaled by
``lambda_i^t``, so components with ``|lambda_i| > 1`` explode, those with
``|lambda_i| < 1`` vanish, and after many steps only the component along the
eigenvector of largest ``|lambda|`` survives. Numerical analysts call this
iteration the power method (Goodfellow, Bengio & Courville, *Deep Learning*,
§8.2.5; Golub & Van Loan, *Matrix Computations*, §7.3.1).

Everything that can explode or vanish is kept in log domain: each step the
iterate is renormalised and the natural log of the discarded scale is
accumulated, so ``||W|| = 1e3`` for ``10^4`` steps (a norm of ``10^30000``)
is represented without overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from explorer.sim._constants import LN2 as _LN2
from explorer.sim._constants import LN10 as _LN10
from explorer.sim._random_matrices import gaussian_matrix
from explorer.sim._validate import choice, integer, real, real_array, square_matrix

__all__ = [
    "DOMINANT_KINDS",
    "EIGENVALUE_TIE_RTOL",
    "MAX_CIRCLE_POINTS",
    "MAX_POWER_SIZE",
    "MAX_POWER_STEPS",
    "PRESET_MATRICES",
    "CircleImage",
    "ConvergenceSummary",
    "DominantSpectrum",
    "EigenLine",
    "MeasuredConvergence",
    "PowerTrace",
    "PresetMatrix",
    "convergence_summary",
    "custom_preset",
    "direction_turns",
    "dominant_spectrum",
    "eigen_lines",
    "measure_convergence",
    "power_method",
    "preset_matrix",
    "random_gaussian_preset",
    "theory_log10_angle",
    "unit_circle_image",
]

MAX_POWER_STEPS = 20_000
"""Largest number of multiplications :func:`power_method` performs."""

MAX_POWER_SIZE = 512
"""Largest matrix order ``n`` accepted by :func:`power_method` (the trace stores ``(steps+1) x n`` floats)."""

MAX_CIRCLE_POINTS = 4096
"""Largest number of points :func:`unit_circle_image` returns."""

EIGENVALUE_TIE_RTOL = 1e-6
"""Relative distance below which two eigenvalues (or magnitudes) count as equal.

If ``|lambda_2| / |lambda_1| > 1 - 1e-6`` then ``(|lambda_2| / |lambda_1|)^20000 > 0.98``:
within :data:`MAX_POWER_STEPS` steps the two components cannot be told apart,
so treating them as tied is what the reader would see anyway. The tolerance
also absorbs the ``sqrt(eps)`` splitting that rounding causes in the computed
eigenvalues of a 2 x 2 Jordan block.
"""

_NILPOTENT_RTOL = 1e-7
# A defective nilpotent matrix has computed eigenvalues of order sqrt(eps) * ||W||
# rather than exactly 0, so "spectral radius 0" needs a tolerance (relative to ||W||_F).

_ANGLE_BLOCK_ROWS = 2048
_UNDERFLOW_GUARD = 2.0**-500
# Below this max-entry size, squaring inside ``norm`` could underflow to 0.

DOMINANT_KINDS: tuple[str, ...] = (
    "simple",
    "repeated",
    "defective",
    "complex_pair",
    "opposite_sign",
    "tied",
    "nilpotent",
)
"""How the largest-magnitude eigenvalues of a matrix are arranged.

- ``"simple"``: one real eigenvalue strictly largest in magnitude.
- ``"repeated"``: one real value, repeated, with a full eigenspace (e.g. the identity).
- ``"defective"``: one real value, repeated, with fewer eigenvectors than its
  multiplicity (a Jordan block): convergence is only sublinear.
- ``"complex_pair"``: ``r e^{+-i theta}`` largest; the direction keeps rotating.
- ``"opposite_sign"``: ``+lambda`` and ``-lambda`` largest; the direction alternates.
- ``"tied"``: any other set of distinct eigenvalues sharing the largest magnitude.
- ``"nilpotent"``: every eigenvalue is 0, so ``W^t = 0`` for ``t >= n``.
"""

Form = Literal["column", "row"]


@dataclass(frozen=True, eq=False)
class DominantSpectrum:
    """Eigenvalues of a matrix and the structure of its largest ones.

    Attributes
    ----------
    eigenvalues : ndarray, shape (n,), complex
        All eigenvalues, sorted by decreasing magnitude (ties: larger real part first).
    dominant_eigenvalue : complex
        ``eigenvalues[0]``; for ``kind`` in ``("repeated", "defective")`` the mean of the tied cluster.
    kind : str
        One of :data:`DOMINANT_KINDS`.
    ratio : float
        ``|lambda_2| / |lambda_1|`` counted with multiplicity: ``1.0`` whenever the
        largest magnitude is tied (repeated, defective, complex pair, +-lambda),
        ``0.0`` for ``n = 1``, NaN for a nilpotent matrix.
    rate : float
        Factor by which the angle to the dominant eigenspace shrinks per step:
        ``ratio`` for a simple eigenvalue; ``|lambda_{m+1}| / |lambda_1|`` beyond
        a repeated cluster of size ``m`` with a full eigenspace; ``1.0`` for a
        defective one (only sublinear convergence); NaN when no dominant
        direction exists.
    multiplicity : int
        Number of eigenvalues tied in magnitude with ``lambda_1`` (algebraic).
    eigenspace : ndarray, shape (n, k), float
        Orthonormal basis of the real eigenspace ``ker(W - lambda_1 I)`` when
        ``has_unique_dominant``; shape ``(n, 0)`` otherwise.
    """

    eigenvalues: np.ndarray
    dominant_eigenvalue: complex
    kind: str
    ratio: float
    rate: float
    multiplicity: int
    eigenspace: np.ndarray

    @property
    def has_unique_dominant(self) -> bool:
        """True when a single real eigenvalue (possibly repeated) has the largest magnitude."""
        return self.kind in ("simple", "repeated", "defective")

    @property
    def dominant_eigenvector(self) -> np.ndarray | None:
        """Unit dominant eigenvector if the eigenspace is one line, else None."""
        if self.eigenspace.shape[1] != 1:
            return None
        return self.eigenspace[:, 0]


@dataclass(frozen=True, eq=False)
class PowerTrace:
    """Result of :func:`power_method`: the iterates ``x_t = W^t x0``, ``t = 0..steps``.

    Attributes
    ----------
    log_norm : ndarray, shape (steps+1,)
        ``ln ||x_t||_2``; ``-inf`` exactly when ``x_t`` is the zero vector (and then for all later t).
    direction : ndarray, shape (steps+1, n)
        Unit vectors ``x_t / ||x_t||``; rows of NaN where ``x_t = 0``.
    rayleigh : ndarray, shape (steps+1,)
        Rayleigh quotient ``x_t^T W x_t / x_t^T x_t``; NaN where ``x_t = 0``.
    angle : ndarray, shape (steps+1,)
        Angle in radians, in ``[0, pi/2]``, between the line through ``x_t``
        and the dominant eigenspace (the dominant eigenvector when that
        eigenvalue is simple). NaN throughout when there is no unique dominant
        eigenvalue; NaN where ``x_t = 0``.
    ratio : float
        ``|lambda_2| / |lambda_1|``, see :class:`DominantSpectrum`.
    spectrum : DominantSpectrum
        Eigen-analysis of the iterated matrix (``W`` or, for ``form="row"``, ``W^T``).
    form : str
        ``"column"`` for ``W^t x0`` or ``"row"`` for ``x0^T W^t``.
    """

    log_norm: np.ndarray
    direction: np.ndarray
    rayleigh: np.ndarray
    angle: np.ndarray
    ratio: float
    spectrum: DominantSpectrum
    form: str

    @property
    def steps(self) -> int:
        """Number of multiplications performed."""
        return int(self.log_norm.shape[0] - 1)

    @property
    def log10_norm(self) -> np.ndarray:
        """``log10 ||x_t||_2`` (same data as ``log_norm``, base 10)."""
        return self.log_norm / _LN10

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues sorted by decreasing magnitude."""
        return self.spectrum.eigenvalues

    @property
    def dominant_eigenvalue(self) -> complex:
        """The eigenvalue of largest magnitude."""
        return self.spectrum.dominant_eigenvalue

    @property
    def dominant_eigenvector(self) -> np.ndarray | None:
        """Unit dominant eigenvector (left eigenvector of ``W`` for ``form="row"``), or None."""
        return self.spectrum.dominant_eigenvector

    @property
    def has_unique_dominant(self) -> bool:
        """True when ``angle`` is defined (a single real dominant eigenvalue)."""
        return self.spectrum.has_unique_dominant


# ---------------------------------------------------------------------------
# validation


def _pow2_exponent(max_abs: float) -> int:
    """Exponent e with ``max_abs * 2^-e`` in [0.5, 1); scaling by 2^e is exact in binary floating point."""
    return int(np.frexp(max_abs)[1]) if max_abs > 0 else 0


def _canonical_sign(v: np.ndarray) -> np.ndarray:
    """Flip ``v`` so that its largest-magnitude entry is positive (a line has no preferred sign)."""
    k = int(np.argmax(np.abs(v)))
    return -v if v[k] < 0 else v


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------------------
# spectrum


def dominant_spectrum(W: np.ndarray, *, form: Form = "column") -> DominantSpectrum:
    """Eigenvalues of ``W`` and the structure of the largest ones.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Real square matrix, ``n <= MAX_POWER_SIZE``, finite entries.
    form : {"column", "row"}
        ``"row"`` analyses ``W^T``, whose eigenvectors are the left eigenvectors of ``W``.

    Returns
    -------
    DominantSpectrum

    Raises
    ------
    ValueError
        If ``W`` is not a finite real square matrix within the size cap, or ``form`` is unknown.

    Notes
    -----
    Eigenvalues whose magnitudes agree to :data:`EIGENVALUE_TIE_RTOL` (relative)
    are tied. A tied cluster whose members all lie within that tolerance of one
    real value is a repeated eigenvalue; its eigenspace ``ker(W - lambda I)`` is
    computed from the SVD, and it is "defective" when that space is smaller than
    the multiplicity (Jordan block). Spectral radius below ``1e-7 ||W||_F``
    counts as zero (nilpotent). See Goodfellow et al., *Deep Learning*, §8.2.5.

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).
    .. [2] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).

    Examples
    --------
    >>> from explorer.sim import dominant_spectrum
    >>> s = dominant_spectrum([[2.0, 1.0], [1.0, 2.0]])
    >>> s.kind, round(s.ratio, 6)
    ('simple', 0.333333)
    >>> [round(float(c), 6) for c in s.dominant_eigenvector]
    [0.707107, 0.707107]
    >>> dominant_spectrum([[0.0, -1.0], [1.0, 0.0]]).kind
    'complex_pair'
    >>> dominant_spectrum([[1.0, 1.0], [0.0, 1.0]]).kind
    'defective'
    """
    A = square_matrix("W", W, MAX_POWER_SIZE)
    if choice("form", form, ("column", "row")) == "row":
        A = A.T
    n = A.shape[0]
    # Work on W / 2^e (exact) so that no intermediate overflows; eigenvalues scale back by 2^e.
    scale_exp = _pow2_exponent(float(np.max(np.abs(A))))
    As = np.ldexp(A, -scale_exp)
    values, vectors = np.linalg.eig(As)
    values = values.astype(complex)
    order = np.lexsort((-values.imag, -values.real, -np.abs(values)))
    values = values[order]
    vectors = vectors[:, order]
    mags = np.abs(values)
    rho = float(mags[0])
    nan = float("nan")
    basis = np.zeros((n, 0))
    dominant = complex(values[0])

    tol = EIGENVALUE_TIE_RTOL * rho
    tied = mags >= rho - tol
    m = int(np.count_nonzero(tied))
    cluster = values[tied]
    centre = complex(np.mean(cluster))
    if rho <= _NILPOTENT_RTOL * float(np.linalg.norm(As)) or rho == 0.0:
        kind, ratio, rate, m = "nilpotent", nan, nan, n
    elif m == 1:
        v = np.real(vectors[:, 0]).astype(float)
        basis = _canonical_sign(v / np.linalg.norm(v))[:, None]
        kind = "simple"
        ratio = rate = float(mags[1] / rho) if n > 1 else 0.0
    elif abs(centre.imag) <= tol and np.all(np.abs(cluster - centre) <= tol):
        dominant = complex(centre.real)
        _, sing, vh = np.linalg.svd(As - centre.real * np.eye(n))
        k = min(max(int(np.count_nonzero(sing <= tol)), 1), m)
        basis = vh[n - k :].T.copy()
        if k == 1:
            basis[:, 0] = _canonical_sign(basis[:, 0])
        ratio = 1.0
        if k < m:
            kind, rate = "defective", 1.0
        else:
            kind, rate = "repeated", (float(mags[m] / rho) if m < n else 0.0)
    else:
        ratio, rate = 1.0, nan
        if m == 2 and abs(cluster[0].imag) > 0 and abs(cluster[0] - np.conj(cluster[1])) <= tol:
            kind = "complex_pair"
        elif m == 2 and np.all(np.abs(cluster.imag) <= tol) and cluster[0].real * cluster[1].real < 0:
            kind = "opposite_sign"
        else:
            kind = "tied"

    with np.errstate(over="ignore"):
        # only a spectral radius beyond the float range (entries near 1e308) can overflow here
        values = values * 2.0**scale_exp
        dominant = dominant * 2.0**scale_exp
    return DominantSpectrum(_readonly(values), dominant, kind, ratio, rate, m, _readonly(basis))


# ---------------------------------------------------------------------------
# the iteration


def power_method(W: np.ndarray, x0: np.ndarray, steps: int, *, form: Form = "column") -> PowerTrace:
    """Iterate ``x_t = W^t x0`` in log domain and track where the direction goes.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Real square matrix with finite entries, ``n <= MAX_POWER_SIZE``.
    x0 : array_like, shape (n,)
        Finite start vector (the zero vector is allowed: its norm is ``-inf``).
    steps : int
        Number of multiplications, ``0 <= steps <= MAX_POWER_STEPS``.
    form : {"column", "row"}, keyword-only
        ``"column"`` (default) computes ``W^t x0``. ``"row"`` computes the row
        vector ``x0^T W^t``, i.e. the column iteration on ``W^T``; it converges
        to the dominant LEFT eigenvector of ``W``. This is the form in which
        back-propagated gradients are multiplied.

    Returns
    -------
    PowerTrace
        ``log_norm``, ``direction``, ``rayleigh``, ``angle`` (all indexed by
        ``t = 0..steps``), ``ratio`` and the eigen-analysis ``spectrum``.

    Raises
    ------
    ValueError
        If ``W`` is not a finite real square matrix within the cap, ``x0`` is
        not a finite vector of length ``n``, ``steps`` is out of range, or
        ``form`` is unknown.

    Notes
    -----
    With ``W = V diag(lambda) V^-1`` and ``x0 = sum_i c_i v_i``,
    ``W^t x0 = sum_i c_i lambda_i^t v_i``: relative to the dominant term every
    other component shrinks like ``|lambda_i / lambda_1|^t``, so the angle to
    ``v_1`` decays geometrically with rate ``ratio`` (Goodfellow, Bengio &
    Courville, *Deep Learning*, §8.2.5; Golub & Van Loan, *Matrix
    Computations*, §7.3.1).

    Overflow-free evaluation: ``W`` is first divided by a power of two (exact)
    so its largest entry is below 1; each step computes ``y = W u_{t-1}`` for
    the unit vector ``u_{t-1}``, stores ``ln ||y||`` plus the known scale, and
    renormalises. ``log_norm[t] = ln ||x0|| + sum_{s<=t} ln ||W u_{s-1}||``.

    Choices for the degenerate cases:

    - Zero iterate (``x0 = 0`` or a nilpotent ``W``): ``log_norm = -inf``,
      ``direction`` and ``rayleigh`` are NaN from that step on.
    - No unique dominant eigenvalue (complex pair, ``+-lambda``, other ties,
      nilpotent): ``angle`` is NaN throughout.
    - Repeated real dominant eigenvalue: ``angle`` is measured to the whole
      eigenspace ``ker(W - lambda_1 I)``. For the identity that is every
      direction (angle 0); for a Jordan block ``[[lambda, 1], [0, lambda]]`` it
      is the single eigenvector ``e_1`` and the angle decays only like
      ``|lambda| / t``.

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import power_method
    >>> tr = power_method([[2.0, 1.0], [1.0, 2.0]], [1.0, 0.0], 30)
    >>> round(float(tr.rayleigh[-1]), 6), round(tr.ratio, 4)
    (3.0, 0.3333)
    >>> bool(tr.angle[-1] < 1e-12)
    True
    >>> big = power_method(1e3 * np.eye(2), [1.0, 0.0], 10_000)
    >>> round(float(big.log10_norm[-1]))
    30000
    """
    form = choice("form", form, ("column", "row"))
    A = square_matrix("W", W, MAX_POWER_SIZE)
    n = A.shape[0]
    x = real_array("x0", x0, (n,), f"({n},) to match W")
    steps = integer("steps", steps, 0, MAX_POWER_STEPS)
    spectrum = dominant_spectrum(A, form=form)

    M = A.T if form == "row" else A
    scale_exp = _pow2_exponent(float(np.max(np.abs(M))))
    Ms = np.ascontiguousarray(np.ldexp(M, -scale_exp))
    log_scale = scale_exp * _LN2
    scale = 2.0**scale_exp

    log_norm = np.full(steps + 1, -np.inf)
    direction = np.full((steps + 1, n), np.nan)
    rayleigh = np.full(steps + 1, np.nan)

    x_exp = _pow2_exponent(float(np.max(np.abs(x))))
    u = np.ldexp(x, -x_exp)
    nrm = float(np.linalg.norm(u))
    if nrm > 0.0:
        u = u / nrm
        log_norm[0] = np.log(nrm) + x_exp * _LN2
        direction[0] = u
        # log_step[t] = ln ||W u_{t-1}||, summed at the end; the loop does only BLAS calls.
        log_step = np.zeros(steps + 1)
        last = steps
        for t in range(1, steps + 2):
            y = Ms @ u
            rayleigh[t - 1] = float(u @ y)
            if t > steps:
                break
            s = math.sqrt(float(y @ y))
            if s < _UNDERFLOW_GUARD:
                # y @ y may have underflowed: rescale exactly by a power of two before measuring.
                m = float(np.max(np.abs(y)))
                if m == 0.0:
                    last = t - 1
                    break
                e = _pow2_exponent(m)
                y = np.ldexp(y, -e)
                s = float(np.linalg.norm(y))
                log_step[t] = e * _LN2
            u = y / s
            log_step[t] += math.log(s)
            direction[t] = u
        log_norm[1 : last + 1] = log_norm[0] + np.cumsum(log_step[1 : last + 1] + log_scale)
        with np.errstate(over="ignore"):
            # +-inf only if |x^T W x| / x^T x itself exceeds the float range (entries near 1e308)
            rayleigh *= scale

    angle = np.full(steps + 1, np.nan)
    if spectrum.has_unique_dominant:
        basis = spectrum.eigenspace
        # atan2(|rejection|, |projection|) keeps small angles accurate (arccos would flatten them at ~1e-8);
        # blocks of rows bound the temporary memory.
        for start in range(0, steps + 1, _ANGLE_BLOCK_ROWS):
            block = direction[start : start + _ANGLE_BLOCK_ROWS]
            coords = block @ basis
            along = np.linalg.norm(coords, axis=1)
            across = np.linalg.norm(block - coords @ basis.T, axis=1)
            angle[start : start + len(block)] = np.arctan2(across, along)

    return PowerTrace(
        log_norm=_readonly(log_norm),
        direction=_readonly(direction),
        rayleigh=_readonly(rayleigh),
        angle=_readonly(angle),
        ratio=spectrum.ratio,
        spectrum=spectrum,
        form=form,
    )


# ---------------------------------------------------------------------------
# summaries for the page


@dataclass(frozen=True)
class ConvergenceSummary:
    """How fast the power method settles, read off the spectrum.

    Attributes
    ----------
    kind : str
        One of :data:`DOMINANT_KINDS`.
    ratio : float
        ``|lambda_2| / |lambda_1|`` with multiplicity.
    rate : float
        Per-step shrink factor of the angle to the dominant eigenspace
        (:attr:`DominantSpectrum.rate`).
    digits_per_step : float
        ``-log10(rate)``: correct digits of the direction gained per step
        (``inf`` if ``rate = 0``, ``0`` if ``rate = 1``, NaN if undefined).
    steps_for_digits : float
        ``digits / digits_per_step``: steps to gain ``digits`` digits
        (``0`` if immediate, ``inf`` if never at a geometric rate, NaN if undefined).
    digits : float
        The target number of digits used for ``steps_for_digits``.
    log_growth_per_step : float
        ``ln |lambda_1|``: the norm eventually grows (or shrinks) by
        ``|lambda_1|`` per step; ``-inf`` for a nilpotent matrix.
    rotation_deg_per_step : float
        ``|arg lambda_1|`` in degrees: the turn per step of a complex dominant
        pair (0 for a positive, 180 for a negative real ``lambda_1``; NaN if nilpotent).
    """

    kind: str
    ratio: float
    rate: float
    digits_per_step: float
    steps_for_digits: float
    digits: float
    log_growth_per_step: float
    rotation_deg_per_step: float


def convergence_summary(
    trace_or_W: PowerTrace | np.ndarray, *, digits: float = 10.0, form: Form = "column"
) -> ConvergenceSummary:
    """Digits gained per step, steps to convergence, growth and rotation per step.

    Parameters
    ----------
    trace_or_W : PowerTrace or array_like, shape (n, n)
        A trace from :func:`power_method` or the matrix itself.
    digits : float, keyword-only
        Target accuracy in decimal digits for ``steps_for_digits`` (positive).
    form : {"column", "row"}, keyword-only
        Used only when a matrix is passed (a trace carries its own form).

    Returns
    -------
    ConvergenceSummary

    Raises
    ------
    ValueError
        If ``digits`` is not positive and finite, or the matrix is invalid.

    Notes
    -----
    The error of the direction after ``t`` steps is about ``rate^t``, so it
    gains ``-log10(rate)`` digits per step (Golub & Van Loan, *Matrix
    Computations*, §7.3.1; Goodfellow et al., *Deep Learning*, §8.2.5).

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import convergence_summary
    >>> s = convergence_summary([[3.0, 0.0], [0.0, 1.0]])
    >>> round(s.digits_per_step, 4), round(s.steps_for_digits, 1)
    (0.4771, 21.0)
    >>> c = np.cos(np.pi / 6); r = convergence_summary([[c, -0.5], [0.5, c]])
    >>> r.kind, round(r.rotation_deg_per_step, 6), r.steps_for_digits
    ('complex_pair', 30.0, inf)
    """
    digits = real("digits", digits, 0.0, open_low=True)
    spectrum = (
        trace_or_W.spectrum
        if isinstance(trace_or_W, PowerTrace)
        else dominant_spectrum(trace_or_W, form=form)
    )
    rate = spectrum.rate
    if np.isnan(rate):
        dps = steps = float("nan")
        if spectrum.kind != "nilpotent":
            dps, steps = 0.0, float("inf")
    elif rate == 0.0:
        dps, steps = float("inf"), 0.0
    elif rate >= 1.0:
        dps, steps = 0.0, float("inf")
    else:
        dps = float(-np.log10(rate))
        steps = float(digits) / dps
    lam = spectrum.dominant_eigenvalue
    if spectrum.kind == "nilpotent":
        growth, rotation = float("-inf"), float("nan")
    else:
        growth = float(np.log(abs(lam)))
        rotation = float(np.degrees(abs(np.angle(lam))))
    return ConvergenceSummary(
        kind=spectrum.kind,
        ratio=spectrum.ratio,
        rate=rate,
        digits_per_step=dps,
        steps_for_digits=steps,
        digits=float(digits),
        log_growth_per_step=growth,
        rotation_deg_per_step=rotation,
    )


@dataclass(frozen=True, eq=False)
class CircleImage:
    """Points of the unit circle and their images under a 2 x 2 matrix.

    Attributes
    ----------
    circle : ndarray, shape (num, 2)
        ``(cos phi, sin phi)`` for ``num`` angles from 0 to ``2 pi`` inclusive (a closed curve).
    image : ndarray, shape (num, 2)
        ``W @ circle[k]`` for each point: an ellipse with semi-axes the singular values of ``W``.
    """

    circle: np.ndarray
    image: np.ndarray


def unit_circle_image(W: np.ndarray, *, num: int = 257) -> CircleImage:
    """Map the unit circle through a 2 x 2 matrix (for the plane picture).

    Parameters
    ----------
    W : array_like, shape (2, 2)
        Real finite matrix.
    num : int, keyword-only
        Number of points, ``3 <= num <= MAX_CIRCLE_POINTS``; first and last coincide.

    Returns
    -------
    CircleImage

    Raises
    ------
    ValueError
        If ``W`` is not a finite real 2 x 2 matrix or ``num`` is out of range.

    Notes
    -----
    The image of the unit circle is an ellipse whose semi-axes are the singular
    values of ``W``; one step of the power method maps the iterate's direction
    onto it.

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).
    .. [2] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import unit_circle_image
    >>> img = unit_circle_image([[2.0, 0.0], [0.0, 0.5]], num=5)
    >>> img.image.shape
    (5, 2)
    >>> round(float(np.max(np.linalg.norm(img.image, axis=1))), 6)
    2.0
    """
    A = square_matrix("W", W, MAX_POWER_SIZE)
    if A.shape != (2, 2):
        raise ValueError(f"W must be 2 x 2 for the plane picture, got shape {A.shape}")
    num = integer("num", num, 3, MAX_CIRCLE_POINTS)
    phi = np.linspace(0.0, 2.0 * np.pi, int(num))
    circle = np.column_stack([np.cos(phi), np.sin(phi)])
    return CircleImage(circle=circle, image=circle @ A.T)


@dataclass(frozen=True, eq=False)
class EigenLine:
    """A real eigenvalue of a 2 x 2 matrix and a unit vector spanning its eigenline.

    Attributes
    ----------
    eigenvalue : float
    direction : ndarray, shape (2,)
        Unit vector, sign chosen so that its largest-magnitude entry is positive.
    """

    eigenvalue: float
    direction: np.ndarray


def eigen_lines(W: np.ndarray) -> tuple[EigenLine, ...]:
    """Real eigenlines of a 2 x 2 matrix, largest ``|eigenvalue|`` first.

    Parameters
    ----------
    W : array_like, shape (2, 2)

    Returns
    -------
    tuple of EigenLine
        Empty for complex eigenvalues (a rotation-scaling has no real
        eigenline); one line for a Jordan block ``[[a, 1], [0, a]]``; two lines
        otherwise. For ``W = a I`` every line is an eigenline and the two
        coordinate axes are returned.

    Raises
    ------
    ValueError
        If ``W`` is not a finite real 2 x 2 matrix.

    Notes
    -----
    These are the lines the power method can settle on: ``W`` maps each to
    itself, stretched by its eigenvalue (Goodfellow et al., *Deep Learning*, §8.2.5).

    References
    ----------
    .. [1] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).
    .. [2] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).

    Examples
    --------
    >>> from explorer.sim import eigen_lines
    >>> lines = eigen_lines([[2.0, 1.0], [1.0, 2.0]])
    >>> [round(line.eigenvalue, 6) for line in lines]
    [3.0, 1.0]
    >>> len(eigen_lines([[1.0, 1.0], [0.0, 1.0]])), len(eigen_lines([[0.0, -1.0], [1.0, 0.0]]))
    (1, 0)
    """
    A = square_matrix("W", W, MAX_POWER_SIZE)
    if A.shape != (2, 2):
        raise ValueError(f"W must be 2 x 2, got shape {A.shape}")
    # Eigenlines do not depend on scale: work on an exactly rescaled copy so that
    # entries near 1e300 cannot overflow inside the norms, and scale eigenvalues back.
    exponent = _pow2_exponent(float(np.max(np.abs(A)))) if np.any(A) else 0
    A = np.ldexp(A, -exponent)
    lines = _eigen_lines_scaled(A)
    return tuple(EigenLine(float(np.ldexp(line.eigenvalue, exponent)), line.direction) for line in lines)


def _eigen_lines_scaled(A: np.ndarray) -> tuple[EigenLine, ...]:
    spectrum = dominant_spectrum(A)
    values = spectrum.eigenvalues
    tol = EIGENVALUE_TIE_RTOL * max(float(np.max(np.abs(values))), float(np.linalg.norm(A)))
    if spectrum.kind in ("repeated", "defective") or abs(values[0] - values[1]) <= tol:
        lam = float(np.mean(values.real))
        _, sing, vh = np.linalg.svd(A - lam * np.eye(2))
        if np.count_nonzero(sing <= tol) == 2:
            axes = np.eye(2)
            return (EigenLine(lam, _readonly(axes[0].copy())), EigenLine(lam, _readonly(axes[1].copy())))
        return (EigenLine(lam, _readonly(_canonical_sign(vh[-1]).copy())),)
    if np.any(np.abs(values.imag) > tol):
        return ()
    lines = []
    for lam in values.real:
        # the right singular vector of the smallest singular value spans ker(A - lam I)
        vh = np.linalg.svd(A - lam * np.eye(2))[2]
        lines.append(EigenLine(float(lam), _readonly(_canonical_sign(vh[-1]).copy())))
    return tuple(lines)


# ---------------------------------------------------------------------------
# presets


@dataclass(frozen=True, eq=False)
class PresetMatrix:
    """A named example matrix and its start vector.

    What each example teaches, and its title, belong to the power-method page
    (``explorer/lessons/power/scenarios.py``): here is only the maths.

    Attributes
    ----------
    name : str
        Key in :data:`PRESET_MATRICES` (``"custom"`` for a reader's own matrix).
    W : ndarray, shape (n, n)
    x0 : ndarray, shape (n,)
    """

    name: str
    W: np.ndarray
    x0: np.ndarray


def _rotation(theta: float) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def _orthogonal_start() -> tuple[np.ndarray, np.ndarray]:
    # Symmetric, eigenvalues 3 and 1, dominant eigenvector at 30 degrees. The
    # eigenvectors are irrational, so float64 cannot hold x0 exactly orthogonal
    # to v1: a ~1e-16 dominant component is present from the start and rounding
    # adds more each step. On an axis-aligned or (1, 1)-symmetric example the
    # arithmetic can stay exact and the stall would last forever (or depend on
    # whether the BLAS uses fused multiply-add).
    Q = _rotation(np.pi / 6)
    W = Q @ np.diag([3.0, 1.0]) @ Q.T
    return W, Q[:, 1].copy()


PRESET_MATRICES: tuple[str, ...] = (
    "distinct", "close", "symmetric", "rotation", "opposite", "jordan", "non_normal", "orthogonal_start", "random",
)
"""Names accepted by :func:`preset_matrix` (the page adds its own "custom" entry)."""


def random_gaussian_preset(n: int = 50, gain: float = 1.0, seed: int = 0) -> PresetMatrix:
    """The ``"random"`` preset: ``gaussian_matrix(n, gain, seed)`` and a seeded unit start vector.

    Parameters
    ----------
    n : int
        Order, ``1 <= n <= MAX_POWER_SIZE``.
    gain : float
        Entries are ``N(0, gain^2 / n)``; the spectral radius is close to ``gain`` for large ``n``.
    seed : int
        Seed for the matrix; the start vector uses an independent stream derived from it.

    Returns
    -------
    PresetMatrix

    Raises
    ------
    ValueError
        If ``n`` is out of range or ``gain`` is not finite.

    Notes
    -----
    Circular law (Girko): the eigenvalues of such a matrix fill the disc of
    radius ``gain`` as ``n`` grows, so ``|lambda_1| ~ gain`` and the gap to
    ``lambda_2`` is small.

    References
    ----------
    .. [1] Girko, V. L. (1985). Circular law. Theory of Probability and Its Applications 29(4), 694-706.
    .. [2] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import random_gaussian_preset
    >>> p = random_gaussian_preset(8, gain=1.5, seed=3)
    >>> p.W.shape, p.x0.shape, round(float(np.linalg.norm(p.x0)), 6)
    ((8, 8), (8,), 1.0)
    """
    n = integer("n", n, 1, MAX_POWER_SIZE)
    gain = real("gain", gain)
    W = gaussian_matrix(int(n), float(gain), seed)
    x0 = np.random.default_rng([int(seed), 1]).standard_normal(int(n))
    x0 /= np.linalg.norm(x0)
    return PresetMatrix("random", W, x0)


def preset_matrix(name: str) -> PresetMatrix:
    """Return one of the teaching examples listed in :data:`PRESET_MATRICES`.

    Parameters
    ----------
    name : str
        A key of :data:`PRESET_MATRICES`. All but ``"random"`` are 2 x 2 so
        the page can draw the plane picture; ``"random"`` uses
        :func:`random_gaussian_preset` with its defaults.

    Returns
    -------
    PresetMatrix
        A fresh copy (safe to modify).

    Raises
    ------
    ValueError
        If ``name`` is unknown.

    Notes
    -----
    Each example isolates one behaviour of ``W^t x`` (Goodfellow et al.,
    *Deep Learning*, §8.2.5; the non-normal one follows Trefethen & Embree,
    *Spectra and Pseudospectra*).

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).
    .. [2] Goodfellow, I., Bengio, Y. and Courville, A. (2016). Deep Learning. MIT Press, §8.2.5 and
       §10.11.

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import preset_matrix
    >>> p = preset_matrix("distinct")
    >>> sorted(round(float(v), 6) for v in np.linalg.eigvals(p.W))
    [1.0, 3.0]
    """
    name = choice("name", name, PRESET_MATRICES)
    if name == "random":
        return random_gaussian_preset()
    if name == "distinct":
        # eigenvalue 3 on (2, 1), eigenvalue 1 on (0, 1): V diag(3, 1) V^-1 with exact entries
        W, x0 = np.array([[3.0, 0.0], [1.0, 1.0]]), np.array([-0.6, 0.8])
    elif name == "close":
        # same eigenvectors, eigenvalues 1 and 0.95
        W, x0 = np.array([[1.0, 0.0], [0.025, 0.95]]), np.array([-0.6, 0.8])
    elif name == "symmetric":
        W, x0 = np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([1.0, 0.0])
    elif name == "rotation":
        W, x0 = 1.05 * _rotation(np.pi / 6), np.array([1.0, 0.0])
    elif name == "opposite":
        W, x0 = np.array([[1.0, 2.0], [2.0, -1.0]]), np.array([1.0, 0.0])
    elif name == "jordan":
        W, x0 = np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([0.0, 1.0])
    elif name == "non_normal":
        W, x0 = np.array([[0.9, 5.0], [0.0, 0.8]]), np.array([0.0, 1.0])
    else:
        W, x0 = _orthogonal_start()
    return PresetMatrix(name, np.array(W, dtype=float), np.array(x0, dtype=float))


# ---------------------------------------------------------------------------
# theory against measurement, for the page


def custom_preset(W: np.ndarray, seed: int = 0) -> PresetMatrix:
    """Wrap a reader's own matrix as a :class:`PresetMatrix` with a seeded unit start vector.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Real finite square matrix, ``n <= MAX_POWER_SIZE``.
    seed : int
        Seed of the start vector: ``x0`` is a standard normal vector drawn from
        ``numpy.random.default_rng([seed, 1])`` and normalised (the same stream
        :func:`random_gaussian_preset` uses for its start vector).

    Returns
    -------
    PresetMatrix
        ``name = "custom"``; a fresh copy of ``W``.

    Raises
    ------
    ValueError
        If ``W`` is not a finite real square matrix within the size cap.

    Notes
    -----
    A random start vector has a non-zero component along every eigenvector
    with probability one, which is the assumption behind the power method
    (Golub & Van Loan, *Matrix Computations*, §7.3.1).

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import custom_preset
    >>> p = custom_preset([[1.0, 2.0], [3.0, 4.0]], seed=5)
    >>> p.name, p.W.shape, round(float(np.linalg.norm(p.x0)), 6)
    ('custom', (2, 2), 1.0)
    """
    A = square_matrix("W", W, MAX_POWER_SIZE).copy()
    n = A.shape[0]
    x0 = np.random.default_rng([int(seed), 1]).standard_normal(n)
    x0 /= np.linalg.norm(x0)
    return PresetMatrix("custom", A, x0)


def theory_log10_angle(trace: PowerTrace) -> np.ndarray:
    """Predicted ``log10`` of the angle between ``x_t`` and the dominant eigenspace.

    Parameters
    ----------
    trace : PowerTrace
        From :func:`power_method`; only ``angle[0]`` and the spectrum are used.

    Returns
    -------
    ndarray, shape (steps+1,)
        ``log10`` of the predicted angle in radians, started at the measured
        initial angle ``theta_0``: ``-inf`` where the prediction is exactly 0,
        NaN throughout when the angle itself is undefined (no unique dominant
        eigenvalue, or ``x0 = 0``).

    Notes
    -----
    Geometric case (``kind`` ``"simple"`` or ``"repeated"``):
    ``theta_t = theta_0 * rate^t`` with ``rate = |lambda_2 / lambda_1|``
    (beyond a repeated cluster, the next magnitude). Writing
    ``x0 = sum_i c_i v_i``, every non-dominant component shrinks relative to
    the dominant one by at least ``rate`` per step (Goodfellow et al.,
    *Deep Learning*, §8.2.5; Golub & Van Loan, *Matrix Computations*, §7.3.1),
    so the slope is exact asymptotically; the offset is a prediction that
    assumes a healthy component along ``v_1`` and an eigenbasis close to
    orthogonal. A start almost orthogonal to ``v_1`` (it stalls first) and a
    non-normal matrix (its early steps differ) depart from it visibly.

    Defective case (a Jordan block): for ``[[lambda, 1], [0, lambda]]`` and
    ``x0 = (a, b)``, ``x_t = lambda^(t-1) (lambda a + t b, lambda b)``, so
    ``tan theta_t = 1 / |cot theta_0 + t / lambda|``; the line drawn is
    ``arctan(1 / (cot theta_0 + t / |lambda_1|))``, exact when the signs
    agree and the ``1/t`` law in general.

    Everything is evaluated in log domain: ``rate^t`` for ``t = 10^4`` never underflows.

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).

    Examples
    --------
    >>> from explorer.sim import power_method, theory_log10_angle
    >>> tr = power_method([[3.0, 0.0], [0.0, 1.0]], [1.0, 1.0], 3)
    >>> [round(float(v), 4) for v in 10 ** theory_log10_angle(tr)]
    [0.7854, 0.2618, 0.0873, 0.0291]
    >>> tr = power_method([[1.0, 1.0], [0.0, 1.0]], [0.0, 1.0], 4)
    >>> [round(float(v), 4) for v in 10 ** theory_log10_angle(tr)]
    [1.5708, 0.7854, 0.4636, 0.3218, 0.245]
    """
    steps = trace.steps
    out = np.full(steps + 1, np.nan)
    theta0 = float(trace.angle[0])
    spectrum = trace.spectrum
    if not spectrum.has_unique_dominant or not np.isfinite(theta0):
        return out
    t = np.arange(steps + 1, dtype=float)
    with np.errstate(divide="ignore"):
        if spectrum.kind != "defective":
            rate = float(spectrum.rate)
            log10_rate = np.log10(rate) if rate > 0 else -np.inf
            out = np.log10(theta0) + np.where(t == 0, 0.0, np.maximum(t, 1.0) * log10_rate)
            return out
        # tan(theta0) in log domain; sin(theta0) = 0 gives -inf (already on the eigenvector)
        ln_tan0 = float(np.log(np.sin(theta0)) - np.log(np.cos(theta0)))
        ln_tan = -np.logaddexp(-ln_tan0, np.log(t) - float(np.log(abs(spectrum.dominant_eigenvalue))))
    log10_tan = ln_tan / _LN10
    # arctan(y) = y to 16 digits for y < 1e-8; above that evaluate arctan directly
    small = log10_tan < -8.0
    out[small] = log10_tan[small]
    big = ~small
    out[big] = np.log10(np.arctan(10.0 ** log10_tan[big]))
    return out


def direction_turns(trace: PowerTrace) -> np.ndarray:
    """Angle in degrees by which the direction turns in each step.

    Parameters
    ----------
    trace : PowerTrace

    Returns
    -------
    ndarray, shape (steps+1,)
        ``turn[t]`` is the angle in ``[0, 180]`` between the unit vectors
        ``x_{t-1} / ||x_{t-1}||`` and ``x_t / ||x_t||``; ``turn[0]`` is NaN, and
        so is every step touching a zero iterate.

    Notes
    -----
    Once the power method has converged the turn is 0 (or 180 for a negative
    ``lambda_1``, whose iterate flips sign each step). For a rotation-scaling
    ``r R(theta)`` it is exactly ``theta``: a complex dominant pair
    ``r e^{+-i theta}`` keeps the direction turning forever. Computed as
    ``atan2(|rejection|, projection)``, accurate for small turns.

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).
    .. [2] Horn, R. A. and Johnson, C. R. (2013). Matrix Analysis, 2nd ed. Cambridge University Press,
       §5.6 (Gelfand's formula).

    Examples
    --------
    >>> import numpy as np
    >>> from explorer.sim import direction_turns, power_method
    >>> c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    >>> tr = power_method([[c, -s], [s, c]], [1.0, 0.0], 3)
    >>> [round(float(v), 6) for v in direction_turns(tr)[1:]]
    [30.0, 30.0, 30.0]
    """
    d = trace.direction
    turn = np.full(d.shape[0], np.nan)
    for start in range(1, d.shape[0], _ANGLE_BLOCK_ROWS):
        cur = d[start : start + _ANGLE_BLOCK_ROWS]
        prev = d[start - 1 : start - 1 + len(cur)]
        along = np.sum(cur * prev, axis=1)
        across = np.linalg.norm(cur - along[:, None] * prev, axis=1)
        turn[start : start + len(cur)] = np.degrees(np.arctan2(across, along))
    return turn


@dataclass(frozen=True)
class MeasuredConvergence:
    """What a :class:`PowerTrace` actually did, to set beside :class:`ConvergenceSummary`.

    Attributes
    ----------
    digits_per_step : float
        Least-squares slope of ``-log10(angle)`` against ``t`` over the fitted
        window; NaN if the angle is undefined or too few points qualify.
    fit_first, fit_last : int
        First and last step of the fitted window (``-1`` if no fit).
    steps_to_digits : float
        First ``t`` with ``log10 angle_t <= log10 angle_0 - digits``: ``0`` if
        ``angle_0 = 0``, ``inf`` if not reached within the run, NaN if the angle is undefined.
    digits : float
        The target used for ``steps_to_digits``.
    log10_growth_per_step : float
        Mean slope of ``log10 ||x_t||`` over the second half of the run (NaN if
        fewer than 2 steps or the iterate reached 0).
    mean_turn_deg : float
        Mean of :func:`direction_turns` over the second half of the run (NaN if undefined).
    rayleigh_low, rayleigh_high : float
        Smallest and largest Rayleigh quotient over the second half of the run.
    final_angle : float
        ``angle[-1]`` in radians (NaN if undefined).
    peak_log10_gain : float
        ``max_t log10(||x_t|| / ||x_0||)``: the largest amplification reached (0 if it never grows).
    peak_step : int
        The step where that maximum is reached.
    """

    digits_per_step: float
    fit_first: int
    fit_last: int
    steps_to_digits: float
    digits: float
    log10_growth_per_step: float
    mean_turn_deg: float
    rayleigh_low: float
    rayleigh_high: float
    final_angle: float
    peak_log10_gain: float
    peak_step: int


_FIT_UPPER = 0.1
_FIT_FLOOR = 1e-13
# The fit uses angles between these: below 0.1 rad tan(theta) ~ theta, so the slope is the
# asymptotic rate; below ~1e-13 float64 rounding (about 1e-16 per step) takes over.


def _fit_window(log10_angle: np.ndarray) -> np.ndarray:
    """Indices of the geometric stretch of a log10-angle curve (see :func:`measure_convergence`)."""
    hi, lo = np.log10(_FIT_UPPER), np.log10(_FIT_FLOOR)
    finite = np.isfinite(log10_angle)
    below_hi = np.flatnonzero(finite & (log10_angle <= hi))
    if below_hi.size:
        start = int(below_hi[0])
        past = np.flatnonzero(~finite[start:] | (log10_angle[start:] < lo))
        stop = start + (int(past[0]) if past.size else len(log10_angle) - start)
        idx = np.arange(start, stop)
        if idx.size >= 3:
            return idx
    half = np.arange(len(log10_angle) // 2, len(log10_angle))
    return half[finite[half] & (log10_angle[half] >= lo)]


def measure_convergence(trace: PowerTrace, *, digits: float = 10.0) -> MeasuredConvergence:
    """Measured convergence rate, growth, turning and Rayleigh range of a run.

    Parameters
    ----------
    trace : PowerTrace
        From :func:`power_method`.
    digits : float, keyword-only
        Target accuracy in decimal digits for ``steps_to_digits`` (positive, finite).

    Returns
    -------
    MeasuredConvergence

    Raises
    ------
    ValueError
        If ``digits`` is not positive and finite.

    Notes
    -----
    The digits gained per step are fitted where the angle is between ``1e-13``
    and ``0.1`` rad (the first such stretch): there ``tan theta ~ theta`` and
    rounding has not yet set the floor, so the slope is the asymptotic rate
    ``-log10 |lambda_2 / lambda_1|`` that :func:`convergence_summary` predicts
    (Golub & Van Loan, *Matrix Computations*, §7.3.1). If the angle never gets
    below 0.1 rad, the second half of the run is fitted instead. Growth, turn
    and Rayleigh range are taken over the second half of the run, after early
    transients.

    References
    ----------
    .. [1] Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed. Johns Hopkins University
       Press, §7.3 (the power method).

    Examples
    --------
    >>> from explorer.sim import measure_convergence, power_method
    >>> m = measure_convergence(power_method([[3.0, 0.0], [0.0, 1.0]], [1.0, 1.0], 40))
    >>> round(m.digits_per_step, 3), m.steps_to_digits, round(10 ** m.log10_growth_per_step, 6)
    (0.477, 22.0, 3.0)
    """
    digits = real("digits", digits, 0.0, open_low=True)
    nan = float("nan")
    steps = trace.steps
    half = steps // 2
    angle = trace.angle
    with np.errstate(divide="ignore"):
        log10_angle = np.log10(angle)

    dps, first, last, to_digits = nan, -1, -1, nan
    if np.isfinite(angle[0]):
        if angle[0] == 0.0:
            to_digits = 0.0
        else:
            hit = np.flatnonzero(log10_angle <= log10_angle[0] - digits)
            to_digits = float(hit[0]) if hit.size else float("inf")
        idx = _fit_window(log10_angle)
        if idx.size >= 3:
            slope = np.polyfit(idx.astype(float), log10_angle[idx], 1)[0]
            dps, first, last = float(-slope), int(idx[0]), int(idx[-1])

    growth = nan
    if steps >= 2 and np.isfinite(trace.log_norm[-1]):
        growth = float((trace.log10_norm[-1] - trace.log10_norm[half]) / (steps - half))
    tail = slice(half, steps + 1)
    turns = direction_turns(trace)[max(half, 1) :]
    rq = trace.rayleigh[tail]
    finite_rq = rq[np.isfinite(rq)]
    gain = trace.log10_norm - trace.log10_norm[0]
    peak = int(np.argmax(np.where(np.isnan(gain), -np.inf, gain))) if np.isfinite(trace.log_norm[0]) else 0
    return MeasuredConvergence(
        digits_per_step=dps,
        fit_first=first,
        fit_last=last,
        steps_to_digits=to_digits,
        digits=float(digits),
        log10_growth_per_step=growth,
        mean_turn_deg=float(np.mean(turns)) if turns.size and np.all(np.isfinite(turns)) else nan,
        rayleigh_low=float(np.min(finite_rq)) if finite_rq.size else nan,
        rayleigh_high=float(np.max(finite_rq)) if finite_rq.size else nan,
        final_angle=float(angle[-1]),
        peak_log10_gain=float(gain[peak]) if np.isfinite(trace.log_norm[0]) else nan,
        peak_step=peak,
    )
