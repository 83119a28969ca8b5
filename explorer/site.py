"""The site map: every page, its section, icon, URL and one-line promise.

The router (``streamlit_app.py``) builds ``st.navigation`` from this list and
the home page links to each entry, so adding a page is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


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

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "explorer/views/activations.py", "Activation derivatives", ":material/show_chart:", "Gradients",
        "activations",
        "Sigmoid, tanh, ReLU, GELU: how much of the gradient each unit passes back, and how that compounds.",
        prefix="act",
    ),
)

SECTIONS: tuple[str, ...] = ("Linear algebra", "Gradients")
