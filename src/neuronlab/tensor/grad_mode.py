"""Grad mode: whether operations record a graph (``no_grad`` switches it off, per thread)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["is_grad_enabled", "no_grad"]


class _GradMode(threading.local):
    enabled = True  # each thread starts with grad recording on


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when operations record a graph (outside any ``no_grad`` block)."""
    return _mode.enabled


class no_grad:
    """Turn off graph recording: as ``with no_grad():`` or as a ``@no_grad()`` decorator.

    Inside, results never require grad, so evaluation costs no graph and no
    memory for backward.  The switch is per thread, as in PyTorch.
    """

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> no_grad:
        self._previous.append(_mode.enabled)
        _mode.enabled = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        _mode.enabled = self._previous.pop()

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def without_grad(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return func(*args, **kwargs)

        return without_grad
