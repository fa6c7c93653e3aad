"""A derivative as a slope: nudge the input by h, compare the rise with the tangent."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ...util.checks import real_number
from .common import check_path, finish, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_nudge"]


def _check_numbers(x: object, h: object, slope: object) -> None:
    for name, value in (("x", x), ("h", h), ("slope", slope)):
        if value is None and name == "slope":
            continue
        real_number(value, f"plot_nudge({name})")
    if h == 0:
        raise ValueError("plot_nudge: h must not be 0 (a nudge of nothing measures nothing)")


def _mark_nudge(ax: Axes, x: float, h: float, y0: float, y1: float) -> None:
    """The run h (orange), the rise (red) and the two points with their values."""
    ax.plot([x, x + h], [y0, y0], color="C1", lw=1.4)
    ax.plot([x + h, x + h], [y0, y1], color="C3", lw=2.0)
    ax.plot([x, x + h], [y0, y1], "o", color="black", zorder=4)
    below = -16 if y1 >= y0 else 10
    ax.annotate(
        f"h = {h:g}",
        xy=(x + h / 2, y0),
        xytext=(0, below),
        textcoords="offset points",
        ha="center",
        color="C1",
    )
    ax.annotate(
        f"rise {y1 - y0:.4g}",
        xy=(x + h, (y0 + y1) / 2),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        color="C3",
    )
    ax.annotate(f"{y0:.4g}", xy=(x, y0), xytext=(-10, 8), textcoords="offset points", ha="right")
    ax.annotate(
        f"{y1:.4g}", xy=(x + h, y1), xytext=(-10, 8), textcoords="offset points", ha="right"
    )


def _secant_and_tangent(
    ax: Axes,
    xs: np.ndarray,
    start: tuple[float, float],
    ratio: float,
    slope: float | None,
    xlabel: str,
) -> None:
    """The secant of slope rise / h and (when known) the tangent, both through ``start``."""
    x, y0 = start
    ax.plot(
        xs,
        y0 + ratio * (xs - x),
        color="C3",
        lw=1.2,
        ls=":",
        label=f"secant through both points, slope rise / h = {ratio:.4g}",
    )
    if slope is not None:
        ax.plot(
            xs,
            y0 + float(slope) * (xs - x),
            color="C2",
            lw=1.6,
            ls="--",
            label=f"tangent at {xlabel} = {x:g}, slope {slope:.4g} (backprop)",
        )


def plot_nudge(
    fn: Callable[[float], float],
    x: float,
    h: float = 1.0,
    path: str | os.PathLike[str] | None = None,
    *,
    slope: float | None = None,
    xlabel: str = "x",
    ylabel: str = "f(x)",
    title: str | None = None,
) -> Figure:
    """A derivative as a slope: ``fn`` near ``x``, the nudge from x to x + h, and the rise.

    Marks ``(x, fn(x))`` and ``(x + h, fn(x + h))`` with the run ``h``, the
    rise ``fn(x + h) - fn(x)`` and the secant through both points, of slope
    rise / h.  With ``slope`` (the gradient backpropagation found) it also
    draws the tangent of that slope at x.  On a curved function the two
    differ, and the secant turns into the tangent as h shrinks.
    """
    check_path(path)
    if not callable(fn):
        raise TypeError(f"plot_nudge: fn must be a function of one number, got {type(fn).__name__}")
    _check_numbers(x, h, slope)
    x, h = float(x), float(h)
    y0, y1 = float(fn(x)), float(fn(x + h))
    ratio = (y1 - y0) / h
    span = 2.0 * abs(h)
    xs = np.linspace(min(x, x + h) - span, max(x, x + h) + span, 201)
    ys = np.array([float(fn(v)) for v in xs.tolist()])
    fig = new_figure(7.2, 5.0)
    ax = fig.subplots()
    ax.plot(xs, ys, color="C0", lw=2.4, label=ylabel)
    _secant_and_tangent(ax, xs, (x, y0), ratio, slope, xlabel)
    _mark_nudge(ax, x, h, y0, y1)
    pad = 0.15 * (float(ys.max() - ys.min()) or 1.0)
    ax.set_ylim(float(ys.min()) - pad, float(ys.max()) + pad)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=9, framealpha=0.95)
    ax.set_title(
        title
        or f"nudge {xlabel} by h = {h:g}: {ylabel} moves {y0:.4g} → {y1:.4g}\n"
        f"rise / h = {ratio:.4g}"
        + ("" if slope is None else f"; the slope at {xlabel} = {x:g} is {slope:.4g}"),
        fontsize=11,
    )
    return finish(fig, path)
