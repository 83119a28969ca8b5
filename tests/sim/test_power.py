"""Tests for the power method: closed forms, overflow, explicit products, presets."""

import contextlib
import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg

from explorer.sim._power import (
    DOMINANT_KINDS,
    MAX_POWER_SIZE,
    MAX_POWER_STEPS,
    PRESET_MATRICES,
    convergence_summary,
    custom_preset,
    direction_turns,
    dominant_spectrum,
    eigen_lines,
    measure_convergence,
    power_method,
    preset_matrix,
    random_gaussian_preset,
    theory_log10_angle,
    unit_circle_image,
)
from explorer.sim._random_matrices import gaussian_matrix


def rotation(theta: float) -> np.ndarray:
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[c, -s], [s, c]])


def symmetric_2x2(lam1: float, lam2: float, theta: float) -> tuple[np.ndarray, np.ndarray]:
    """W = Q diag(lam1, lam2) Q^T with Q a rotation; returns W and Q (columns = eigenvectors)."""
    Q = rotation(theta)
    return Q @ np.diag([lam1, lam2]) @ Q.T, Q


@contextlib.contextmanager
def strict_fp():
    """Turn floating-point overflow, division by zero and invalid operations into errors."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


# ---------------------------------------------------------------------------
# closed forms


@pytest.mark.parametrize(("lam1", "lam2", "theta"), [(3.0, 1.0, 0.4), (2.5, -1.2, 1.1), (0.9, 0.3, -0.7)])
def test_symmetric_log_norm_matches_eigendecomposition(lam1, lam2, theta):
    W, Q = symmetric_2x2(lam1, lam2, theta)
    x0 = np.array([0.3, -1.7])
    c1, c2 = Q.T @ x0
    steps = 200
    trace = power_method(W, x0, steps)
    t = np.arange(steps + 1)
    # ||x_t||^2 = c1^2 lam1^(2t) + c2^2 lam2^(2t), written in log domain
    r = abs(lam2 / lam1)
    expected = t * math.log(abs(lam1)) + 0.5 * np.log(c1**2 + c2**2 * r ** (2 * t))
    np.testing.assert_allclose(trace.log_norm, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("lam1", "lam2", "theta"), [(3.0, 1.0, 0.4), (2.5, -1.2, 1.1), (1.0, 0.95, 0.2)])
def test_symmetric_angle_decays_like_ratio_power(lam1, lam2, theta):
    W, Q = symmetric_2x2(lam1, lam2, theta)
    x0 = np.array([0.3, -1.7])
    c1, c2 = Q.T @ x0
    steps = 300
    trace = power_method(W, x0, steps)
    ratio = abs(lam2 / lam1)
    assert trace.ratio == pytest.approx(ratio, rel=1e-12)
    t = np.arange(steps + 1)
    expected_tan = abs(c2 / c1) * ratio**t
    visible = expected_tan > 1e-10
    np.testing.assert_allclose(np.tan(trace.angle[visible]), expected_tan[visible], rtol=1e-6)
    assert np.all(trace.angle[~visible] < 1e-9)


def test_symmetric_rayleigh_quotient_matches_closed_form():
    lam1, lam2 = 3.0, 1.0
    W, Q = symmetric_2x2(lam1, lam2, 0.4)
    x0 = np.array([1.0, 0.5])
    c1, c2 = Q.T @ x0
    trace = power_method(W, x0, 25)
    t = np.arange(26)
    w1, w2 = c1**2 * lam1 ** (2 * t), c2**2 * lam2 ** (2 * t)
    expected = (lam1 * w1 + lam2 * w2) / (w1 + w2)
    np.testing.assert_allclose(trace.rayleigh, expected, rtol=1e-13)
    # for a symmetric matrix the error shrinks like ratio^(2t), not ratio^t
    err = np.abs(trace.rayleigh - lam1)
    assert err[10] < 2 * (1 / 3) ** 20 * (lam1 - lam2) * (c2 / c1) ** 2


@pytest.mark.parametrize(("r", "theta"), [(1.1, 0.3), (0.7, 2.0), (1.0, math.pi / 7)])
def test_rotation_scaling_norm_is_exact_power_and_angle_undefined(r, theta):
    W = r * rotation(theta)
    x0 = np.array([2.0, -1.0])
    steps = 500
    trace = power_method(W, x0, steps)
    t = np.arange(steps + 1)
    expected = t * math.log(r) + math.log(math.hypot(2.0, -1.0))
    np.testing.assert_allclose(trace.log_norm, expected, rtol=1e-12, atol=1e-11)
    assert np.all(np.isnan(trace.angle))
    assert trace.ratio == 1.0
    assert trace.spectrum.kind == "complex_pair"
    assert not trace.has_unique_dominant
    # the direction turns by theta each step
    u0 = x0 / np.linalg.norm(x0)
    for step in (1, 7, 50):
        np.testing.assert_allclose(trace.direction[step], rotation(step * theta) @ u0, atol=1e-11)


@pytest.mark.parametrize("lam", [2.0, 0.5, 1.0])
def test_plus_minus_lambda_alternates_between_two_directions(lam):
    W = np.diag([lam, -lam])
    x0 = np.array([0.6, 0.8])
    steps = 41
    trace = power_method(W, x0, steps)
    np.testing.assert_allclose(trace.log_norm, np.arange(steps + 1) * math.log(lam), atol=1e-12)
    assert np.all(np.isnan(trace.angle))
    assert trace.ratio == 1.0
    assert trace.spectrum.kind == "opposite_sign"
    np.testing.assert_allclose(trace.direction[0::2], np.tile([0.6, 0.8], (21, 1)), atol=1e-15)
    np.testing.assert_allclose(trace.direction[1::2], np.tile([0.6, -0.8], (21, 1)), atol=1e-15)


@pytest.mark.parametrize("lam", [1.0, 0.9, 1.5, -1.2])
def test_jordan_block_matches_closed_form_power(lam):
    W = np.array([[lam, 1.0], [0.0, lam]])
    x1, x2 = 0.4, 1.0
    steps = 5000  # also crosses the row blocks in which angles are computed
    trace = power_method(W, [x1, x2], steps)
    t = np.arange(steps + 1)
    # W^t = [[lam^t, t lam^(t-1)], [0, lam^t]] so x_t = lam^t (x1 + t x2 / lam, x2)
    head = x1 + t * x2 / lam
    expected = t * math.log(abs(lam)) + 0.5 * np.log(head**2 + x2**2)
    np.testing.assert_allclose(trace.log_norm, expected, rtol=1e-11, atol=1e-9)
    assert trace.ratio == 1.0
    assert trace.spectrum.kind == "defective"
    np.testing.assert_allclose(np.abs(trace.dominant_eigenvector), [1.0, 0.0], atol=1e-12)
    # angle to e1: tan = |x2| / |x1 + t x2 / lam|, i.e. it decays like |lam| / t
    np.testing.assert_allclose(np.tan(trace.angle), abs(x2) / np.abs(head), rtol=1e-9)
    assert trace.angle[1000] * 1000 == pytest.approx(abs(lam), rel=0.01)


def test_identity_angle_is_zero_and_semisimple_repeated_converges_to_eigenspace():
    trace = power_method(np.eye(3), [1.0, 2.0, 3.0], 5)
    assert trace.spectrum.kind == "repeated"
    np.testing.assert_array_equal(trace.angle, 0.0)
    assert trace.dominant_eigenvector is None

    x0 = np.array([1.0, 2.0, 3.0])
    trace = power_method(np.diag([2.0, 2.0, 1.0]), x0, 40)
    t = np.arange(41)
    # distance to span(e1, e2): tan = |x3| 2^-t / ||(x1, x2)||
    np.testing.assert_allclose(np.tan(trace.angle), 3.0 * 0.5**t / math.hypot(1.0, 2.0), rtol=1e-9)
    assert trace.ratio == 1.0
    assert convergence_summary(trace).rate == pytest.approx(0.5)


def test_one_by_one_matrix_ratio_zero_and_norm_exact():
    trace = power_method([[-3.0]], [2.0], 100)
    np.testing.assert_allclose(trace.log_norm, math.log(2.0) + np.arange(101) * math.log(3.0), rtol=1e-13)
    assert trace.ratio == 0.0
    np.testing.assert_array_equal(trace.angle, 0.0)
    np.testing.assert_array_equal(trace.direction[1::2, 0], -1.0)


def test_zero_iterate_gives_minus_inf_and_nan_direction():
    trace = power_method([[0.0, 1.0], [0.0, 0.0]], [0.0, 1.0], 4)
    assert np.isfinite(trace.log_norm[:2]).all()
    assert np.all(trace.log_norm[2:] == -np.inf)
    assert np.isnan(trace.direction[2:]).all()
    assert np.isnan(trace.rayleigh[2:]).all()
    assert math.isnan(trace.ratio)
    assert trace.spectrum.kind == "nilpotent"
    assert np.isnan(trace.angle).all()

    zero_start = power_method(np.eye(2), [0.0, 0.0], 3)
    assert np.all(zero_start.log_norm == -np.inf)
    assert np.isnan(zero_start.direction).all()


def test_tiny_but_nonzero_iterates_never_become_minus_inf():
    # W^t x0 ~ 1e-6,000,000: far below the float range, still a finite log
    with strict_fp():
        trace = power_method(1e-300 * np.eye(2), [1e-300, 0.0], MAX_POWER_STEPS)
    assert np.isfinite(trace.log_norm).all()
    assert trace.log_norm[-1] == pytest.approx((MAX_POWER_STEPS + 1) * math.log(1e-300), rel=1e-12)


# ---------------------------------------------------------------------------
# overflow / underflow


@pytest.mark.parametrize("scale", [1e3, 1e-3])
def test_norm_1e3_and_1e_minus3_for_10000_steps_stays_finite(scale):
    W, Q = symmetric_2x2(1.0, 0.5, 0.3)
    W = scale * W  # ||W||_2 = scale
    x0 = Q[:, 0] + 0.2 * Q[:, 1]
    with strict_fp():
        trace = power_method(W, x0, 10_000)
    assert np.isfinite(trace.log_norm).all()
    assert np.isfinite(trace.direction).all()
    assert np.isfinite(trace.rayleigh).all()
    # dominant component has coefficient 1 and the other dies out
    assert trace.log_norm[-1] == pytest.approx(10_000 * math.log(scale), rel=1e-12)
    assert trace.log10_norm[-1] == pytest.approx(10_000 * math.log10(scale), rel=1e-12)
    assert trace.rayleigh[-1] == pytest.approx(scale, rel=1e-12)


def test_huge_entries_and_huge_start_vector_do_not_overflow():
    with strict_fp():
        trace = power_method(1e300 * np.eye(2), [1e300, 1e300], 50)
    assert np.isfinite(trace.log_norm).all()
    expected = math.log(1e300) * np.arange(1, 52) + 0.5 * math.log(2)
    np.testing.assert_allclose(trace.log_norm, expected, rtol=1e-13)


# ---------------------------------------------------------------------------
# explicit products (Hypothesis)

entries = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)


@st.composite
def matrix_and_vector(draw, max_n: int = 4):
    n = draw(st.integers(min_value=1, max_value=max_n))
    W = np.array(draw(st.lists(entries, min_size=n * n, max_size=n * n))).reshape(n, n)
    x0 = np.array(draw(st.lists(entries, min_size=n, max_size=n)))
    return W, x0


@settings(max_examples=80, deadline=None)
@given(data=matrix_and_vector(), steps=st.integers(min_value=0, max_value=30))
def test_log_norm_matches_explicit_matrix_power(data, steps):
    W, x0 = data
    trace = power_method(W, x0, steps)
    for t in range(steps + 1):
        explicit = np.linalg.matrix_power(W, t) @ x0
        bound = np.linalg.matrix_power(np.abs(W), t) @ np.abs(x0)
        norm, bound_norm = np.linalg.norm(explicit), np.linalg.norm(bound)
        if not (np.isfinite(bound_norm) and 1e-100 < norm < 1e100):
            continue
        if norm < 1e-6 * bound_norm:
            continue  # heavy cancellation: rounding in either computation is not small relative to the result
        assert trace.log_norm[t] == pytest.approx(math.log(norm), abs=1e-7)
        np.testing.assert_allclose(trace.direction[t], explicit / norm, atol=1e-6)
        rayleigh = explicit @ W @ explicit / (explicit @ explicit)
        assert trace.rayleigh[t] == pytest.approx(rayleigh, abs=1e-6 * (1 + np.abs(W).sum()))


@settings(max_examples=60, deadline=None)
@given(data=matrix_and_vector(max_n=5), steps=st.integers(min_value=0, max_value=60))
def test_directions_are_unit_and_angles_in_range(data, steps):
    W, x0 = data
    trace = power_method(W, x0, steps)
    assert trace.direction.shape == (steps + 1, W.shape[0])
    assert trace.log_norm.shape == trace.rayleigh.shape == trace.angle.shape == (steps + 1,)
    alive = np.isfinite(trace.log_norm)
    np.testing.assert_allclose(np.linalg.norm(trace.direction[alive], axis=1), 1.0, atol=1e-12)
    assert np.isnan(trace.direction[~alive]).all()
    # once zero, always zero
    if not alive.all():
        first_dead = int(np.argmin(alive))
        assert not alive[first_dead:].any()
    angle = trace.angle
    defined = ~np.isnan(angle)
    assert np.all((angle[defined] >= 0) & (angle[defined] <= math.pi / 2))
    if not trace.has_unique_dominant:
        assert np.isnan(angle).all()
    assert trace.spectrum.kind in DOMINANT_KINDS


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=2, max_value=8), seed=st.integers(min_value=0, max_value=10_000))
def test_row_form_is_column_form_of_transpose_and_finds_left_eigenvector(n, seed):
    W = gaussian_matrix(n, 1.0, seed)
    x0 = np.random.default_rng(seed).standard_normal(n)
    row = power_method(W, x0, 40, form="row")
    col = power_method(W.T, x0, 40)
    np.testing.assert_allclose(row.log_norm, col.log_norm, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(row.direction, col.direction, atol=1e-12)
    if row.spectrum.kind == "simple":
        values, left = linalg.eig(W, left=True, right=False)
        k = int(np.argmax(np.abs(values)))
        v = np.real(left[:, k])
        v /= np.linalg.norm(v)
        assert abs(abs(row.dominant_eigenvector @ v) - 1.0) < 1e-8


def test_row_form_converges_to_left_not_right_eigenvector():
    W = np.array([[3.0, 0.0], [1.0, 1.0]])  # right eigenvector (2, 1), left eigenvector (1, 0)
    row = power_method(W, [0.3, 1.0], 60, form="row")
    col = power_method(W, [0.3, 1.0], 60)
    np.testing.assert_allclose(np.abs(row.direction[-1]), [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(np.abs(col.direction[-1]), np.array([2.0, 1.0]) / math.sqrt(5), atol=1e-12)
    assert row.angle[-1] < 1e-12 and col.angle[-1] < 1e-12


# ---------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    ("W", "x0", "steps", "match"),
    [
        (np.ones((2, 3)), np.ones(2), 3, "square"),
        (np.ones(4), np.ones(2), 3, "square"),
        ([[1.0, np.nan], [0.0, 1.0]], np.ones(2), 3, "finite"),
        ([[1.0, np.inf], [0.0, 1.0]], np.ones(2), 3, "finite"),
        (np.eye(2), np.ones(3), 3, "x0"),
        (np.eye(2), [1.0, np.nan], 3, "x0"),
        (np.eye(2), np.ones(2), -1, "steps"),
        (np.eye(2), np.ones(2), MAX_POWER_STEPS + 1, "steps"),
        (np.eye(2), np.ones(2), 2.5, "steps"),
        (np.eye(2), np.ones(2), True, "steps"),
        (np.eye(MAX_POWER_SIZE + 1), np.ones(MAX_POWER_SIZE + 1), 1, "n <="),
        (np.eye(2) * 1j, np.ones(2), 1, "real"),
    ],
)
def test_invalid_arguments_raise_value_error_naming_them(W, x0, steps, match):
    with pytest.raises(ValueError, match=match):
        power_method(W, x0, steps)


def test_unknown_form_is_rejected():
    with pytest.raises(ValueError, match="form"):
        power_method(np.eye(2), [1.0, 0.0], 3, form="diagonal")


def test_trace_arrays_are_read_only():
    trace = power_method(np.eye(2), [1.0, 0.0], 3)
    with pytest.raises(ValueError):
        trace.log_norm[0] = 5.0


# ---------------------------------------------------------------------------
# spectrum, summary, plane helpers


@pytest.mark.parametrize(
    ("W", "kind"),
    [
        ([[2.0, 1.0], [1.0, 2.0]], "simple"),
        (np.eye(2), "repeated"),
        ([[1.0, 1.0], [0.0, 1.0]], "defective"),
        (rotation(0.3) @ np.array([[1.0, 1.0], [0.0, 1.0]]) @ rotation(0.3).T, "defective"),
        (rotation(0.5), "complex_pair"),
        ([[1.0, 2.0], [2.0, -1.0]], "opposite_sign"),
        (np.diag([1.0, -1.0, 1.0]), "tied"),
        ([[0.0, 1.0], [0.0, 0.0]], "nilpotent"),
        ([[1.0, 1.0], [-1.0, -1.0]], "nilpotent"),
        (np.zeros((3, 3)), "nilpotent"),
    ],
)
def test_dominant_spectrum_classifies_the_top_eigenvalues(W, kind):
    assert dominant_spectrum(W).kind == kind


def test_rotated_jordan_block_eigenvector_is_found_despite_split_eigenvalues():
    Q = rotation(0.3)
    W = Q @ np.array([[1.0, 1.0], [0.0, 1.0]]) @ Q.T
    spec = dominant_spectrum(W)
    assert abs(abs(spec.dominant_eigenvector @ Q[:, 0]) - 1.0) < 1e-12


def test_convergence_summary_digits_and_rotation():
    s = convergence_summary([[3.0, 0.0], [1.0, 1.0]])
    assert s.digits_per_step == pytest.approx(math.log10(3.0))
    assert s.steps_for_digits == pytest.approx(10.0 / math.log10(3.0))
    assert s.log_growth_per_step == pytest.approx(math.log(3.0))
    assert s.rotation_deg_per_step == 0.0

    rot = convergence_summary(1.05 * rotation(math.radians(30)))
    assert rot.kind == "complex_pair"
    assert rot.rotation_deg_per_step == pytest.approx(30.0)
    assert rot.digits_per_step == 0.0 and rot.steps_for_digits == math.inf
    assert rot.log_growth_per_step == pytest.approx(math.log(1.05))

    jordan = convergence_summary([[1.0, 1.0], [0.0, 1.0]])
    assert jordan.steps_for_digits == math.inf

    nil = convergence_summary([[0.0, 1.0], [0.0, 0.0]])
    assert math.isnan(nil.ratio) and math.isnan(nil.digits_per_step) and nil.log_growth_per_step == -math.inf

    assert convergence_summary([[2.0, 0.0], [0.0, 0.0]]).steps_for_digits == 0.0
    W = gaussian_matrix(6, 1.0, 4)
    from_trace = dataclasses.astuple(convergence_summary(power_method(W, np.ones(6), 3)))
    np.testing.assert_equal(from_trace, dataclasses.astuple(convergence_summary(W)))
    with pytest.raises(ValueError, match="digits"):
        convergence_summary(W, digits=0)


def test_unit_circle_image_is_ellipse_with_singular_value_axes():
    W = np.array([[2.0, 1.0], [-0.5, 1.5]])
    img = unit_circle_image(W, num=4001)
    np.testing.assert_allclose(np.linalg.norm(img.circle, axis=1), 1.0)
    np.testing.assert_allclose(img.circle[0], img.circle[-1], atol=1e-15)
    np.testing.assert_allclose(img.image, img.circle @ W.T)
    radii = np.linalg.norm(img.image, axis=1)
    sigma = linalg.svdvals(W)
    assert radii.max() == pytest.approx(sigma[0], rel=1e-6)
    assert radii.min() == pytest.approx(sigma[1], rel=1e-6)
    with pytest.raises(ValueError, match="2 x 2"):
        unit_circle_image(np.eye(3))
    with pytest.raises(ValueError, match="num"):
        unit_circle_image(W, num=10**6)


@pytest.mark.parametrize(
    ("W", "count"),
    [
        ([[3.0, 0.0], [1.0, 1.0]], 2),
        ([[1.0, 2.0], [2.0, -1.0]], 2),
        ([[1.0, 1.0], [0.0, 1.0]], 1),
        (2.0 * np.eye(2), 2),
        (rotation(0.4), 0),
    ],
)
def test_eigen_lines_are_mapped_to_themselves(W, count):
    W = np.asarray(W)
    lines = eigen_lines(W)
    assert len(lines) == count
    for line in lines:
        np.testing.assert_allclose(W @ line.direction, line.eigenvalue * line.direction, atol=1e-12)
        assert np.linalg.norm(line.direction) == pytest.approx(1.0)
    mags = [abs(line.eigenvalue) for line in lines]
    assert mags == sorted(mags, reverse=True)


# ---------------------------------------------------------------------------
# presets


@pytest.mark.parametrize("name", PRESET_MATRICES)
def test_every_preset_is_well_formed(name):
    p = preset_matrix(name)
    assert p.name == name
    n = p.W.shape[0]
    assert p.W.shape == (n, n) and p.x0.shape == (n,)
    assert np.isfinite(p.W).all() and np.isfinite(p.x0).all()
    assert name == "random" or n == 2
    trace = power_method(p.W, p.x0, 200)
    assert np.isfinite(trace.log_norm).all()


def test_presets_have_the_advertised_spectra():
    eig = {name: np.sort_complex(np.linalg.eigvals(preset_matrix(name).W)) for name in PRESET_MATRICES}
    np.testing.assert_allclose(eig["distinct"], [1.0, 3.0])
    np.testing.assert_allclose(eig["close"], [0.95, 1.0])
    W = preset_matrix("symmetric").W
    np.testing.assert_array_equal(W, W.T)
    assert dominant_spectrum(preset_matrix("rotation").W).kind == "complex_pair"
    assert dominant_spectrum(preset_matrix("opposite").W).kind == "opposite_sign"
    assert dominant_spectrum(preset_matrix("jordan").W).kind == "defective"


def test_close_preset_converges_much_slower_than_distinct():
    fast = power_method(*_wx("distinct"), 100)
    slow = power_method(*_wx("close"), 100)
    assert fast.angle[30] < 1e-10
    assert slow.angle[30] > 0.1


def _wx(name):
    p = preset_matrix(name)
    return p.W, p.x0


def test_non_normal_preset_grows_tenfold_before_decaying():
    W, x0 = _wx("non_normal")
    assert np.max(np.abs(np.linalg.eigvals(W))) < 1
    trace = power_method(W, x0, 300)
    assert np.exp(trace.log_norm.max()) > 10 * np.linalg.norm(x0)
    assert trace.log_norm[-1] < trace.log_norm[0]


def test_orthogonal_start_preset_stalls_then_rounding_rescues_it():
    W, x0 = _wx("orthogonal_start")
    v1 = dominant_spectrum(W).dominant_eigenvector
    assert abs(v1 @ x0) < 1e-15
    trace = power_method(W, x0, 80)
    assert np.all(trace.angle[:20] > math.pi / 2 - 1e-6)  # looks stuck on the second eigenvector
    assert trace.angle[60] < 1e-8  # amplified rounding error has taken over


def test_random_gaussian_preset_uses_gaussian_matrix():
    p = random_gaussian_preset(12, 1.3, 5)
    np.testing.assert_array_equal(p.W, gaussian_matrix(12, 1.3, 5))
    assert np.linalg.norm(p.x0) == pytest.approx(1.0)
    np.testing.assert_array_equal(random_gaussian_preset(12, 1.3, 5).x0, p.x0)
    with pytest.raises(ValueError, match="n must be"):
        random_gaussian_preset(MAX_POWER_SIZE + 1)


def test_unknown_preset_lists_valid_names():
    with pytest.raises(ValueError) as err:
        preset_matrix("custom")
    for name in PRESET_MATRICES:
        assert name in str(err.value)


# ---------------------------------------------------------------------------
# theory against measurement (helpers for the page)


def test_custom_preset_copies_matrix_and_seeds_start_vector():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    p = custom_preset(W, seed=7)
    assert p.name == "custom"
    np.testing.assert_array_equal(p.W, W)
    assert p.W is not W
    assert np.linalg.norm(p.x0) == pytest.approx(1.0)
    np.testing.assert_array_equal(custom_preset(W, seed=7).x0, p.x0)
    assert not np.array_equal(custom_preset(W, seed=8).x0, p.x0)
    with pytest.raises(ValueError, match="square"):
        custom_preset(np.ones((2, 3)))


@pytest.mark.parametrize(("lam1", "lam2", "theta"), [(3.0, 1.0, 0.4), (2.0, -1.5, 1.0)])
def test_theory_angle_starts_at_measured_angle_and_has_ratio_slope(lam1, lam2, theta):
    W, _ = symmetric_2x2(lam1, lam2, theta)
    trace = power_method(W, np.array([0.3, -1.7]), 30)
    theory = theory_log10_angle(trace)
    assert theory[0] == pytest.approx(math.log10(trace.angle[0]))
    np.testing.assert_allclose(np.diff(theory), math.log10(abs(lam2 / lam1)), rtol=1e-12)
    # for a symmetric W the measured angle has the same asymptotic slope
    m = measure_convergence(trace)
    assert m.digits_per_step == pytest.approx(-math.log10(abs(lam2 / lam1)), rel=1e-3)


def test_theory_angle_is_exact_for_a_jordan_block_and_finite_for_10000_steps():
    trace = power_method([[1.0, 1.0], [0.0, 1.0]], [0.0, 1.0], 10_000)
    theory = theory_log10_angle(trace)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(theory[1:], np.log10(trace.angle[1:]), rtol=1e-9)
    assert np.isfinite(theory).all()
    fast = power_method(1e3 * np.diag([1.0, 1e-3]), [1.0, 1.0], 10_000)
    with strict_fp():
        out = theory_log10_angle(fast)
    assert out[-1] == pytest.approx(math.log10(math.pi / 4) - 3 * 10_000)


def test_theory_angle_is_nan_without_unique_dominant_eigenvalue():
    assert np.isnan(theory_log10_angle(power_method(1.05 * rotation(0.5), [1.0, 0.0], 10))).all()
    assert np.isnan(theory_log10_angle(power_method([[1.0, 2.0], [2.0, -1.0]], [1.0, 0.0], 10))).all()


def test_direction_turns_rotation_angle_and_zero_after_convergence():
    turns = direction_turns(power_method(0.9 * rotation(math.radians(40)), [1.0, 0.0], 20))
    assert math.isnan(turns[0])
    np.testing.assert_allclose(turns[1:], 40.0, rtol=1e-10)
    settled = direction_turns(power_method([[3.0, 0.0], [1.0, 1.0]], [1.0, 1.0], 60))
    assert settled[-1] < 1e-10
    flipping = direction_turns(power_method([[-2.0, 0.0], [0.0, 0.5]], [1.0, 1.0], 60))
    assert flipping[-1] == pytest.approx(180.0)
    zero = direction_turns(power_method([[0.0, 1.0], [0.0, 0.0]], [0.0, 1.0], 4))
    assert np.isnan(zero[2:]).all()


def test_measure_convergence_matches_prediction_for_presets():
    for name, steps in (("distinct", 60), ("close", 700), ("symmetric", 60), ("orthogonal_start", 90)):
        p = preset_matrix(name)
        trace = power_method(p.W, p.x0, steps)
        m = measure_convergence(trace)
        s = convergence_summary(trace)
        assert m.digits_per_step == pytest.approx(s.digits_per_step, rel=0.01), name
        assert m.log10_growth_per_step == pytest.approx(math.log10(abs(trace.dominant_eigenvalue)),
                                                        abs=1e-6), name
        assert 0 <= m.fit_first < m.fit_last <= steps
    # a start orthogonal to v1 needs far more steps than the rate alone predicts
    p = preset_matrix("orthogonal_start")
    m = measure_convergence(power_method(p.W, p.x0, 90))
    assert m.steps_to_digits > 2 * convergence_summary(p.W).steps_for_digits


def test_measure_convergence_degenerate_cases():
    rot = measure_convergence(power_method(1.05 * rotation(math.radians(30)), [1.0, 0.0], 50))
    assert math.isnan(rot.digits_per_step) and math.isnan(rot.steps_to_digits) and rot.fit_first == -1
    assert rot.mean_turn_deg == pytest.approx(30.0)
    assert rot.log10_growth_per_step == pytest.approx(math.log10(1.05))
    eye = measure_convergence(power_method(np.eye(2), [1.0, 2.0], 10))
    assert eye.steps_to_digits == 0.0 and math.isnan(eye.digits_per_step)
    nil = measure_convergence(power_method([[0.0, 1.0], [0.0, 0.0]], [0.0, 1.0], 10))
    assert math.isnan(nil.log10_growth_per_step) and math.isnan(nil.mean_turn_deg)
    short = measure_convergence(power_method(np.eye(2), [1.0, 0.0], 0))
    assert math.isnan(short.log10_growth_per_step)
    never = measure_convergence(power_method(preset_matrix("close").W, preset_matrix("close").x0, 50))
    assert never.steps_to_digits == math.inf
    with pytest.raises(ValueError, match="digits"):
        measure_convergence(power_method(np.eye(2), [1.0, 0.0], 3), digits=-1)


def test_measure_convergence_reports_non_normal_peak():
    W, x0 = _wx("non_normal")
    m = measure_convergence(power_method(W, x0, 200))
    # x_t = (50 (0.9^t - 0.8^t), 0.8^t): largest near t = 6
    t = np.arange(201)
    explicit = np.hypot(50 * (0.9**t - 0.8**t), 0.8**t)
    assert m.peak_step == int(np.argmax(explicit))
    assert 10**m.peak_log10_gain == pytest.approx(explicit.max(), rel=1e-9)
    decaying = measure_convergence(power_method(0.5 * np.eye(2), [1.0, 0.0], 5))
    assert decaying.peak_step == 0 and decaying.peak_log10_gain == 0.0


def test_measure_convergence_survives_huge_norms():
    with strict_fp():
        m = measure_convergence(power_method(1e3 * np.diag([1.0, 0.5]), [1.0, 1.0], 10_000))
    assert m.log10_growth_per_step == pytest.approx(3.0)
