"""Small jobs for tests/test_worker.py that a worker process can import (no Streamlit, no pytest)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

UI_LIBRARIES = ("streamlit", "altair", "pandas")


@dataclass(frozen=True)
class Heavy:
    """Settings that always count as heavy work."""

    value: int = 0
    heavy: bool = True


def pid_of(_settings: Heavy | None = None) -> int:
    """The process that ran it."""
    return os.getpid()


def ui_modules_loaded() -> list[str]:
    """The UI libraries this process has imported."""
    return sorted(name for name in sys.modules if name in UI_LIBRARIES)


def loaded(names: tuple[str, ...]) -> list[str]:
    """Which of the modules ``names`` this process has imported."""
    return sorted(name for name in names if name in sys.modules)


def refuse(settings: Heavy) -> int:
    raise ValueError(f"no value {settings.value} here")


def exit_unless_in(pid: int) -> str:
    """Kill the process running it, unless that is process ``pid``."""
    if os.getpid() != pid:
        os._exit(3)
    return "computed in the caller"


def niceness() -> int:
    """This process's nice value."""
    return os.nice(0)
