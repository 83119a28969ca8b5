"""Process memory for a server that many viewers share: fewer malloc arenas, and freed pages handed back.

Each Streamlit session runs its script in a thread of its own. glibc's allocator gives
threads their own heaps ("arenas", up to eight per core), and memory freed in one of them
stays with the process: after a lecture of 100 viewers the server kept about 65 MB more
than before it even with every cache emptied. Two calls, both once per process and never
per request, bring it back (measured with ``python -m bench.load --viewers 100 --ramp 60
--after-wait 200``):

* :func:`cap_malloc_arenas` (at import): at most :data:`MALLOC_ARENAS` arenas for the whole
  process, so threads share heaps and reuse each other's freed memory. Same effect as the
  ``MALLOC_ARENA_MAX`` environment variable, which the Dockerfile also sets, but it works
  where the environment cannot be chosen (Streamlit Community Cloud).
* :func:`fix_mmap_threshold` (at import): blocks of :data:`MMAP_THRESHOLD` bytes or more
  (Arrow payloads, pickled results) get mappings of their own and go back to the system
  when freed, instead of glibc's sliding threshold moving them into the heap.
* :func:`release_memory` (after an empty room's caches are cleared): ``malloc_trim(0)``
  returns the freed pages of every arena to the operating system. A heavy-work process
  (:mod:`explorer.worker`) calls it after every answer: a 256-unit network's arrays are
  freed when the answer is sent, and without the trim the process kept them as its own.

This module imports neither Streamlit nor NumPy, so both kinds of process can use it.

On a C library without these functions (musl, macOS) both do nothing and say so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

from explorer.env import env_int


def _arenas_from_env(default: int = 2) -> int:
    """``GE_MALLOC_ARENAS`` (0 or less: leave the allocator alone), else ``default``."""
    return max(0, env_int("GE_MALLOC_ARENAS", default))


MALLOC_ARENAS = _arenas_from_env()
"""Arenas the allocator may use in a server process (``GE_MALLOC_ARENAS``; 0 leaves glibc's default)."""

_M_ARENA_MAX = -8
"""``mallopt`` parameter number of ``M_ARENA_MAX`` in glibc's <malloc.h>."""

MMAP_THRESHOLD = max(0, env_int("GE_MALLOC_MMAP_KB", 256)) * 1024
"""Bytes from which a server's allocation is a mapping of its own (``GE_MALLOC_MMAP_KB``; 0: glibc's default)."""

_M_MMAP_THRESHOLD = -3
"""``mallopt`` parameter number of ``M_MMAP_THRESHOLD`` in glibc's <malloc.h>."""


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def cap_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Limit glibc to ``arenas`` malloc arenas from now on; True if the C library accepted it."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None or arenas <= 0:
        return False
    return bool(mallopt(ctypes.c_int(_M_ARENA_MAX), ctypes.c_int(int(arenas))))


def fix_mmap_threshold(size: int = MMAP_THRESHOLD) -> bool:
    """Serve every allocation of ``size`` bytes or more by its own ``mmap``; True if accepted.

    glibc starts at 128 KiB but raises the threshold, up to 32 MiB, each time such a block
    is freed, so after a few charts' Arrow payloads and pickled results the large blocks
    of every later run come from the heap, where their freed pages stay with the process.
    A fixed threshold keeps them as mappings of their own, unmapped the moment they are
    freed.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None or size <= 0:
        return False
    return bool(mallopt(ctypes.c_int(_M_MMAP_THRESHOLD), ctypes.c_int(int(size))))


def release_memory() -> bool:
    """Give freed heap pages of every arena back to the operating system; True if it could."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return False
    trim(ctypes.c_size_t(0))
    return True
