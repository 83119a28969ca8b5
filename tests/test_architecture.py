"""The layering rules, checked on the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

from explorer.app.registry import HOME, PAGES
from tests.conftest import ROOT

SIM = ROOT / "explorer" / "sim"
LESSONS = ROOT / "explorer" / "lessons"


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


def test_no_folder_named_pages():
    offenders = [p for p in ROOT.rglob("pages") if p.is_dir() and ".git" not in p.parts]
    assert not offenders, "Streamlit's legacy multipage mode hijacks a pages/ folder"


def test_router_only_routes():
    source = (ROOT / "streamlit_app.py").read_text()
    assert "st.navigation" in source
    assert imported_modules(ROOT / "streamlit_app.py") <= {"streamlit", "explorer"}
    assert len(source.splitlines()) < 40


def test_every_registered_page_has_its_modules_and_a_unique_prefix():
    prefixes = [p.prefix for p in PAGES]
    assert len(set(prefixes)) == len(prefixes)
    assert len({p.url_path for p in PAGES}) == len(PAGES)
    for p in PAGES:
        assert (ROOT / p.path).is_file(), f"registered page {p.key!r} has no view at {p.path}"
        assert p.prefix
        assert p.scenarios, f"registered page {p.key!r} has no scenarios"
    assert (ROOT / HOME.path).is_file()


def test_every_lesson_folder_is_registered():
    folders = {d.name for d in LESSONS.iterdir() if d.is_dir() and not d.name.startswith("_")}
    assert folders == {p.key for p in PAGES} | {HOME.key}


def test_views_do_no_maths_with_scipy():
    for path in LESSONS.rglob("view.py"):
        assert "scipy" not in imported_modules(path), path


def test_pure_modules_never_import_streamlit():
    """Readings, chart builders, scenarios and formatting are testable without Streamlit."""
    pure = [*LESSONS.rglob("reading.py"), *LESSONS.rglob("charts.py"), *LESSONS.rglob("scenarios.py"),
            ROOT / "explorer" / "format.py", ROOT / "explorer" / "reading.py", ROOT / "explorer" / "chartkit.py",
            ROOT / "explorer" / "scenario.py", ROOT / "explorer" / "app" / "registry.py"]
    for path in pure:
        assert "streamlit" not in imported_modules(path), path
    for path in [*LESSONS.rglob("reading.py"), ROOT / "explorer" / "reading.py", ROOT / "explorer" / "format.py"]:
        assert "altair" not in imported_modules(path), path


def test_public_api_is_documented():
    import explorer.sim as sim

    for name in sim.__all__:
        obj = getattr(sim, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, f"explorer.sim.{name} lacks a docstring"
