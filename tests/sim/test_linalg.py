"""Tests for explorer.sim._linalg: every certified ``σ_max`` route against ``np.linalg.norm(W, 2)``.

The reference is NumPy's SVD-based 2-norm, independent of the LAPACK
eigensolver the module uses.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.sim import _linalg
from explorer.sim._linalg import (
    SVD_MAX_SIZE,
    StackedTopSingularValueTracker,
    TopSingularValueTracker,
    log_spectral_norm,
    log_top_singular_values,
    top_eigenvalue,
    top_singular_value,
)


def _with_singular_values(sigma, seed=0):
    rng = np.random.default_rng(seed)
    n = len(sigma)
    U = np.linalg.qr(rng.standard_normal((n, n)))[0]
    V = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return (U * np.asarray(sigma, dtype=float)) @ V.T


def _cases():
    rng = np.random.default_rng(3)
    for n in (5, SVD_MAX_SIZE, SVD_MAX_SIZE + 1, 80, 300):
        yield f"gaussian-{n}", rng.standard_normal((n, n)) / math.sqrt(n)
    for n in (12, 70):
        yield f"rank2-{n}", rng.standard_normal((n, 2)) @ rng.standard_normal((2, n))
        yield f"repeated-{n}", _with_singular_values([3.0] * (n // 2) + [1.0] * (n - n // 2), seed=n)
        yield f"orthogonal-{n}", np.linalg.qr(rng.standard_normal((n, n)))[0]
        # scaled by exact powers of two: the norm scales exactly, so the reference stays exact
        yield f"huge-{n}", np.ldexp(rng.standard_normal((n, n)), 400)
        yield f"tiny-{n}", np.ldexp(rng.standard_normal((n, n)), -400)


CASES = dict(_cases())


@pytest.mark.parametrize("name", CASES)
def test_top_singular_value_matches_numpy_two_norm(name):
    W = CASES[name]
    assert top_singular_value(W) == pytest.approx(np.linalg.norm(W, 2), rel=1e-12)


@pytest.mark.parametrize("name", [k for k in CASES if not k.startswith(("huge", "tiny"))])
def test_log_spectral_norm_never_underestimates_and_is_tight(name):
    W = CASES[name]
    exact = math.log(np.linalg.norm(W, 2))
    got = log_spectral_norm(W)
    assert exact - 1e-13 <= got <= exact + 1e-9


def test_log_spectral_norm_of_zero_is_minus_infinity():
    assert log_spectral_norm(np.zeros((4, 4))) == -math.inf


def test_failed_certificate_falls_back_to_exact_norm(monkeypatch):
    # A Lanczos estimate that is far too small must not leak into the bound.
    rng = np.random.default_rng(1)
    w = rng.standard_normal((300, 300)) / math.sqrt(300)
    monkeypatch.setattr(_linalg, "_lanczos_top_eigenvalue", lambda gram: 0.5)
    assert log_spectral_norm(w) == pytest.approx(math.log(np.linalg.norm(w, 2)), abs=1e-12)


def test_top_eigenvalue_reads_the_upper_triangle_only():
    A = np.array([[2.0, 1.0], [np.nan, 2.0]])  # lower triangle is never read
    assert top_eigenvalue(A) == pytest.approx(3.0, rel=1e-15)


@pytest.mark.parametrize("n", [8, 40])
def test_batched_norms_match_numpy_on_stacks_with_and_without_a_basis(n):
    rng = np.random.default_rng(n)
    S = np.stack([rng.standard_normal((n, n)),
                  _with_singular_values([2.0] * n, seed=1),
                  np.outer(rng.standard_normal(n), rng.standard_normal(n)),
                  np.zeros((n, n))])
    fro2 = np.einsum("bij,bij->b", S, S)
    want = [math.log(np.linalg.norm(M, 2)) if fro2[i] else -math.inf for i, M in enumerate(S)]
    basis = np.linalg.qr(rng.standard_normal((n, 4)))[0]
    for b in (None, basis):
        got = log_top_singular_values(S, fro2, b)
        np.testing.assert_allclose(got, want, rtol=0.0, atol=1e-12)


def test_tracker_follows_a_growing_product_within_its_tolerance():
    rng = np.random.default_rng(5)
    n = 64
    W = 1.1 * np.linalg.qr(rng.standard_normal((n, n)))[0] + 0.05 * rng.standard_normal((n, n))
    tracker = TopSingularValueTracker(n, 8, 2.5e-7, adaptive=True)
    P = np.eye(n)
    for _ in range(40):
        P = P @ W
        P /= np.linalg.norm(P, 2)  # keep it near unit size; the reference is the same matrix
        got = tracker(P, float(np.sum(P * P)))
        assert abs(math.log(got) - math.log(np.linalg.norm(P, 2))) <= 2.5e-7
    assert tracker.n_block + tracker.n_frobenius + tracker.n_exact == 40


def test_stacked_tracker_follows_growing_products_row_by_row():
    # the grid's pattern: row r is one product that keeps growing, and a new (short) row joins each call
    rng = np.random.default_rng(8)
    n, rows = 48, 12
    W = 1.05 * np.linalg.qr(rng.standard_normal((n, n)))[0] + 0.08 * rng.standard_normal((n, n))
    tracker = StackedTopSingularValueTracker(rows, n, 8, 2.5e-7)
    stack = np.zeros((0, n, n))
    for call in range(rows):
        segment = np.linalg.matrix_power(W * rng.uniform(0.5, 1.0, n)[None, :], 5)
        stack = np.concatenate([stack @ segment, segment[None]])
        stack /= np.abs(stack).max(axis=(1, 2))[:, None, None]  # near unit size, as the grid keeps them
        fro2 = np.einsum("bij,bij->b", stack, stack)
        got = tracker(stack, fro2)
        want = np.log(np.linalg.norm(stack, 2, axis=(1, 2)))
        assert got.shape == (call + 1,)
        np.testing.assert_allclose(got, want, rtol=0.0, atol=2.5e-7)
    assert tracker.n_block > 0  # most rows were certified by the block iteration ...
    assert tracker.n_block + tracker.n_exact == rows * (rows + 1) // 2  # ... and every row was answered once
    assert tracker.max_error <= 2.5e-7


def test_stacked_tracker_zero_rows_and_flat_spectra():
    n = 40
    S = np.stack([np.zeros((n, n)), _with_singular_values([1.0] * n, seed=2),
                  _with_singular_values(np.linspace(1.0, 0.9, n), seed=3)])
    fro2 = np.einsum("bij,bij->b", S, S)
    tracker = StackedTopSingularValueTracker(3, n, 8, 2.5e-7)
    got = tracker(S, fro2)
    assert got[0] == -math.inf
    np.testing.assert_allclose(got[1:], np.log(np.linalg.norm(S[1:], 2, axis=(1, 2))), rtol=0.0, atol=2.5e-7)
    assert tracker.n_exact >= 1  # a flat spectrum does not certify from a block of 8: the direct value is used


@settings(max_examples=25, deadline=None)
@given(n=st.integers(SVD_MAX_SIZE + 1, 56), b=st.integers(1, 5), seed=st.integers(0, 2**32 - 1),
       decay=st.floats(0.3, 1.0))
def test_stacked_tracker_on_random_stacks(n, b, seed, decay):
    rng = np.random.default_rng(seed)
    S = np.stack([_with_singular_values(decay ** np.arange(n) * rng.uniform(0.5, 2.0), seed=seed + i)
                  for i in range(b)])
    fro2 = np.einsum("bij,bij->b", S, S)
    got = StackedTopSingularValueTracker(b, n, 8, 2.5e-7)(S, fro2)
    np.testing.assert_allclose(got, np.log(np.linalg.norm(S, 2, axis=(1, 2))), rtol=0.0, atol=2.5e-7)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 48), seed=st.integers(0, 2**32 - 1), log2_scale=st.integers(-300, 300))
def test_top_singular_value_on_random_scaled_matrices(n, seed, log2_scale):
    W = np.ldexp(np.random.default_rng(seed).standard_normal((n, n)), log2_scale)
    assert top_singular_value(W) == pytest.approx(np.linalg.norm(W, 2), rel=1e-12)


@pytest.mark.parametrize("basis_error", [0.0, 1e-9, 1.0])
def test_certified_spectral_norm_agrees_with_svd(basis_error):
    rng = np.random.default_rng(1)
    n, b, k = 20, 6, 8
    # a dominant rank-3 part on top of small noise, like a high matrix power
    left = rng.standard_normal((b, n, 3))
    right = np.linalg.qr(rng.standard_normal((n, 3)))[0]
    S = left @ (np.array([5.0, 3.0, 2.0])[:, None] * right.T) + 1e-3 * rng.standard_normal((b, n, n))
    guess = np.hstack([right, rng.standard_normal((n, k - 3))]) + basis_error * rng.standard_normal((n, k))
    basis = np.linalg.qr(guess)[0]
    fro2 = np.einsum("bij,bij->b", S, S)
    got = log_top_singular_values(S, fro2, basis)
    want = np.log(np.linalg.svd(S, compute_uv=False)[:, 0])
    np.testing.assert_allclose(got, want, rtol=0.0, atol=1e-12)


def test_certified_spectral_norm_is_not_fooled_by_a_basis_missing_the_top_direction():
    rng = np.random.default_rng(2)
    n, k = 20, 8
    U = np.linalg.qr(rng.standard_normal((n, n)))[0]
    V = np.linalg.qr(rng.standard_normal((n, n)))[0]
    sigma = np.geomspace(4.0, 1e-3, n)
    S = (U * sigma) @ V.T
    # an exactly invariant subspace of S^T S that leaves out the largest singular direction
    basis = V[:, 1 : k + 1]
    got = log_top_singular_values(S[None], np.array([np.sum(S * S)]), basis)
    assert got[0] == pytest.approx(math.log(4.0), rel=1e-13)
