"""Numbers as text, one place for the whole app: prose, captions, verdicts and chart labels.

Magnitudes that explode or vanish arrive as logarithms (natural log unless the
name says ``log10``) and are written without ever forming the number, so
``10^-4771`` prints as text rather than as ``0.0``. Pure Python and NumPy: the
reading modules, the chart builders and the views all import from here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

LN10 = math.log(10.0)
"""``ln 10``: divide a natural log by it to get a log10."""

ACTIVATION_LABELS = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "gelu": "GELU",
    "identity": "Identity",
}
"""How prose, captions and chart legends name each activation of :mod:`explorer.sim`."""


def log10_of(log_values) -> np.ndarray:
    """Natural logs to log10 as a float array, keeping ``-inf`` and NaN as they are."""
    return np.asarray(log_values, dtype=float) / LN10


def _mantissa_exponent(log10_value: float, digits: int) -> tuple[float, int]:
    """``10^v = m × 10^e`` with ``1 ≤ m < 10`` *after* rounding ``m`` to ``digits`` significant digits."""
    exponent = math.floor(log10_value)
    mantissa = 10.0 ** (log10_value - exponent)
    if float(f"{mantissa:.{digits}g}") >= 10.0:  # 9.9995 rounds up to 10: carry into the exponent
        mantissa, exponent = mantissa / 10.0, exponent + 1
    return mantissa, exponent


def pow10_text(log10_values: Iterable[float], unit: str = "", digits: int = 3) -> list[str]:
    """Chart labels ``3.2e-120`` for each ``log10`` value, without forming the number.

    ``-inf`` (an exact zero) is written ``0``; NaN gives an empty label.

    >>> pow10_text([-4.0001, 2.0, -float("inf"), 9.99999])
    ['1e-04', '1e+02', '0', '1e+10']
    """
    out = []
    for v in np.asarray(list(log10_values) if not isinstance(log10_values, np.ndarray) else log10_values,
                        dtype=float).ravel():
        if math.isnan(v):
            out.append("")
        elif v == -math.inf:
            out.append("0" + unit)
        elif v == math.inf:
            out.append("∞" + unit)
        else:
            m, e = _mantissa_exponent(v, digits)
            out.append(f"{m:.{digits}g}e{e:+03d}{unit}")
    return out


def fmt_sci(x: float, digits: int = 2) -> str:
    """A magnitude for prose: ``0.42`` and ``1.23e+04`` alike (``digits`` after the point in e-form).

    >>> fmt_sci(0.4213), fmt_sci(3.1e-5), fmt_sci(0)
    ('0.421', '3.10e-05', '0')
    """
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.{digits + 1}g}"
    return f"{x:.{digits}e}"


def fmt_pow10(log10_value: float, digits: int = 1) -> str:
    """A magnitude given by its ``log10``: plain when modest, ``10^-300.2`` otherwise.

    >>> fmt_pow10(-2.0), fmt_pow10(-300.24), fmt_pow10(-float("inf"))
    ('0.01', '10^-300.2', '0')
    """
    if log10_value == -math.inf:
        return "0"
    if math.isnan(log10_value):
        return "undefined"
    if -3 <= log10_value <= 4:
        return fmt_sci(10.0 ** log10_value)
    return f"10^{log10_value:.{digits}f}"


def fmt_log(log_value: float, digits: int = 1) -> str:
    """:func:`fmt_pow10` for a natural log.

    >>> fmt_log(-1000.0)
    '10^-434.3'
    """
    return fmt_pow10(log_value / LN10, digits)


def factor_text(log_value: float, digits: int = 2) -> str:
    """A multiplicative factor given by its natural log: ``×0.71``, ``×10^-250.00``, ``×0 (exact zero)``.

    >>> factor_text(math.log(0.5)), factor_text(-float("inf"))
    ('×0.5', '×0 (exact zero)')
    """
    if log_value == -math.inf:
        return "×0 (exact zero)"
    return "×" + fmt_pow10(log_value / LN10, digits)


def complex_text(z: complex, *, pair: bool = False, digits: int = 4) -> str:
    """``0.5 + 0.3i``, ``0.5 ± 0.3i`` for a conjugate pair, and a plain real when the imaginary part is noise.

    >>> complex_text(0.5 + 0.3j), complex_text(0.5 - 0.3j, pair=True), complex_text(complex(2, 1e-20))
    ('0.5 + 0.3i', '0.5 ± 0.3i', '2')
    """
    z = complex(z)
    if abs(z.imag) <= 1e-12 * max(abs(z), 1e-300):
        return f"{z.real:.{digits}g}"
    sign = "±" if pair else "+" if z.imag > 0 else "−"
    return f"{z.real:.{digits}g} {sign} {abs(z.imag):.{digits}g}i"


def count_text(n: int | None, unit: str, *, none: str = "never") -> str:
    """``"1 layer"``, ``"12 layers"``, or ``none`` when there is no count.

    >>> count_text(1, "layer"), count_text(12, "layer"), count_text(None, "layer")
    ('1 layer', '12 layers', 'never')
    """
    if n is None:
        return none
    return f"{n} {unit}" + ("" if n == 1 else "s")
