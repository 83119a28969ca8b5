"""The layering rules, checked on the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

from explorer.site import PAGES
from tests.conftest import ROOT

SIM = ROOT / "explorer" / "sim"
CHARTS = ROOT / "explorer" / "charts"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_sim_never_imports_ui_libraries():
    for path in SIM.rglob("*.py"):
        bad = imported_modules(path) & {"streamlit", "altair", "pandas"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_charts_never_import_streamlit():
    for path in CHARTS.rglob("*.py"):
        assert "streamlit" not in imported_modules(path), path


def test_no_folder_named_pages():
    offenders = [p for p in ROOT.rglob("pages") if p.is_dir() and ".git" not in p.parts]
    assert not offenders, "Streamlit's legacy multipage mode hijacks a pages/ folder"


def test_router_only_routes():
    source = (ROOT / "streamlit_app.py").read_text()
    assert "st.navigation" in source
    assert imported_modules(ROOT / "streamlit_app.py") <= {"streamlit", "explorer"}
    assert len(source.splitlines()) < 40


def test_every_page_file_exists_and_has_a_prefix():
    prefixes = [p.prefix for p in PAGES]
    assert len(set(prefixes)) == len(prefixes)
    for p in PAGES:
        assert (ROOT / p.path).is_file(), p.path
        assert p.prefix


def test_views_do_no_maths_with_scipy():
    for path in (ROOT / "explorer" / "views").glob("*.py"):
        assert "scipy" not in imported_modules(path), path


def test_public_api_is_documented():
    import explorer.sim as sim

    for name in sim.__all__:
        obj = getattr(sim, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, f"explorer.sim.{name} lacks a docstring"
