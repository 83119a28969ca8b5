"""Streamlit helpers shared by every page: URL-bound controls, the figure unit, charts and caches.

Everything that imports Streamlit lives here or in a page's ``view.py``; the
maths (:mod:`explorer.sim`), the readings (``reading.py``) and the chart
builders (``charts.py``) never do.
"""

import gc

from explorer import memory
from explorer.app import presenter, questions, warmup
from explorer.app.controls import Controls
from explorer.app.figure import FigureInfo, animated_step, cap_note, caption, figure, heavy, page_header, verdict
from explorer.app.registry import page
from explorer.app.render import cached, cached_chart, chart_spec, show_chart

__all__ = [
    "Controls",
    "FigureInfo",
    "animated_step",
    "cached",
    "cached_chart",
    "cap_note",
    "caption",
    "chart_spec",
    "figure",
    "heavy",
    "page",
    "page_header",
    "show_chart",
    "start_page",
    "verdict",
]


def start_page(key: str, intro: str) -> Controls:
    """Title and introduction of the registered page ``key``; returns its URL-bound controls.

    Also reads the lecture flags of the address (``present``, ``figure``, ``hide``, ``q``;
    see :mod:`explorer.links`), loads the page's questions and adds the classroom-link
    builder to the sidebar.
    """
    spec = page(key)
    lecture = presenter.begin(spec)
    c = Controls(spec.prefix, spec.scenarios, questions=questions.of_page(key), hidden=lecture.hide,
                 present=lecture.present)
    c.page_key = key
    if lecture.present:
        presenter.header(c, spec.title, intro)
    else:
        page_header(spec.title, intro)
    presenter.classroom_builder(c, spec)
    return c


# One process serves every viewer. With NumPy, SciPy, pandas and Altair loaded, a full garbage
# collection walks ~160,000 long-lived objects (about 75 ms of CPU here). .streamlit/config.toml
# turns off Streamlit's full collection after every run (runner.postScriptGC); Python's own
# generational collector still makes full passes now and then. The long-lived objects live as
# long as the process, so they are moved out of the collector's reach once, when the app's
# modules have been imported; each run's own garbage is still collected.
gc.freeze()

# Threads of viewers' sessions share two malloc arenas, so memory one frees another reuses, and
# large blocks are unmapped when freed (explorer/memory.py). Both are set once, at the first
# import, before most session threads exist.
memory.cap_malloc_arenas()
memory.fix_mmap_threshold()

# Every published link is computed once in the background when a server process first loads the
# app (explorer/app/warmup.py), so a class opening a slide's link finds it in the caches.
warmup.start_once()
