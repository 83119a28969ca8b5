"""Presenter mode and classroom links: the lecture flags of a page address, on the page.

* ``?present=1``: the sidebar starts collapsed (the router reads the flag), type is set for a projector
  (body 22 px; charts scale their fonts per spec in ``show_chart``), the
  introduction and the page-wide controls go into one expander, and one figure
  is shown at a time with Previous / Next buttons (``&figure=3``).
* ``?hide=seed,steps``: those controls stay on the page (so their URL values
  still apply and survive a reload) in a box that CSS hides.
* The sidebar's "Classroom link" builder writes such a link.
* ``?embed=true`` is Streamlit's: it hides the header and sidebar itself.

See :mod:`explorer.links` for the flags as data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from explorer.app.controls import HIDDEN_KEY, Controls
from explorer.app.registry import Page
from explorer.links import FIGURE, HIDE, PRESENT, classroom_query, read_flag, read_hide, read_index

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
BODY_PX = 22
"""Body type in presenter mode: readable from the back of a lecture hall at 1280 × 720."""

HIDE_CSS = f'[class*="st-key-{HIDDEN_KEY}-"] {{ display: none !important; }}'
PRESENT_CSS = f"""
html {{ font-size: {BODY_PX}px; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 4.2rem; padding-left: 2rem; padding-right: 2rem; }}
[data-testid="stMain"] h1 {{ font-size: 1.9rem; padding-top: 0; }}
[data-testid="stMain"] h3 {{ font-size: 1.35rem; }}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] p,
[data-testid="stTable"] td, [data-testid="stTable"] th, [data-testid="stTable"] p {{ font-size: {BODY_PX}px; }}
"""


@dataclass(frozen=True)
class Lecture:
    """What the address asks of the page besides its controls."""

    present: bool
    hide: frozenset[str]


def begin(spec: Page) -> Lecture:
    """Read (and clean) the lecture flags; set the page up for them. Runs before any control."""
    qp = st.query_params
    raw_present = qp.get(PRESENT)
    present = read_flag(raw_present)
    if raw_present is not None and not present:
        del qp[PRESENT]  # "0" or garbage: no presenter mode, and a clean address
    known = set(control_names(spec)) if spec.prefix else None
    raw_hide = qp.get(HIDE)
    hide = read_hide(raw_hide, known)
    if raw_hide is not None and ",".join(sorted(hide)) != raw_hide:
        if hide:
            qp[HIDE] = ",".join(sorted(hide))
        else:
            del qp[HIDE]
    st.html(f"<style>{HIDE_CSS}{PRESENT_CSS if present else ''}</style>")
    return Lecture(present, hide)


@dataclass
class Stage:
    """Presenter mode's state during one run of a page."""

    nav: object
    stage: object
    selection: tuple[int | None, str | None] | None = None
    placed: list[str] | None = None
    previous: list[str] | None = None
    shown: object = None
    message: object = None
    label: object = None


def header(c: Controls, title: str, intro: str) -> None:
    """Presenter mode's top: the title, the figure navigation, the stage, then everything else in an expander."""
    st.title(title)
    c.presenter = Stage(st.container(key=f"{c.prefix}-present-nav"), st.container(key=f"{c.prefix}-present-stage"))
    settings = st.expander("About this page, and its settings", icon=":material/tune:")
    # The rest of the page script (its controls and notes) writes into the expander; figures go to the stage.
    # Streamlit resets its container stack at the start of every run, so nothing outlives this run.
    settings.__enter__()
    st.markdown(intro)


def _placed_key(prefix: str) -> str:
    return f"_ge_{prefix}_placed"


def _go(prefix: str, number: int) -> None:
    placed = st.session_state.get(_placed_key(prefix)) or []
    if 1 <= number <= max(len(placed), 1):
        st.query_params[FIGURE] = str(number)


def _selection(c: Controls, previous: list[str]) -> tuple[int | None, str | None]:
    """The figure asked for: by number (``figure=3``) or key, else the question's figure, else the first.

    Checked against the figures the previous run drew when there was one; on a first run the
    page's figures are not all known yet, so a well-formed number or key is taken as it is.
    """
    raw = st.query_params.get(FIGURE)
    if raw is not None:
        raw = raw.strip()
        number = read_index(raw, previous) if previous else read_index(raw, [raw] if _KEY.match(raw) else [])
        if number is None and not previous and raw.isascii() and raw.isdigit() and len(raw) <= 2 and int(raw) >= 1:
            number = int(raw)
        if number is None:
            del st.query_params[FIGURE]  # garbage, or a figure this view does not have: the first one
        elif raw.isdigit():
            return number, None
        else:
            return None, raw
    if c.question is not None:
        return None, c.questions[c.question - 1].figure
    return 1, None


def place(c: Controls, info, draw: Callable[[], None]) -> None:
    """Draw the figure ``info`` on the stage if it is the one selected; keep the navigation up to date."""
    s: Stage = c.presenter
    if s.selection is None:
        s.previous = list(st.session_state.get(_placed_key(c.prefix)) or [])
        s.selection = _selection(c, s.previous)
        s.placed = st.session_state[_placed_key(c.prefix)] = []  # filled during this run; read by the next
        s.message = s.nav.empty()
        s.message.caption(f":material/info: The figure asked for is not part of this view. "
                          f"[Show the first figure](?{_query_with_figure(1)})")
    s.placed.append(info.key)
    number, key = s.selection
    if s.shown is None and (info.number == number or info.key == key):
        s.shown = info
        s.message.empty()
        _navigation(c, s, info)
        with s.stage:
            draw()
    if s.shown is not None:
        s.label.markdown(f"**Figure {s.shown.number} of {len(c.figures)}**")


def _query_with_figure(number: int) -> str:
    return classroom_query(st.query_params.to_dict(), present=True, figure=number,
                           hide=read_hide(st.query_params.get(HIDE)))


def _navigation(c: Controls, s: Stage, info) -> None:
    row = s.nav.container(horizontal=True, gap="medium", vertical_alignment="center")
    row.button("Previous", key=f"_ge_{c.prefix}_fig_prev", icon=":material/arrow_back:", disabled=info.number <= 1,
               on_click=_go, args=(c.prefix, info.number - 1))
    s.label = row.empty()
    row.button("Next", key=f"_ge_{c.prefix}_fig_next", icon=":material/arrow_forward:",
               disabled=bool(s.previous) and info.number >= len(s.previous),
               on_click=_go, args=(c.prefix, info.number + 1))


def control_names(spec: Page, *, seen: bool = True) -> list[str]:
    """The page's controls: the picker (``case``), those its scenarios set and (``seen``) those its last run made."""
    names = {"case": None}
    for scenario in spec.scenarios:
        names.update(dict.fromkeys(scenario.values))
    if seen:
        names.update(dict.fromkeys(st.session_state.get(f"_ge_{spec.prefix}_labels") or {}))
    return list(names)


def classroom_builder(c: Controls, spec: Page) -> None:
    """A sidebar expander that writes a link with chosen controls hidden (and presenter mode, embedding)."""
    labels_key = f"_ge_{c.prefix}_labels"
    labels = dict(st.session_state.get(labels_key) or {})
    st.session_state[labels_key] = c.labels  # filled as this run creates its controls
    # Options and their text stay the same from run to run (a changed option list would reset the widget).
    names = control_names(spec, seen=False)
    labels["case"] = "Scenario"
    with st.sidebar.expander("Classroom link", icon=":material/school:"):
        hide = st.multiselect("Hide these controls", names, default=sorted(c.hidden & set(names)),
                              key=f"_ge_link_{c.prefix}_hide",
                              help="Students still get their values from the link; they just don't see them.")
        if known := [f"{n}: {labels[n]}" for n in names if n in labels]:
            st.caption("; ".join(known))
        present = st.toggle("Presenter mode", value=c.present, key=f"_ge_link_{c.prefix}_present")
        embed = st.toggle("For an iframe (embed=true)", value=False, key=f"_ge_link_{c.prefix}_embed")
        query = classroom_query(st.query_params.to_dict(), hide=hide, present=present, embed=embed)
        base = _page_url(spec)
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
        st.caption("Copy the link above. It keeps every current setting of the page.")


def _page_url(spec: Page) -> str:
    url = getattr(st.context, "url", None)
    if isinstance(url, str) and url.startswith("http"):
        return url.split("?", 1)[0]
    return f"/{spec.url_path}"
