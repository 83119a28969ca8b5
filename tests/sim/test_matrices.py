"""Tests for the typed-matrix parser: accepted layouts, precise errors, fuzzing, round trips."""

import ast
import builtins
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer.sim._matrices import (
    MAX_MATRIX_SIZE,
    MAX_MATRIX_TEXT_LENGTH,
    MatrixInputError,
    format_matrix,
    parse_matrix,
)

TWO_BY_TWO = np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    "text",
    [
        "1 2\n3 4",
        "1,2;3,4",
        "1, 2; 3, 4",
        "1 2; 3 4;",
        "1 2;\n3 4\n",
        "  1    2  \n\n  3 4  \n\n",
        "1\t2\r\n3\t4",
        "1, 2\n3, 4",
        "[1 2; 3 4]",
        "[1, 2; 3, 4]",
        "[1 2\n 3 4]",
        "[[1, 2], [3, 4]]",
        "[[1,2],[3,4]]",
        "[[1, 2],\n [3, 4]]",
        "[[1, 2,], [3, 4,],]",
        "[1, 2]\n[3, 4]",
        "[1 2] [3 4]",
        "[1, 2]; [3, 4]",
        "array([[1., 2.],\n       [3., 4.]])",
        "np.array([[1, 2], [3, 4]])",
        "1.0 2.00\n3e0 0.4e1",
        "+1 +2\n+3 +4",
    ],
)
def test_accepted_layouts_give_the_same_matrix(text):
    W = parse_matrix(text)
    assert W.dtype == np.float64
    np.testing.assert_array_equal(W, TWO_BY_TWO)


def test_signs_scientific_notation_and_unicode_minus():
    W = parse_matrix("1e-3 2E+5; -3 +.5")
    np.testing.assert_array_equal(W, [[1e-3, 2e5], [-3.0, 0.5]])
    np.testing.assert_array_equal(parse_matrix("\u22121 2; 3 4"), [[-1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(parse_matrix("-1.5e-300 0; 0 7."), [[-1.5e-300, 0.0], [0.0, 7.0]])


def test_one_by_one_matrix():
    np.testing.assert_array_equal(parse_matrix("5"), [[5.0]])
    np.testing.assert_array_equal(parse_matrix("[[-0.25]]"), [[-0.25]])


def test_matrix_input_error_is_a_value_error():
    assert issubclass(MatrixInputError, ValueError)


@pytest.mark.parametrize("text", ["", "   ", "\n\n", ";;", "[]", "[[]]", "[ ]\n"])
def test_empty_input_is_reported(text):
    with pytest.raises(MatrixInputError, match="empty"):
        parse_matrix(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2\n3 4 5", "row 2 has 3 entries, row 1 has 2"),
        ("1 2; 3", "row 2 has 1 entry, row 1 has 2"),
        ("[[1, 2], [3, 4, 5]]", "row 2 has 3 entries, row 1 has 2"),
        ("1 2 3\n4 5 6\n7 8", "row 3 has 2 entries, row 1 has 3"),
    ],
)
def test_ragged_rows_name_both_rows(text, message):
    with pytest.raises(MatrixInputError) as err:
        parse_matrix(text)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 abc\n3 4", "row 1, column 2: 'abc' is not a number"),
        ("1 2\n3 4x", "row 2, column 2: '4x' is not a number"),
        ("1 2\n0x10 4", "row 2, column 1: '0x10' is not a number"),
        ("1 2\n3 1_000", "row 2, column 2: '1_000' is not a number"),
        ("[[1, 2], [3, (4)]]", "row 2, column 2: '(4)' is not a number"),
        ("1 2\n3 __import__('os')", "row 2, column 2:"),
    ],
)
def test_non_numbers_are_named_with_row_and_column(text, message):
    with pytest.raises(MatrixInputError) as err:
        parse_matrix(text)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("1 nan; 3 4", "row 1, column 2"),
        ("1 2; -inf 4", "row 2, column 1"),
        ("Infinity 2; 3 4", "row 1, column 1"),
    ],
)
def test_nan_and_infinity_are_rejected(text, where):
    with pytest.raises(MatrixInputError) as err:
        parse_matrix(text)
    assert where in str(err.value) and "not finite" in str(err.value)


def test_overflowing_number_is_rejected():
    with pytest.raises(MatrixInputError) as err:
        parse_matrix("1 2; 3 1e400")
    assert "row 2, column 2" in str(err.value) and "too large" in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2 3\n4 5 6", "2 rows and 3 columns"),
        ("1 2 3", "1 rows and 3 columns"),
        ("1\n2", "2 rows and 1 columns"),
    ],
)
def test_non_square_is_rejected_with_shape(text, message):
    with pytest.raises(MatrixInputError, match="square") as err:
        parse_matrix(text)
    assert message in str(err.value)


def test_too_many_rows_or_columns_is_rejected():
    n = MAX_MATRIX_SIZE + 1
    square = "\n".join(" ".join("1" for _ in range(n)) for _ in range(n))
    with pytest.raises(MatrixInputError, match=f"{n} rows, at most {MAX_MATRIX_SIZE}"):
        parse_matrix(square)
    wide = " ".join("1" for _ in range(n))
    with pytest.raises(MatrixInputError, match=f"row 1 has {n} columns"):
        parse_matrix(wide)
    assert parse_matrix("1 0; 0 1", max_size=2).shape == (2, 2)
    with pytest.raises(MatrixInputError, match="at most 2"):
        parse_matrix("1 0 0; 0 1 0; 0 0 1", max_size=2)


def test_max_size_must_be_positive_integer():
    with pytest.raises(ValueError, match="max_size"):
        parse_matrix("1", max_size=0)


def test_text_length_is_capped_before_parsing():
    with pytest.raises(MatrixInputError, match="too long"):
        parse_matrix("1" + " " * MAX_MATRIX_TEXT_LENGTH)
    # right at the cap it is still read
    assert parse_matrix("7" + " " * (MAX_MATRIX_TEXT_LENGTH - 1)).shape == (1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1 2; 3 4", "never closed"),
        ("[[1, 2], [3, 4]", "never closed"),
        ("1 2]; 3 4", "no matching '['"),
        ("[[1, 2]], [3, 4]]", "no matching '['"),
        ("[[[1]]]", "nested too deeply"),
        ("[1, [2, 3]]", "mixes bare numbers and bracketed rows"),
        ("[[1, 2]; [3; 4]]", "';' inside a bracketed row"),
    ],
)
def test_bracket_errors(text, message):
    with pytest.raises(MatrixInputError, match=message.replace("[", r"\[")):
        parse_matrix(text)


@pytest.mark.parametrize(
    ("text", "where"), [("1,,2; 3, 4", "row 1"), (", 1 2; 3 4", "row 1"), ("1 2; 3,,4", "row 2")]
)
def test_empty_entries_between_commas_are_rejected(text, where):
    with pytest.raises(MatrixInputError, match="empty entry") as err:
        parse_matrix(text)
    assert where in str(err.value)


def test_non_string_input_is_rejected():
    with pytest.raises(MatrixInputError, match="string"):
        parse_matrix([[1, 2], [3, 4]])


def test_parser_never_evaluates_text(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the parser must not evaluate its input")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(ast, "literal_eval", forbidden)
    monkeypatch.setattr(json, "loads", forbidden)
    np.testing.assert_array_equal(parse_matrix("[[1, 2], [3, 4]]"), TWO_BY_TWO)
    with pytest.raises(MatrixInputError):
        parse_matrix("__import__('os').system('true')")


def test_pathological_long_inputs_fail_cleanly():
    with pytest.raises(MatrixInputError, match="nested"):
        parse_matrix("[" * 5000 + "]" * 5000)
    with pytest.raises(MatrixInputError, match="too large"):
        parse_matrix("9" * MAX_MATRIX_TEXT_LENGTH)  # a 10,000-digit number overflows a float
    with pytest.raises(MatrixInputError):
        parse_matrix(",;" * 4000)


# ---------------------------------------------------------------------------
# fuzzing and round trips


def _check_outcome(text: str) -> None:
    try:
        W = parse_matrix(text)
    except MatrixInputError as err:
        assert str(err)
    else:
        assert W.ndim == 2 and W.shape[0] == W.shape[1] and 1 <= W.shape[0] <= MAX_MATRIX_SIZE
        assert np.isfinite(W).all()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_only_ever_raises_matrix_input_error(text):
    _check_outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.-+eE[];, \n\tnaif()x", max_size=80))
def test_matrix_like_text_only_ever_raises_matrix_input_error(text):
    _check_outcome(text)


finite_matrices = st.integers(min_value=1, max_value=6).flatmap(
    lambda n: hnp.arrays(np.float64, (n, n), elements=st.floats(allow_nan=False, allow_infinity=False))
)


@settings(max_examples=200, deadline=None)
@given(finite_matrices)
def test_format_then_parse_round_trips_exactly(W):
    back = parse_matrix(format_matrix(W))
    np.testing.assert_array_equal(back, W)
    np.testing.assert_array_equal(np.signbit(back), np.signbit(W))  # -0.0 survives


@settings(max_examples=100, deadline=None)
@given(finite_matrices, st.integers(min_value=1, max_value=17))
def test_rounded_format_parses_to_nearby_values(W, precision):
    back = parse_matrix(format_matrix(W, precision=precision))
    np.testing.assert_allclose(back, W, rtol=10.0 ** (1 - precision), atol=0)


def test_format_matrix_layout():
    assert format_matrix([[3.0, -2.0], [0.0, 0.25]]) == "3    -2\n0  0.25"
    assert format_matrix([[1e-5, 1.5e300]]) == "1e-05  1.5e+300"
    with pytest.raises(ValueError, match="finite"):
        format_matrix([[np.nan]])
    with pytest.raises(ValueError, match="2-D"):
        format_matrix([1.0, 2.0])
    with pytest.raises(ValueError, match="precision"):
        format_matrix([[1.0]], precision=0)
