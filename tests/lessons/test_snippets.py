"""Every figure's NumPy snippet, run in a clean namespace for every scenario, reproduces the figure's numbers.

A snippet is the text a reader pastes into a notebook: it may use only NumPy and
``explorer.sim``. Its variables are compared with what the page computes for the
same settings through its readings (the numbers the figure draws).
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from explorer.app.registry import PAGES
from explorer.lessons.activations import reading as act_rd
from explorer.lessons.activations import snippets as act_sn
from explorer.lessons.eigenvalues import reading as eig_rd
from explorer.lessons.eigenvalues import snippets as eig_sn
from explorer.lessons.jacobian import reading as jac_rd
from explorer.lessons.jacobian import snippets as jac_sn
from explorer.lessons.power import reading as pm_rd
from explorer.lessons.power import snippets as pm_sn
from explorer.lessons.power.questions import settings_of as pm_settings
from tests.conftest import ROOT

SNIPPET_PAGES = ("power", "eigenvalues", "jacobian", "activations", "cliffs", "gated", "deeplab")


def run(code: str) -> dict:
    """Execute a snippet as a notebook would: a fresh namespace, nothing imported beforehand."""
    assert "explorer.lessons" not in code and "streamlit" not in code, "a snippet may use only NumPy and explorer.sim"
    namespace: dict = {"__name__": "__snippet__"}
    exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


def same(a, b, path: str = "") -> None:
    """Equal numbers (NaN equal to NaN), through arrays, tuples, dicts and dataclasses."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, (np.ndarray, list, tuple, float, int, complex, np.number)) and not isinstance(a, bool):
        if isinstance(a, (list, tuple)) and a and not isinstance(a[0], (int, float, complex, np.number)):
            assert len(a) == len(b), path
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                same(x, y, f"{path}[{i}]")
            return
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=0, equal_nan=True, err_msg=path)
    else:
        assert a == b, path


def scenarios(key: str):
    spec = next(p for p in PAGES if p.key == key)
    return [pytest.param(s.values, id=s.key) for s in spec.scenarios]


@pytest.mark.parametrize("values", scenarios("eigenvalues"))
def test_eigenvalue_snippets(values):
    s = eig_rd.PageSettings.from_values(values)
    m = eig_rd.measure(s)
    ns = run(eig_sn.spectrum(s))
    same(ns["eigenvalues"], m.eigenvalues)
    same(float(np.exp(ns["log_rho"])), m.rho)
    same(run(eig_sn.growth(s))["log_size"], m.log_measured)
    probe = eig_rd.rate_probe(m, values["probe"])
    same(float(run(eig_sn.rate(s, probe=values["probe"]))["per_step"][probe.step - 1]), probe.root)
    if m.modes is not None:
        same(run(eig_sn.modes(s, decades=values["decades"]))["log_contributions"], m.modes.log_contributions)
    same(run(eig_sn.gradient(s))["log_gradient"], m.log_gradient)


@pytest.mark.parametrize("values", scenarios("power"))
def test_power_snippets(values):
    s = pm_settings(values)
    if pm_rd.matrix_of(s).W.shape[0] == 2:
        plane = pm_rd.plane_result(s)
        ns = run(pm_sn.plane(s, t=values.get("t", 6)))
        same(ns["log10_norm"], plane.log10_norm)
        same(ns["directions"], plane.directions)
        same(ns["rayleigh"], plane.rayleigh)
    conv = pm_rd.convergence_result(s, values["steps"])
    ns = run(pm_sn.convergence(s, steps=values["steps"]))
    for name in ("log10_norm", "angle", "rayleigh", "turns"):
        same(ns[name], getattr(conv, name), name)
    same(ns["theory"], conv.theory_log10_angle)
    same(run(pm_sn.spectrum(s))["eigenvalues"], pm_rd.spectrum_result(s).eigenvalues)


@pytest.mark.parametrize("values", scenarios("jacobian"))
def test_jacobian_snippets(values):
    if values["view"] == "deep":
        local = {k: values[k] for k in ("d_act", "d_init", "d_sw", "d_sb", "d_depth", "d_width", "d_seed")}
        d = jac_rd.DeepSettings(act=local["d_act"], init=local["d_init"], sigma_w=float(local["d_sw"]),
                                sigma_b=float(local["d_sb"]), depth=int(local["d_depth"]),
                                width=int(local["d_width"]), seed=int(local["d_seed"]))
        ns = run(jac_sn.deep(**local))
        r = jac_rd.deep_gradients(d)
        same(ns["g"], r.gradients)
        same(ns["summary"], r.summary)
        return
    s = jac_rd.RNNSettings.from_values(values)
    b = jac_rd.measure_bound(s)
    ns = run(jac_sn.bound(s))
    same(ns["log_norms"], b.log_norms)
    same(ns["log_bound"], b.log_bound)
    same(ns["log_data_bound"], b.log_data_bound)
    sweeps = jac_rd.sweep_settings(s, jac_rd.sweep_activations(values["sweep"], s.act))
    same(run(jac_sn.sweep(s, sweep=values["sweep"]))["results"], {w.act: jac_rd.sweep(w) for w in sweeps})
    same(run(jac_sn.pairs(s))["grid"], jac_rd.jacobian_grid(s))
    same(run(jac_sn.saturation(s))["derivatives"], jac_rd.saturation(s).derivatives)
    terms = jac_rd.temporal_terms(jac_rd.TermsSettings(s, values["decades"]))
    ns = run(jac_sn.terms(s, decades=values["decades"]))
    same(ns["log_terms"], terms.log_terms)
    same(ns["log_bounds"], terms.log_bounds)
    same(ns["horizon"], terms.horizon)


@pytest.mark.parametrize("values", scenarios("activations"))
def test_activation_snippets(values):
    page = act_rd.PageSettings.of(values["show"], values["slope"])
    z = act_rd.Gaussian(values["mu"], values["s"])
    curves = act_rd.curves_result(act_rd.CurveSettings(page, values["xmax"], values["thr"]))
    ns = run(act_sn.curves(page, values["xmax"], thr=values["thr"]))
    x = act_rd.grid(values["xmax"])
    for act, slope in zip(page.activations(), curves.slopes, strict=True):
        f, df, gamma = ns["curves"][act.name]
        same(f, act.f(x))
        same(df, act.df(x))
        same(gamma, slope.gamma)
        same(tuple(map(tuple, ns["saturated"][act.name])), slope.saturated)
    tanh = act_rd.tanh_result(values["xmax"])
    rel = run(act_sn.tanh(values["xmax"]))["rel"]
    same((rel.max_abs_error, rel.max_abs_error_derivative), (tanh.max_abs_error, tanh.max_abs_error_derivative))
    moments = act_rd.moments_result(act_rd.MomentSettings(page, z))
    ns = run(act_sn.moments(page, z))
    for row, hist in zip(moments.rows, moments.histograms, strict=True):
        same(ns["moments"][row.name], (row.mean_quadrature, row.second_quadrature))
        same(ns["histograms"][row.name], hist)
    depth = act_rd.depth_result(act_rd.DepthSettings(page, z, values["depth"]))
    ns = run(act_sn.depth(page, z, depth=values["depth"]))
    same(ns["factors"], depth.factor_map)


def test_every_figure_of_these_pages_has_a_snippet():
    for key in SNIPPET_PAGES:
        source = (ROOT / "explorer" / "lessons" / key / "view.py").read_text()
        figures = re.findall(r"@app\.figure\((.*?)\)\ndef ", source, flags=re.S)
        assert figures, key
        for args in figures:
            assert "snippet=snippets." in args, (key, args[:60])
