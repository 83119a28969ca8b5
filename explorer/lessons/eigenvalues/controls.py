"""The eigenvalue page's page-wide controls: where W comes from, its parameters, and the number of steps.

They drive every figure, so they sit above the figures and rerun the whole page.
Every control exists on every run (the unused sources' in an expander), so a
scenario's values always reach the address bar and a shared link restores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from explorer.app import Controls
from explorer.lessons.eigenvalues import reading as rd
from explorer.lessons.eigenvalues.scenarios import DEFAULTS as D
from explorer.sim import MAX_SPECTRUM_SIZE

# Sizes in px for the wrapping rows, chosen so that a row fits on one line at 1280 px with the sidebar
# open (about 800 px of content) and wraps cleanly at 1024 px (about 560 px).
SEED_WIDTH, STEPS_WIDTH = 150, 320
MODE_BOX_WIDTH = 145


def top_controls(c: Controls) -> tuple[str, int, int]:
    """The picker and the source of W in one row, the seed and the steps in the next: ``(source, seed, steps)``."""
    top = st.container(horizontal=True, gap="medium", vertical_alignment="top")
    with top.container():
        c.scenario_picker()
    source = c.segmented("source", "Matrix W", tuple(rd.SOURCES), D["source"], format_func=rd.SOURCES.__getitem__,
                         container=top, help="Build W from up to four modes, take a Jordan block, or draw W with "
                                             "entries N(0, g²/n).")
    row = st.container(horizontal=True, gap="medium", vertical_alignment="top")
    seed = c.slider("seed", "Seed", 0, 99, D["seed"], 1, container=row.container(width=SEED_WIDTH),
                    help="Seeds the eigenvector frame, the start vector x, the gradient g and a random W.")
    steps = c.slider("steps", "Steps t", 10, rd.MAX_STEPS, D["steps"], 10, container=row.container(width=STEPS_WIDTH),
                     help=f"Number of multiplications by W (at most {rd.MAX_STEPS:,}). Sizes are kept as logarithms, "
                          "so 10^±5000 is no problem.")
    return source, int(seed), int(steps)


@dataclass(frozen=True)
class MatrixControls:
    """What the matrix controls give the page: the settings, and two places to write into later."""

    settings: rd.MatrixSettings
    cond_slot: Any
    """Under the tilt slider: the cond(V) the tilt produced."""
    spare: Any
    """Inside the expander of unused settings."""


def matrix_controls(c: Controls, source: str, seed: int) -> MatrixControls:
    """The parameters of W for the chosen source, laid out for that source."""
    area = st.container()  # the used settings first, the expander of unused ones under them
    unused = st.expander("Settings this source does not use (kept so that a shared link restores them)",
                         icon=":material/tune:")
    spare = unused.columns(4)
    used = source == "modes"
    # One fixed-width box for the shared settings and one per mode in use, in a row that wraps: five boxes
    # fit on one line from about 1280 px with the sidebar open, and go three to a line at 1024 px.
    row = area.container(horizontal=True, gap="small", vertical_alignment="top") if used else None
    first = row.container(width=MODE_BOX_WIDTH) if used else spare[0]
    values = {"source": source, "seed": seed}
    values["count"] = c.slider("count", "Number of modes", 1, rd.MODE_COUNT, D["count"], 1, container=first,
                               help="A real mode is one eigenvalue, a pair two: W is n × n with n = reals + 2·pairs.")
    values["nu"] = c.slider("nu", "Eigenvector tilt ν", 0.0, 0.999, D["nu"], 0.001, fmt="%.3f", container=first,
                            help="0 gives a normal W (orthogonal eigenvectors). Towards 1 the eigenvectors lean "
                                 "together and the eigenvalues stay exactly the same: W = Q M D M⁻¹ Qᵀ with "
                                 "cond(M) = 1/(1 − ν).")
    cond_slot = first.empty()
    for i in range(1, rd.MODE_COUNT + 1):
        box = row.container(width=MODE_BOX_WIDTH) if used and i <= values["count"] else spare[i - 1]
        values[f"kind{i}"] = c.select(f"kind{i}", f"Mode {i}", tuple(rd.KINDS), D[f"kind{i}"],
                                      format_func=rd.KINDS.__getitem__, container=box)
        values[f"mag{i}"] = c.slider(f"mag{i}", "|λ|", 0.0, 3.0, D[f"mag{i}"], 0.01, container=box)
        values[f"deg{i}"] = c.slider(f"deg{i}", "angle θ of a pair (°)", 1, 179, D[f"deg{i}"], 1, container=box,
                                     help="Used by pairs: λ = |λ|·e^(±iθ) turns the plane by θ every step.")
        if used and i <= values["count"]:
            box.caption(rd.Mode(values[f"kind{i}"], values[f"mag{i}"], values[f"deg{i}"]).label)
    jbox = area.columns([1, 1, 2], gap="medium") if source == "jordan" else [spare[0], spare[1], None]
    values["jlam"] = c.slider("jlam", "Jordan eigenvalue λ", 0.0, 2.0, D["jlam"], 0.01, container=jbox[0])
    values["jsize"] = c.slider("jsize", "Block size m", 2, 12, D["jsize"], 1, container=jbox[1],
                               help="m equal eigenvalues, a single eigenvector: Jᵗ has entries C(t, k)·λ^(t−k).")
    rbox = area.columns([1, 1, 2], gap="medium") if source == "random" else [spare[2], spare[3], None]
    values["n"] = c.slider("n", "Size n", 10, MAX_SPECTRUM_SIZE, D["n"], 1, container=rbox[0])
    values["g"] = c.slider("g", "Gain g", 0.5, 1.5, D["g"], 0.05, container=rbox[1],
                           help="Entries N(0, g²/n): the eigenvalues fill the disc |λ| ≤ g as n grows (circular law).")
    note, box = rd.source_note(source), jbox[2] or rbox[2]
    if note and box is not None:
        box.caption(note)
    return MatrixControls(rd.MatrixSettings.of(values), cond_slot, unused.container())


def decades_control(c: Controls, container=st) -> int:
    """The modes figure's own control: how far below ‖Wᵗx‖ a mode may sink before it leaves the frame."""
    lo, hi = rd.DECADES
    return int(c.slider("decades", "Depth shown below ‖Wᵗx‖ (decades)", lo, hi, D["decades"], 1, container=container,
                        help="Modes that fall further below the whole vector no longer matter; they leave the frame."))


def probe_control(c: Controls, steps: int, container=st) -> int:
    """The rate figure's own control: the step whose per-step factor the caption reads out."""
    return int(c.slider("probe", "Read the rate at step t", 1, steps, min(D["probe"], steps), 1, container=container,
                        help="The per-step factor size^(1/t) at this step, against ρ(W)."))
