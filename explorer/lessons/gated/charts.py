"""Charts for the gated-memory page: arrays and results in, Altair charts out (no Streamlit).

Norms arrive as natural logs and are drawn as ``log10`` on a
:func:`~explorer.chartkit.log10_axis`; exact zeros are dropped by
:func:`~explorer.chartkit.finite_rows`. Each cell keeps one Okabe–Ito colour on
every chart of the page; measured state Jacobians are solid, the LSTM's cell
path alone dashed.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from explorer.chartkit import OKABE_ITO, THEORY, THEORY_DASH, base_properties, configure, finite_rows, log10_axis
from explorer.format import log10_of, pow10_text
from explorer.sim import TrainingRun

CELL_COLORS = {"rnn": OKABE_ITO["vermillion"], "lstm": OKABE_ITO["blue"], "gru": OKABE_ITO["green"]}
CELL_LABELS = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}
CELL_PATH_LABEL = "LSTM cell path ∏ diag(f)"
ATTENTION_LABEL = "attention"
SOLID = [1, 0]


def _cell_scales(domain: list[str], colors: list[str], dashes: list[list[int]], columns: int = 2) -> dict:
    return {
        "color": alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=colors),
                           legend=alt.Legend(labelLimit=0, symbolStrokeWidth=3, columns=columns)),
        "strokeDash": alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=domain, range=dashes)),
    }


# ---------------------------------------------------------------------------
# 1. the products side by side


def products_frame(log_rnn: np.ndarray, log_lstm: np.ndarray, log_gru: np.ndarray,
                   log_cell: np.ndarray) -> pd.DataFrame:
    """Long frame (lag, log10_norm, series, value); inputs indexed by ``k = 0..T``."""
    T = len(log_rnn) - 1
    lag = T - np.arange(T + 1)
    frames = [pd.DataFrame({"lag": lag, "log10_norm": log10_of(v), "series": label})
              for label, v in ((CELL_LABELS["rnn"], log_rnn), (CELL_LABELS["gru"], log_gru),
                               (CELL_PATH_LABEL, log_cell), (CELL_LABELS["lstm"], log_lstm))]
    df = finite_rows(pd.concat(frames, ignore_index=True), ["lag", "log10_norm"])
    df["value"] = pow10_text(df["log10_norm"].to_numpy())
    return df


def products_chart(log_rnn, log_lstm, log_gru, log_cell) -> alt.Chart:
    """``log10 ||∂s_T/∂s_k||`` against lag ``T - k`` for the three cells, and the LSTM's cell path (dashed)."""
    df = products_frame(log_rnn, log_lstm, log_gru, log_cell)
    domain = [CELL_LABELS["rnn"], CELL_LABELS["lstm"], CELL_PATH_LABEL, CELL_LABELS["gru"]]
    lo = float(df["log10_norm"].min()) if not df.empty else -1.0
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("lag:Q", title="lag T − k (steps back in time)"),
            y=alt.Y("log10_norm:Q", axis=log10_axis("‖∂s_T/∂s_k‖₂ (log scale)"),
                    scale=alt.Scale(domain=[min(lo - 0.5, -1.0), 0.5], nice=False)),
            **_cell_scales(domain, [CELL_COLORS["rnn"], CELL_COLORS["lstm"], CELL_COLORS["lstm"], CELL_COLORS["gru"]],
                           [SOLID, SOLID, THEORY_DASH, SOLID]),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("lag:Q", title="lag T − k"),
                     alt.Tooltip("value:N", title="norm"),
                     alt.Tooltip("log10_norm:Q", title="log10 norm", format=".2f")],
        )
    )
    return configure(base_properties(chart, height=340))


# ---------------------------------------------------------------------------
# 2. gate statistics


GATE_LABELS = {"forget": "LSTM forget gate f", "input": "LSTM input gate i", "rnn": "RNN tanh′ (diag of σ′)"}
GATE_COLORS = {"forget": OKABE_ITO["blue"], "input": OKABE_ITO["sky"], "rnn": OKABE_ITO["vermillion"]}


def gates_frame(rows: Mapping[str, np.ndarray]) -> pd.DataFrame:
    frames = [pd.DataFrame({"left": rows["left"], "right": rows["right"], "share": rows[key],
                            "series": GATE_LABELS[key]}) for key in GATE_LABELS]
    df = pd.concat(frames, ignore_index=True)
    df["percent"] = [f"{100 * s:.1f} %" for s in df["share"]]
    return df


def gates_chart(rows: Mapping[str, np.ndarray]) -> alt.VConcatChart:
    """Histograms (share of all units and steps) of f, i and the RNN's tanh′ on [0, 1], one panel each."""
    df = gates_frame(rows)
    domain = list(GATE_LABELS.values())
    panels = []
    for i, label in enumerate(domain):
        last = i == len(domain) - 1
        panels.append(
            alt.Chart(df[df["series"] == label], title=alt.Title(label, fontSize=14))
            .mark_rect()
            .encode(
                x=alt.X("left:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(values=[0, 0.25, 0.5, 0.75, 1]),
                        title="value (0 = blocks the path, 1 = passes it on)" if last else None),
                x2="right:Q",
                y=alt.Y("share:Q", title="share", axis=alt.Axis(format="%", tickCount=3)),
                color=alt.value(GATE_COLORS[list(GATE_LABELS)[i]]),
                tooltip=[alt.Tooltip("series:N"), alt.Tooltip("left:Q", title="from", format=".2f"),
                         alt.Tooltip("right:Q", title="to", format=".2f"), alt.Tooltip("percent:N", title="share")],
            )
            .properties(height=110, width="container")
        )
    return configure(alt.vconcat(*panels, spacing=14))


# ---------------------------------------------------------------------------
# 3. the race


def curves_frame(runs: Mapping[str, TrainingRun]) -> pd.DataFrame:
    frames = []
    for cell, run in runs.items():
        steps = np.arange(run.steps)
        acc = pd.Series(run.accuracy).rolling(10, min_periods=1).mean().to_numpy()
        frames.append(pd.DataFrame({"step": steps, "accuracy": acc, "loss": run.loss, "series": CELL_LABELS[cell]}))
    return finite_rows(pd.concat(frames, ignore_index=True), ["accuracy", "loss"])


def _race_color(runs: Mapping[str, TrainingRun]) -> alt.Color:
    domain = [CELL_LABELS[c] for c in runs]
    return alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=[CELL_COLORS[c] for c in runs]),
                     legend=alt.Legend(labelLimit=0, symbolStrokeWidth=3))


def accuracy_chart(runs: Mapping[str, TrainingRun]) -> alt.LayerChart:
    """Accuracy (10-step running mean) against step for each cell, chance level dotted."""
    df = curves_frame(runs)
    chance = next(iter(runs.values())).chance
    acc = alt.Chart(df).mark_line(strokeWidth=2.5).encode(
        x=alt.X("step:Q", title="training step"),
        y=alt.Y("accuracy:Q", title="accuracy (mean of 10 steps)", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=_race_color(runs),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("step:Q"), alt.Tooltip("accuracy:Q", format=".0%")],
    )
    rule = (alt.Chart(pd.DataFrame({"y": [chance], "label": [f"chance 1/{round(1 / chance)}"]}))
            .mark_rule(color=THEORY, strokeDash=[2, 3], strokeWidth=2)
            .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title="level")]))
    return configure(base_properties(alt.layer(acc, rule), height=280))


def loss_chart(runs: Mapping[str, TrainingRun]) -> alt.Chart:
    """Cross-entropy loss against step for each cell."""
    chart = alt.Chart(curves_frame(runs)).mark_line(strokeWidth=2).encode(
        x=alt.X("step:Q", title="training step"),
        y=alt.Y("loss:Q", title="cross-entropy loss", scale=alt.Scale(zero=True)),
        color=_race_color(runs),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".3f")],
    )
    return configure(base_properties(chart, height=280))


def gradients_frame(runs: Mapping[str, TrainingRun]) -> pd.DataFrame:
    frames = []
    for cell, run in runs.items():
        for row in (0, len(run.checkpoint_steps) - 1):
            g = run.grad_log_norms[row]
            distance = run.lag - np.arange(run.lag + 1)
            frames.append(pd.DataFrame({"distance": distance, "log10_norm": log10_of(g), "series": CELL_LABELS[cell],
                                        "checkpoint": f"step {int(run.checkpoint_steps[row])}"}))
    df = finite_rows(pd.concat(frames, ignore_index=True), ["log10_norm"])
    df["value"] = pow10_text(df["log10_norm"].to_numpy())
    return df


def gradients_chart(runs: Mapping[str, TrainingRun]) -> alt.Chart:
    """``log10 ||∂L/∂h_k||`` against distance from the read-out, first checkpoint solid and last dashed."""
    df = gradients_frame(runs)
    domain = [CELL_LABELS[c] for c in runs]
    checkpoints = list(dict.fromkeys(df["checkpoint"]))
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, point=False)
        .encode(
            x=alt.X("distance:Q", title="steps before the read-out (right end: the first symbol)"),
            y=alt.Y("log10_norm:Q", axis=log10_axis("‖∂L/∂h_k‖ (log scale)")),
            color=alt.Color("series:N", title=None,
                            scale=alt.Scale(domain=domain, range=[CELL_COLORS[c] for c in runs]),
                            legend=alt.Legend(labelLimit=0, symbolStrokeWidth=3)),
            strokeDash=alt.StrokeDash("checkpoint:N", title="when",
                                      scale=alt.Scale(domain=checkpoints,
                                                      range=[SOLID, THEORY_DASH][: len(checkpoints)])),
            detail="checkpoint:N",
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("checkpoint:N"),
                     alt.Tooltip("distance:Q", title="steps back"), alt.Tooltip("value:N", title="‖∂L/∂h_k‖")],
        )
    )
    return configure(base_properties(chart, height=300))


# ---------------------------------------------------------------------------
# 4. paths through time


def paths_frame(rows: Mapping[str, np.ndarray]) -> pd.DataFrame:
    d = rows["distance"]
    return pd.concat([
        pd.DataFrame({"distance": d, "factors": rows["rnn"], "series": "RNN: t − k factors W·diag(σ′)"}),
        pd.DataFrame({"distance": d, "factors": rows["cell"], "series": "LSTM cell: t − k factors diag(f) ≈ I"}),
        pd.DataFrame({"distance": d, "factors": rows["attention"], "series": "attention: 1 step"}),
    ], ignore_index=True)


def paths_chart(rows: Mapping[str, np.ndarray]) -> alt.Chart:
    """Factors on the shortest gradient path against distance t − k."""
    df = paths_frame(rows)
    domain = list(dict.fromkeys(df["series"]))
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("distance:Q", title="distance t − k (steps)"),
            y=alt.Y("factors:Q", title="factors on the path"),
            **_cell_scales(domain, [CELL_COLORS["rnn"], CELL_COLORS["lstm"], OKABE_ITO["orange"]],
                           [SOLID, THEORY_DASH, SOLID], columns=1),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("distance:Q"), alt.Tooltip("factors:Q")],
        )
    )
    return configure(base_properties(chart, height=280))
