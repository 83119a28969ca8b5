"""Safe parsing of matrices typed by the reader, and formatting that parses back.

The text comes from a browser text box on a shared server, so it is handled as
untrusted data: its length is capped before any work, it is split by one
linear-time regular expression, and only tokens that match a strict decimal
number pattern are handed to :func:`float`. Nothing is ever evaluated
(no ``eval``, ``ast.literal_eval`` or ``json``).

Accepted layouts (all give the same 2 x 2 matrix)::

    1 2
    3 4

    1, 2; 3, 4
    [1 2; 3 4]
    [[1, 2], [3, 4]]
    np.array([[1., 2.], [3., 4.]])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from explorer.sim._validate import integer, real_array

__all__ = [
    "MAX_MATRIX_SIZE",
    "MAX_MATRIX_TEXT_LENGTH",
    "MatrixInputError",
    "format_matrix",
    "parse_matrix",
]

MAX_MATRIX_SIZE = 16
"""Default largest number of rows (and columns) :func:`parse_matrix` accepts."""

MAX_MATRIX_TEXT_LENGTH = 10_000
"""Longest text, in characters, :func:`parse_matrix` looks at."""

_MAX_BRACKET_DEPTH = 2
_TOKEN_PREVIEW = 24

# Every character falls in exactly one alternative, so ``finditer`` covers the text.
_TOKEN = re.compile(
    r"(?P<open>\[)|(?P<close>\])|(?P<semi>;)|(?P<newline>\n)|(?P<comma>,)"
    r"|(?P<space>[^\S\n]+)|(?P<word>[^\s\[\];,]+)"
)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_ARRAY_WRAPPER = re.compile(
    r"\s*(?:(?:np|numpy)\s*\.\s*)?(?:array|asarray|matrix)\s*\((?P<body>.*)\)\s*", re.DOTALL
)


class MatrixInputError(ValueError):
    """The typed matrix text cannot be read; the message says where and why (1-based rows/columns)."""


@dataclass
class _Word:
    text: str
    pos: int


@dataclass
class _Group:
    items: list[_Word | _Group | str]
    pos: int


def _preview(token: str) -> str:
    if len(token) > _TOKEN_PREVIEW:
        token = token[: _TOKEN_PREVIEW - 3] + "..."
    return repr(token)


def _tokenise(text: str) -> list[_Word | _Group | str]:
    """Split into words and separators (``";"``, ``"\\n"``, ``","``), nesting bracketed groups."""
    top: list[_Word | _Group | str] = []
    stack: list[_Group] = []
    current = top
    for match in _TOKEN.finditer(text):
        kind, value, pos = match.lastgroup, match.group(), match.start()
        if kind == "open":
            if len(stack) == _MAX_BRACKET_DEPTH:
                raise MatrixInputError(
                    f"brackets nested too deeply at character {pos + 1}: "
                    "use at most two levels, as in [[1, 2], [3, 4]]"
                )
            group = _Group([], pos)
            current.append(group)
            stack.append(group)
            current = group.items
        elif kind == "close":
            if not stack:
                raise MatrixInputError(f"unbalanced brackets: ']' at character {pos + 1} has no matching '['")
            stack.pop()
            current = stack[-1].items if stack else top
        elif kind == "word":
            current.append(_Word(value, pos))
        elif kind != "space":
            current.append(value)
    if stack:
        raise MatrixInputError(f"unbalanced brackets: '[' at character {stack[-1].pos + 1} is never closed")
    return top


def _check_commas(items: list[_Word | _Group | str], what: str) -> None:
    """A comma must follow an entry; a single trailing comma is tolerated (as in Python lists)."""
    seen_entry = False
    for item in items:
        if item == ",":
            if not seen_entry:
                raise MatrixInputError(f"{what}: empty entry (a comma with nothing before it)")
            seen_entry = False
        elif isinstance(item, (_Word, _Group)):
            seen_entry = True
        elif item == ";":
            seen_entry = False


def _row_words(items: list[_Word | _Group | str], row: int) -> list[_Word]:
    _check_commas(items, f"row {row}")
    return [item for item in items if isinstance(item, _Word)]


def _rows(items: list[_Word | _Group | str]) -> list[list[_Word]]:
    """Interpret one bracket level as a list of rows of words."""
    groups = [item for item in items if isinstance(item, _Group)]
    words = [item for item in items if isinstance(item, _Word)]
    if groups and words:
        raise MatrixInputError(
            f"mixes bare numbers and bracketed rows (at character {words[0].pos + 1}): "
            "either bracket every row or none"
        )
    if not groups:
        rows: list[list[_Word | _Group | str]] = [[]]
        for item in items:
            if item in (";", "\n"):
                rows.append([])
            else:
                rows[-1].append(item)
        kept = [row for row in rows if row]
        return [_row_words(row, r) for r, row in enumerate(kept, start=1)]
    if len(groups) == 1 and all(item in ("\n", ",", ";") or item is groups[0] for item in items):
        # a single outer pair of brackets wraps the whole matrix
        return _rows(groups[0].items)
    _check_commas(items, "between bracketed rows")
    result = []
    for r, group in enumerate(groups, start=1):
        if ";" in group.items:
            raise MatrixInputError(f"row {r}: ';' inside a bracketed row; separate rows with '],' instead")
        result.append(_row_words([item for item in group.items if item != "\n"], r))
    return result


def _to_float(word: _Word, row: int, col: int) -> float:
    where = f"row {row}, column {col}"
    if _NON_FINITE.fullmatch(word.text):
        raise MatrixInputError(
            f"{where}: {_preview(word.text)} is not finite; NaN and infinity are not allowed"
        )
    if not _NUMBER.fullmatch(word.text):
        raise MatrixInputError(f"{where}: {_preview(word.text)} is not a number")
    value = float(word.text)
    if not np.isfinite(value):
        raise MatrixInputError(
            f"{where}: {_preview(word.text)} is too large for a float (it overflows to infinity)"
        )
    return value


def parse_matrix(text: str, max_size: int = MAX_MATRIX_SIZE) -> np.ndarray:
    """Read a real square matrix from text without evaluating anything.

    Parameters
    ----------
    text : str
        Rows separated by newlines or ``;``; entries by spaces and/or commas.
        Optional brackets in Python/NumPy (``[[1, 2], [3, 4]]``) or MATLAB
        (``[1 2; 3 4]``) style, and an optional ``array(...)`` /
        ``np.array(...)`` wrapper. Numbers may be signed and use scientific
        notation (``-1.5e-3``, ``+2E5``); the Unicode minus sign is accepted.
        At most :data:`MAX_MATRIX_TEXT_LENGTH` characters.
    max_size : int
        Largest allowed number of rows and of columns (default :data:`MAX_MATRIX_SIZE`).

    Returns
    -------
    ndarray, shape (n, n), float64

    Raises
    ------
    MatrixInputError
        (a ``ValueError``) naming the problem and, where there is one, its
        1-based row and column: empty input, text too long, unbalanced or too
        deeply nested brackets, an empty entry, a token that is not a number,
        NaN/infinity or overflow, rows of different lengths, more than
        ``max_size`` rows or columns, or a non-square shape.
    ValueError
        If ``max_size`` is not a positive integer.

    Notes
    -----
    The text is split by a single regular expression and only tokens that
    fully match ``[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`` are
    converted with :func:`float`, so arbitrary input cannot execute code, and
    the length cap bounds the work.

    References
    ----------
    .. [1] IEEE (2019). IEEE Standard for Floating-Point Arithmetic (IEEE 754-2019).

    Examples
    --------
    >>> from explorer.sim import parse_matrix
    >>> parse_matrix("1 2; 3 4").tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> parse_matrix("[[1, -2e-1], [+3, .5]]").tolist()
    [[1.0, -0.2], [3.0, 0.5]]
    >>> parse_matrix("1 2\\n3 abc")
    Traceback (most recent call last):
    ...
    explorer.sim._matrices.MatrixInputError: row 2, column 2: 'abc' is not a number
    """
    max_size = integer("max_size", max_size, 1)
    if not isinstance(text, str):
        raise MatrixInputError(f"matrix text must be a string, got {type(text).__name__}")
    if len(text) > MAX_MATRIX_TEXT_LENGTH:
        raise MatrixInputError(
            f"matrix text is too long: {len(text)} characters, at most {MAX_MATRIX_TEXT_LENGTH} allowed"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2212", "-")
    wrapper = _ARRAY_WRAPPER.fullmatch(text)
    if wrapper is not None:
        text = wrapper.group("body")

    rows = _rows(_tokenise(text))
    if not rows or all(not row for row in rows):
        raise MatrixInputError("matrix input is empty: type rows of numbers, e.g. '1 2; 3 4'")
    if len(rows) > max_size:
        raise MatrixInputError(f"matrix is too large: {len(rows)} rows, at most {max_size} allowed")
    for r, row in enumerate(rows, start=1):
        if len(row) > max_size:
            raise MatrixInputError(
                f"matrix is too large: row {r} has {len(row)} columns, at most {max_size} allowed"
            )
    first = len(rows[0])
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != first:
            raise MatrixInputError(
                f"row {r} has {len(row)} {'entry' if len(row) == 1 else 'entries'}, "
                f"row 1 has {first}; every row needs the same number of entries"
            )
    values = np.array(
        [
            [_to_float(word, r, c) for c, word in enumerate(row, start=1)]
            for r, row in enumerate(rows, start=1)
        ],
        dtype=float,
    )
    if values.shape[0] != values.shape[1]:
        raise MatrixInputError(
            f"matrix must be square: it has {values.shape[0]} rows and {values.shape[1]} columns"
        )
    return values


def _format_entry(value: float, precision: int | None) -> str:
    text = repr(float(value))
    if precision is not None:
        rounded = f"{float(value):.{precision}g}"
        # rounding up near the top of the float range (1.5e308 -> 2e308) would not parse back
        if np.isfinite(float(rounded)):
            text = rounded
    return text[:-2] if text.endswith(".0") else text


def format_matrix(W: np.ndarray, precision: int | None = None) -> str:
    """Write a matrix as aligned plain text that :func:`parse_matrix` reads back.

    Parameters
    ----------
    W : array_like, shape (m, k)
        Finite real matrix.
    precision : int or None
        ``None`` (default) writes each entry as the shortest decimal that
        round-trips exactly, so ``parse_matrix(format_matrix(W))`` equals ``W``
        bit for bit. An integer writes that many significant digits (for display).

    Returns
    -------
    str
        One line per row, entries right-aligned and separated by two spaces;
        integral values lose their ``.0``.

    Raises
    ------
    ValueError
        If ``W`` is not a finite real 2-D array or ``precision`` is not a positive integer.

    References
    ----------
    .. [1] IEEE (2019). IEEE Standard for Floating-Point Arithmetic (IEEE 754-2019).

    Examples
    --------
    >>> from explorer.sim import format_matrix
    >>> print(format_matrix([[3.0, -2.0], [0.0, 0.25]]))
    3    -2
    0  0.25
    >>> print(format_matrix([[1 / 3]], precision=3))
    0.333
    """
    arr = real_array("W", W)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"W must be a non-empty 2-D array, got shape {arr.shape}")
    if precision is not None:
        precision = integer("precision", precision, 1)
    cells = [[_format_entry(v, precision) for v in row] for row in arr]
    widths = [max(len(row[c]) for row in cells) for c in range(arr.shape[1])]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in cells)
