"""What the cliffs page computes and says: typed settings and results per figure, captions and verdicts.

Pure functions (no Streamlit, no Altair). The model is the one-unit recurrent
network of Pascanu, Mikolov & Bengio (2013), Fig. 6: ``x_t = w σ(x_{t−1}) + b``,
``x_0 = 0.5``, ``E = (σ(x_50) − 0.7)²``. Every number a caption or verdict
quotes is computed here from the current settings, with every threshold
named below so the tests can reach each branch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from explorer import sim
from explorer.format import fmt_sci
from explorer.reading import Verdict
from explorer.sim import Regime

T, X0, TARGET = 50, 0.5, 0.7
"""The model of Pascanu et al. (2013, Fig. 6)."""

WINDOWS = {
    "wide": ((1.0, 8.0), (-6.0, 0.0)),
    "zoom": ((4.0, 6.5), (-4.0, -1.5)),
}
"""Regions of the (w, b) plane the landscape can show: key → (w range, b range)."""

WINDOW_LABELS = {"wide": "Wide", "zoom": "Zoom on the wall"}
WINDOW_HELP = "Wide: w ∈ [1, 8], b ∈ [−6, 0]. Zoom: w ∈ [4, 6.5], b ∈ [−4, −1.5]."

GRID_MIN, GRID_MAX, GRID_DEFAULT = 21, 161, 81
"""Grid points per axis: the cap keeps the landscape under about 0.2 s of CPU (161² points × 50 steps)."""

COLOR_FLOOR = 1e-8
"""Values below this are coloured as this (a log colour scale cannot show 0); tooltips show the true value."""

SLICE_POINTS = 401
SLICE_HALF_WIDTH = 1.0
"""The slice runs over b_c ± 1 (or the window's b range when there is no wall), at 401 points."""

JUMP_OFFSET = 0.01
"""The slice quotes E at b_c ± 0.01."""

HEURISTIC = (0.5, 10.0)
"""Pascanu et al. (2013, §3.2): τ from about half to ten times the average gradient norm still trains."""

SPIKY = 10.0
"""The average ‖∇E‖ "is dominated by the wall" when it exceeds the median this many times."""

THROWN = 1.0
"""An unclipped step longer than this (in the (w, b) plane) counts as "thrown"."""

CRAWL_SHARE = 0.9
"""The norm-clipped run "crawls" when at least this share of its steps are clipped and τ is below the heuristic."""

WALL_RATIO = 100.0
"""The landscape "has a wall" when its largest ‖∇E‖ is at least this many times the median."""

W_LIMITS = (1.0, 8.0)
"""Range of the slice's w slider."""

RUN_LABELS = {"none": "Unclipped", "norm": "Clipped by norm", "value": "Clipped by value"}
"""Legend text of each run (keys are :data:`explorer.sim.CLIP_MODES`)."""


# ---------------------------------------------------------------------------
# page-wide: the landscape


@dataclass(frozen=True)
class LandscapeSettings:
    """Which region of the (w, b) plane, at what resolution."""

    window: str = "wide"
    n: int = GRID_DEFAULT

    @property
    def w_range(self) -> tuple[float, float]:
        return WINDOWS[self.window][0]

    @property
    def b_range(self) -> tuple[float, float]:
        return WINDOWS[self.window][1]

    @property
    def heavy(self) -> bool:
        return self.n > 121


@dataclass(frozen=True)
class Landscape:
    """The grid and what the verdict quotes about it."""

    grid: sim.CliffGrid
    wall_w: np.ndarray
    """w values of the window where a wall exists (w σ'(x_0) > 1)."""
    wall_b: np.ndarray
    """b_c(w) at those w."""
    peak_w: float
    peak_b: float
    peak_norm: float
    median_norm: float
    peak_distance: float
    """|b − b_c(w)| at the peak (inf when the peak's w has no wall)."""


def landscape(s: LandscapeSettings) -> Landscape:
    """The cached landscape of one (window, resolution) setting."""
    g = sim.cliff_grid(s.w_range, s.b_range, s.n, steps=T, x0=X0, target=TARGET)
    walls = [sim.cliff_wall(float(w), steps=T, x0=X0) for w in np.linspace(*s.w_range, 200)]
    wall_w = np.array([c.w for c in walls if c.is_wall and s.b_range[0] <= c.b_c <= s.b_range[1]])
    wall_b = np.array([c.b_c for c in walls if c.is_wall and s.b_range[0] <= c.b_c <= s.b_range[1]])
    norm = g.grad_norm
    i, j = np.unravel_index(int(np.argmax(norm)), norm.shape)
    peak_w, peak_b = float(g.w[j]), float(g.b[i])
    wall = sim.cliff_wall(peak_w, steps=T, x0=X0)
    distance = abs(peak_b - wall.b_c) if wall.is_wall else math.inf
    return Landscape(g, wall_w, wall_b, peak_w, peak_b, float(norm[i, j]), float(np.median(norm)), distance)


def landscape_caption(r: Landscape) -> str:
    return ("Left the loss, right the gradient's norm, both on a log colour scale. The loss jumps across the "
            "dashed line b = b_c(w) = 0.5 − w σ(0.5); on the right the same line shows up as a thin ridge of large "
            "‖∇E‖ (cells that fall right on the wall are brightest), while on either side the surface is almost "
            "flat. Hover a cell for its w, b, E and ‖∇E‖.")


def landscape_verdict(r: Landscape) -> Verdict:
    ratio = r.peak_norm / r.median_norm if r.median_norm > 0 else math.inf
    where = f"(w, b) = ({r.peak_w:.2f}, {r.peak_b:.2f})"
    if ratio >= WALL_RATIO:
        near = (f", {fmt_sci(r.peak_distance)} from the line b = b_c(w)" if math.isfinite(r.peak_distance)
                else "")
        return Verdict(f"The largest ‖∇E‖ on this grid is **{fmt_sci(r.peak_norm)}** at {where}{near}: "
                       f"**{fmt_sci(ratio)}×** the median cell's {fmt_sci(r.median_norm)}. A gradient step "
                       "there is that many times longer than elsewhere.", Regime.EXPLODES)
    return Verdict(f"The largest ‖∇E‖ on this grid, {fmt_sci(r.peak_norm)} at {where}, is only "
                   f"{fmt_sci(ratio)}× the median: at this resolution no cell falls on the wall itself "
                   "(it is thinner than a cell). Raise the resolution or zoom in.", Regime.NEUTRAL)


# ---------------------------------------------------------------------------
# figure: a slice across the wall, and why it is there


@dataclass(frozen=True)
class SliceSettings:
    """The slice at one w, within the landscape's window."""

    w: float = 5.0
    window: str = "wide"


@dataclass(frozen=True)
class WallSlice:
    settings: SliceSettings
    wall: sim.CliffWall
    b: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    x_final: np.ndarray
    """x_T at each b of the slice."""
    curve: sim.FixedPointCurve
    E_above: float
    E_below: float
    peak_norm: float
    peak_b: float


def wall_slice(s: SliceSettings) -> WallSlice:
    wall = sim.cliff_wall(s.w, steps=T, x0=X0)
    lo, hi = WINDOWS[s.window][1]
    if wall.is_wall:
        lo, hi = wall.b_c - SLICE_HALF_WIDTH, wall.b_c + SLICE_HALF_WIDTH
    b = np.linspace(lo, hi, SLICE_POINTS)
    if wall.is_wall:  # put points right at and beside b_c, where the peak is
        b = np.unique(np.concatenate([b, wall.b_c + np.array([-1e-4, -1e-5, 0.0, 1e-5, 1e-4])]))
    E, gw, gb = sim.cliff_loss_and_grad(s.w, b, steps=T, x0=X0, target=TARGET)
    norm = np.hypot(gw, gb)
    x_final = sim.cliff_states(s.w, b, steps=T, x0=X0)[-1]
    span = min(max(8.0, abs(s.w) + 4.0), 1e6)
    curve = sim.cliff_fixed_point_curve(s.w, (-span, span), 801)
    b_ref = wall.b_c if wall.is_wall else 0.5 * (lo + hi)
    E_above = float(sim.cliff_loss_and_grad(s.w, b_ref + JUMP_OFFSET, steps=T, x0=X0, target=TARGET)[0])
    E_below = float(sim.cliff_loss_and_grad(s.w, b_ref - JUMP_OFFSET, steps=T, x0=X0, target=TARGET)[0])
    k = int(np.argmax(norm))
    return WallSlice(s, wall, b, E, norm, x_final, curve, E_above, E_below, float(norm[k]), float(b[k]))


def slice_metrics(r: WallSlice) -> list[tuple[str, str]]:
    w = r.wall
    return [
        ("Jacobian w σ′(0.5)", f"{w.multiplier:.3f}"),
        (f"Over {T} steps", f"×{fmt_sci(math.exp(w.log_amplification))}" if w.log_amplification < 700
         else "×10^" + f"{w.log_amplification / math.log(10):.0f}"),
        ("b_c = 0.5 − w σ(0.5)", f"{w.b_c:.4f}"),
        (f"E at b_c + {JUMP_OFFSET:g}", fmt_sci(r.E_above)),
        (f"E at b_c − {JUMP_OFFSET:g}", fmt_sci(r.E_below)),
    ]


def slice_caption(r: WallSlice) -> str:
    return ("Left: E and ‖∇E‖ along b at the chosen w (log scale). Right: the fixed points of x ↦ w σ(x) + b "
            "(solid stable, dashed unstable) with x_T of each b on the slice (dots). The wall is where the "
            "start x_0 = 0.5 meets the unstable branch: starts above it climb to the upper branch, starts below "
            "fall to the lower one.")


def slice_verdict(r: WallSlice) -> Verdict:
    w = r.wall
    off = fmt_sci(JUMP_OFFSET)
    if w.is_wall:
        growth = fmt_sci(math.exp(min(w.log_amplification, 700)))
        return Verdict(
            f"At w = {r.settings.w:g} the per-step Jacobian at the fixed point x = 0.5 is w σ′(0.5) = "
            f"**{w.multiplier:.3f} > 1**, so a perturbation of x grows ×{growth} "
            f"over {T} steps. Crossing b_c = {w.b_c:.4f} by ±{off} changes E from **{fmt_sci(r.E_above)}** (above) "
            f"to **{fmt_sci(r.E_below)}** (below), and ‖∇E‖ peaks at **{fmt_sci(r.peak_norm)}** at "
            f"b = {r.peak_b:.4f}.", Regime.EXPLODES)
    return Verdict(
        f"At w = {r.settings.w:g} the Jacobian at x = 0.5 is w σ′(0.5) = {w.multiplier:.3f} ≤ 1: every fixed point "
        f"the start can reach is stable and there is no wall. Along this slice ‖∇E‖ is at most "
        f"{fmt_sci(r.peak_norm)} and E changes smoothly (±{off} around the middle: {fmt_sci(r.E_above)} against "
        f"{fmt_sci(r.E_below)}).", Regime.VANISHES if w.multiplier < 1 else Regime.NEUTRAL)


# ---------------------------------------------------------------------------
# figure: training with and without clipping


@dataclass(frozen=True)
class TrainSettings:
    """A start point and the optimiser's settings (figure-local)."""

    w0: float = 5.0
    b0: float = -2.6103
    lr: float = 0.02
    iterations: int = 200
    tau: float = 1.0


@dataclass(frozen=True)
class Training:
    settings: TrainSettings
    runs: dict[str, sim.CliffTrajectory]
    jump: int
    """Index of the unclipped run's longest step."""
    jump_length: float
    jump_norm: float
    loss_before: float
    loss_after: float
    clipped_length: float
    """Length of the norm-clipped run's step at the same iteration."""
    mean_norm: float
    """Average raw ‖∇E‖ along the norm-clipped run (Pascanu's statistic)."""
    median_norm: float
    clipped_share: float

    @property
    def thrown(self) -> bool:
        return self.jump_length > THROWN

    @property
    def heuristic_range(self) -> tuple[float, float]:
        return HEURISTIC[0] * self.mean_norm, HEURISTIC[1] * self.mean_norm

    @property
    def final(self) -> dict[str, float]:
        return {k: float(r.loss[-1]) for k, r in self.runs.items()}


def training(s: TrainSettings) -> Training:
    runs = {c: sim.cliff_sgd(s.w0, s.b0, lr=s.lr, iterations=s.iterations, clip=c, threshold=s.tau,
                             steps=T, x0=X0, target=TARGET) for c in sim.CLIP_MODES}
    r, n = runs["none"], runs["norm"]
    k = int(np.argmax(r.step_length))
    return Training(s, runs, k, float(r.step_length[k]), float(r.grad_norm[k]), float(r.loss[k]),
                    float(r.loss[k + 1]), float(n.step_length[k]), float(np.mean(n.grad_norm)),
                    float(np.median(n.grad_norm)), float(np.mean(n.clipped)))


PATH_GRID = 45
"""Grid points per axis of the landscape drawn under the runs."""

PATH_MARGIN = 0.25
"""Least half-width of the window around the runs, and the padding added to their extent."""


@dataclass(frozen=True)
class PathWindowSettings:
    """The region drawn under the runs: around the clipped runs and the start (the unclipped one may leave it)."""

    w_range: tuple[float, float]
    b_range: tuple[float, float]
    n: int = PATH_GRID


def path_window(r: Training) -> PathWindowSettings:
    """A window holding the start and both clipped runs, padded, at least ``2 × PATH_MARGIN`` wide each way."""
    ws = np.concatenate([r.runs["norm"].w, r.runs["value"].w])
    bs = np.concatenate([r.runs["norm"].b, r.runs["value"].b])

    def span(values: np.ndarray) -> tuple[float, float]:
        lo, hi = float(values.min()) - PATH_MARGIN / 2, float(values.max()) + PATH_MARGIN / 2
        mid, half = (lo + hi) / 2, max((hi - lo) / 2, PATH_MARGIN)
        return round(mid - half, 4), round(mid + half, 4)

    return PathWindowSettings(span(ws), span(bs))


@dataclass(frozen=True)
class PathLandscape:
    grid: sim.CliffGrid
    wall_w: np.ndarray
    wall_b: np.ndarray


def path_landscape(s: PathWindowSettings) -> PathLandscape:
    """The loss under the runs, and the wall line within that window."""
    g = sim.cliff_grid(s.w_range, s.b_range, s.n, steps=T, x0=X0, target=TARGET)
    walls = [sim.cliff_wall(float(w), steps=T, x0=X0) for w in np.linspace(*s.w_range, 100)]
    keep = [c for c in walls if c.is_wall and s.b_range[0] <= c.b_c <= s.b_range[1]]
    return PathLandscape(g, np.array([c.w for c in keep]), np.array([c.b_c for c in keep]))


def path_note(r: Training, s: PathWindowSettings) -> str:
    """Says where the unclipped run went when it left the window."""
    u = r.runs["none"]
    inside = ((s.w_range[0] <= u.w) & (u.w <= s.w_range[1]) & (s.b_range[0] <= u.b) & (u.b <= s.b_range[1]))
    if inside.all():
        return "All three runs stay within the window shown."
    k = int(np.argmin(inside))
    return (f"The unclipped run leaves this window at iteration {k} and ends at (w, b) = "
            f"({u.w[-1]:.3g}, {u.b[-1]:.3g}); the window follows the clipped runs.")


def heuristic_text(r: Training) -> str:
    lo, hi = r.heuristic_range
    where = "inside" if lo <= r.settings.tau <= hi else "below" if r.settings.tau < lo else "above"
    return (f"Pascanu et al. suggest a threshold between about half and ten times the average gradient norm. "
            f"On this run the average ‖∇E‖ (before clipping) is {fmt_sci(r.mean_norm)}, so the range is "
            f"[{fmt_sci(lo)}, {fmt_sci(hi)}]; τ = {fmt_sci(r.settings.tau)} is **{where}** it."
            + (f" The median is only {fmt_sci(r.median_norm)}: the few steps taken on the wall dominate the average."
               if r.mean_norm > SPIKY * r.median_norm else ""))


def training_caption(r: Training) -> str:
    return ("The three runs start together. Where ‖∇E‖ is small they coincide; on the wall the unclipped step "
            "is η‖∇E‖ long, the norm-clipped one at most ητ along the same direction, and the value-clipped one "
            "at most ητ√2, in a turned direction. The diamond marks where the unclipped run's longest step starts. "
            "A clipped run that rides along the wall hops across it with steps of at most ητ, so its loss "
            "flickers, but it is never thrown far.")


def training_verdict(r: Training) -> Verdict:
    s = r.settings
    fin = r.final
    n = r.runs["norm"]
    lo, _ = r.heuristic_range
    if r.clipped_share >= CRAWL_SHARE and s.tau < lo:
        travelled = float(np.sum(n.step_length))
        return Verdict(
            f"With τ = {fmt_sci(s.tau)}, {r.clipped_share:.0%} of the norm-clipped steps were clipped, each to "
            f"length ητ = {fmt_sci(s.lr * s.tau)}: in {s.iterations} iterations that run travelled only "
            f"{fmt_sci(travelled)} in total and its loss went from {fmt_sci(float(n.loss[0]))} to "
            f"**{fmt_sci(fin['norm'])}**, while the unclipped run ended at {fmt_sci(fin['none'])}. The threshold is "
            f"below Pascanu's range: clipped SGD crawls.", Regime.VANISHES)
    if not r.runs["norm"].clipped.any():
        return Verdict(
            f"‖∇E‖ never exceeded τ = {fmt_sci(s.tau)} along this run (largest step "
            f"{fmt_sci(r.jump_length)}), so clipping by norm changed nothing: the runs coincide and end at "
            f"E = {fmt_sci(fin['none'])}.", Regime.NEUTRAL)
    if r.thrown:
        return Verdict(
            f"The unclipped step at iteration {r.jump} had ‖∇E‖ = **{fmt_sci(r.jump_norm)}** and moved (w, b) by "
            f"**{fmt_sci(r.jump_length)}**: loss went from {fmt_sci(r.loss_before)} to {fmt_sci(r.loss_after)} "
            f"and that run ends at {fmt_sci(fin['none'])}. Clipped to τ = {fmt_sci(s.tau)}, the same iteration "
            f"moved {fmt_sci(r.clipped_length)} and the run ends at **{fmt_sci(fin['norm'])}** "
            f"(clipped by value: {fmt_sci(fin['value'])}).",
            Regime.EXPLODES if fin["none"] > fin["norm"] else Regime.NEUTRAL)
    return Verdict(
        f"No unclipped step was longer than {fmt_sci(THROWN)} (the longest, at iteration {r.jump}, moved "
        f"{fmt_sci(r.jump_length)} with ‖∇E‖ = {fmt_sci(r.jump_norm)}): clipping bounded "
        f"{r.clipped_share:.0%} of the steps, and the runs end at {fmt_sci(fin['none'])} (unclipped), "
        f"{fmt_sci(fin['norm'])} (norm) and {fmt_sci(fin['value'])} (value).", Regime.NEUTRAL)


# ---------------------------------------------------------------------------
# words

INTRO = ("A recurrent network whose Jacobian product explodes has a loss surface with a **wall**: wide flat "
         "regions separated by a line where the loss jumps. One gradient step taken on that line is enormous "
         "and throws the parameters far away, undoing training. **Clipping the gradient's norm** keeps its "
         "direction and bounds the step. This page shows it on the one-unit network of Pascanu, Mikolov & "
         "Bengio (2013, Fig. 6), where every number can be checked.")

MODEL = r"x_t = w\,\sigma(x_{t-1}) + b,\quad x_0 = 0.5,\quad E(w,b) = \bigl(\sigma(x_{50}) - 0.7\bigr)^2"
WALL_LATEX = (r"x_0 = w\,\sigma(x_0) + b \;\Rightarrow\; b_c(w) = 0.5 - w\,\sigma(0.5)",
              r"\frac{\partial x_t}{\partial x_{t-1}}\Big|_{x=0.5} = w\,\sigma'(0.5)")
CLIP_LATEX = (r"\hat g = \begin{cases} g\,\tau/\|g\| & \|g\| > \tau \\ g & \text{otherwise}\end{cases}"
              r"\qquad \theta \leftarrow \theta - \eta\,\hat g")
JACOBIAN_LINK = ("The per-step factor w σ′(x) is the Jacobian ∂x_t/∂x_{t−1} of the "
                 "[Jacobian product bound](/jacobian-bound) page: the wall is where its product over 50 steps "
                 "explodes.")

SOURCES = ("Sources: Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*, "
           "§2.3 and §3.2, Fig. 6 and Algorithm 1; Goodfellow, Bengio & Courville, *Deep Learning*, §10.11.1 "
           "(cliffs and clipping gradients).")
