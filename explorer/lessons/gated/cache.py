"""The gated-memory page's cached computations, shared by its view and its questions.

A question's reveal asks for the very runs the race figure draws, so a server
trains each race once, whoever asks first (the figure, a question or the warm-up).
"""

from __future__ import annotations

import functools

from explorer import app
from explorer.lessons.gated import reading as rd
from explorer.lessons.gated.scenarios import WARM_QUERIES

CELLS = ("rnn", "lstm", "gru")

products = app.cached(rd.product_result)


@functools.partial(app.cached, max_entries=3 * len(WARM_QUERIES) + 64)  # the whole race table, and room
def train_cell(s: rd.RaceSettings, cell: str, _progress=None):
    """One cell of the race, cached; ``_progress`` (not part of the key) sees the steps of a fresh run."""
    return rd.train_cell(s, cell, _progress)


def race(s: rd.RaceSettings, cells: tuple[str, ...] = CELLS) -> rd.RaceResult:
    """The race at ``s`` (only ``cells``), from the cache."""
    return rd.RaceResult({cell: train_cell(s, cell) for cell in cells})
