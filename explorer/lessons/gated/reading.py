"""What the gated-memory page computes and says: settings, results, captions and verdicts.

Pure functions (no Streamlit, no Altair). The view asks for one cached result
per figure and lays out the text these functions return; every threshold and
every choice of words that depends on the numbers lives here and is tested
branch by branch (``tests/lessons/test_gated_reading.py``).

Sources: Hochreiter & Schmidhuber (1997); Gers, Schmidhuber & Cummins (2000);
Cho et al. (2014); Jozefowicz, Zaremba & Sutskever (2015); Tallec & Ollivier
(2018); Pascanu, Mikolov & Bengio (2013); Vaswani et al. (2017).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from explorer import sim
from explorer.format import LN10, fmt_pow10
from explorer.lessons.gated.scenarios import LONG_HORIZON
from explorer.reading import Verdict
from explorer.sim import Regime

INTRO = (
    "Every other page shows that a product of many Jacobians vanishes. This one shows what that costs and what "
    "cures it. A vanilla RNN carries its memory through W·diag(σ′) at every step; an LSTM also keeps a *cell* "
    "whose one-step factor is diag(f), the forget gates — close to the identity when f is close to 1. Below, the "
    "two products side by side, the gates that make the difference, and a live race: a tanh RNN, an LSTM and a "
    "GRU trained on the same long-lag task with the same optimiser."
)

CELL_LABELS = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}
FORGET_BIAS_LABELS = {"zero": "0 (PyTorch default)", "one": "1 (Jozefowicz et al.)",
                      "chrono": "chrono (Tallec & Ollivier)"}

_RACE_DEFAULTS = {k: v.default for k, v in inspect.signature(sim.train_sequence_model).parameters.items()
                  if v.default is not inspect.Parameter.empty}
RACE_LAG = int(_RACE_DEFAULTS["lag"])
"""The default race's lag: ``train_sequence_model``'s default (its docstring says how it was chosen)."""
RACE_FORGET_BIAS = str(_RACE_DEFAULTS["forget_bias"])
RACE_CLIP = float(_RACE_DEFAULTS["clip"])
RACE_STEPS = int(_RACE_DEFAULTS["steps"])
RACE_HIDDEN = int(_RACE_DEFAULTS["hidden"])
RACE_SYMBOLS = int(_RACE_DEFAULTS["symbols"])

MIN_LAG, MAX_LAG = 5, 60
LAG_STEP = 5
"""The lag moves in steps of 5, so every race a reader can ask for (12 lags × 3 biases × clipping on
or off) is trained once in the background when the server starts (``WARM_QUERIES`` in the scenarios)."""


def race_lag(value: float) -> int:
    """The lag the race runs: ``value`` on the slider's grid of multiples of :data:`LAG_STEP` (a hand-typed
    link's 37 runs as 35)."""
    snapped = LAG_STEP * round(float(value) / LAG_STEP)
    return int(min(MAX_LAG, max(MIN_LAG, snapped)))
"""Range of the lag control (steps 300, width 32, batch 32 fixed): at lag 60 one cell's training costs
1.2x the default race's, whose LSTM takes about 2 s of CPU on a loaded 2-core machine."""

PRODUCT_WIDTH = 32
"""Width of the random cells in the first two figures."""
PRODUCT_SEED = 0
MIN_T, MAX_T, DEFAULT_T = 50, 1000, 300
"""Range of the figure-local horizon T of the first figure (one 2n x 2n product per step)."""
READ_LAG = 100
"""The lag the first two verdicts quote (or T, if shorter)."""
KEPT = -2.0
"""A product above 10^-2 at the quoted lag counts as kept (log10)."""
LEARNED = 0.9
"""Accuracy at which a model counts as having learned the task."""
HIST_BINS = 25


# ---------------------------------------------------------------------------
# page-wide settings


@dataclass(frozen=True)
class PageSettings:
    """The page-wide controls: the race's lag, the gated cells' forget bias, clipping on or off."""

    lag: int = RACE_LAG
    fbias: str = RACE_FORGET_BIAS
    clip: bool = True


def _log10(x: float) -> float:
    return x / LN10


# ---------------------------------------------------------------------------
# figures 1 and 2: products of Jacobians and the gates behind them


@dataclass(frozen=True)
class ProductSettings:
    fbias: str = RACE_FORGET_BIAS
    T: int = DEFAULT_T
    n: int = PRODUCT_WIDTH
    seed: int = PRODUCT_SEED

    @property
    def heavy(self) -> bool:
        """Long horizons take the server's heavy-work slot (and show a spinner)."""
        return self.T > LONG_HORIZON


@dataclass(frozen=True, eq=False)
class ProductResult:
    """Natural-log norms indexed by ``k = 0..T`` (lag ``T - k``) and the gate samples."""

    settings: ProductSettings
    log_rnn: np.ndarray
    log_lstm: np.ndarray
    log_gru: np.ndarray
    log_cell: np.ndarray
    forget: np.ndarray
    input_gate: np.ndarray
    rnn_slope: np.ndarray
    rnn_radius: float

    @property
    def T(self) -> int:
        return self.settings.T

    @property
    def read_lag(self) -> int:
        return min(READ_LAG, self.T)

    def at_lag(self, log_norms: np.ndarray, lag: int | None = None) -> float:
        """log10 of a norm array at lag ``T - k``."""
        lag = self.read_lag if lag is None else lag
        return _log10(float(log_norms[self.T - lag]))

    @property
    def rnn_factor(self) -> float:
        """The RNN product's measured geometric-mean factor per step over the quoted lag."""
        return 10.0 ** (self.at_lag(self.log_rnn) / self.read_lag)

    @property
    def mean_log_f(self) -> float:
        """Mean ``ln f`` over steps and units: ``exp`` of it is the geometric-mean forget gate."""
        with np.errstate(divide="ignore"):
            return float(np.mean(np.log(self.forget)))


def product_inputs(T: int, seed: int) -> np.ndarray:
    """One sequence of the race's task (one-hot symbols, the first flagged), ``T`` steps."""
    x, _ = sim.first_symbol_batch(T - 1, RACE_SYMBOLS, 1, np.random.default_rng(seed))
    return x[:, 0, :]


def product_result(s: ProductSettings) -> ProductResult:
    """A random tanh RNN, LSTM and GRU of width ``n`` (PyTorch initialisation) fed the same sequence."""
    inputs = product_inputs(s.T, s.seed)
    m = inputs.shape[1]
    n = s.n
    W_x, W_h, b = sim.random_lstm_weights(n, m, forget_bias=s.fbias, horizon=max(s.T, 2), seed=s.seed)
    lstm = sim.simulate_lstm(W_x, W_h, b, inputs, np.zeros(n), np.zeros(n))
    gx, gh, bx, bh = sim.random_gru_weights(n, m, update_bias=s.fbias, horizon=max(s.T, 2), seed=s.seed)
    gru = sim.simulate_gru(gx, gh, bx, bh, inputs, np.zeros(n))
    rng = np.random.default_rng([s.seed, 3])
    lim = 1.0 / math.sqrt(n)
    W_rec = rng.uniform(-lim, lim, (n, n))
    rnn = sim.simulate_rnn(W_rec, rng.uniform(-lim, lim, (n, m)), rng.uniform(-lim, lim, n), inputs,
                           np.zeros(n), "tanh", "elman")
    return ProductResult(
        settings=s,
        log_rnn=sim.jacobian_log_norms(rnn),
        log_lstm=sim.lstm_jacobian_log_norms(lstm),
        log_gru=sim.gru_jacobian_log_norms(gru),
        log_cell=sim.lstm_cell_path_log_norms(lstm),
        forget=lstm.f.ravel(),
        input_gate=lstm.i.ravel(),
        rnn_slope=rnn.derivatives.ravel(),
        rnn_radius=sim.spectral_radius(W_rec),
    )


def products_caption(r: ProductResult) -> str:
    return (f"Solid lines are the full state Jacobians ‖∂s_T/∂s_k‖₂ (s = (h, c) for the LSTM, h otherwise) of "
            f"width-{r.settings.n} cells fed the same {r.T}-step sequence; the dashed line is the LSTM's cell path "
            "∏ diag(f) alone. Notice how the RNN's line falls straight down while the cell path bends only slowly.")


def products_verdict(r: ProductResult) -> Verdict:
    L = r.read_lag
    rnn, lstm, gru, cell = (r.at_lag(a) for a in (r.log_rnn, r.log_lstm, r.log_gru, r.log_cell))
    text = (f"At lag {L} the tanh RNN's product is {fmt_pow10(rnn)} (about ×{r.rnn_factor:.2f} a step), "
            f"the LSTM's {fmt_pow10(lstm)} with its cell path at {fmt_pow10(cell)}, "
            f"and the GRU's {fmt_pow10(gru)}, with the forget bias at {FORGET_BIAS_LABELS[r.settings.fbias]}.")
    if lstm > KEPT:
        return Verdict(text + " The gated memory keeps the gradient's size over the whole lag.", Regime.NEUTRAL)
    if lstm > rnn:
        gap = lstm - rnn
        return Verdict(text + f" The gates lose less than the RNN, by {gap:.0f} orders of magnitude, but at this "
                       "bias they still forget: raise the forget bias to keep more.", Regime.VANISHES)
    return Verdict(text + " At this bias the gates forget as fast as the RNN's product decays.", Regime.VANISHES)


def gates_caption(r: ProductResult) -> str:
    return ("Histograms over every unit and step of the run: the LSTM's forget gate f and input gate i, and the "
            "RNN's tanh′, the diagonal of diag(σ′) in each of its factors. Notice where f sits: its mean "
            "per step decides the cell path's slope in the first figure.")


def gates_verdict(r: ProductResult) -> Verdict:
    L = r.read_lag
    f_bar = math.exp(r.mean_log_f)
    predicted = L * r.mean_log_f / LN10
    measured = r.at_lag(r.log_cell)
    slope = float(np.mean(r.rnn_slope))
    text = (f"The geometric-mean forget gate is f̄ = {f_bar:.3f}, so a typical unit of the cell keeps f̄^{L} = "
            f"{fmt_pow10(predicted)} after {L} steps; the best-kept unit measured keeps {fmt_pow10(measured)} "
            f"(the cell path's norm is its largest unit). The RNN's units pass on a mean tanh′ of {slope:.2f}, but "
            f"each factor also goes through W_h (spectral radius {r.rnn_radius:.2f}): its product shrinks by about "
            f"×{r.rnn_factor:.2f} a step, {fmt_pow10(r.at_lag(r.log_rnn))} after {L}.")
    regime = Regime.NEUTRAL if measured > KEPT else Regime.VANISHES
    return Verdict(text, regime)


def histogram_rows(r: ProductResult) -> dict[str, np.ndarray]:
    """Counts per bin on [0, 1] for each sample (share of the sample, so the three are comparable)."""
    edges = np.linspace(0.0, 1.0, HIST_BINS + 1)
    out = {"left": edges[:-1], "right": edges[1:]}
    for key, values in (("forget", r.forget), ("input", r.input_gate), ("rnn", r.rnn_slope)):
        counts, _ = np.histogram(np.clip(values, 0.0, 1.0), bins=edges)
        out[key] = counts / max(1, values.size)
    return out


# ---------------------------------------------------------------------------
# figure 3: the training race


@dataclass(frozen=True)
class RaceSettings:
    lag: int = RACE_LAG
    fbias: str = RACE_FORGET_BIAS
    clip: bool = True

    @property
    def heavy(self) -> bool:
        """Training is the heaviest work of the app: every cell's run takes the heavy-work slot."""
        return True

    @classmethod
    def of(cls, page: PageSettings) -> RaceSettings:
        return cls(race_lag(page.lag), page.fbias, page.clip)


def train_cell(s: RaceSettings, cell: str, progress: Callable[[int, int], None] | None = None) -> sim.TrainingRun:
    """One cell of the race: ``train_sequence_model``'s defaults with the page's lag, bias and clipping."""
    return sim.train_sequence_model(cell, lag=s.lag, forget_bias=s.fbias, clip=RACE_CLIP if s.clip else None,
                                    progress=progress)


@dataclass(frozen=True, eq=False)
class RaceResult:
    runs: Mapping[str, sim.TrainingRun]

    @property
    def lag(self) -> int:
        return next(iter(self.runs.values())).lag

    @property
    def chance(self) -> float:
        return next(iter(self.runs.values())).chance

    def learned_at(self, cell: str) -> int | None:
        """First step from which the 10-step running mean of the accuracy is at least :data:`LEARNED`."""
        acc = self.runs[cell].accuracy
        window = min(10, acc.size)
        means = np.convolve(acc, np.ones(window) / window, mode="valid")
        hits = np.flatnonzero(means >= LEARNED)
        return int(hits[0] + window - 1) if hits.size else None

    def reach(self, cell: str, row: int = 0) -> float:
        """log10 of ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at a checkpoint: the read-out's gradient left at the first symbol."""
        g = self.runs[cell].grad_log_norms[row]
        return _log10(float(g[0] - g[-1]))


def race_caption(r: RaceResult) -> str:
    run = next(iter(r.runs.values()))
    return (f"All three cells: width {run.hidden}, Adam at lr {run.lr:g}, batch {run.batch}, {run.steps} steps, "
            f"clipping {'at ' + format(run.clip, 'g') if run.clip is not None else 'off'}, seed {run.seed}, the same "
            f"batches; accuracy on each fresh batch before its update. The dotted line is chance, 1/{run.symbols}. "
            "Notice which curves leave it.")


def gradient_caption(r: RaceResult) -> str:
    text = ("‖∂L/∂h_k‖ at the first and the last checkpoint, against the distance from the read-out: the right end "
            "is the first symbol, the only one the loss depends on. Notice the RNN's line falling away before it "
            "gets there.")
    rows = [run.grad_log_norms[[0, -1]] for run in r.runs.values()]
    if any(not np.all(np.isfinite(g)) for g in rows):
        text += (" A line that stops short has underflowed: training runs in single precision, so a gradient "
                 "below about 10^-45 is exactly 0.")
    return text


def _percent(x: float) -> str:
    return f"{100 * x:.0f} %"


def race_verdict(r: RaceResult) -> Verdict:
    parts = []
    learned = {}
    for cell in ("lstm", "gru", "rnn"):
        if cell not in r.runs:
            continue
        step = r.learned_at(cell)
        learned[cell] = step is not None
        final = r.runs[cell].final_accuracy
        label = CELL_LABELS[cell]
        if step is not None:
            parts.append(f"the {label} reached {_percent(LEARNED)} accuracy at step {step} "
                         f"and ended at {_percent(final)}")
        else:
            parts.append(f"the {label} ended at {_percent(final)}")
    text = f"Lag {r.lag}: " + "; ".join(parts) + f" (chance {_percent(r.chance)})."
    if "rnn" in r.runs:
        text += (f" At step 0 the RNN's gradient at the first symbol was {fmt_pow10(r.reach('rnn'))} of its gradient "
                 f"at the read-out")
        if "lstm" in r.runs:
            text += f"; the LSTM's was {fmt_pow10(r.reach('lstm'))}"
        text += "."
    first = next(iter(r.runs.values()))
    if first.clip is None:
        peaks = ", ".join(f"{CELL_LABELS[c]} {fmt_pow10(float(np.max(run.log_grad_norm)) / LN10)}"
                          for c, run in r.runs.items())
        text += f" Clipping is off: the largest gradient norms were {peaks}."
    gated = [c for c in ("lstm", "gru") if learned.get(c)]
    if learned.get("rnn") and gated:
        return Verdict(text + " At this lag every cell learns: the dependency is short enough for the RNN's "
                       "gradient to reach it.", Regime.NEUTRAL)
    if len(gated) == 2:
        return Verdict(text + " Only the gated cells learned in this budget: their gradient reaches the first "
                       "symbol, the RNN's does not.", Regime.VANISHES)
    if gated:
        return Verdict(text + f" Only the {CELL_LABELS[gated[0]]} learned in this budget: a gradient that reaches "
                       "the first symbol is needed, not sufficient.", Regime.VANISHES)
    if learned.get("rnn"):
        return Verdict(text + " The RNN learned and the gated cells did not in this budget: try another forget bias.",
                       Regime.NEUTRAL)
    return Verdict(text + " No cell learned in this budget: the gradient at the first symbol is too faint for "
                   "all three at these settings.", Regime.VANISHES)


# ---------------------------------------------------------------------------
# figure 4: paths through time


def path_rows(r: ProductResult) -> dict[str, np.ndarray]:
    """Factors on the shortest gradient path over distance d: RNN d, LSTM cell d, attention 1."""
    d = np.arange(1, r.T + 1)
    return {"distance": d, "rnn": d.astype(float), "cell": d.astype(float), "attention": np.ones(d.size)}


def paths_verdict(r: ProductResult) -> Verdict:
    L = r.read_lag
    rnn = r.at_lag(r.log_rnn)
    cell = r.at_lag(r.log_cell)
    text = (f"Over {L} steps the RNN's gradient passes through {L} factors W·diag(σ′) (measured: "
            f"{fmt_pow10(rnn)}), the LSTM's cell through {L} factors diag(f) (measured: {fmt_pow10(cell)}), and "
            "self-attention through one: every position reads every other directly (Vaswani et al. 2017), so its "
            "path does not shrink with the distance at all.")
    return Verdict(text, Regime.NEUTRAL if cell > KEPT else Regime.VANISHES)


PATHS_TEXT = (
    "How many multiplications stand between the loss at step t and the input at step k? In a vanilla RNN, t − k "
    "Jacobians W·diag(σ′), each typically below 1. In an LSTM the cell offers a path of t − k factors diag(f), "
    "each close to 1 if the forget gates are. Attention (the Transformer) connects every pair of positions in one "
    "step: the path length is 1 whatever t − k is."
)

SOURCES = (
    "Sources: Hochreiter & Schmidhuber (1997), *Long short-term memory*; Gers, Schmidhuber & Cummins (2000), "
    "*Learning to forget*; Cho et al. (2014), the GRU; Jozefowicz, Zaremba & Sutskever (2015), *An empirical "
    "exploration of recurrent network architectures* (forget bias 1); Tallec & Ollivier (2018), *Can recurrent "
    "neural networks warp time?* (chrono initialisation); Pascanu, Mikolov & Bengio (2013), *On the difficulty of "
    "training recurrent neural networks* (clipping); Vaswani et al. (2017), *Attention is all you need*."
)
