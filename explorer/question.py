"""Predict, then reveal: a question attached to a figure, answered from the simulation (plain data).

Predicting an outcome before seeing it makes what is then seen stick better
than seeing it straight away (Brod, 2021, on generative learning). So each page
asks two or three questions at its figures: the reader commits to a choice or a
number, and only then is the answer shown, with the numbers that settle it.

A question is set at one of its page's scenarios, so its link (``?q=2``) opens
exactly the view it asks about. Its prompt and its answer are functions of that
scenario's control values: nothing is typed in by hand, and changing the
scenario changes the answer (a test does this for every question).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Values = Mapping[str, Any]
"""Control values by name (without the page prefix), as in a scenario."""


@dataclass(frozen=True)
class Reveal:
    """The answer at given settings.

    Attributes
    ----------
    correct : str or float
        The right choice's key, or the right number.
    numbers : str
        Markdown: the live numbers that settle it.
    why : str
        One sentence: the reason.
    tolerance : float
        For a number: the relative error still counted as right.
    slack : float
        For a number: an absolute error always counted as right (for answers near 0).
    """

    correct: str | float
    numbers: str
    why: str
    tolerance: float = 0.1
    slack: float = 0.0


@dataclass(frozen=True)
class Question:
    """One predict-then-reveal question of a page.

    Attributes
    ----------
    key : str
        Short stable name (a link may use it instead of the number).
    figure : str
        Key of the figure it is asked at.
    scenario : str
        Key of the page scenario it is set at.
    prompt : callable
        Values -> the question's text.
    reveal : callable
        Values -> :class:`Reveal`, computed with :mod:`explorer.sim`.
    choices : mapping
        Choice key -> label; empty for a numeric answer.
    unit : str
        What a numeric answer counts (shown beside the input).
    """

    key: str
    figure: str
    scenario: str
    prompt: Callable[[Values], str]
    reveal: Callable[[Values], Reveal]
    choices: Mapping[str, str] = field(default_factory=dict)
    unit: str = ""

    @property
    def numeric(self) -> bool:
        return not self.choices


def is_right(question: Question, reveal: Reveal, response: Any) -> bool:
    """Whether ``response`` (a choice key or a number) matches the reveal.

    >>> q = Question("k", "f", "s", str, str, unit="steps")
    >>> is_right(q, Reveal(100.0, "", ""), 108), is_right(q, Reveal(100.0, "", ""), 120)
    (True, False)
    """
    if not question.numeric:
        return response == reveal.correct
    try:
        guess, truth = float(response), float(reveal.correct)
    except (TypeError, ValueError):
        return False
    if not (math.isfinite(guess) and math.isfinite(truth)):
        return guess == truth
    return abs(guess - truth) <= max(reveal.tolerance * abs(truth), reveal.slack)


def verdict_line(question: Question, reveal: Reveal, response: Any) -> str:
    """"Right" or "Not quite", and what the answer was."""
    if question.numeric:
        answer = f"{float(reveal.correct):.3g}" + (f" {question.unit}" if question.unit else "")
    else:
        answer = question.choices.get(str(reveal.correct), str(reveal.correct))
    head = "Right" if is_right(question, reveal, response) else "Not quite"
    return f"**{head}: {answer}.**"
