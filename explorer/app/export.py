"""Every figure's export toolbar: SVG and CSV of each chart it showed, and its NumPy snippet.

:func:`explorer.app.render.show_chart` notes each chart a figure shows; the
figure unit (:mod:`explorer.app.figure`) collects them while its body runs and
then draws the toolbar. Files are made only when a viewer clicks (a callable
``data=`` of ``st.download_button``), and the callable keeps how to rebuild the
spec (the cached chart function and its arguments), not the spec itself: a
room of viewers does not keep a copy of every chart in memory. PNG is in
Streamlit's own chart menu.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import streamlit as st

from explorer import export

Recipe = Callable[[], dict[str, Any]]
"""A zero-argument function returning a chart's spec (a cached chart call, usually)."""

# Both live in the script thread's context: each viewer's run sees only its own.
_shown: ContextVar[list[Recipe] | None] = ContextVar("ge_figure_charts", default=None)
_last: ContextVar[tuple[int, Recipe] | None] = ContextVar("ge_last_chart_recipe", default=None)


def note_recipe(spec: dict[str, Any], recipe: Recipe) -> None:
    """Called by a cached chart function: how to rebuild the spec it just returned."""
    _last.set((id(spec), recipe))


def note_shown(spec: dict[str, Any]) -> None:
    """Called by ``show_chart``: the figure being drawn showed ``spec``."""
    charts = _shown.get()
    if charts is None:
        return
    last = _last.get()
    charts.append(last[1] if last is not None and last[0] == id(spec) else functools.partial(dict, spec))


@contextlib.contextmanager
def collecting() -> Iterator[list[Recipe]]:
    """Collect the recipes of the charts shown inside the block."""
    token = _shown.set([])
    try:
        yield _shown.get()
    finally:
        _shown.reset(token)


def svg_bytes(recipe: Recipe) -> bytes:
    """The chart as an SVG file (rendered on the server)."""
    return export.svg_text(recipe()).encode()


def csv_bytes(recipe: Recipe) -> bytes:
    """Every series of the chart as a CSV file."""
    return export.csv_text(recipe()).encode()


def toolbar(prefix: str, key: str, recipes: list[Recipe], snippet: str | None) -> None:
    """SVG and CSV buttons per chart, and the NumPy snippet in a popover, in one wrapping row."""
    if not recipes and snippet is None:
        return
    row = st.container(horizontal=True, gap="small", vertical_alignment="center", key=f"{prefix}-tools-{key}")
    many = len(recipes) > 1
    for i, recipe in enumerate(recipes, start=1):
        tag, stem = (f" {i}", f"{prefix}-{key}-{i}") if many else ("", f"{prefix}-{key}")
        row.download_button(f"SVG{tag}", data=functools.partial(svg_bytes, recipe), file_name=f"{stem}.svg",
                            mime="image/svg+xml", on_click="ignore", icon=":material/download:",
                            key=f"_ge_{prefix}_{key}_svg{i}", help="The chart as SVG, for slides.")
        row.download_button(f"CSV{tag}", data=functools.partial(csv_bytes, recipe), file_name=f"{stem}.csv",
                            mime="text/csv", on_click="ignore", icon=":material/table:",
                            key=f"_ge_{prefix}_{key}_csv{i}",
                            help="Every series the chart plots; log10_… columns hold log10 values.")
    if snippet is not None:
        with row.popover("NumPy", icon=":material/code:"):
            st.caption("Reproduces this figure's numbers with explorer.sim at the current settings.")
            st.code(snippet, language="python")
