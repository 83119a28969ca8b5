"""URL-bound controls and the scenario picker of one page.

Every control on every page goes through :class:`Controls`, so that

* its value is bound to the URL (``bind="query-params"``): copying the address
  bar reproduces the view, and malformed or out-of-range values in the URL are
  dropped by Streamlit in favour of the default;
* choosing a scenario writes that scenario's values into the controls, and
  touching any control afterwards marks the page as "Custom", so a link that
  names a scenario always means exactly that scenario's values;
* a hand-written link such as ``?act_case=deep_sigmoid`` applies the scenario
  even when it carries no other parameter.

Keys are unique across the whole app (each page uses its own prefix), so
state from one page can never leak into another page's widgets.

Controls made while a figure is drawn (see :mod:`explorer.app.figure`) are
*figure-local*: they live in that figure's ``st.fragment`` and moving one reruns
that figure alone. The one exception is the first touch after a named
scenario was applied: the page-wide picker must then change to "Custom", so
that touch asks for one whole-page rerun (:meth:`Controls.take_departure`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from explorer.links import QUESTION, read_index
from explorer.scenario import CUSTOM, Scenario

_ARRIVAL_KEY = "_ge_current_page"
HIDDEN_KEY = "ge-hide"
"""Containers keyed ``ge-hide-…`` hold controls a classroom link hides (a page-wide CSS rule hides them)."""


class Controls:
    """URL-bound widgets of one page, with a scenario picker.

    Parameters
    ----------
    prefix : str
        Short page code; every widget key is ``f"{prefix}_{name}"``.
    scenarios : sequence of Scenario
        The first one is the page's default view: its values must equal the
        controls' defaults (a test checks this for every page).
    """

    def __init__(self, prefix: str, scenarios: Sequence[Scenario], *, questions: Sequence[Any] = (),
                 hidden: frozenset[str] = frozenset(), present: bool = False):
        self.prefix = prefix
        self.scenarios = {s.key: s for s in scenarios}
        self.scenario_key = f"{prefix}_case"
        self.defaults: dict[str, Any] = {}
        self.figure: str | None = None
        """Key of the figure being drawn; controls made meanwhile are figure-local."""
        self.figures: list = []
        """The page's figures in order (:class:`explorer.app.figure.FigureInfo`), as the page draws them."""
        self.declared: list[str] = []
        """Keys of every figure the page defines, in order of definition (drawn or not)."""
        self._choices: dict[str, tuple[Sequence[Any], Any, bool]] = {}
        self.questions = tuple(questions)
        """The page's predict-then-reveal questions (:class:`explorer.question.Question`); ``?q=1`` is the first."""
        self.hidden = frozenset(hidden)
        """Controls (names without prefix) that a classroom link hides: drawn, bound to the URL, not shown."""
        self.present = present
        """Presenter mode (``?present=1``)."""
        self.local: dict[str, dict[str, Any]] = {}
        """Per figure key, the values its own controls returned in this run (for its NumPy snippet)."""
        self.labels: dict[str, str] = {}
        """Control name -> its label, as created in this run (the classroom-link builder lists them)."""
        self.question: int | None = None
        """The question the address names (``?q=2`` -> 2), if any."""
        self.page_key = ""
        """The lesson folder of the page (set by ``start_page``)."""
        self.presenter: Any = None
        """Presenter mode's per-run state (:class:`explorer.app.presenter.Stage`), when it is on."""
        self._departure_key = f"_ge_{prefix}_departed"
        raw_q = st.query_params.get(QUESTION)
        self.question = read_index(raw_q, [q.key for q in self.questions])
        if raw_q is not None and self.question is None:
            del st.query_params[QUESTION]  # garbage or an unknown question: no question
        # A whole-page run redraws the picker anyway: no figure needs to ask for one.
        st.session_state.pop(self._departure_key, None)
        self._arrival()

    # -- keys and scenarios -------------------------------------------------
    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def _write_scenario(self, scenario_key: str) -> None:
        scenario = self.scenarios.get(scenario_key)
        if scenario is None:
            return
        for name, value in scenario.values.items():
            st.session_state[self.key(name)] = value

    def _arrival(self) -> None:
        """On the first run of this page, apply a scenario named in the URL."""
        if st.session_state.get(_ARRIVAL_KEY) == self.prefix:
            return
        st.session_state[_ARRIVAL_KEY] = self.prefix
        requested = st.query_params.get(self.scenario_key)
        if requested is None and self.question is not None:
            # A question's link opens the scenario it is set at; a scenario or "custom" in the link wins.
            requested = self.questions[self.question - 1].scenario
            self._set_url_scenario(requested)
        if requested in self.scenarios:
            self._write_scenario(requested)
            st.session_state[self.scenario_key] = requested
        elif requested == CUSTOM:
            st.session_state[self.scenario_key] = CUSTOM
        elif requested is not None:
            del st.query_params[self.scenario_key]

    def _set_url_scenario(self, value: str) -> None:
        # The picker is bound by hand rather than with bind="query-params": a bound
        # selectbox writes its display label into the URL, and a short key reads better
        # in a slide. The default scenario is left out to keep plain links plain.
        if value == next(iter(self.scenarios), None):
            st.query_params.pop(self.scenario_key, None)
        else:
            st.query_params[self.scenario_key] = value

    def _on_scenario(self) -> None:
        chosen = st.session_state[self.scenario_key]
        self._write_scenario(chosen)
        self._set_url_scenario(chosen)
        # Bound widgets follow their new values into the URL by themselves; choices are bound by hand.
        for name in self._choices:
            self._write_choice_url(name)

    def apply_question(self, number: int) -> None:
        """Callback: set the page to question ``number``'s scenario and name the question in the URL."""
        question = self.questions[number - 1]
        st.session_state[self.scenario_key] = question.scenario
        self._on_scenario()
        st.query_params[QUESTION] = str(number)
        st.session_state[self._departure_key] = True  # the figure that asked reruns the whole page

    def take_departure(self) -> bool:
        """True once after a figure-local control left a named scenario (the picker must redraw)."""
        return bool(st.session_state.pop(self._departure_key, False))

    def _on_touch(self, local: bool = False) -> None:
        if not self.scenarios:
            return
        if st.session_state.get(self.scenario_key) == CUSTOM:
            return  # already custom: every control is in the URL, nothing else to redraw
        if local:
            st.session_state[self._departure_key] = True
        st.session_state[self.scenario_key] = CUSTOM
        self._set_url_scenario(CUSTOM)
        # Values applied from a scenario link on arrival are not in the URL yet
        # (Streamlit syncs programmatic values only for widgets that already
        # exist). Re-assigning every control now writes each non-default value
        # into the address bar, so a "custom" link still reproduces the view.
        for name in self.defaults:
            key = self.key(name)
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
            if name in self._choices:
                self._write_choice_url(name)

    def scenario_picker(self, label: str = "Scenario") -> Scenario | None:
        """Selectbox of scenarios plus "Custom"; returns the active one (None for custom)."""
        options = [*self.scenarios, CUSTOM]
        names = {k: s.label for k, s in self.scenarios.items()} | {CUSTOM: "Custom (your own settings)"}
        if st.session_state.get(self.scenario_key) not in options:
            st.session_state[self.scenario_key] = options[0]
        box = self.place("case", st)
        chosen = box.selectbox(
            label,
            options,
            key=self.scenario_key,
            format_func=names.__getitem__,
            on_change=self._on_scenario,
            help="Each scenario sets the controls below to make one point. Change any control to explore.",
        )
        scenario = self.scenarios.get(chosen)
        if scenario is not None:
            box.caption(scenario.note)
        return scenario

    # -- widgets --------------------------------------------------------------
    def place(self, name: str, container=st):
        """Where the control ``name`` goes: ``container``, or a hidden box inside it when a link hides it."""
        if name not in self.hidden:
            return container
        return container.container(key=f"{HIDDEN_KEY}-{self.prefix}-{name}")

    def _record(self, name: str, label: str, value: Any) -> Any:
        self.labels[name] = label
        if self.figure is not None:
            self.local.setdefault(self.figure, {})[name] = value
        return value

    def _common(self, name: str, default: Any, help: str | None) -> dict[str, Any]:
        self.defaults[name] = default
        return {
            "key": self.key(name),
            "bind": "query-params",
            "on_change": self._on_touch,
            "args": (self.figure is not None,),
            "help": help,
        }

    def _clamp(self, name: str, min_value, max_value) -> None:
        # A range that depends on another control (t <= steps) can shrink under a
        # value already held in session state; Streamlit would raise on it.
        key = self.key(name)
        current = st.session_state.get(key)
        if isinstance(current, (int, float)) and not isinstance(current, bool):
            if current > max_value:
                st.session_state[key] = max_value
            elif current < min_value:
                st.session_state[key] = min_value

    def slider(self, name: str, label: str, min_value, max_value, default, step=None,
               *, help: str | None = None, fmt: str | None = None, container=st):
        self._clamp(name, min_value, max_value)
        value = self.place(name, container).slider(
            label, min_value=min_value, max_value=max_value, value=default, step=step,
            format=fmt, **self._common(name, default, help),
        )
        return self._record(name, label, default if value is None else value)

    # -- choices: bound to the URL by their short key, never by display label --
    # Streamlit's bind="query-params" writes a choice widget's *formatted* option
    # into the URL (``?jac_view=Deep+network``), so renaming a label would break
    # every slide's link. Choices are therefore bound here by hand: the URL holds
    # ``str(option)`` (``?jac_view=deep``), a multiselect joins them with commas,
    # and an old link that still carries a label is read too.
    def _choice(self, name: str, options: Sequence[Any], default: Any, format_func: Callable[[Any], str],
                help: str | None, *, multi: bool = False, max_selections: int | None = None) -> dict[str, Any]:
        key = self.key(name)
        self.defaults[name] = default
        aliases = {format_func(o): o for o in options} | {str(o): o for o in options}
        self._choices[name] = (options, default, multi)
        current = st.session_state.get(key)
        if current is None or not self._valid_choice(current, options, multi, max_selections):
            st.session_state.pop(key, None)
            values = st.query_params.get_all(key)
            raw = ",".join(values) if multi else (values[-1] if values else None)
            if values:
                parsed = self._parse_choice(raw, aliases, multi, max_selections)
                if parsed is None:
                    del st.query_params[key]  # garbage in a link: drop it, keep the default
                else:
                    st.session_state[key] = parsed
        return {"key": key, "on_change": self._on_choice, "args": (name, self.figure is not None), "help": help}

    @staticmethod
    def _valid_choice(value: Any, options: Sequence[Any], multi: bool, max_selections: int | None) -> bool:
        if not multi:
            return value in options
        return (isinstance(value, list) and bool(value) and all(v in options for v in value)
                and (max_selections is None or len(value) <= max_selections))

    @staticmethod
    def _parse_choice(raw: str, aliases: dict[str, Any], multi: bool, max_selections: int | None) -> Any:
        if not multi:
            return aliases.get(raw)
        picked = []
        for token in raw.split(","):
            if token not in aliases:
                return None
            if aliases[token] not in picked:
                picked.append(aliases[token])
        if not picked or (max_selections is not None and len(picked) > max_selections):
            return None
        return picked

    def _write_choice_url(self, name: str) -> None:
        _, default, multi = self._choices[name]
        key = self.key(name)
        value = st.session_state.get(key)
        if value is None or value == default:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = ",".join(str(v) for v in value) if multi else str(value)

    def _on_choice(self, name: str, local: bool) -> None:
        self._write_choice_url(name)
        self._on_touch(local)

    def select(self, name: str, label: str, options: Sequence[Any], default: Any,
               *, format_func: Callable[[Any], str] = str, help: str | None = None, container=st):
        options = list(options)
        value = self.place(name, container).selectbox(
            label, options, index=options.index(default), format_func=format_func,
            **self._choice(name, options, default, format_func, help),
        )
        return self._record(name, label, default if value is None else value)

    def segmented(self, name: str, label: str, options: Sequence[Any], default: Any,
                  *, format_func: Callable[[Any], str] = str, help: str | None = None, container=st):
        options = list(options)
        value = self.place(name, container).segmented_control(
            label, options, default=default, format_func=format_func, selection_mode="single",
            **self._choice(name, options, default, format_func, help),
        )
        # A segmented control can be cleared by clicking the active segment.
        return self._record(name, label, default if value is None else value)

    def multiselect(self, name: str, label: str, options: Sequence[Any], default: Sequence[Any],
                    *, format_func: Callable[[Any], str] = str, help: str | None = None,
                    container=st, max_selections: int | None = None):
        options = list(options)
        value = self.place(name, container).multiselect(
            label, options, default=list(default), format_func=format_func, max_selections=max_selections,
            **self._choice(name, options, list(default), format_func, help, multi=True,
                           max_selections=max_selections),
        )
        return self._record(name, label, value if value else list(default))

    def number(self, name: str, label: str, min_value, max_value, default, step=None,
               *, help: str | None = None, fmt: str | None = None, container=st):
        """Number input; integer arguments give an int back.

        Streamlit 1.67 crashes on an integer ``number_input`` whose URL value is
        ``inf`` or a 400-digit number (OverflowError). A float widget drops such
        values cleanly, so integers are carried in a float widget and rounded.
        """
        integral = all(isinstance(v, int) and not isinstance(v, bool)
                       for v in (min_value, max_value, default) if v is not None)
        if integral:
            min_value, max_value, default = float(min_value), float(max_value), float(default)
            step = float(step if step is not None else 1)
            fmt = fmt or "%.0f"
            key = self.key(name)
            if isinstance(st.session_state.get(key), int):
                st.session_state[key] = float(st.session_state[key])
        self._clamp(name, min_value, max_value)
        value = self.place(name, container).number_input(
            label, min_value=min_value, max_value=max_value, value=default, step=step,
            format=fmt, **self._common(name, default, help),
        )
        value = default if value is None else value
        return self._record(name, label, round(value) if integral else value)

    def toggle(self, name: str, label: str, default: bool, *, help: str | None = None, container=st):
        value = self.place(name, container).toggle(label, value=default, **self._common(name, default, help))
        return self._record(name, label, bool(value))

    def text_area(self, name: str, label: str, default: str, *, max_chars: int,
                  help: str | None = None, container=st, height: int | None = None):
        value = self.place(name, container).text_area(
            label, value=default, max_chars=max_chars, height=height,
            **self._common(name, default, help),
        )
        return self._record(name, label, default if value is None else value)


