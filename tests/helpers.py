"""Helpers shared by the tests: one nan-aware comparison, and runners for both engines and PyTorch.

Every engine test compares in the same way: an expression runs on neuronlab
leaves (``Value`` in float64, or ``Tensor`` in float64 or float32) and on
PyTorch leaves of the same dtype; the output and every input's gradient must
agree.  ``numeric_slope`` is the finite-difference check that needs no PyTorch.

PyTorch is imported only when a runner needs it, the guarded way, so a test
file that only compares numbers does not need it.
"""

from __future__ import annotations

import ast
import io
import os
import shutil
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import pytest

from neuronlab import Value
from neuronlab.tensor import Tensor

G = TypeVar("G", covariant=True)

#: The gradient an output is pulled back with: a function of the output's shape.
Upstream = Callable[[tuple[int, ...]], np.ndarray]


class HasGrad(Protocol[G]):
    """A leaf of ours or of PyTorch: ``grad`` is None until a backward pass reaches it."""

    @property
    def grad(self) -> G | None: ...


def grad_of(leaf: HasGrad[G] | None) -> G:
    """The gradient ``backward`` left on a leaf (ours or PyTorch's, a bias that may be None):
    a failure if there is no leaf or it has no gradient."""
    assert leaf is not None, "no leaf (a layer without bias?)"
    grad = leaf.grad
    assert grad is not None, f"{leaf!r} has no gradient"
    return grad


def ones(shape: tuple[int, ...]) -> np.ndarray:
    """The upstream gradient of a plain ``backward()``: 1 everywhere."""
    return np.ones(shape)


def filled(x: float) -> Upstream:
    """An upstream gradient of ``x`` everywhere (inf, nan or 0 for the edge cases)."""
    return lambda shape: np.full(shape, x)


def normal(seed: int) -> Upstream:
    """A random upstream gradient, the same for both libraries: every entry gets checked."""
    return lambda shape: np.random.default_rng(seed).standard_normal(shape)


# -- the one comparison -------------------------------------------------------------


def close(actual: Any, expected: Any, rel: float = 1e-12, abs_: float = 0.0) -> bool:
    """Equal shapes and equal numbers within tolerance; nan equals nan, an infinity only itself."""
    a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    return a.shape == e.shape and bool(np.isclose(a, e, rtol=rel, atol=abs_, equal_nan=True).all())


def assert_close(
    actual: Any, expected: Any, rel: float = 1e-12, abs_: float = 0.0, what: str = ""
) -> None:
    """``close``, or an AssertionError that shows both (numbers or arrays) and says what."""
    assert close(actual, expected, rel, abs_), (
        f"{what}: got {np.asarray(actual)!r}, expected {np.asarray(expected)!r}"
    )


# -- running an expression on each library ---------------------------------------------


def value_run(
    fn: Callable[..., Value], xs: Sequence[float], upstream: Upstream = ones
) -> tuple[float, list[float]]:
    """fn on fresh Values made from xs: (output, d output / d each x)."""
    vs = [Value(float(x)) for x in xs]
    out = fn(*vs)
    out.backward(float(upstream(())))
    return out.data, [v.grad for v in vs]


def tensor_run(
    fn: Callable[..., Tensor], arrays: Sequence[Any], dtype: str, upstream: Upstream = ones
) -> tuple[np.ndarray, list[np.ndarray]]:
    """fn on fresh Tensor leaves of ``dtype``: (output, the gradient of each input)."""
    leaves = [Tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    assert isinstance(out, Tensor), f"{out!r} is not a {dtype} Tensor"
    assert out.dtype == dtype, f"{out!r} is not a {dtype} Tensor"
    out.backward(upstream(out.shape).astype(dtype))
    return out.data, [grad_of(leaf) for leaf in leaves]


def torch_run(
    fn: Callable[..., Any], arrays: Sequence[Any], dtype: str = "float64", upstream: Upstream = ones
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The same with PyTorch leaves; an input the output does not depend on gets zeros."""
    torch = pytest.importorskip("torch")
    kind = getattr(torch, dtype)
    with np.errstate(over="ignore"):  # float64 beyond float32's range: inf, as in neuronlab
        arrays = [np.asarray(a, dtype=np.float64).astype(dtype) for a in arrays]
    leaves = [torch.tensor(a, dtype=kind, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    if out.requires_grad:
        out.backward(torch.tensor(upstream(tuple(out.shape)), dtype=kind))
    grads = [np.zeros(t.shape) if t.grad is None else t.grad.numpy() for t in leaves]
    return out.detach().numpy(), grads


@dataclass(frozen=True)
class Engine:
    """One engine under test: Value (float64 numbers) or Tensor (arrays) of one dtype."""

    name: str
    dtype: str
    scalar: bool  # one number per input (Value) rather than an array (Tensor)
    rel: float  # the least relative slack vs PyTorch (float32 kernels round differently)
    atol: float

    def __str__(self) -> str:
        return self.name

    def run(
        self, fn: Callable[..., Any], inputs: Sequence[Any], upstream: Upstream = ones
    ) -> tuple[Any, list[Any]]:
        """fn on this engine's leaves: (output, the gradient of each input)."""
        if self.scalar:
            return value_run(fn, inputs, upstream)
        return tensor_run(fn, inputs, self.dtype, upstream)


VALUE = Engine("Value", "float64", scalar=True, rel=0.0, atol=0.0)
TENSOR64 = Engine("Tensor-float64", "float64", scalar=False, rel=1e-10, atol=1e-12)
TENSOR32 = Engine("Tensor-float32", "float32", scalar=False, rel=2e-5, atol=2e-5)
ENGINES = (VALUE, TENSOR64, TENSOR32)


def assert_matches_torch(
    engine: Engine,
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    torch_fn: Callable[..., Any] | None = None,
    *,
    rel: float = 1e-12,
    atol: float = 0.0,
    upstream: Upstream = ones,
    what: str = "",
) -> tuple[Any, list[Any]]:
    """fn on ``engine`` and torch_fn (default fn) on PyTorch: the same output and gradients.

    The tolerance is the larger of the one given and the engine's own.  Returns
    neuronlab's (output, gradients).
    """
    rel, atol = max(rel, engine.rel), max(atol, engine.atol)
    out, grads = engine.run(fn, inputs, upstream)
    t_out, t_grads = torch_run(torch_fn or fn, inputs, engine.dtype, upstream)
    assert_close(out, t_out, rel, atol, what=f"{what} on {engine}: forward")
    for i, (g, tg) in enumerate(zip(grads, t_grads)):
        assert_close(g, tg, rel, atol, what=f"{what} on {engine}: gradient of input {i}")
    return out, grads


def numeric_slope(
    evaluate: Callable[[list[Any]], float], xs: Sequence[Any], i: int, direction: Any = 1.0
) -> tuple[float, Any]:
    """The slope of f along input i, measured by nudging: (slope, the direction d it is along).

    d = direction · max(1, |x_i|) entrywise, so each number moves in proportion
    to its own size; slope = (f(x + h·d) - f(x - h·d)) / 2h with h = 1e-6, which
    backward must match as <df/dx_i, d>.  ``evaluate`` computes f from plain
    numbers; for one number and direction 1 the slope is df/dx_i · max(1, |x_i|).
    """
    h = 1e-6
    d = direction * np.maximum(1.0, np.abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] = xs[i] + h * d
    down[i] = xs[i] - h * d
    return (evaluate(up) - evaluate(down)) / (2 * h), d


# -- the system programs some tests drive -----------------------------------------------------


def chromium_path() -> str | None:
    """The Chromium to launch: ``$NEURONLAB_CHROMIUM``, ``/usr/bin/chromium`` or one on PATH."""
    candidates = [
        os.environ.get("NEURONLAB_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """Every entry of df/dx, each measured by nudging that entry alone (``numeric_slope``)."""
    x = np.asarray(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = 1.0
        slope, along = numeric_slope(lambda xs: f(xs[0]), [x], 0, e)
        g[i] = slope / along[i]
    return g


# -- a scalar MLP's twin in PyTorch ----------------------------------------------------------


def torch_twin(model: Any) -> list[tuple[Any, Any, str]]:
    """A scalar MLP's layers as PyTorch (W, b, activation): float64 leaves holding the model's
    current weights (W of shape (outputs, inputs)), and the layer's activation's name."""
    torch = pytest.importorskip("torch")
    twin = []
    for layer in model.layers:
        w = [[wi.data for wi in n.w] for n in layer.neurons]
        b = [n.b.data for n in layer.neurons]
        twin.append(
            (
                torch.tensor(w, dtype=torch.float64, requires_grad=True),
                torch.tensor(b, dtype=torch.float64, requires_grad=True),
                layer.neurons[0].activation,
            )
        )
    return twin


# -- hand-made .npy files ----------------------------------------------------------------------


def npy_header(
    shape: Any,
    descr: str = "<f8",
    fortran: bool = False,
    version: tuple[int, int] = (1, 0),
    text: str | None = None,
) -> bytes:
    """An .npy header (no data) announcing ``shape`` of ``descr``, or holding ``text``.

    Padded as NumPy pads it: magic, version, the header's length (2 bytes in
    version 1.0, 4 after) and the header end on a multiple of 64 bytes.
    """
    if text is None:
        text = f"{{'descr': {descr!r}, 'fortran_order': {fortran!r}, 'shape': {shape!r}, }}"
    raw = text.encode("latin-1")
    before = 6 + 2 + (2 if version == (1, 0) else 4)  # magic, version, the length itself
    raw += b" " * (63 - (len(raw) + before) % 64) + b"\n"
    size = struct.pack("<H" if version == (1, 0) else "<I", len(raw))
    return b"\x93NUMPY" + bytes(version) + size + raw


def npy_bytes(array: Any, **options: Any) -> bytes:
    """What ``np.save`` writes for ``array`` (options passed on), as bytes."""
    buffer = io.BytesIO()
    np.save(buffer, array, **options)
    return buffer.getvalue()


def torch_leaf(a: Any, dtype: str = "float64") -> Any:
    """``a`` as a PyTorch leaf of ``dtype`` that keeps its gradient (the twin of an input)."""
    torch = pytest.importorskip("torch")
    return torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=True)


def said(finding: Any) -> str:
    """Everything a workbook check's finding tells the learner: message, details, likely."""
    return "\n".join([finding.message, *finding.details, finding.likely])


#: The library's source folder, and every module in it by dotted name (the workbook's
#: templates are files written out for a learner, with their own Value: not modules).
SRC = Path(__file__).resolve().parent.parent / "src" / "neuronlab"


def module_name(path: Path) -> str:
    """``src/neuronlab/nn/layers.py`` -> ``neuronlab.nn.layers`` (a package is its __init__)."""
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    module_name(p): p
    for p in sorted(SRC.rglob("*.py"))
    if "templates" not in p.relative_to(SRC).parts
}


def imported_module(node: ast.ImportFrom, package: str) -> str:
    """The dotted module a ``from ... import`` in ``package`` reads (``from ..nn import x`` in
    ``neuronlab.viz`` -> ``neuronlab.nn``)."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))
