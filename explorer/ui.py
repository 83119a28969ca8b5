"""Shared Streamlit helpers: URL-bound controls, scenarios (presets), verdicts, caching.

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
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import altair as alt
import streamlit as st
from streamlit import dataframe_util

from explorer.scenarios import Scenario

F = TypeVar("F", bound=Callable[..., Any])

CUSTOM = "custom"
_ARRIVAL_KEY = "_ge_current_page"


def cached(fn: F) -> F:
    """``st.cache_data`` with a bounded size, shared by every viewer of the server.

    The bound keeps memory flat when 100 students each try their own settings.
    """
    return st.cache_data(max_entries=128, show_spinner=False)(fn)  # type: ignore[return-value]


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

    def __init__(self, prefix: str, scenarios: Sequence[Scenario]):
        self.prefix = prefix
        self.scenarios = {s.key: s for s in scenarios}
        self.scenario_key = f"{prefix}_case"
        self.defaults: dict[str, Any] = {}
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

    def _on_touch(self) -> None:
        if not self.scenarios:
            return
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

    def scenario_picker(self, label: str = "Scenario") -> Scenario | None:
        """Selectbox of scenarios plus "Custom"; returns the active one (None for custom)."""
        options = [*self.scenarios, CUSTOM]
        names = {k: s.label for k, s in self.scenarios.items()} | {CUSTOM: "Custom (your own settings)"}
        if st.session_state.get(self.scenario_key) not in options:
            st.session_state[self.scenario_key] = options[0]
        chosen = st.selectbox(
            label,
            options,
            key=self.scenario_key,
            format_func=names.__getitem__,
            on_change=self._on_scenario,
            help="Each scenario sets the controls below to make one point. Change any control to explore.",
        )
        scenario = self.scenarios.get(chosen)
        if scenario is not None:
            st.caption(scenario.note)
        return scenario

    # -- widgets --------------------------------------------------------------
    def _common(self, name: str, default: Any, help: str | None) -> dict[str, Any]:
        self.defaults[name] = default
        return {
            "key": self.key(name),
            "bind": "query-params",
            "on_change": self._on_touch,
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
        value = container.slider(
            label, min_value=min_value, max_value=max_value, value=default, step=step,
            format=fmt, **self._common(name, default, help),
        )
        return default if value is None else value

    def select(self, name: str, label: str, options: Sequence[Any], default: Any,
               *, format_func: Callable[[Any], str] = str, help: str | None = None, container=st):
        value = container.selectbox(
            label, list(options), index=list(options).index(default), format_func=format_func,
            **self._common(name, default, help),
        )
        return default if value is None else value

    def segmented(self, name: str, label: str, options: Sequence[Any], default: Any,
                  *, format_func: Callable[[Any], str] = str, help: str | None = None, container=st):
        value = container.segmented_control(
            label, list(options), default=default, format_func=format_func,
            selection_mode="single", **self._common(name, default, help),
        )
        # A segmented control can be cleared by clicking the active segment.
        return default if value is None else value

    def multiselect(self, name: str, label: str, options: Sequence[Any], default: Sequence[Any],
                    *, format_func: Callable[[Any], str] = str, help: str | None = None,
                    container=st, max_selections: int | None = None):
        value = container.multiselect(
            label, list(options), default=list(default), format_func=format_func,
            max_selections=max_selections, **self._common(name, list(default), help),
        )
        return value if value else list(default)

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
        value = container.number_input(
            label, min_value=min_value, max_value=max_value, value=default, step=step,
            format=fmt, **self._common(name, default, help),
        )
        value = default if value is None else value
        return round(value) if integral else value

    def toggle(self, name: str, label: str, default: bool, *, help: str | None = None, container=st):
        return bool(container.toggle(label, value=default, **self._common(name, default, help)))

    def text_area(self, name: str, label: str, default: str, *, max_chars: int,
                  help: str | None = None, container=st, height: int | None = None):
        value = container.text_area(
            label, value=default, max_chars=max_chars, height=height,
            **self._common(name, default, help),
        )
        return default if value is None else value


def heavy(is_heavy: bool, message: str = "Computing…"):
    """A spinner around work that is slow only at large settings."""
    return st.spinner(message, show_time=True) if is_heavy else contextlib.nullcontext()


def animated_step(
    controls: Controls, name: str, label: str, max_value: int, default: int,
    render: Callable[[int], None], *, interval: float = 0.4, help: str | None = None,
) -> None:
    """A step slider with a Play toggle; only this fragment reruns while playing.

    The slider is URL-bound like every control. The Play toggle is deliberately
    not: a shared link should open on a still frame, not a running animation.
    """
    play_key = controls.key(f"{name}_play")
    playing = bool(st.session_state.get(play_key, False))

    @st.fragment(run_every=interval if playing else None)
    def frame() -> None:
        key = controls.key(name)
        now_playing = bool(st.session_state.get(play_key, False))
        if now_playing != playing:
            st.rerun()  # switch the fragment's timer on or off
        if now_playing:
            current = int(st.session_state.get(key, default))
            st.session_state[key] = 0 if current >= max_value else current + 1
        # A row whose toggle keeps its natural width, so "Play" stays whole on a narrow screen.
        row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
        row.toggle("Play", key=play_key, help="Step t forward automatically.", width="content")
        t = controls.slider(name, label, 0, max_value, min(default, max_value), 1, container=row, help=help)
        render(int(min(t, max_value)))

    frame()


def page_header(title: str, intro: str) -> None:
    """Title and a one-paragraph statement of what the page shows."""
    st.title(title)
    st.markdown(intro)


def verdict(text: str, *, tone: str = "neutral") -> None:
    """The closing sentence of a figure, computed from the current numbers.

    ``tone`` is "vanish", "explode" or "neutral"; it picks an icon, never the
    only carrier of meaning (the sentence always says it in words).
    """
    icon = {
        "vanish": ":material/trending_down:",
        "explode": ":material/trending_up:",
        "neutral": ":material/balance:",
    }.get(tone, ":material/balance:")
    with st.container(border=True, key=None):
        st.markdown(f"{icon} **Verdict.** {text}")


def figure_caption(text: str) -> None:
    """One line under a chart: what to notice."""
    st.caption(f":material/visibility: {text}")


_ALTAIR_LOCK = threading.Lock()


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """Vega-Lite spec of an Altair chart, its data as named Arrow datasets.

    Streamlit's own ``st.altair_chart`` re-validates the whole spec against the
    JSON schema on every rerun, which costs tens of milliseconds per chart.
    The chart builders are validated once by the test-suite instead; here the
    spec is produced without validation and, through :func:`cached_chart`,
    only when the inputs change.
    """
    datasets: dict[str, bytes] = {}

    def to_arrow(data):
        payload = dataframe_util.convert_anything_to_arrow_bytes(data)
        name = "d" + hashlib.blake2b(payload, digest_size=10).hexdigest()
        datasets[name] = payload
        return {"name": name}

    alt.data_transformers.register("gradient_explorer_arrow", to_arrow)
    # Altair's theme and transformer switches are process-global; one hosted
    # process serves every viewer, so conversions are serialised.
    with _ALTAIR_LOCK, alt.theme.enable("none"), alt.data_transformers.enable("gradient_explorer_arrow"):
        spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def cached_chart(builder: Callable[..., alt.TopLevelMixin]) -> Callable[..., dict[str, Any]]:
    """Decorate a function of plain arguments that returns an Altair chart.

    The decorated function returns the chart's spec, cached per arguments.
    """

    @functools.wraps(builder)
    def build(*args, **kwargs):
        return chart_spec(builder(*args, **kwargs))

    return st.cache_data(max_entries=128, show_spinner=False)(build)


def show_chart(spec: dict[str, Any], *, alt_text: str, key: str | None = None) -> None:
    """Render a spec from :func:`cached_chart` at full width, with alt text for screen readers."""
    st.vega_lite_chart(spec, width="stretch", key=key, alt=alt_text)


def fmt_sci(x: float, digits: int = 2) -> str:
    """Format a positive magnitude as ``3.1e-05`` / ``0.42`` for prose."""
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.{digits + 1}g}"
    return f"{x:.{digits}e}"


def fmt_pow10(log10_value: float, digits: int = 1) -> str:
    """Write a log10 magnitude as ``10^-300.2`` so that it never overflows."""
    if log10_value == float("-inf"):
        return "0"
    if -3 <= log10_value <= 4:
        return fmt_sci(10.0 ** log10_value)
    return f"10^{log10_value:.{digits}f}"
