"""Tests for explorer.sim._validate: one rule per kind of argument, applied by every sim module."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer import sim
from explorer.sim._validate import choice, integer, real, real_array, square_matrix

# --------------------------------------------------------------------------- integers


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), 3.0, np.float32(3.0), np.array(3), np.array(3.0)])
def test_integer_accepts_integers_and_integral_floats(value):
    out = integer("n", value, 1, 256)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, np.bool_(False), 3.5, math.nan, math.inf, -math.inf, "3", None, 3 + 0j,
                                   [3], Fraction(3, 1), np.array([3])])
def test_integer_rejects_everything_else_naming_the_argument(value):
    with pytest.raises(ValueError, match=r"^n must be an integer in \[1, 256\], got "):
        integer("n", value, 1, 256)


def test_integer_message_shows_the_value_and_the_range():
    with pytest.raises(ValueError, match=r"^n must be an integer in \[1, 256\], got 3\.5$"):
        integer("n", 3.5, 1, 256)
    with pytest.raises(ValueError, match=r"^n must be an integer in \[1, 256\], got 300$"):
        integer("n", 300, 1, 256)
    with pytest.raises(ValueError, match=r"^n must be an integer in \[1, 256\], got 0\.0$"):
        integer("n", 0.0, 1, 256)
    with pytest.raises(ValueError, match=r"got '3'$"):
        integer("n", "3", 1, 256)


def test_integer_open_ended_bounds():
    assert integer("seed", 2**70, 0) == 2**70
    assert integer("k", -5) == -5
    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0, got -1$"):
        integer("seed", -1, 0)
    with pytest.raises(ValueError, match=r"^k must be an integer <= 3, got 4$"):
        integer("k", 4, None, 3)
    with pytest.raises(ValueError, match=r"^k must be an integer, got 0\.5$"):
        integer("k", 0.5)


@given(st.integers(-10**6, 10**6))
def test_integer_is_identity_on_ints_in_range(n):
    assert integer("n", n, -10**6, 10**6) == n
    assert integer("n", float(n), -10**6, 10**6) == n


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not (math.isfinite(x) and x.is_integer())))
def test_integer_rejects_every_non_integral_float(x):
    with pytest.raises(ValueError, match="must be an integer"):
        integer("n", x)


# --------------------------------------------------------------------------- reals


@pytest.mark.parametrize("value", [2, 2.0, np.float32(2.0), np.int8(2), Fraction(2, 1), np.array(2.0)])
def test_real_accepts_real_numbers(value):
    out = real("x", value, 0.0, 10.0)
    assert out == 2.0 and type(out) is float


@pytest.mark.parametrize("value", [True, np.bool_(True), math.nan, math.inf, -math.inf, "2", None, 2j, [2.0],
                                   np.array([2.0])])
def test_real_rejects_everything_else(value):
    with pytest.raises(ValueError, match=r"^x must be a finite real number in \[0, 10\], got "):
        real("x", value, 0.0, 10.0)


def test_real_bounds_closed_and_open():
    assert real("x", 0.0, 0.0, 1.0) == 0.0 and real("x", 1.0, 0.0, 1.0) == 1.0
    with pytest.raises(ValueError, match=r"^x must be a finite real number in \(0, 1\), got 0\.0$"):
        real("x", 0.0, 0.0, 1.0, open_low=True, open_high=True)
    with pytest.raises(ValueError, match=r"in \(0, 1\), got 1\.0$"):
        real("x", 1.0, 0.0, 1.0, open_low=True, open_high=True)
    with pytest.raises(ValueError, match=r"^x must be a finite real number in \[0, 1\], got 1\.5$"):
        real("x", 1.5, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"^x must be a finite real number >= 0, got -1$"):
        real("x", -1, 0.0)
    with pytest.raises(ValueError, match=r"^x must be a finite real number > 0, got 0$"):
        real("x", 0, 0.0, open_low=True)
    with pytest.raises(ValueError, match=r"^x must be a finite real number <= 2, got 3$"):
        real("x", 3, high=2.0)
    with pytest.raises(ValueError, match=r"^x must be a finite real number < 2, got 2$"):
        real("x", 2, high=2.0, open_high=True)
    with pytest.raises(ValueError, match=r"^x must be a finite real number, got nan$"):
        real("x", math.nan)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_real_is_identity_on_finite_floats(x):
    assert real("x", x) == x


# --------------------------------------------------------------------------- choices


def test_choice_accepts_only_listed_strings():
    assert choice("form", "row", ("column", "row")) == "row"
    assert type(choice("regime", sim.Regime.ZERO, list(sim.Regime))) is str
    for bad in ("diagonal", None, 1, ["row"], b"row"):
        with pytest.raises(ValueError, match=r"^form must be one of 'column', 'row'; got "):
            choice("form", bad, ("column", "row"))


# --------------------------------------------------------------------------- arrays


def test_real_array_converts_and_checks_shape():
    out = real_array("x", [1, 2, 3], (None,))
    assert out.dtype == float and out.tolist() == [1.0, 2.0, 3.0]
    assert real_array("b", [True, False]).tolist() == [1.0, 0.0]
    assert real_array("f", np.array([Fraction(1, 2)], dtype=object)).tolist() == [0.5]
    assert real_array("W", np.ones((2, 3)), (2, None)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"^W must have shape \(2, n\), got \(3, 3\)$"):
        real_array("W", np.ones((3, 3)), (2, None))
    with pytest.raises(ValueError, match=r"^x must have shape \(4,\) to match W, got \(3,\)$"):
        real_array("x", np.ones(3), (4,), "(4,) to match W")
    with pytest.raises(ValueError, match=r"^x must have shape \(3,\), got \(3, 1\)$"):
        real_array("x", np.ones((3, 1)), (3,))


@pytest.mark.parametrize(("value", "message"), [
    ([1j, 2.0], "x must be real, got complex entries"),
    (["a", "b"], "x must be a real array of numbers, got dtype <U1"),
    (np.array([None], dtype=object), "x must be a real array of numbers, got dtype object"),
    (np.array([True], dtype=object), "x must be a real array of numbers, got dtype object"),
    ([[1.0], [1.0, 2.0]], "x must be a real array, got list"),
    ([1.0, math.nan], "x must have finite entries (no NaN or inf)"),
    ([1.0, math.inf], "x must have finite entries (no NaN or inf)"),
    ([1.0, 2e9], "x entries must satisfy |entry| <= 1e+06"),
])
def test_real_array_rejects_with_a_named_reason(value, message):
    with pytest.raises(ValueError) as err:
        real_array("x", value, max_abs=1e6)
    assert str(err.value) == message


def test_square_matrix_checks_shape_size_and_entries():
    assert square_matrix("W", [[1, 2], [3, 4]], 4).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    for bad in (np.ones((2, 3)), np.ones(4), np.ones((0, 0)), np.eye(5), np.ones((1, 1, 1))):
        with pytest.raises(ValueError, match=r"^W must be a square 2-D matrix \(n x n, 1 <= n <= 4\), got shape"):
            square_matrix("W", bad, 4)
    with pytest.raises(ValueError, match="W must be a square 2-D matrix, got list"):
        square_matrix("W", [[1.0], [1.0, 2.0]], 4)
    with pytest.raises(ValueError, match="finite"):
        square_matrix("W", [[math.nan]], 4)
    with pytest.raises(ValueError, match="complex"):
        square_matrix("W", [[1j]], 4)


# --------------------------------------------------------------------------- the one rule, everywhere


@pytest.mark.parametrize("call", [
    lambda n: sim.gaussian_matrix(n, seed=0),
    lambda n: sim.random_gaussian_preset(n, 1.0, 0),
    lambda n: sim.simulate_random_rnn("tanh", n, 5, seed=0),
    lambda n: sim.deep_network_gradients(n, 4, "tanh", sigma_w=1.0, seed=0),
    lambda n: sim.unit_vector(n, seed=0),
    lambda n: sim.derivative_histogram("tanh", n_samples=n, bins=n),
    lambda n: sim.parse_matrix("1", max_size=n),
])
def test_every_module_applies_the_same_integer_rule(call):
    call(3)
    call(3.0)  # integral floats are integers in every module
    for bad in (3.5, True, math.nan, "3"):
        with pytest.raises(ValueError, match="must be an integer"):
            call(bad)
