"""The figure as the unit of a page: one claim, its controls, its chart, its reading.

A page is an introduction, the page-wide controls, and a sequence of figures.
Each figure is a function decorated with :func:`figure`::

    @figure(controls, "depth", "The product of derivatives shrinks geometrically with depth")
    def depth_figure(settings: PageSettings) -> None:
        depth = controls.slider("depth", "Depth L", 5, 500, 50, 5)   # figure-local, URL-bound
        result = compute(settings, depth)                           # cached, explorer.sim
        show_chart(depth_chart(settings, depth), alt_text="…")      # cached spec
        caption(reading.depth_caption(result))                      # pure text
        verdict(reading.depth_verdict(result))

    depth_figure(settings)

The body runs inside ``st.fragment``: moving the figure's own control reruns and
resends that figure alone, with the page-wide arguments it was last called
with. Page-wide controls rerun the whole page, and the caches make that cheap.
The first figure-local touch after a named scenario asks for one whole-page
rerun, so the page's scenario picker can say "Custom" (see
:class:`explorer.app.controls.Controls`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from explorer.app import export, limits, presenter, questions
from explorer.app.controls import Controls
from explorer.reading import Verdict
from explorer.sim import Regime

ICONS = {
    Regime.VANISHES: ":material/trending_down:",
    Regime.EXPLODES: ":material/trending_up:",
    Regime.NEUTRAL: ":material/balance:",
    Regime.ZERO: ":material/block:",
}
"""Verdict icon per regime; the sentence always says the same in words."""


@dataclass(frozen=True)
class FigureInfo:
    """What a page knows about one of its figures (for navigation and export)."""

    key: str
    title: str
    number: int


def page_header(title: str, intro: str) -> None:
    """Title and a one-paragraph statement of what the page shows."""
    st.title(title)
    st.markdown(intro)


def figure(controls: Controls, key: str, title: str | None, *,
           snippet: Callable[..., str] | None = None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Make ``body`` a figure: a titled unit that reruns alone in its own ``st.fragment``.

    Parameters
    ----------
    controls : Controls
        The page's controls; those the body creates become figure-local.
    key : str
        Short, stable name of the figure within its page (used in element keys and links).
    title : str or None
        The claim the figure makes, shown as its heading (None: the body titles itself).
    snippet : callable, optional
        Pure function returning the figure's NumPy snippet (Python source that calls
        :mod:`explorer.sim` and reproduces the figure's numbers). It is called with the
        figure's own arguments plus, as keywords, the values of the figure's own controls.
        Without it the toolbar offers the charts' SVG and CSV only.

    Every figure also asks the page's questions attached to it (:mod:`explorer.app.questions`)
    above its body, and ends with an export toolbar (:mod:`explorer.app.export`). In presenter
    mode (``?present=1``) only the selected figure is drawn (:mod:`explorer.app.presenter`).
    """
    controls.declared.append(key)

    def decorate(body: Callable[..., None]) -> Callable[..., None]:
        def run(*args: Any, **kwargs: Any) -> None:
            if controls.take_departure():
                st.rerun(scope="app")  # the picker must show "Custom": once, on leaving a scenario
            # A figure's own rerun waits its turn like a page run (inside a page run it holds the page's slot).
            with limits.RUNS.run(), st.container(key=f"{controls.prefix}-fig-{key}"):
                if title:
                    st.subheader(title)
                controls.figure = key
                controls.local[key] = {}
                try:
                    questions.ask(controls, controls.page_key, key)
                    with export.collecting() as charts:
                        body(*args, **kwargs)
                    local = controls.local.get(key, {})
                finally:
                    controls.figure = None
                export.toolbar(controls.prefix, key, charts, _snippet_text(snippet, args, kwargs, local))

        functools.update_wrapper(run, body)
        fragment = st.fragment(run)

        @functools.wraps(body)
        def place(*args: Any, **kwargs: Any) -> None:
            # Counted when the page draws it (a figure the current settings leave out is not listed).
            info = FigureInfo(key, title or key, len(controls.figures) + 1)
            controls.figures.append(info)
            if controls.presenter is not None:
                presenter.place(controls, info, lambda: fragment(*args, **kwargs))
            else:
                fragment(*args, **kwargs)

        return place

    return decorate


def _snippet_text(snippet: Callable[..., str] | None, args: tuple, kwargs: dict, local: dict) -> str | None:
    if snippet is None:
        return None
    try:
        return snippet(*args, **kwargs, **local)
    except Exception:  # a snippet must never take its figure down in a lecture; tests run every one
        logging.getLogger(__name__).exception("snippet of a figure failed")
        return None


def verdict(v: Verdict) -> None:
    """The closing sentence of a figure, computed from the current numbers."""
    with st.container(border=True):
        st.markdown(f"{ICONS[v.regime]} **Verdict.** {v.text}")


def caption(text: str) -> None:
    """One line under a chart: what to notice."""
    st.caption(f":material/visibility: {text}")


def heavy(is_heavy: bool, message: str = "Computing…"):
    """A spinner around work that is slow only at large settings."""
    return st.spinner(message, show_time=True) if is_heavy else contextlib.nullcontext()


def animated_step(
    controls: Controls, name: str, label: str, max_value: int, default: int,
    render: Callable[[int], None], *, interval: float = 0.4, help: str | None = None,
) -> None:
    """A step slider with a Play toggle; only this fragment reruns while playing.

    The slider is URL-bound like every control. The Play toggle is deliberately
    not: a shared link should open on a still frame, not a running animation.
    """
    play_key = controls.key(f"{name}_play")
    playing = bool(st.session_state.get(play_key, False))

    @st.fragment(run_every=interval if playing else None)
    @limits.RUNS.gated
    def frame() -> None:
        if controls.take_departure():
            st.rerun(scope="app")  # as in figure(): the picker must redraw as "Custom"
        key = controls.key(name)
        now_playing = bool(st.session_state.get(play_key, False))
        if now_playing != playing:
            st.rerun()  # switch the fragment's timer on or off
        if now_playing:
            current = int(st.session_state.get(key, default))
            st.session_state[key] = 0 if current >= max_value else current + 1
        # A row whose toggle keeps its natural width, so "Play" stays whole on a narrow screen.
        row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
        row.toggle("Play", key=play_key, help="Step t forward automatically.", width="content")
        # The slider is local to this fragment even when it reruns on its own (no figure around it).
        enclosing, controls.figure = controls.figure, controls.figure or f"{name}-player"
        try:
            t = controls.slider(name, label, 0, max_value, min(default, max_value), 1, container=row, help=help)
        finally:
            controls.figure = enclosing
        render(int(min(t, max_value)))

    frame()


def cap_note(text: str | None) -> None:
    """A light note when a work cap changed what the controls asked for (nothing when ``text`` is None)."""
    if text is not None:
        st.caption(f":material/speed: {text}")
