"""The activation functions and the sigmoid neuron, computed by ``Value`` itself."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ...engine import Value
from .common import check_path, finish, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_activations", "plot_sigmoid"]


def _through_engine(op: Callable[[Value], Value], z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """op(z) and d op/dz at every z, as neuronlab's own Value computes them."""
    out, slope = [], []
    for zi in z.tolist():
        v = Value(zi)
        o = op(v)
        o.backward()
        out.append(o.data)
        slope.append(v.grad)
    return np.array(out), np.array(slope)


def plot_activations(path: str | os.PathLike[str] | None = None) -> Figure:
    """Step, sigmoid, tanh and ReLU, each with its derivative, in a 2×2 grid.

    The values and slopes are computed by ``Value`` itself (forward, then
    ``backward()``), so the picture shows exactly what the engine uses.
    """
    check_path(path)
    z = np.linspace(-5.0, 5.0, 401)
    panels = [
        ("step", Value.step, "1 if z > 0 else 0", "0 (no slope to follow)"),
        ("sigmoid", Value.sigmoid, r"$\sigma(z) = 1/(1+e^{-z})$", "σ(z)(1 − σ(z))"),
        ("tanh", Value.tanh, "tanh(z)", "1 − tanh²(z)"),
        ("relu", Value.relu, "max(0, z)", "1 if z > 0 else 0"),
    ]
    fig = new_figure(9.0, 6.5)
    axes = fig.subplots(2, 2)
    for ax, (name, op, formula, derivative) in zip(axes.ravel(), panels):
        out, slope = _through_engine(op, z)
        if name in ("step", "relu"):  # draw the jump at 0 as a jump, not a steep line
            left, right = z <= 0, z > 0
            ax.plot(z[left], out[left], color="C0", lw=2.2, label=formula)
            ax.plot(z[right], out[right], color="C0", lw=2.2)
            ax.plot(z[left], slope[left], color="C1", lw=1.8, ls="--", label=f"slope: {derivative}")
            ax.plot(z[right], slope[right], color="C1", lw=1.8, ls="--")
        else:
            ax.plot(z, out, color="C0", lw=2.2, label=formula)
            ax.plot(z, slope, color="C1", lw=1.8, ls="--", label=f"slope: {derivative}")
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_title(name)
        ax.set_xlabel("z = w·x + b")
        ax.set_ylabel("output")
        ax.set_ylim(-1.25, 1.6 if name != "relu" else 5.2)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("Activation functions (solid) and their derivatives (dashed)")
    return finish(fig, path)


def plot_sigmoid(path: str | os.PathLike[str] | None = None) -> Figure:
    """The sigmoid curve with σ(0) = 0.5 and its limits for large ±z marked.

    The perceptron's step is drawn faintly behind it: for large |z| the
    sigmoid neuron behaves like a perceptron (≈1 or ≈0); near 0 it is smooth.
    """
    check_path(path)
    z = np.linspace(-10.0, 10.0, 801)
    s = np.array([Value(v).sigmoid().data for v in z.tolist()])
    fig = new_figure(8.0, 4.8)
    ax = fig.subplots()
    ax.plot(z, (z > 0).astype(float), color="C1", lw=1.8, ls=":", label="perceptron step")
    ax.plot(z, s, color="C0", lw=2.4, label=r"$\sigma(z) = 1/(1+e^{-z})$")
    ax.axhline(1.0, color="C2", lw=0.8, ls="--")
    ax.axhline(0.0, color="C3", lw=0.8, ls="--")
    half = Value(0.0).sigmoid().data
    ax.plot([0], [half], "o", color="black", zorder=4)
    ax.annotate(
        f"σ(0) = {half:g}",
        xy=(0, half),
        xytext=(1.5, 0.42),
        arrowprops={"arrowstyle": "->"},
        fontsize=11,
    )
    hi, lo = Value(10.0).sigmoid().data, Value(-10.0).sigmoid().data
    ax.plot([10, -10], [hi, lo], "o", color="C2", zorder=4)
    ax.annotate(
        f"large positive z: σ → 1\nσ(10) ≈ {hi:.5f}",
        xy=(10, hi),
        xytext=(3.2, 0.72),
        arrowprops={"arrowstyle": "->"},
        fontsize=10,
    )
    ax.annotate(
        f"large negative z: σ → 0\nσ(−10) ≈ {lo:.2e}",
        xy=(-10, lo),
        xytext=(-9.6, 0.22),
        arrowprops={"arrowstyle": "->"},
        fontsize=10,
    )
    ax.set_xlim(-10.5, 10.5)
    ax.set_ylim(-0.08, 1.1)
    ax.set_xlabel("z = w·x + b")
    ax.set_ylabel("output")
    ax.set_title("The sigmoid neuron: a smooth perceptron")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    return finish(fig, path)
