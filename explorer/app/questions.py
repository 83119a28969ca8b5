"""Predict, then reveal, on the page: a figure asks its questions before the reader moves anything.

The questions of page ``<key>`` are ``QUESTIONS`` in
``explorer/lessons/<key>/questions.py`` (pure; see :mod:`explorer.question`).
A page without that module simply asks nothing. The reader's answer and the
reveal live in the viewer's session state; the question and its settings are in
the link (``?q=2`` opens question 2 at its scenario).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import streamlit as st

from explorer.app.controls import Controls
from explorer.app.render import cached
from explorer.question import Question, Reveal, verdict_line


def of_page(key: str) -> tuple[Question, ...]:
    """The questions of the lesson ``key`` (none when it has no ``questions.py``)."""
    try:
        module = importlib.import_module(f"explorer.lessons.{key}.questions")
    except ModuleNotFoundError as missing:
        if missing.name != f"explorer.lessons.{key}.questions":
            raise
        return ()
    return tuple(module.QUESTIONS)


@cached
def reveal_of(page_key: str, number: int) -> Reveal:
    """Question ``number``'s answer at its scenario, computed once for every viewer."""
    return question_values_reveal(of_page(page_key), page_key, number)


def question_values_reveal(questions: Sequence[Question], page_key: str, number: int) -> Reveal:
    from explorer.app.registry import page

    question = questions[number - 1]
    scenario = next(s for s in page(page_key).scenarios if s.key == question.scenario)
    return question.reveal(scenario.values)


def _commit(base: str) -> None:
    """Callback: the prediction is locked in; the reveal follows in the same rerun."""
    st.session_state[f"{base}_committed"] = st.session_state.get(f"{base}_response")


def ask(c: Controls, page_key: str, figure: str) -> None:
    """The figure's questions above its chart: each in an expander; in presenter mode, compactly.

    On a projector the chart must stay in view: the question the link names (``?q=2``) is
    shown open, the figure's other questions are buttons that open them in a popover.
    """
    mine = [(n, q) for n, q in enumerate(c.questions, start=1) if q.figure == figure]
    if not mine:
        return
    if c.presenter is None:
        for number, question in mine:
            title = f"**Predict first · question {number}:** {_prompt(c, question)}"
            committed = st.session_state.get(f"_ge_q_{c.prefix}_{number}_committed")
            with st.expander(title, icon=":material/quiz:", expanded=c.question == number or committed is not None):
                _ask_one(c, page_key, number, question)
        return
    others = [(n, q) for n, q in mine if n != c.question]
    for number, question in mine:
        if number == c.question:
            with st.container(border=True):
                st.markdown(f":material/quiz: **Predict first · question {number}:** {_prompt(c, question)}")
                _ask_one(c, page_key, number, question)
    if others:
        row = st.container(horizontal=True, gap="small")
        for number, question in others:
            with row.popover(f"Question {number}", icon=":material/quiz:"):
                st.markdown(f"**Predict first · question {number}:** {_prompt(c, question)}")
                _ask_one(c, page_key, number, question)


def _prompt(c: Controls, question: Question) -> str:
    return question.prompt(c.scenarios[question.scenario].values)


def _ask_one(c: Controls, page_key: str, number: int, question: Question) -> None:
    base = f"_ge_q_{c.prefix}_{number}"
    committed = st.session_state.get(f"{base}_committed")
    here = st.session_state.get(c.scenario_key) == question.scenario
    if not here:
        st.button("Set the page to this question", key=f"{base}_set", icon=":material/settings_backup_restore:",
                  on_click=c.apply_question, args=(number,),
                  help=f"Scenario “{c.scenarios[question.scenario].label}”. Then predict, before you look.")
    if question.numeric:
        response = st.number_input(f"Your prediction ({question.unit})" if question.unit else "Your prediction",
                                   value=None, key=f"{base}_response", format="%g")
    else:
        options = list(question.choices)
        response = st.radio("Your prediction", options, index=None, format_func=question.choices.__getitem__,
                            horizontal=True, key=f"{base}_response")
    if committed is None:
        st.button("Commit and reveal", key=f"{base}_commit", type="primary", disabled=response is None,
                  icon=":material/lock:", on_click=_commit, args=(base,))
        return
    reveal = reveal_of(page_key, number)
    st.markdown(f"{verdict_line(question, reveal, committed)} {reveal.numbers}")
    st.markdown(f":material/lightbulb: {reveal.why}")
    st.button("Ask again", key=f"{base}_again", on_click=st.session_state.pop, args=(f"{base}_committed", None))
