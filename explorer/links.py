"""The lecture flags of a page address, read and written as plain data (no Streamlit).

Besides its controls, a page address can carry these parameters, all optional
and all dropped in favour of the default when malformed:

``present=1``
    presenter mode: larger type, the sidebar collapsed, the page-wide controls in
    one expander, and one figure at a time with previous and next buttons;
``figure=3`` (or ``figure=growth``)
    in presenter mode, which figure is on screen (1-based number or figure key);
``hide=seed,steps``
    controls (names without the page prefix; ``case`` is the scenario picker)
    that stay on the page, keep their URL values, but are not shown;
``q=2``
    question 2 of the page is asked, with the page set to its scenario;
``embed=true``
    Streamlit's own flag for an iframe: no header, no sidebar. Streamlit reads it
    before the page does, so it never appears among the page's query parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlencode

PRESENT, FIGURE, HIDE, QUESTION = "present", "figure", "hide", "q"
LECTURE_PARAMS = (PRESENT, FIGURE, HIDE, QUESTION)
"""Query parameters that belong to no page's controls."""

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
MAX_HIDDEN = 64


def read_flag(raw: str | None) -> bool:
    """``present=1`` / ``true`` / ``yes`` / ``on``: anything else is off."""
    return raw is not None and raw.strip().lower() in {"1", "true", "yes", "on"}


def read_hide(raw: str | None, known: Iterable[str] | None = None) -> frozenset[str]:
    """Control names from ``hide=a,b``: malformed or (when ``known`` is given) unknown names are dropped."""
    if not raw:
        return frozenset()
    names = [t.strip() for t in raw.split(",")][:MAX_HIDDEN]
    keep = {t for t in names if _NAME.match(t)}
    if known is not None:
        keep &= set(known)
    return frozenset(keep)


def read_index(raw: str | None, keys: Sequence[str]) -> int | None:
    """1-based position from ``"3"`` or from one of ``keys``; None when it names nothing."""
    if raw is None:
        return None
    raw = raw.strip()
    if raw in keys:
        return keys.index(raw) + 1
    if raw.isascii() and raw.isdigit() and len(raw) <= 4:
        number = int(raw)
        if 1 <= number <= len(keys):
            return number
    return None


def classroom_query(query: Mapping[str, str | Sequence[str]], *, hide: Iterable[str] = (), present: bool = False,
                    figure: int | None = None, embed: bool = False) -> str:
    """The query string of a classroom link: the page's current parameters, then the lecture flags.

    >>> classroom_query({"eig_steps": "200", "hide": "old"}, hide=["steps", "seed"], present=True, figure=2)
    'eig_steps=200&present=1&figure=2&hide=seed%2Csteps'
    """
    pairs: list[tuple[str, str]] = []
    for k, v in query.items():
        if k in LECTURE_PARAMS or k in {"embed", "embed_options"}:
            continue
        pairs.extend((k, x) for x in ([v] if isinstance(v, str) else v))
    if present:
        pairs.append((PRESENT, "1"))
        if figure:
            pairs.append((FIGURE, str(int(figure))))
    names = sorted(set(hide))
    if names:
        pairs.append((HIDE, ",".join(names)))
    if embed:
        pairs.append(("embed", "true"))
    return urlencode(pairs)
