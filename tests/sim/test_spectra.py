"""Tests for explorer.sim._spectra: closed forms, explicit products and error bounds.

Accuracy of ||W^t|| is judged against the classical forward error bound of a
product of t matrices, |fl(W^t) - W^t| <= gamma |W|^t entrywise (|W| is the
matrix of absolute values), never against numbers copied from the code.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.linalg import hadamard
from scipy.special import gammaln

from explorer.sim import Regime
from explorer.sim._random_matrices import gaussian_matrix
from explorer.sim._spectra import (
    MAX_POWER_STEPS,
    MAX_POWER_WORK,
    MAX_SPECTRUM_MODES,
    float_limit_steps,
    gradient_log_norms,
    growth_regime,
    half_life_steps,
    jordan_block,
    jordan_corner_log,
    late_log_growth_rate,
    matrix_from_eigenvalues,
    matrix_power_log_norms,
    modal_cancellation_log,
    mode_contributions,
    random_gaussian_spectrum,
    spectrum_from_modes,
    spectrum_growth,
    unit_vector,
)
from tests.sim.scenario_runs import EIGENVALUE_SCENARIOS, spectrum_matrix

EPS = np.finfo(float).eps


def strict_float_errors():
    """Turn overflow, invalid operations and division by zero into exceptions."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


def jordan_power_log_norm(lam: float, size: int, t: int) -> float:
    """ln ||J_size(lam)^t||_2 from the binomial closed form, built in log space then rescaled."""
    log_entry = np.full((size, size), -np.inf)
    sign = np.zeros((size, size))
    for k in range(min(t, size - 1) + 1):
        log_binom = gammaln(t + 1) - gammaln(k + 1) - gammaln(t - k + 1)
        value = log_binom + (t - k) * math.log(abs(lam))
        for i in range(size - k):
            log_entry[i, i + k] = value
            sign[i, i + k] = math.copysign(1.0, lam) ** (t - k)
    top = np.max(log_entry)
    scaled = sign * np.exp(log_entry - top)
    return float(top + math.log(np.linalg.norm(scaled, 2)))


def explicit_log_norms(W: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """ln ||W^t||_2 by numpy.linalg.matrix_power and its rounding allowance for t = 0..steps."""
    n = W.shape[0]
    logs, allowance = [], []
    for t in range(steps + 1):
        power = np.linalg.matrix_power(W, t)
        bound = np.linalg.norm(np.linalg.matrix_power(np.abs(W), t), 2)
        with np.errstate(divide="ignore"):
            logs.append(math.log(np.linalg.norm(power, 2)) if np.any(power) else -math.inf)
        # both sides of the comparison carry a product error of at most ~ n t eps ||W|^t|
        allowance.append(16 * n * (t + 1) * EPS * bound)
    return np.array(logs), np.array(allowance)


def vector_norm(v: np.ndarray) -> float:
    """Euclidean norm that does not underflow when squaring tiny entries (numpy's does)."""
    top = float(np.max(np.abs(v)))
    return top * float(np.linalg.norm(v / top)) if top > 0 else 0.0


def assert_log_norms_close(computed: np.ndarray, reference: np.ndarray, allowance: np.ndarray) -> None:
    with np.errstate(under="ignore"):
        lin_c = np.exp(computed)
        lin_r = np.exp(reference)
    gap = np.abs(lin_c - lin_r)
    assert np.all(gap <= allowance + 1e-11 * np.maximum(lin_c, lin_r)), (computed, reference)


# Entries are 0 or at least 1e-30 in size: the reference, numpy's matrix_power, loses the
# tiny entries of a power whose entries span more than the float64 range (1e-200 next to 1).
small_matrices = st.integers(1, 5).flatmap(
    lambda n: arrays(
        np.float64,
        (n, n),
        elements=st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False, width=64).filter(
            lambda v: v == 0.0 or abs(v) >= 1e-30
        ),
    )
)


# ----------------------------------------------------------------------------
# Jordan blocks and triangular matrices against closed forms


@pytest.mark.parametrize("lam", [1.0, -1.0, 0.5, 1.3, -0.97])
@pytest.mark.parametrize("size", [2, 3, 5])
def test_jordan_power_norms_match_binomial_closed_form(lam, size):
    steps = 400
    logs = matrix_power_log_norms(jordan_block(lam, size), steps)
    for t in [0, 1, 2, 3, 7, 50, 199, 400]:
        expected = jordan_power_log_norm(lam, size, t)
        assert logs[t] == pytest.approx(expected, rel=1e-12, abs=1e-12 * (t + 1))


@pytest.mark.parametrize("lam", [1.0, -1.0])
def test_jordan_block_on_unit_circle_grows_polynomially_not_exponentially(lam):
    size = 4
    steps = 5000
    logs = matrix_power_log_norms(jordan_block(lam, size), steps)
    expected = jordan_power_log_norm(lam, size, steps)
    assert logs[-1] == pytest.approx(expected, rel=1e-11)
    # degree-3 polynomial: ln ||J^t|| - 3 ln t tends to ln(1/3!)
    assert logs[-1] - 3 * math.log(steps) == pytest.approx(-math.log(6.0), abs=0.01)


@pytest.mark.parametrize(("lam", "size"), [(1e-200, 2), (1e-200, 3), (1e-150, 4)])
def test_jordan_block_with_tiny_eigenvalue_keeps_its_small_entries(lam, size):
    # The nilpotent part dies after size - 1 steps and leaves lam-sized entries. Before that,
    # J^(size-1) spans 1 .. lam^(size-1), beyond the 1e-308 of a unit-scaled float64 matrix;
    # the implementation keeps ~600 decades, so these small entries must survive.
    with strict_float_errors():
        logs = matrix_power_log_norms(jordan_block(lam, size), 60)
        grads = gradient_log_norms(jordan_block(lam, size), np.ones(size), 60)
    for t in [1, 2, 3, 4, 10, 60]:
        assert logs[t] == pytest.approx(jordan_power_log_norm(lam, size, t), rel=1e-13)
    # entry i of (J^T)^t 1 is sum_{k <= i} C(t, k) lam^(t-k); for t >= size - 1 the last entry's
    # k = size - 1 term exceeds everything else by a factor of about 1/lam
    for t in [size - 1, size, size + 1, 10, 60]:
        k = size - 1
        expected = math.log(math.comb(t, k)) + (t - k) * math.log(lam)
        assert grads[t] == pytest.approx(expected, rel=1e-13)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(-1.5, 1.5),
    b=st.floats(-1.5, 1.5),
    c=st.floats(-5.0, 5.0),
    steps=st.integers(1, 80),
)
def test_triangular_two_by_two_matches_closed_form(a, b, c, steps):
    if abs(a - b) < 0.05:
        b = a + 0.05 if a < 1.4 else a - 0.05
    W = np.array([[a, c], [0.0, b]])
    logs = matrix_power_log_norms(W, steps)
    for t in range(steps + 1):
        closed = np.array([[a**t, c * (a**t - b**t) / (a - b)], [0.0, b**t]])
        bound = np.linalg.norm(np.linalg.matrix_power(np.abs(W), t), 2)
        exact = np.linalg.norm(closed, 2)
        with np.errstate(under="ignore"):
            computed = math.exp(logs[t]) if logs[t] > -math.inf else 0.0
        # the closed form itself loses ~|c| t eps max(|a|,|b|)^t to cancellation in a^t - b^t
        allowance = 32 * (t + 1) * EPS * bound * (1 + abs(c) / abs(a - b)) + 1e-11 * exact
        assert abs(computed - exact) <= allowance, (t, computed, exact)


def test_strictly_upper_triangular_matrix_vanishes_after_n_steps():
    W = np.triu(np.arange(1.0, 17.0).reshape(4, 4), k=1)
    logs = matrix_power_log_norms(W, 8)
    reference, _ = explicit_log_norms(W, 3)
    np.testing.assert_allclose(logs[:4], reference, rtol=1e-13)
    assert np.all(np.isneginf(logs[4:]))


def test_zero_matrix_has_log_norm_minus_infinity_after_step_zero():
    logs = matrix_power_log_norms(np.zeros((3, 3)), 5)
    assert logs[0] == 0.0
    assert np.all(np.isneginf(logs[1:]))


# ----------------------------------------------------------------------------
# normal matrices, overflow and underflow


@pytest.mark.parametrize("seed", [0, 1])
def test_normal_matrix_power_norm_equals_spectral_radius_power(seed):
    lam = [0.9, -0.7, 0.5 + 0.6j, 0.5 - 0.6j, 0.2]
    W = matrix_from_eigenvalues(lam, nonnormality=0.0, seed=seed)
    rho = max(abs(v) for v in lam)
    logs = matrix_power_log_norms(W, 60)
    t = np.arange(61)
    np.testing.assert_allclose(logs, t * math.log(rho), rtol=1e-12, atol=1e-12)
    reference, _ = explicit_log_norms(W, 60)
    np.testing.assert_allclose(logs, reference, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("nonnormality", [0.0, 0.5])
@pytest.mark.parametrize("lam", [3.0, 1.0 / 3.0])
def test_ten_thousand_steps_stay_finite_and_follow_the_eigenvalue(lam, nonnormality):
    steps = 10_000
    W = matrix_from_eigenvalues([lam, 0.5 * lam, -0.25 * lam], nonnormality=nonnormality, seed=3)
    with strict_float_errors():
        logs = matrix_power_log_norms(W, steps)
    assert np.all(np.isfinite(logs))
    # rho^t <= ||W^t|| <= cond(V) rho^t with cond(V) = 1 / (1 - nonnormality)
    assert logs[-1] >= steps * math.log(lam) - 1e-8 * steps
    assert logs[-1] <= steps * math.log(lam) - math.log(1.0 - nonnormality) + 1e-8 * steps
    if nonnormality == 0.0:
        assert logs[-1] == pytest.approx(steps * math.log(lam), rel=1e-12)


def test_huge_and_tiny_entries_do_not_overflow():
    shape = np.array([[1.0, 1.0], [0.0, 0.1]])
    rest = math.log(np.linalg.norm(np.linalg.matrix_power(shape, 50), 2))
    for scale in (1e300, 1e-300):
        with strict_float_errors():
            logs = matrix_power_log_norms(scale * shape, 50)
        assert np.all(np.isfinite(logs))
        assert logs[50] == pytest.approx(50 * math.log(scale) + rest, rel=1e-12)


def test_larger_random_matrix_matches_explicit_products():
    # n > 8 exercises the cheap certified norm as well as the SVD fallback
    for gain in (0.8, 1.0, 1.3):
        W = gaussian_matrix(30, gain, seed=7)
        logs = matrix_power_log_norms(W, 120)
        reference, allowance = explicit_log_norms(W, 120)
        assert_log_norms_close(logs, reference, allowance)


def test_non_normal_transient_matches_explicit_products():
    W = matrix_from_eigenvalues(np.linspace(0.6, 0.95, 12), nonnormality=0.99, seed=2)
    logs = matrix_power_log_norms(W, 150)
    reference, allowance = explicit_log_norms(W, 150)
    assert_log_norms_close(logs, reference, allowance)


@pytest.mark.parametrize(
    "blocks",
    [
        [(1.0, 4), (-0.9375, 5), (0.75, 7)],  # n = 16
        # n = 64 exercises the large-matrix fallback too. The blocks are kept mild: with a
        # transient of e^50 (e.g. J_40(0.75)) rounding in any dense product grows past the answer.
        [(1.0, 4), (-0.5, 20), (0.25, 40)],
    ],
)
def test_dense_matrix_built_from_jordan_blocks_matches_closed_form(blocks):
    # n > 8 takes the certified-subspace route. Q = Hadamard / sqrt(n) is orthogonal and, with
    # dyadic eigenvalues, Q B Q^T is formed without rounding, so ||W^t|| = ||B^t|| exactly.
    n = sum(size for _, size in blocks)
    B = np.zeros((n, n))
    start = 0
    for lam, size in blocks:
        B[start : start + size, start : start + size] = jordan_block(lam, size)
        start += size
    Q = hadamard(n) / math.sqrt(n)
    W = Q @ B @ Q.T
    np.testing.assert_array_equal(Q.T @ W @ Q, B)
    logs = matrix_power_log_norms(W, 300)
    for t in [1, 2, 5, 10, 40, 100, 250, 300]:
        expected = max(jordan_power_log_norm(lam, size, t) for lam, size in blocks)
        assert logs[t] == pytest.approx(expected, rel=1e-12, abs=1e-12)


# ----------------------------------------------------------------------------
# property tests


@settings(max_examples=80, deadline=None)
@given(W=small_matrices, steps=st.integers(0, 25))
def test_power_log_norms_match_explicit_matrix_power(W, steps):
    logs = matrix_power_log_norms(W, steps)
    assert logs.shape == (steps + 1,)
    assert logs[0] == 0.0
    reference, allowance = explicit_log_norms(W, steps)
    assert_log_norms_close(logs, reference, allowance)


@settings(max_examples=60, deadline=None)
@given(W=small_matrices, s=st.integers(1, 12), t=st.integers(1, 12))
def test_power_norms_are_submultiplicative(W, s, t):
    logs = matrix_power_log_norms(W, s + t)
    _, allowance = explicit_log_norms(W, s + t)
    with np.errstate(divide="ignore"):
        floor = np.log(allowance) + math.log(1e6)
    # where rounding noise dominates a power (near-nilpotent W) the inequality is not meaningful
    if logs[s] > floor[s] and logs[t] > floor[t] and logs[s + t] > floor[s + t]:
        assert logs[s + t] <= logs[s] + logs[t] + 1e-9
    if np.isneginf(logs[s]) or np.isneginf(logs[t]):
        assert np.isneginf(logs[s + t])


@settings(max_examples=60, deadline=None)
@given(data=st.data(), W=small_matrices, steps=st.integers(0, 25))
def test_gradient_log_norms_match_explicit_transpose_powers(data, W, steps):
    n = W.shape[0]
    g = data.draw(arrays(np.float64, (n,), elements=st.floats(-3.0, 3.0, width=64)))
    logs = gradient_log_norms(W, g, steps)
    for t in range(steps + 1):
        exact = vector_norm(np.linalg.matrix_power(W.T, t) @ g)
        bound = vector_norm(np.linalg.matrix_power(np.abs(W).T, t) @ np.abs(g))
        with np.errstate(under="ignore"):
            computed = math.exp(logs[t]) if logs[t] > -math.inf else 0.0
        assert abs(computed - exact) <= 16 * n * (t + 1) * EPS * bound + 1e-11 * exact


def test_gradient_of_huge_horizon_follows_the_dominant_eigenvalue():
    W = matrix_from_eigenvalues([1.5, 0.5, -0.2], seed=4)
    g = np.array([1.0, 2.0, -1.0])
    with strict_float_errors():
        logs = gradient_log_norms(W, g, 20_000)
    assert np.all(np.isfinite(logs))
    # W is normal: (W^T)^t g -> 1.5^t (q . g) q for the unit eigenvector q of 1.5
    lam, vectors = np.linalg.eigh(W + W.T)  # same eigenvectors, eigenvalues doubled
    q = vectors[:, np.argmax(lam)]
    assert logs[-1] == pytest.approx(20_000 * math.log(1.5) + math.log(abs(q @ g)), rel=1e-12)
    assert logs[-1] - logs[-2] == pytest.approx(math.log(1.5), rel=1e-12)


# ----------------------------------------------------------------------------
# matrix_from_eigenvalues


@settings(max_examples=40, deadline=None)
@given(
    reals=st.lists(st.floats(-2.0, 2.0), min_size=0, max_size=4),
    pairs=st.lists(st.tuples(st.floats(0.05, 2.0), st.floats(0.1, 3.0)), min_size=0, max_size=3),
    nonnormality=st.floats(0.0, 0.9),
    seed=st.integers(0, 100),
)
def test_eigenvalues_round_trip_and_matrix_is_real(reals, pairs, nonnormality, seed):
    lam = list(reals)
    for radius, phase in pairs:
        z = radius * np.exp(1j * phase)
        lam += [z, np.conj(z)]
    if not lam:
        lam = [0.5]
    W = matrix_from_eigenvalues(lam, nonnormality=nonnormality, seed=seed)
    assert W.dtype == np.float64 and W.shape == (len(lam), len(lam))
    got = np.sort_complex(np.linalg.eigvals(W))
    want = np.sort_complex(np.array(lam, dtype=complex))
    # eigenvalues may be ill-conditioned when they nearly coincide, so match as a multiset
    scale = 1e-6 / (1.0 - nonnormality) ** 2
    for z in want:
        j = int(np.argmin(np.abs(got - z)))
        assert abs(got[j] - z) <= scale * max(1.0, abs(z)) + 1e-4 * (len(lam) > 1)
        got = np.delete(got, j)


def test_distinct_eigenvalues_round_trip_tightly():
    lam = np.array([1.2, 0.9, -0.5, 0.3 + 0.8j, 0.3 - 0.8j, -0.6 + 0.1j, -0.6 - 0.1j])
    W = matrix_from_eigenvalues(lam, nonnormality=0.7, seed=5)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(W)), np.sort_complex(lam), atol=1e-12)


def test_missing_conjugate_is_reported_by_index_and_value():
    with pytest.raises(ValueError, match=r"eigenvalues\[2\] = \(0\.2\+0\.7j\).*conjugate"):
        matrix_from_eigenvalues([0.5, 0.2 + 0.7j, 0.2 + 0.7j, 0.2 - 0.7j])
    with pytest.raises(ValueError, match=r"eigenvalues\[2\] = \(0\.1-0\.3j\)"):
        matrix_from_eigenvalues([0.5, 0.1 + 0.4j, 0.1 - 0.3j, 0.1 - 0.4j])


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan")])
def test_nonnormality_outside_unit_interval_is_rejected(bad):
    with pytest.raises(ValueError, match="nonnormality"):
        matrix_from_eigenvalues([0.5, 0.2], nonnormality=bad)


def test_zero_nonnormality_gives_a_normal_matrix():
    W = matrix_from_eigenvalues([1.1, -0.3, 0.4 + 0.4j, 0.4 - 0.4j, 0.0], nonnormality=0.0, seed=9)
    commutator = W @ W.T - W.T @ W
    assert np.linalg.norm(commutator) <= 1e-13 * np.linalg.norm(W, 2) ** 2


def test_eigenvector_condition_grows_like_one_over_one_minus_nonnormality():
    lam = [0.9, 0.7, 0.5, 0.3, -0.4]
    conds = []
    for nu in [0.0, 0.3, 0.6, 0.9, 0.99]:
        W = matrix_from_eigenvalues(lam, nonnormality=nu, seed=1)
        _, V = np.linalg.eig(W)
        conds.append(np.linalg.cond(V))
        assert conds[-1] == pytest.approx(1.0 / (1.0 - nu), rel=1e-6)
    assert all(a < b for a, b in itertools.pairwise(conds))


def test_non_normality_creates_transient_growth_with_the_same_eigenvalues():
    lam = [0.97, 0.9, 0.8, 0.7]
    calm = spectrum_growth(matrix_from_eigenvalues(lam, nonnormality=0.0), 100)
    hump = spectrum_growth(matrix_from_eigenvalues(lam, nonnormality=0.99), 100)
    assert calm.log_rho == pytest.approx(hump.log_rho, abs=1e-12)
    assert not calm.transient_growth
    assert hump.transient_growth and math.exp(hump.log_peak) > 10.0


# ----------------------------------------------------------------------------
# spectrum_growth


def test_spectrum_growth_on_triangular_matrix():
    a, c = 0.8, 10.0
    g = spectrum_growth([[a, c], [0.0, a]], 60)
    t = np.arange(61)
    # ||[[a^t, c t a^(t-1)], [0, a^t]]||, the Jordan-type closed form
    closed = [np.linalg.norm([[a**k, c * k * a ** (k - 1) if k else 0.0], [0.0, a**k]], 2) for k in t]
    np.testing.assert_allclose(np.exp(g.log_norm_power), closed, rtol=1e-12)
    assert g.peak_step == int(np.argmax(closed[1:])) + 1
    assert g.log_peak == pytest.approx(math.log(max(closed[1:])), rel=1e-12)
    assert g.transient_growth and not g.is_normal
    assert math.isinf(g.cond_V)
    assert g.log_rho == pytest.approx(math.log(a))
    assert g.log_norm_W == pytest.approx(math.log(np.linalg.norm([[a, c], [0.0, a]], 2)))
    np.testing.assert_allclose(g.gelfand, np.array(closed[1:]) ** (1.0 / t[1:]), rtol=1e-12)


def test_gelfand_ratio_approaches_spectral_radius():
    W = matrix_from_eigenvalues([0.95, 0.5, -0.3], nonnormality=0.9, seed=0)
    g = spectrum_growth(W, 4000)
    assert abs(g.gelfand[-1] - 0.95) < 0.01 * 0.95
    assert abs(g.gelfand[-1] - 0.95) < abs(g.gelfand[9] - 0.95)


def test_spectrum_growth_has_no_peak_when_rho_is_at_least_one():
    g = spectrum_growth(jordan_block(1.0, 3), 30)
    assert g.peak_step is None and g.log_peak is None and not g.transient_growth


def test_normal_matrix_flags_and_condition_number():
    g = spectrum_growth(matrix_from_eigenvalues([0.5, 0.2 + 0.3j, 0.2 - 0.3j], seed=2), 10)
    assert g.is_normal
    assert g.cond_V == 1.0
    assert g.peak_step == 1 and g.log_peak == pytest.approx(math.log(0.5))
    np.testing.assert_allclose(np.abs(g.eigenvalues), [0.5, math.hypot(0.2, 0.3), math.hypot(0.2, 0.3)])


# ----------------------------------------------------------------------------
# mode_contributions


def test_mode_contributions_match_hand_computed_coefficients():
    # eigenvectors e1 (lambda = 2) and (1, -1.5)/sqrt(3.25) (lambda = 0.5)
    W = np.array([[2.0, 1.0], [0.0, 0.5]])
    mc = mode_contributions(W, [0.0, 1.0], 5)
    t = np.arange(6)
    c2 = math.sqrt(3.25) / 1.5
    c1 = 1.0 / 1.5
    np.testing.assert_allclose(mc.log_contributions[0], math.log(c1) + t * math.log(2.0), rtol=1e-12)
    np.testing.assert_allclose(mc.log_contributions[1], math.log(c2) + t * math.log(0.5), rtol=1e-12)
    assert mc.reliable
    exact = [np.linalg.norm(np.linalg.matrix_power(W, k) @ [0.0, 1.0]) for k in t]
    np.testing.assert_allclose(np.exp(mc.log_norm_trajectory), exact, rtol=1e-13)


def test_modes_of_a_normal_matrix_add_up_by_pythagoras():
    lam = [0.95, 0.9 * np.exp(0.7j), 0.9 * np.exp(-0.7j), -0.6, 0.3]
    W = matrix_from_eigenvalues(lam, seed=3)
    x = np.array([1.0, -2.0, 0.5, 0.3, 1.0])
    mc = mode_contributions(W, x, 40)
    assert mc.is_pair.sum() == 1 and len(mc.eigenvalues) == 4
    # orthonormal modes: ||W^t x||^2 = sum |c lambda^t|^2; a pair row holds 2|c lambda^t| for two modes
    weight = np.where(mc.is_pair, 0.5, 1.0)
    total = np.sum(weight[:, None] * np.exp(2 * mc.log_contributions), axis=0)
    np.testing.assert_allclose(total, np.exp(2 * mc.log_norm_trajectory), rtol=1e-10)


def test_modal_picture_is_flagged_unreliable_for_defective_and_ill_conditioned_matrices():
    assert not mode_contributions(jordan_block(0.9, 3), np.ones(3), 5).reliable
    W = matrix_from_eigenvalues([0.9, 0.8, 0.7], nonnormality=1 - 1e-10)
    mc = mode_contributions(W, np.ones(3), 5)
    assert mc.cond_V > 1e8 and not mc.reliable
    zero_mode = mode_contributions(np.diag([0.5, 0.0]), [1.0, 1.0], 3).log_contributions[1]
    assert zero_mode.tolist() == [0.0, -math.inf, -math.inf, -math.inf]


# ----------------------------------------------------------------------------
# half-lives, float limits, random spectra, modes and the page scenarios


def test_half_life_halves_and_doubles_the_mode():
    lam = [0.8, 1.25, -0.9, 0.3 + 0.4j, 1.0, 0.0]
    h = half_life_steps(lam)
    finite = np.isfinite(h.steps) & (h.steps > 0)
    # |lambda|^steps is exactly 1/2 or 2 at the half-life
    ratio = h.magnitude[finite] ** h.steps[finite]
    expected = np.where(h.direction[finite] == "doubling", 2.0, 0.5)
    np.testing.assert_allclose(ratio, expected, rtol=1e-12)
    assert h.direction.tolist() == ["halving", "doubling", "halving", "halving", "steady", "halving"]
    assert math.isinf(h.steps[4]) and h.steps[5] == 0.0


def test_float_limits_match_exact_integer_thresholds():
    f32_max = int(np.finfo(np.float32).max)
    f64_max = int(np.finfo(np.float64).max)
    f32_tiny = Fraction(float(np.finfo(np.float32).tiny))
    f64_tiny = Fraction(float(np.finfo(np.float64).tiny))
    t = np.arange(800)
    up = float_limit_steps(t * math.log(3.0))
    down = float_limit_steps(-t * math.log(3.0))
    assert up.float32_overflow_step == next(k for k in t if 3 ** int(k) > f32_max)
    assert up.float64_overflow_step == next(k for k in t if 3 ** int(k) > f64_max)
    assert down.float32_underflow_step == next(k for k in t if Fraction(1, 3 ** int(k)) < f32_tiny)
    assert down.float64_underflow_step == next(k for k in t if Fraction(1, 3 ** int(k)) < f64_tiny)
    assert up.float32_underflow_step is None and down.float64_overflow_step is None
    assert up.float32_exit_step == up.float32_overflow_step
    assert float_limit_steps([0.0, -math.inf]).float64_underflow_step == 1
    with pytest.raises(ValueError, match="NaN"):
        float_limit_steps([0.0, float("nan")])


def test_random_spectrum_eigenvalues_and_trajectory():
    n, gain, seed = 60, 1.1, 3
    rs = random_gaussian_spectrum(n, gain, seed, 40)
    W = gaussian_matrix(n, gain, seed)
    np.testing.assert_allclose(np.sort_complex(rs.eigenvalues), np.sort_complex(np.linalg.eigvals(W)))
    assert rs.log_rho == pytest.approx(math.log(np.max(np.abs(np.linalg.eigvals(W)))))
    x = np.random.default_rng([seed, 1]).standard_normal(n)
    x /= np.linalg.norm(x)
    exact = [np.linalg.norm(np.linalg.matrix_power(W, k) @ x) for k in range(41)]
    np.testing.assert_allclose(np.exp(rs.log_norm_trajectory), exact, rtol=1e-10)
    np.testing.assert_allclose(rs.log_reference, np.arange(41) * math.log(gain))


@pytest.mark.parametrize("gain", [0.9, 1.1])
def test_random_spectrum_fills_the_disc_of_radius_gain(gain):
    rs = random_gaussian_spectrum(200, gain, 0, 0)
    radius = np.abs(rs.eigenvalues)
    assert np.all(np.diff(radius) <= 0.0)
    assert np.mean(radius <= 1.05 * gain) > 0.97
    # uniform on the disc: half of the eigenvalues lie within radius gain / sqrt(2)
    assert np.mean(radius <= gain / math.sqrt(2.0)) == pytest.approx(0.5, abs=0.07)


@pytest.mark.parametrize("gain", [0.0, -1.0, 1e3, float("inf")])
def test_random_spectrum_rejects_gain_outside_range(gain):
    with pytest.raises(ValueError, match="gain"):
        random_gaussian_spectrum(10, gain, 0, 5)


def test_spectrum_from_modes_builds_real_values_and_conjugate_pairs():
    lam = spectrum_from_modes([(1.05, 0.0, "real"), (0.5, math.pi, "real"), (0.8, 2.0, "pair")])
    np.testing.assert_allclose(lam, [1.05, -0.5, 0.8 * np.exp(2j), 0.8 * np.exp(-2j)])
    assert lam[0].imag == 0.0 and lam[1].imag == 0.0
    W = matrix_from_eigenvalues(lam)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(W)), np.sort_complex(lam), atol=1e-13)


@pytest.mark.parametrize(
    ("modes", "message"),
    [
        ([], "1 to"),
        ([(0.5, 0.0, "real")] * (MAX_SPECTRUM_MODES + 1), "1 to"),
        ([(0.5, 1.0, "real")], r"modes\[0\].*0 or pi"),
        ([(0.5, 0.0, "real"), (0.5, math.pi, "pair")], r"modes\[1\].*multiple of pi"),
        ([(-0.5, 0.0, "real")], r"modes\[0\] magnitude"),
        ([(0.5, 0.0, "complex")], r"modes\[0\] kind"),
        ([(0.5, 0.0)], r"modes\[0\] must be"),
    ],
)
def test_spectrum_from_modes_rejects_malformed_modes(modes, message):
    with pytest.raises(ValueError, match=message):
        spectrum_from_modes(modes)


def test_eigenvalue_scenarios_show_what_their_notes_claim():
    keys = [s.key for s in EIGENVALUE_SCENARIOS]
    assert len(keys) == len(set(keys)) >= 8
    built = {key: spectrum_matrix(key) for key in keys}
    for key, (W, steps) in built.items():
        assert np.isrealobj(W) and np.all(np.isfinite(W)) and steps >= 10, key
    rho = {key: math.log(np.max(np.abs(np.linalg.eigvals(W)))) for key, (W, _) in built.items()}
    assert math.exp(rho["all_inside"]) < 1.0
    assert math.exp(rho["one_outside"]) == pytest.approx(1.05)
    assert math.exp(rho["critical_rotation"]) == pytest.approx(1.0)
    rotation = spectrum_growth(built["critical_rotation"][0], 200)
    np.testing.assert_allclose(rotation.log_norm_power, 0.0, atol=1e-12)
    growth = spectrum_growth(*built["nonnormal_transient"])
    assert growth.log_rho < 0.0 and math.exp(growth.log_peak) > 10.0
    assert growth.log_norm_power[-1] < 0.0
    W, _ = built["jordan_critical"]
    logs = matrix_power_log_norms(W, 1000)
    assert logs[-1] == pytest.approx(jordan_power_log_norm(1.0, W.shape[0], 1000), rel=1e-12)
    for key, gain in [("random_0.9", 0.9), ("random_1.0", 1.0), ("random_1.1", 1.1)]:
        assert abs(math.exp(rho[key]) - gain) < 0.1 * gain


# ----------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    ("W", "steps", "message"),
    [
        (np.ones((2, 3)), 3, "square"),
        (np.array([[np.nan]]), 3, "finite"),
        (np.array([[1j]]), 3, "real"),
        (np.eye(2), -1, "steps"),
        (np.eye(2), MAX_POWER_STEPS + 1, "steps"),
        (np.eye(2), True, "steps"),
        (np.eye(2), 2.5, "steps"),
        (np.eye(200), int(MAX_POWER_WORK // 200**3) + 1, r"steps \* n\*\*3"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_argument(W, steps, message):
    with pytest.raises(ValueError, match=message):
        matrix_power_log_norms(W, steps)


def test_vector_shape_mismatch_is_rejected():
    with pytest.raises(ValueError, match="g must have shape"):
        gradient_log_norms(np.eye(3), np.ones(2), 4)
    with pytest.raises(ValueError, match="x must have shape"):
        mode_contributions(np.eye(3), np.ones(4), 4)


# ----------------------------------------------------------------------------
# helpers of the eigenvalue page


def test_growth_regime_absorbs_rounding_on_the_unit_circle():
    on_circle = spectrum_from_modes([(1.0, 0.7, "pair"), (1.0, math.pi, "real")])
    labels = growth_regime(on_circle)
    assert labels.shape == (3,) and labels.dtype == object
    assert labels.tolist() == [Regime.NEUTRAL] * 3
    both = growth_regime([1.0 + 2e-9, 1.0 - 2e-9, 0.0]).tolist()
    assert both == [Regime.EXPLODES, Regime.VANISHES, Regime.VANISHES]
    assert all(type(r) is Regime for r in both)
    assert growth_regime([1.0 + 2e-9], tol=0.0).tolist() == ["explodes"]  # a StrEnum equals its value
    W = matrix_from_eigenvalues(on_circle, nonnormality=0.9, seed=2)
    assert set(growth_regime(np.linalg.eigvals(W)).tolist()) == {Regime.NEUTRAL}


@pytest.mark.parametrize(("values", "tol", "message"), [
    ([np.nan], 1e-9, "finite"), ([], 1e-9, "1-D"), (["a"], 1e-9, "numbers"), ([1.0], 0.6, "tol"),
])
def test_growth_regime_rejects_bad_input(values, tol, message):
    with pytest.raises(ValueError, match=message):
        growth_regime(values, tol=tol)


def test_unit_vector_is_seeded_unit_and_matches_the_random_spectrum_start():
    x = unit_vector(50, seed=7)
    assert np.linalg.norm(x) == pytest.approx(1.0, abs=1e-14)
    assert np.array_equal(x, unit_vector(50, seed=7))
    assert not np.allclose(x, unit_vector(50, seed=7, stream=2))
    assert not np.allclose(x, unit_vector(50, seed=8))
    # random_gaussian_spectrum starts from the stream-1 vector: its first log norm is ln 1 = 0
    W = gaussian_matrix(50, 1.0, 7)
    rs = random_gaussian_spectrum(50, 1.0, seed=7, steps=3)
    expected = math.log(np.linalg.norm(np.linalg.matrix_power(W, 3) @ x))
    assert rs.log_norm_trajectory[3] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="n must be"):
        unit_vector(0, seed=1)


def test_late_growth_rate_skips_the_transient_and_recovers_rho():
    g = spectrum_growth([[0.8, 10.0], [0.0, 0.8]], 2000)
    rate = late_log_growth_rate(g.log_norm_power)
    # ||J^t|| ~ c t 0.8^t: the log-slope is ln 0.8 + 1/t, within 1e-3 of ln 0.8 for t >= 1000
    assert rate == pytest.approx(math.log(0.8), abs=2e-3)
    assert math.isnan(late_log_growth_rate([0.0]))
    assert math.isnan(late_log_growth_rate([0.0, -math.inf, -math.inf]))
    assert late_log_growth_rate([0.0, 1.0, 5.0, 6.0], start_fraction=0.0) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="NaN"):
        late_log_growth_rate([0.0, math.nan])
    with pytest.raises(ValueError, match="start_fraction"):
        late_log_growth_rate([0.0, 1.0], start_fraction=1.0)


@pytest.mark.parametrize(("lam", "size"), [(1.0, 4), (-1.0, 3), (0.9, 5), (1.2, 2), (0.0, 3), (2.0, 1)])
def test_jordan_corner_is_the_corner_of_the_explicit_power(lam, size):
    steps = 40
    logs = jordan_corner_log(lam, size, steps)
    J = jordan_block(lam, size)
    for t in range(steps + 1):
        corner = abs(np.linalg.matrix_power(J, t)[0, size - 1])
        if corner == 0.0:
            assert logs[t] == -math.inf, t
        else:
            assert logs[t] == pytest.approx(math.log(corner), rel=1e-12, abs=1e-12), t


def test_jordan_corner_bounds_the_norm_from_below_and_stays_finite_for_huge_steps():
    steps = MAX_POWER_STEPS
    corner = jordan_corner_log(1.0, 8, steps)
    with strict_float_errors():
        norms = matrix_power_log_norms(jordan_block(1.0, 8), 2000)
    assert np.all(corner[:2001] <= norms + 1e-12)
    assert np.all(np.isfinite(corner[7:]))
    assert corner[-1] == pytest.approx(7 * math.log(steps) - math.log(5040), rel=1e-3)


def test_modal_cancellation_is_small_for_normal_and_large_for_tilted_eigenvectors():
    lam = [0.97, 0.9, 0.8, 0.7]
    x = unit_vector(4, seed=0)
    normal = mode_contributions(matrix_from_eigenvalues(lam, seed=0), x, 50)
    assert modal_cancellation_log(normal) <= 1e-12
    pair = mode_contributions(matrix_from_eigenvalues([0.5 + 0.5j, 0.5 - 0.5j], seed=0), x[:2], 20)
    assert modal_cancellation_log(pair) <= math.log(2.0) + 1e-12
    tilted = mode_contributions(matrix_from_eigenvalues(lam, nonnormality=0.99, seed=0), x, 50)
    # c = V^-1 x with cond(V) = 100: the parts are up to ~100 times the whole
    assert math.log(10.0) < modal_cancellation_log(tilted) <= math.log(2 * 100.0)
    zero = mode_contributions(np.zeros((2, 2)), [0.0, 0.0], 3)
    assert math.isnan(modal_cancellation_log(zero))
    with pytest.raises(ValueError, match="ModeContributions"):
        modal_cancellation_log("nope")
