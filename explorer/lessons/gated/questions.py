"""Predict, then reveal: the gated-memory page's questions (answers computed with explorer.sim, through the
page's cache: a race question reads the very runs the race figure draws)."""

from __future__ import annotations

import math

from explorer.format import fmt_pow10
from explorer.lessons.gated import cache
from explorer.lessons.gated import reading as rd
from explorer.question import Question, Reveal, Values

KEEP = 0.1
YES_NO = {"yes": "Yes", "no": "No"}
RNN_CHOICES = {"learns": "It learns (90 % accuracy)", "partly": "Beats chance by 20+ points, but does not learn",
               "chance": "Stays within 20 points of chance"}
GATED = {"both": "Both", "lstm": "Only the LSTM", "gru": "Only the GRU", "neither": "Neither"}


def _race_settings(values: Values) -> rd.RaceSettings:
    return rd.RaceSettings(rd.race_lag(values["lag"]), str(values["fbias"]), bool(values["clip"]))


def cell_prompt(values: Values) -> str:
    T = int(values["T"])
    return (f"Forget bias {rd.FORGET_BIAS_LABELS[values['fbias']]}, T = {T}: will the LSTM's cell path ∏ diag(f) "
            f"still carry more than {KEEP:.0%} of the gradient {min(rd.READ_LAG, T)} steps back?")


def cell_reveal(values: Values) -> Reveal:
    r = cache.products(rd.ProductSettings(str(values["fbias"]), int(values["T"])))
    L = r.read_lag
    cell = r.at_lag(r.log_cell)
    f_bar = math.exp(r.mean_log_f)
    kept = cell > math.log10(KEEP)
    numbers = (f"Measured at lag {L}: the cell path keeps {fmt_pow10(cell)}, the full LSTM Jacobian "
               f"{fmt_pow10(r.at_lag(r.log_lstm))}, the tanh RNN's product {fmt_pow10(r.at_lag(r.log_rnn))}; "
               f"the geometric-mean forget gate is f̄ = {f_bar:.3f}.")
    why = ("The cell path is as good as its best-kept unit, and a forget gate that sits within a hair of 1 "
           "loses almost nothing over the lag (Tallec & Ollivier, 2018)." if kept else
           f"Every unit's forget gate stays well below 1, so its product shrinks geometrically with the lag, "
           f"like f̄^{L} = {fmt_pow10(L * r.mean_log_f / math.log(10))}.")
    return Reveal("yes" if kept else "no", numbers, why)


def rnn_prompt(values: Values) -> str:
    s = _race_settings(values)
    return (f"Lag {s.lag}, {rd.RACE_STEPS} Adam steps, chance {1 / rd.RACE_SYMBOLS:.0%}: where will the tanh "
            "RNN's accuracy end?")


def rnn_reveal(values: Values) -> Reveal:
    r = cache.race(_race_settings(values), ("rnn",))
    run = r.runs["rnn"]
    step = r.learned_at("rnn")
    above = run.final_accuracy - run.chance
    answer = "learns" if step is not None else "partly" if above >= 0.2 else "chance"
    numbers = (f"It ended at {run.final_accuracy:.0%} (chance {run.chance:.0%}, so {100 * above:.0f} points above)"
               + (f", reaching 90 % at step {step}" if step is not None else ", never reaching 90 %")
               + f"; at step 0 its gradient at the first symbol was {fmt_pow10(r.reach('rnn'))} of that at the "
               "read-out.")
    why = {"learns": "At this lag the product of the RNN's Jacobians has not vanished yet, so its gradient reaches "
                     "the first symbol.",
           "partly": "Beating chance is not solving the task: a faint gradient carries part of the first symbol "
                     "back, but too little to learn it within the budget.",
           "chance": "The product of the RNN's Jacobians vanishes over the lag, so almost no gradient reaches "
                     "the first symbol."}[answer]
    return Reveal(answer, numbers, why)


def gated_prompt(values: Values) -> str:
    s = _race_settings(values)
    clip = "on" if s.clip else "off"
    return (f"Lag {s.lag}, forget bias {rd.FORGET_BIAS_LABELS[s.fbias]}, clipping {clip}: which gated cells reach "
            f"90 % accuracy within {rd.RACE_STEPS} steps?")


def gated_reveal(values: Values) -> Reveal:
    r = cache.race(_race_settings(values), ("lstm", "gru"))
    learned = {c: r.learned_at(c) for c in ("lstm", "gru")}
    answer = ("both" if all(v is not None for v in learned.values()) else
              "neither" if all(v is None for v in learned.values()) else
              next(c for c, v in learned.items() if v is not None))
    numbers = "; ".join(
        f"the {rd.CELL_LABELS[c]} " + (f"reached 90 % at step {v}" if v is not None else "never reached 90 %")
        + f" and ended at {r.runs[c].final_accuracy:.0%}, its largest gradient norm "
        f"{fmt_pow10(float(r.runs[c].log_grad_norm.max()) / math.log(10))}" for c, v in learned.items()) + "."
    why = ("A gradient that reaches the first symbol is needed, not sufficient: without clipping the occasional "
           "huge gradient step can throw a cell off course." if answer != "both" else
           "Both cells pass the gradient to the first symbol along gates near 1, and clipping keeps every "
           "update small.")
    return Reveal(answer, numbers[0].upper() + numbers[1:], why)


QUESTIONS: tuple[Question, ...] = (
    Question("cell", "products", "chrono", cell_prompt, cell_reveal, YES_NO),
    Question("rnn", "race", "long_lag", rnn_prompt, rnn_reveal, RNN_CHOICES),
    Question("gated", "race", "no_clip", gated_prompt, gated_reveal, GATED),
)
"""In page order; ``?q=1`` is the first."""
