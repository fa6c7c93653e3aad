"""Measure a derivative by nudging, and check every gradient against central differences.

``nudge`` is the experiment behind every derivative: raise one input by a small
h, compute the output again, and compare how far it moved with what the
gradient predicts (``grad * h``).  ``gradcheck`` does it for every input at
once, with central differences ``(f(x + h) - f(x - h)) / 2h``, and reports
each analytic gradient next to its numerical estimate.

Both leave the graph as they found it: inputs get their ``data`` back, and every
``.grad`` that ``gradcheck``'s backward pass touched is restored.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..engine import Value
from ..nn.engines import SCALAR
from ..util.checks import real_number
from ..util.numbers import format_number
from .explain import gradients
from .nodes import d_of, graph_nodes

__all__ = ["GradcheckResult", "GradcheckRow", "NudgeResult", "gradcheck", "nudge"]


def _call(fn: Callable[..., object], args: tuple, where: str) -> Value:
    out = fn(*args)
    if not SCALAR.is_node(out):
        raise TypeError(f"{where}: the function must return a Value, got {type(out).__name__}")
    return out


# -- nudge ------------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeResult:
    """Raising ``input`` by ``h`` moved the output from ``before`` to ``after``.

    ``change = after - before``; ``grad`` is d(output)/d(input) from the graph,
    so ``predicted = grad * h`` is the change the gradient promises and
    ``slope = change / h`` the derivative measured by the nudge.
    """

    output: str
    input: str
    h: float
    before: float
    after: float
    change: float
    grad: float
    predicted: float
    slope: float

    @property
    def text(self) -> str:
        """The experiment in two sentences."""
        f = format_number
        o, i = self.output, self.input
        return (
            f"raise {i} by h = {f(self.h)}: {o} goes from {f(self.before)} to {f(self.after)} "
            f"(change {f(self.change)}, slope change/h = {f(self.slope)})\n"
            f"the gradient predicts {d_of(o)}/{d_of(i)} * h = {f(self.grad)} * {f(self.h)} "
            f"= {f(self.predicted)}"
        )

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, p: object, cycle: bool) -> None:  # IPython shows the text
        p.text(self.text)  # type: ignore[attr-defined]


def nudge(output_fn: Callable[[], Value], value: Value, h: float = 1e-3) -> NudgeResult:
    """Raise ``value`` by ``h``, rebuild the output with ``output_fn()``, and compare.

    ``output_fn`` takes no arguments and builds the output afresh from the
    leaves each time it is called (a lambda around the formula).  ``value``
    gets its ``data`` back afterwards, even if ``output_fn`` fails; no ``.grad``
    is changed (the gradient is computed into a dict).

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> print(nudge(lambda: a * b, b, h=1).after)
    -4.0
    """
    if not callable(output_fn):
        raise TypeError(
            f"nudge: output_fn must be a function of no arguments, got {output_fn!r:.60}"
        )
    if not SCALAR.is_node(value):
        raise TypeError(f"nudge: value must be a Value, got {type(value).__name__}")
    h = real_number(h, "nudge(h)")
    if h == 0:
        raise ValueError("nudge: h must not be 0")
    out = _call(output_fn, (), "nudge")
    grads = gradients(out)
    if value not in grads and value is not out:
        raise ValueError(
            "nudge: the output that output_fn() builds does not depend on this value; "
            "nudge a leaf that output_fn uses (output_fn must rebuild the output each call)"
        )
    before = out.data
    old = value.data
    value.data = old + h
    try:
        after = _call(output_fn, (), "nudge").data
    finally:
        value.data = old
    g = grads.get(value, 0.0)
    change = after - before
    name = out.label or "L"
    return NudgeResult(name, value.label or "x", h, before, after, change, g, g * h, change / h)


# -- gradcheck ----------------------------------------------------------------------


@dataclass(frozen=True)
class GradcheckRow:
    """One input's check: the gradient from backward(), the central difference, and their gap."""

    input: str
    analytic: float
    numeric: float
    rel_error: float
    ok: bool


@dataclass(frozen=True)
class GradcheckResult:
    """The table of a gradient check: one ``GradcheckRow`` per input; ``ok`` if all pass.

    ``bool(result)`` is ``result.ok``, so ``assert gradcheck(f, xs)`` works.
    """

    rows: list[GradcheckRow]
    output: float
    h: float
    rtol: float
    atol: float

    @property
    def ok(self) -> bool:
        """True when every analytic gradient matches its numerical estimate."""
        return all(r.ok for r in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def text(self) -> str:
        """The table as aligned text."""
        bad = sum(not r.ok for r in self.rows)
        head = (
            f"gradcheck: {len(self.rows)} inputs, central differences with h = {self.h:g}, "
            f"|analytic - numeric| <= {self.atol:g} + {self.rtol:g} * |numeric|: "
            + ("all ok" if bad == 0 else f"{bad} FAILED")
        )
        table = [("input", "analytic", "numeric", "rel. error", "ok")]
        for r in self.rows:
            table.append(
                (
                    r.input,
                    f"{r.analytic:.8g}",
                    f"{r.numeric:.8g}",
                    f"{r.rel_error:.2e}",
                    "ok" if r.ok else "FAIL",
                )
            )
        widths = [max(len(row[i]) for row in table) for i in range(5)]
        lines = [head]
        for row in table:
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, p: object, cycle: bool) -> None:  # IPython
        p.text(self.text)  # type: ignore[attr-defined]


def gradcheck(
    fn: Callable[[list[Value]], Value],
    inputs: Sequence[Value | float],
    h: float = 1e-6,
    rtol: float = 1e-4,
    atol: float = 1e-6,
) -> GradcheckResult:
    """Compare every gradient ``backward()`` computes with central differences.

    ``fn`` maps the list of input Values to an output Value, building it afresh
    on every call.  For each input x, the analytic gradient (from
    ``output.backward()``) is compared with ``(fn(x + h) - fn(x - h)) / 2h``; a
    row passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.

    Plain numbers among ``inputs`` become Values labelled ``x0``, ``x1``, ...
    The inputs' ``data`` and every ``.grad`` in the graph are restored
    afterwards.  Kinks (relu at 0, step at 0) have no derivative: a check
    there fails, as it should.
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of a list of Values, got {fn!r:.60}")
    if SCALAR.is_node(inputs) or isinstance(inputs, str) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"gradcheck: inputs must be a list of Values or numbers, got {type(inputs).__name__}"
        )
    if not inputs:
        raise ValueError("gradcheck: inputs is empty")
    xs = [
        x if SCALAR.is_node(x) else Value(real_number(x, f"gradcheck(inputs[{i}])"), label=f"x{i}")
        for i, x in enumerate(inputs)
    ]
    h = real_number(h, "gradcheck(h)")
    if h <= 0:
        raise ValueError(f"gradcheck: h must be positive, got {h}")
    rtol, atol = real_number(rtol, "gradcheck(rtol)"), real_number(atol, "gradcheck(atol)")

    out, analytic = _analytic(fn, xs)
    rows = []
    for i, x in enumerate(xs):
        numeric = _central_difference(fn, xs, x, h)
        a = analytic[i]
        scale = max(abs(a), abs(numeric))
        rel = abs(a - numeric) / scale if scale > 0 else 0.0
        ok = abs(a - numeric) <= atol + rtol * abs(numeric)  # False for nan
        name = x.label or f"inputs[{i}]"
        rows.append(GradcheckRow(name, a, numeric, rel if rel == rel else math.inf, bool(ok)))
    return GradcheckResult(rows, out.data, h, rtol, atol)


def _analytic(fn: Callable[[list[Value]], Value], xs: list[Value]) -> tuple[Value, list[float]]:
    """``fn(xs)`` and d(it)/d(each x) by backward(), every ``.grad`` it touched restored."""
    out = _call(fn, (xs,), "gradcheck")
    nodes = graph_nodes(out)
    saved = [(v, v.grad) for v in nodes]
    try:
        for v in nodes:
            v.grad = 0.0
        out.backward()
        return out, [x.grad for x in xs]
    finally:
        for v, g in saved:
            v.grad = g


def _central_difference(
    fn: Callable[[list[Value]], Value], xs: list[Value], x: Value, h: float
) -> float:
    """(fn(x + h) - fn(x - h)) / 2h, with ``x.data`` restored afterwards."""
    old = x.data
    try:
        x.data = old + h
        up = _call(fn, (xs,), "gradcheck").data
        x.data = old - h
        down = _call(fn, (xs,), "gradcheck").data
    finally:
        x.data = old
    return (up - down) / (2 * h)
