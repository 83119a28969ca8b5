"""explorer.env: every GE_* reader falls back to its default on a bad value."""

from __future__ import annotations

import pytest

from explorer.env import env_choice, env_int


@pytest.mark.parametrize(("raw", "expected"), [(None, 5), ("7", 7), ("3", 3), ("12", 12), ("2", 5), ("13", 5),
                                               ("seven", 5), ("", 5), ("4.5", 5)])
def test_env_int_keeps_in_range_integers_only(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("GE_TEST_INT", raising=False)
    else:
        monkeypatch.setenv("GE_TEST_INT", raw)
    assert env_int("GE_TEST_INT", 5, low=3, high=12) == expected


def test_env_int_without_bounds_takes_any_integer(monkeypatch):
    monkeypatch.setenv("GE_TEST_INT", "-4")
    assert env_int("GE_TEST_INT", 2) == -4


@pytest.mark.parametrize(("raw", "expected"), [(None, "process"), ("thread", "thread"), ("  Thread ", "thread"),
                                               ("fork", "process"), ("", "process")])
def test_env_choice(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("GE_TEST_CHOICE", raising=False)
    else:
        monkeypatch.setenv("GE_TEST_CHOICE", raw)
    assert env_choice("GE_TEST_CHOICE", "process", ("process", "thread")) == expected
