"""The page registry: each page's module, title, icon, section, URL path and prefix, declared once.

The router (``streamlit_app.py``) builds ``st.navigation`` from it, the home page
links to every entry, the views take their title and control prefix from it, and
the tests walk it (a registered page whose module is missing fails them). Plain
data: importing it loads no Streamlit.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from explorer.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Page:
    """One page of the app.

    Attributes
    ----------
    key : str
        The lesson's folder under ``explorer/lessons/``.
    title, icon, section, blurb : str
        What navigation and the home page show.
    url_path : str
        The page's address (``/activations``); part of every published link.
    prefix : str
        Prefix of the page's URL-bound controls: ``?act_depth=…``, ``?act_case=…``.
    """

    key: str
    title: str
    icon: str
    section: str
    url_path: str
    blurb: str
    prefix: str

    @property
    def path(self) -> str:
        """The view's script, relative to the repository root (what ``st.Page`` runs)."""
        return f"explorer/lessons/{self.key}/view.py"

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        """The page's named scenarios; the first one is its default view."""
        if not self.prefix:
            return ()
        return importlib.import_module(f"explorer.lessons.{self.key}.scenarios").SCENARIOS

    @property
    def warm_queries(self) -> tuple[str, ...]:
        """Further query strings the server computes in the background at start (``WARM_QUERIES``, if any)."""
        if not self.prefix:
            return ()
        module = importlib.import_module(f"explorer.lessons.{self.key}.scenarios")
        return tuple(getattr(module, "WARM_QUERIES", ()))

    @property
    def case_key(self) -> str:
        """Query parameter that names a scenario: ``?act_case=sigmoid_deep``."""
        return f"{self.prefix}_case"


HOME = Page("home", "Overview", ":material/home:", "", "",
            "What vanishing and exploding gradients are, and where to look.", "")

PAGES: tuple[Page, ...] = (
    Page("power", "Power method on Wᵗ", ":material/rotate_right:", "Linear algebra", "power-method",
         "Multiply by W again and again: the direction locks onto the top eigenvector, at rate |λ₂/λ₁|.", "pm"),
    Page("eigenvalues", "Eigenvalues: explode or decay", ":material/blur_circular:", "Linear algebra", "eigenvalues",
         "|λ| > 1 explodes, |λ| < 1 vanishes — and where non-normal matrices and Jordan blocks break that story.",
         "eig"),
    Page("jacobian", "Jacobian product bound", ":material/link:", "Gradients", "jacobian-bound",
         "Pascanu's bound ‖∂xₜ/∂xₖ‖ ≤ ηᵗ⁻ᵏ against measured RNN Jacobians, and its feedforward twin across layers.",
         "jac"),
    Page("cliffs", "Cliffs and gradient clipping", ":material/landslide:", "Gradients", "cliffs",
         "Where the Jacobian product explodes the loss has a wall; one step there undoes training, clipping bounds it.",
         "clf"),
    Page("activations", "Activation derivatives", ":material/show_chart:", "Gradients", "activations",
         "Sigmoid, tanh, ReLU, GELU: how much of the gradient each unit passes back, and how that compounds.", "act"),
    Page("deeplab", "Deep-network lab", ":material/layers:", "Remedies", "deep-network-lab",
         "Initialisation as a phase diagram: the edge of chaos, dynamical isometry, residual connections and "
         "batch norm, measured.", "dnl"),
    Page("gated", "Gated memory: LSTM and GRU", ":material/memory:", "Remedies", "gated-memory",
         "Why forget gates near 1 keep gradients alive, and a live race of a tanh RNN, an LSTM and a GRU on a long "
         "lag.",
         "gm"),
)
"""Every page in navigation order."""

SECTIONS: tuple[str, ...] = ("Linear algebra", "Gradients", "Remedies")

_BY_KEY = {p.key: p for p in PAGES}


def page(key: str) -> Page:
    """The registered page whose lesson folder is ``key``."""
    return _BY_KEY[key]
