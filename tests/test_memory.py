"""explorer.memory: how the server's allocator is set up (glibc, as on these machines)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Counts the blocks glibc serves by mmap before and after a 1 MiB allocation. Freeing a mapped
# 8 MiB block first is what a chart's Arrow payload does: glibc then raises its threshold to 8 MiB.
_PROBE = """
import ctypes, sys
from explorer import memory

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                      "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "fixed":
    assert memory.fix_mmap_threshold(256 * 1024)
big = bytearray(8 << 20)
del big
before = libc.mallinfo2().hblks
block = bytearray(1 << 20)
print(libc.mallinfo2().hblks - before)
"""


def _mapped_blocks_added(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", _PROBE, mode], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60)
    return int(out.stdout.strip())


def test_without_a_fixed_threshold_a_freed_large_block_moves_later_ones_into_the_heap():
    assert _mapped_blocks_added("default") == 0


def test_a_fixed_threshold_keeps_every_large_block_a_mapping_of_its_own():
    assert _mapped_blocks_added("fixed") == 1


@pytest.mark.parametrize("size", [0, -1])
def test_a_threshold_of_zero_or_less_leaves_the_allocator_alone(size):
    from explorer import memory

    assert memory.fix_mmap_threshold(size) is False


def test_the_server_sets_the_threshold_when_the_app_is_imported():
    source = (ROOT / "explorer" / "app" / "__init__.py").read_text()
    assert "memory.fix_mmap_threshold()" in source and "memory.cap_malloc_arenas()" in source
