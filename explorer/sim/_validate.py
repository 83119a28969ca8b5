"""Argument checks shared by every simulation module: one rule per kind of value.

Each check returns the value in its canonical type (``int``, ``float``,
``str``, a float ``ndarray``) or raises :class:`ValueError` with a message that
names the argument, says what was expected and shows what was given, e.g.
``"n must be an integer in [1, 256], got 3.5"``.

The rules, the same in every module:

integers
    Python and NumPy integers, and integral-valued finite floats such as
    ``3.0`` (a slider or a JSON round trip often yields one). Rejected: ``bool``
    (``True`` is not a size), ``3.5``, NaN, inf, strings and everything else.
reals
    Python and NumPy real numbers (integers included), finite. Rejected:
    ``bool``, complex, strings, NaN and inf.
choices
    A ``str`` that is one of the allowed options.
arrays
    Real numeric arrays (``bool``, integer or float dtype, or an object array
    of real numbers), finite, of the required shape.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

__all__: list[str] = []  # private: the helpers are imported by name inside explorer.sim


def _shown(value) -> str:
    """``value`` as it appears after ``got``: numbers plainly, anything else by repr."""
    if isinstance(value, (numbers.Number, np.generic)) and not isinstance(value, (bool, np.bool_)):
        return str(value)
    return repr(value)


def _bound(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _interval(low, high, *, open_low: bool = False, open_high: bool = False) -> str:
    """``in [0, 1)``, ``>= 1`` or ``<= 5``; empty when there is no bound."""
    has_low = low is not None and low != -math.inf
    has_high = high is not None and high != math.inf
    if has_low and has_high:
        return f" in {'(' if open_low else '['}{_bound(low)}, {_bound(high)}{')' if open_high else ']'}"
    if has_low:
        return f" {'>' if open_low else '>='} {_bound(low)}"
    if has_high:
        return f" {'<' if open_high else '<='} {_bound(high)}"
    return ""


def _scalar(value):
    """Unwrap a 0-d NumPy array to its scalar; leave everything else alone."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def integer(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an ``int`` in ``[low, high]`` (a ``None`` bound is open-ended).

    >>> integer("n", 3.0, 1, 256)
    3
    >>> integer("n", 3.5, 1, 256)
    Traceback (most recent call last):
    ...
    ValueError: n must be an integer in [1, 256], got 3.5
    """
    expected = f"{name} must be an integer{_interval(low, high)}"
    v = _scalar(value)
    if isinstance(v, (bool, np.bool_)):
        raise ValueError(f"{expected}, got {_shown(value)}")
    integral_float = isinstance(v, (float, np.floating)) and math.isfinite(v) and float(v).is_integer()
    if not (isinstance(v, (int, np.integer)) or integral_float):
        raise ValueError(f"{expected}, got {_shown(value)}")
    result = int(v)
    if (low is not None and result < low) or (high is not None and result > high):
        raise ValueError(f"{expected}, got {_shown(value)}")
    return result


def real(
    name: str, value, low: float = -math.inf, high: float = math.inf, *,
    open_low: bool = False, open_high: bool = False,
) -> float:
    """``value`` as a finite ``float`` in ``[low, high]`` (``open_*`` excludes that end).

    >>> real("sigma_w", 2, 0.0, 10.0)
    2.0
    >>> real("threshold", 1.0, 0.0, 1.0, open_low=True, open_high=True)
    Traceback (most recent call last):
    ...
    ValueError: threshold must be a finite real number in (0, 1), got 1.0
    """
    expected = f"{name} must be a finite real number{_interval(low, high, open_low=open_low, open_high=open_high)}"
    v = _scalar(value)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.integer, np.floating)):
        raise ValueError(f"{expected}, got {_shown(value)}")
    result = float(v)
    if not math.isfinite(result):
        raise ValueError(f"{expected}, got {_shown(value)}")
    too_low = result <= low if open_low else result < low
    too_high = result >= high if open_high else result > high
    if too_low or too_high:
        raise ValueError(f"{expected}, got {_shown(value)}")
    return result


def choice(name: str, value, options: Iterable[str]) -> str:
    """``value`` as a ``str`` if it is one of ``options``.

    >>> choice("form", "row", ("column", "row"))
    'row'
    >>> choice("form", "diagonal", ("column", "row"))
    Traceback (most recent call last):
    ...
    ValueError: form must be one of 'column', 'row'; got 'diagonal'
    """
    options = tuple(options)
    if isinstance(value, str) and value in options:
        return str(value)
    raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")


def real_array(name: str, value, shape: tuple[int | None, ...] | None = None, shape_text: str | None = None,
               *, max_abs: float | None = None) -> np.ndarray:
    """``value`` as a finite float ``ndarray``, of ``shape`` if given (``None`` entries match any length).

    ``max_abs`` also bounds every entry's magnitude.

    >>> real_array("x", [1, 2], (None,)).tolist()
    [1.0, 2.0]
    >>> real_array("x", [[1.0, 2.0]], (2,), "(2,)")
    Traceback (most recent call last):
    ...
    ValueError: x must have shape (2,), got (1, 2)
    """
    kind = f"a real array of shape {shape_text}" if shape_text else "a real array"
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged nesting
        raise ValueError(f"{name} must be {kind}, got {type(value).__name__}") from None
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must be real, got complex entries")
    numbers_only = arr.dtype.kind in "biuf" or (arr.dtype.kind == "O" and all(
        isinstance(e, (numbers.Real, np.integer, np.floating)) and not isinstance(e, (bool, np.bool_))
        for e in arr.ravel()
    ))
    if not numbers_only:
        raise ValueError(f"{name} must be {kind} of numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if shape is not None:
        text = shape_text or str(tuple("n" if s is None else s for s in shape)).replace("'", "")
        mismatch = any(want is not None and got != want for got, want in zip(arr.shape, shape, strict=False))
        if arr.ndim != len(shape) or mismatch:
            raise ValueError(f"{name} must have shape {text}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must have finite entries (no NaN or inf)")
    if max_abs is not None and arr.size and float(np.max(np.abs(arr))) > max_abs:
        raise ValueError(f"{name} entries must satisfy |entry| <= {max_abs:g}")
    return arr


def square_matrix(name: str, value, max_size: int) -> np.ndarray:
    """``value`` as a finite real ``n x n`` float matrix with ``1 <= n <= max_size``.

    >>> square_matrix("W", [[1, 0], [0, 2]], 4).dtype
    dtype('float64')
    >>> square_matrix("W", [[1, 2, 3]], 4)
    Traceback (most recent call last):
    ...
    ValueError: W must be a square 2-D matrix (n x n, 1 <= n <= 4), got shape (1, 3)
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a square 2-D matrix, got {type(value).__name__}") from None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or not 1 <= arr.shape[0] <= max_size:
        raise ValueError(f"{name} must be a square 2-D matrix (n x n, 1 <= n <= {max_size}), got shape {arr.shape}")
    return real_array(name, arr)
