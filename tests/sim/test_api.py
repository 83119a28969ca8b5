"""The public façade of explorer.sim: explicit, stable where promised, and documented in docs/api.md."""

from __future__ import annotations

import doctest
import inspect
import re

import pytest

import explorer.sim as sim
from tests.conftest import ROOT

API_MD = ROOT / "docs" / "api.md"

STABLE = ("ACTIVATIONS", "activation", "derivative_moments", "power_method", "parse_matrix", "MatrixInputError",
          "matrix_power_log_norms", "matrix_from_eigenvalues", "simulate_rnn", "jacobian_log_norms", "pascanu_eta",
          "deep_network_gradients", "Regime")


def test_facade_is_an_explicit_list_without_duplicates():
    assert len(sim.__all__) == len(set(sim.__all__))
    for name in sim.__all__:
        assert hasattr(sim, name), name
        assert not name.startswith("_"), name


def test_stable_names_are_exported():
    for name in STABLE:
        assert name in sim.__all__, name


def test_every_public_name_appears_in_docs_api_md():
    headings = set(re.findall(r"^### `([A-Za-z_][A-Za-z0-9_]*)", API_MD.read_text(), flags=re.M))
    assert set(sim.__all__) <= headings, sorted(set(sim.__all__) - headings)
    assert headings <= set(sim.__all__), sorted(headings - set(sim.__all__))


def test_every_public_function_cites_its_sources_and_has_examples():
    for name in sim.__all__:
        obj = getattr(sim, name)
        if callable(obj) and not inspect.isclass(obj):
            doc = inspect.getdoc(obj)
            assert "\nReferences\n----------\n.. [1] " in doc, name
            assert "\nExamples\n--------\n>>> " in doc, name


def _api_md_examples():
    sections = re.split(r"^### `", API_MD.read_text(), flags=re.M)[1:]
    found = []
    for section in sections:
        name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", section).group(0)
        found += [(name, block) for block in re.findall(r"^```pycon\n(.*?)^```", section, flags=re.M | re.S)]
    return found


@pytest.mark.parametrize(("name", "example"), _api_md_examples(), ids=[n for n, _ in _api_md_examples()])
def test_docs_api_md_examples_run_in_a_fresh_namespace(name, example):
    test = doctest.DocTestParser().get_doctest(example, {}, name, str(API_MD), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
