"""The site map: every page, its section, icon, URL and one-line promise.

The router (``streamlit_app.py``) builds ``st.navigation`` from this list and
the home page links to each entry, so adding a page is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    section: str
    url_path: str
    blurb: str
    prefix: str = ""
    """Key prefix of the page's URL-bound controls (see :class:`explorer.ui.Controls`)."""


HOME = PageSpec(
    "explorer/views/home.py", "Overview", ":material/home:", "", "",
    "What vanishing and exploding gradients are, and where to look.",
)

_ROOT = Path(__file__).resolve().parent.parent

_ALL_PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "explorer/views/power.py", "Power method on Wᵗ", ":material/rotate_right:", "Linear algebra",
        "power-method",
        "Multiply by W again and again: the direction locks onto the top eigenvector, at rate |λ₂/λ₁|.",
        prefix="pm",
    ),
    PageSpec(
        "explorer/views/spectra.py", "Eigenvalues: explode or decay", ":material/blur_circular:", "Linear algebra",
        "eigenvalues",
        "|λ| > 1 explodes, |λ| < 1 vanishes — and where non-normal matrices and Jordan blocks break that story.",
        prefix="eig",
    ),
    PageSpec(
        "explorer/views/jacobian.py", "Jacobian product bound", ":material/link:", "Gradients",
        "jacobian-bound",
        "Pascanu's bound ‖∂xₜ/∂xₖ‖ ≤ ηᵗ⁻ᵏ against measured RNN Jacobians, and its feedforward twin across layers.",
        prefix="jac",
    ),
    PageSpec(
        "explorer/views/activations.py", "Activation derivatives", ":material/show_chart:", "Gradients",
        "activations",
        "Sigmoid, tanh, ReLU, GELU: how much of the gradient each unit passes back, and how that compounds.",
        prefix="act",
    ),
)

PAGES: tuple[PageSpec, ...] = tuple(p for p in _ALL_PAGES if (_ROOT / p.path).is_file())
"""Pages that exist in this checkout, in navigation order."""

SECTIONS: tuple[str, ...] = ("Linear algebra", "Gradients")
