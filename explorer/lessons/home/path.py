"""Lesson paths through the pages: a 50-minute lecture and a self-study route (plain data, no Streamlit).

Each stop names a page, one of its scenarios, what to ask and what to notice. A stop
may open one of the page's predict-then-reveal questions (``question=2`` adds
``&q=2`` to its link); then the question asked is that question's own prompt. A page
added later joins a path by appending a :class:`Stop` here; the tests open every link.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from urllib.parse import urlencode

from explorer.app.registry import PAGES, Page


@dataclass(frozen=True)
class Stop:
    """One stop of a path.

    Attributes
    ----------
    page, scenario : str
        The lesson folder and the scenario key.
    minutes : int
        Time to give it in a lecture.
    ask : str
        The question to put to the room (replaced by the page question's prompt when ``question`` is set).
    notice : str
        What to point at once the answer is on screen.
    question : int or None
        Number of the page's question to open.
    """

    page: str
    scenario: str
    minutes: int
    ask: str
    notice: str
    question: int | None = None

    @property
    def spec(self) -> Page:
        return next(p for p in PAGES if p.key == self.page)

    @property
    def scenario_label(self) -> str:
        return next(s.label for s in self.spec.scenarios if s.key == self.scenario)

    def link(self, *, present: bool = False) -> str:
        """The stop's address: its scenario, its question, and presenter mode for the lecture."""
        query = {self.spec.case_key: self.scenario}
        if self.question is not None:
            query["q"] = str(self.question)
        if present:
            query["present"] = "1"
        return f"/{self.spec.url_path}?{urlencode(query)}"

    def question_text(self) -> str:
        """What to ask: the page question's prompt at this scenario, or the stop's own question."""
        if self.question is None:
            return self.ask
        q = importlib.import_module(f"explorer.lessons.{self.page}.questions").QUESTIONS[self.question - 1]
        values = next(s.values for s in self.spec.scenarios if s.key == q.scenario)
        return q.prompt(values)


LECTURE: tuple[Stop, ...] = (
    Stop("eigenvalues", "all_inside", 5, "Every |λ| is below 1: what happens to Wᵗx as t grows, and how fast?",
         "The slowest mode, |λ| = 0.9, sets the pace: each eigen-direction fades at its own rate."),
    Stop("eigenvalues", "one_outside", 5, "", "One eigenvalue just outside the circle is enough; the slope of the "
         "line is ln|λ| per step.", question=2),
    Stop("eigenvalues", "nonnormal_transient", 7, "", "ρ(W) < 1 and yet a hump: eigenvalues tell how Wᵗ ends, "
         "not how it starts.", question=1),
    Stop("power", "close", 6, "", "The angle to v₁ falls on a straight line in log scale, with slope log|λ₂/λ₁|.",
         question=1),
    Stop("power", "rotation", 4, "", "A complex pair of equal size: the norm grows steadily while the direction "
         "keeps turning.", question=2),
    Stop("jacobian", "tanh_vanishing", 5, "η = ‖W_rec‖·γ = 0.9: must the gradient vanish, and how fast at least?",
         "The measured product falls much faster than the bound 0.9ᵏ: the slopes σ′ are mostly below γ."),
    Stop("jacobian", "tanh_edge", 6, "", "Failing the sufficient condition is not exploding: the bound rises, "
         "the measurement still falls.", question=1),
    Stop("jacobian", "nilpotent", 4, "", "Every eigenvalue is 0, yet the products grow for n − 1 steps and then "
         "are exactly 0.", question=2),
    Stop("activations", "sigmoid_deep", 5, "", "A quarter per layer at best, about a fifth on average: nine "
         "layers already take the product below 10⁻⁶.", question=3),
    Stop("activations", "saturated", 3, "", "Wide pre-activations put units on the flat tails, where both "
         "tanh and the sigmoid pass back almost nothing.", question=2),
)
"""Fifty minutes, in this order, each link opened in presenter mode."""

SELF_STUDY: tuple[Stop, ...] = (
    Stop("power", "distinct", 8, "Multiply a vector by W again and again: which direction does it end up in?",
         "Step through the plane picture with Play: the iterate swings onto the dominant eigenvector."),
    Stop("power", "close", 8, "", "Change the ratio |λ₂/λ₁| with another matrix and watch the slope change.",
         question=1),
    Stop("eigenvalues", "all_inside", 8, "Which eigenvalue decides how fast ‖Wᵗ‖ shrinks?",
         "Move one |λ| slider past 1 and watch the verdict change."),
    Stop("eigenvalues", "nonnormal_transient", 10, "", "Slide the tilt ν from 0.99 to 0: the hump goes, the "
         "eigenvalues never moved.", question=1),
    Stop("eigenvalues", "float_overflow", 6, "", "The table says where float32 and float64 give up; logs keep "
         "going.", question=3),
    Stop("activations", "classic", 8, "Which activation passes back the most gradient at its steepest point?",
         "γ = 1/4 for the sigmoid, 1 for tanh and ReLU: read it off the derivative chart."),
    Stop("activations", "gelu", 6, "", "GELU's slope peaks at 1.13: a worst-case bound γ^L can grow.", question=1),
    Stop("jacobian", "tanh_vanishing", 10, "Is the bound (‖W_rec‖γ)^(T−k) tight?",
         "Measured, data-dependent bound and Pascanu's bound on one chart; then sweep σ_max below."),
    Stop("jacobian", "deep_sigmoid", 8, "", "The same bound across layers: watch the bias gradient per layer.",
         question=3),
    Stop("jacobian", "deep_relu_he", 6, "With ReLU and He initialisation, does the gradient still vanish?",
         "He's variance 2/width keeps the gradient's size: the bound explodes, the measurement does not."),
)
"""A longer route for reading alone: build the picture from one matrix up to deep networks."""

PATHS: dict[str, tuple[Stop, ...]] = {"50-minute lecture": LECTURE, "Self-study": SELF_STUDY}
