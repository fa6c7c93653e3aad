"""explain() for a Tensor: the backward pass told tensor by tensor, with shapes.

``loss.backward()`` visits the operations from the loss back to the inputs;
at each one, every input that needs a gradient gets one made from the
output's gradient by the operation's own rule (``tensor_ops``):

    dloss/dW1 (30, 64) = embcatᵀ (30, 32) @ dloss/dmatmul1 (32, 64)

``explain(loss)`` writes those lines in the same order, one per input, each
gradient with its shape.  A tensor used in several places gets ``+=`` lines,
one per contribution.  The numbers are the ones ``backward()`` left in each
tensor's ``.grad``: all of them for a small tensor, a norm and the largest
entry for a large one.  Before ``loss.backward()`` there are no numbers yet,
and the text says so (the rules and shapes are shown all the same).

It only reads the graph and the gradients; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..tensor import Tensor
from ..walk import topological_order
from .nodes import d_of
from .tensor_naming import TensorNamer, given_tensor_names
from .tensor_ops import Edge, op_text
from .tensor_text import SMALL, grad_summary, shape_text, values_text

__all__ = ["TensorExplanation", "TensorStep", "explain_tensor", "gradient_text"]


def gradient_text(g: np.ndarray | None) -> str:
    """A gradient's numbers: all of them when small, else its norm and largest entry."""
    if g is None:
        return "None (no gradient reached it)"
    return values_text(g) if g.size <= SMALL else grad_summary(g)


@dataclass(frozen=True)
class TensorStep:
    """One input of one operation: how backward makes (a share of) the input's gradient.

    ``rule`` is the right-hand side, written with names and shapes; ``shared``
    when the input is used in several places (its gradient adds up, ``+=``);
    ``gradient`` the numbers of the input's whole gradient, on the step that
    completes it after ``backward()`` ("" otherwise).  ``lines`` are its text.
    """

    out: str
    input: str
    op: str
    out_shape: tuple[int, ...]
    input_shape: tuple[int, ...]
    rule: str
    shared: bool
    gradient: str
    lines: tuple[str, ...]
    out_tensor: Tensor = field(repr=False, compare=False)
    input_tensor: Tensor = field(repr=False, compare=False)


@dataclass(frozen=True)
class TensorExplanation:
    """The backward pass of a Tensor ``root``, operation by operation, with shapes.

    ``steps`` hold every edge in backward's order; ``leaf_gradients`` the
    ``(name, shape, numbers)`` of each leaf that needs a gradient;
    ``has_gradients`` is False before ``backward()`` (the text then has no
    numbers); ``text`` (also ``str()``) is what a learner reads, the first
    ``limit`` steps of it, ``left_out`` counting the rest.
    """

    root_name: str
    root_shape: tuple[int, ...]
    steps: list[TensorStep]
    leaf_gradients: list[tuple[str, tuple[int, ...], str]]
    has_gradients: bool
    text: str
    left_out: int = 0

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return (
            f"<TensorExplanation of {self.root_name} {shape_text(self.root_shape)}: "
            f"{len(self.steps)} edges, {len(self.leaf_gradients)} leaves>"
        )

    def as_dicts(self) -> list[dict[str, Any]]:
        """The steps as plain dicts (JSON-ready)."""
        return [
            {
                "out": s.out,
                "input": s.input,
                "op": s.op,
                "out_shape": list(s.out_shape),
                "input_shape": list(s.input_shape),
                "rule": s.rule,
                "shared": s.shared,
                "gradient": s.gradient,
                "lines": list(s.lines),
            }
            for s in self.steps
        ]


# -- the walk ---------------------------------------------------------------------------


def _inputs_with_grad(t: Tensor) -> list[int]:
    """The inputs of ``t`` that backward gives a gradient (those that require one)."""
    return [i for i, x in enumerate(t.inputs) if x.requires_grad]


def _steps(root: Tensor, nm: TensorNamer, numbers: bool) -> tuple[list[TensorStep], dict]:
    """Every edge in backward's order, and the heading line before each operation's first."""
    ops = topological_order(root)  # computed tensors only, inputs first
    fan: dict[Tensor, int] = {}
    for t in ops:
        for i in _inputs_with_grad(t):
            fan[t.inputs[i]] = fan.get(t.inputs[i], 0) + 1
    dr = d_of(nm[root])
    steps: list[TensorStep] = []
    headings: dict[int, str] = {}
    seen: dict[Tensor, int] = {}
    for out in reversed(ops):
        headings[len(steps)] = _heading(out, nm)
        upstream = f"{dr}/{d_of(nm[out])} {shape_text(out.shape)}"
        operands = tuple(nm.operand(x) for x in out.inputs)
        rule_of = op_text(out.op).rule
        for i in _inputs_with_grad(out):
            x = out.inputs[i]
            seen[x] = seen.get(x, 0) + 1
            rule = rule_of(Edge(nm.operand(out), operands, i, upstream))
            shared = fan[x] > 1
            line = f"  {dr}/{d_of(nm[x])} {shape_text(x.shape)} {'+=' if shared else '='} {rule}"
            gradient = gradient_text(x.grad) if numbers and seen[x] == fan[x] else ""
            lines = [line]
            if gradient:
                tail = f"  (all {fan[x]} contributions added)" if shared else ""
                lines.append(f"      = {gradient}{tail}")
            steps.append(
                TensorStep(
                    nm[out],
                    nm[x],
                    out.op,
                    tuple(out.shape),
                    tuple(x.shape),
                    rule,
                    shared,
                    gradient,
                    tuple(lines),
                    out,
                    x,
                )
            )
    return steps, headings


def _heading(out: Tensor, nm: TensorNamer) -> str:
    """``hprebn (32, 64) = matmul1 + b1`` (and its numbers when it is small)."""
    text = f"{nm[out]} {shape_text(out.shape)} = {nm.formula(out)}"
    return text + (f" = {values_text(out.data)}" if out.size <= SMALL else "")


# -- the text ---------------------------------------------------------------------------


def _no_numbers(root: Tensor, name: str) -> str:
    """Why the text shows no numbers ("" when it shows them): no backward, or another's."""
    if not root.inputs:
        return ""
    g = root.grad
    if g is None:
        return (
            f"No numbers yet: {name}.backward() has not run ({name}.grad is None), so only the "
            f"rules are shown; call {name}.backward(), then explain again."
        )
    if root.size == 1 and float(g.reshape(-1)[0]) != 1.0:
        return (
            f"No numbers: the gradients in .grad are not those of {name}.backward() "
            f"({name}.grad is {values_text(g)}, not 1: a backward() from another tensor left "
            f"them); call {name}.backward(), then explain again."
        )
    return ""


def _intro(root: Tensor, nm: TensorNamer, numbers: bool) -> list[str]:
    name, dr = nm[root], d_of(nm[root])
    value = f" = {values_text(root.data)}" if root.size <= SMALL else ""
    lines = [
        f"Backward pass from {name} {shape_text(root.shape)}{value}, in the order backward() runs.",
        f"Each line makes {dr}/d(input) from {dr}/d(output) by the operation's rule (the chain "
        "rule on arrays);",
        "every gradient has the shape of its tensor, written after it; += adds one of several "
        "contributions.",
    ]
    why = _no_numbers(root, name)
    if why:
        lines.append(why)
    start = "1" if root.size == 1 else "the gradient given to backward()"
    return [*lines, "", f"{dr}/{dr} {shape_text(root.shape)} = {start}"]


def _text(root: Tensor, nm: TensorNamer, steps, headings, leaves, limit, numbers) -> str:
    """What a learner reads: at most ``limit`` steps and ``limit`` leaf gradients."""
    shown = steps if limit is None else steps[:limit]
    lines = _intro(root, nm, numbers)
    if not root.inputs:
        return "\n".join(
            [*lines, "", f"{nm[root]} is a leaf: no operation that needs a gradient made it."]
        )
    for i, step in enumerate(shown):
        if i in headings:
            lines += ["", headings[i]]
        lines += step.lines
    if len(steps) > len(shown):
        lines += [
            "",
            f"... {len(steps) - len(shown):,} more edges left out, {len(shown):,} shown "
            "(explain(..., limit=None) writes them all; .steps holds every one)",
        ]
    if numbers and leaves:
        dr = d_of(nm[root])
        some = leaves if limit is None else leaves[:limit]
        lines += [
            "",
            "Gradients of the leaves (their .grad, which adds up over backward() calls "
            "until zero_grad()):",
        ]
        lines += [f"  {dr}/{d_of(n)} {shape_text(s)} = {g}" for n, s, g in some]
        if len(some) < len(leaves):
            lines.append(f"  ... and {len(leaves) - len(some):,} more leaves")
    return "\n".join(lines)


def explain_tensor(
    loss: Tensor,
    *,
    names: Mapping[str, Tensor] | None = None,
    limit: int | None = 50,
) -> TensorExplanation:
    """``explain(loss)`` for a Tensor ``loss`` (see ``viz.explain.explain``), without printing."""
    order = topological_order(loss, leaves=True)
    nm = TensorNamer(loss, order, given_tensor_names(names, "explain"))
    numbers = bool(loss.inputs) and not _no_numbers(loss, nm[loss])
    steps, headings = _steps(loss, nm, numbers)
    leaves = [
        (nm[t], tuple(t.shape), gradient_text(t.grad))
        for t in order
        if not t.inputs and t.requires_grad and t is not loss
    ]
    text = _text(loss, nm, steps, headings, leaves, limit, numbers)
    left_out = 0 if limit is None else max(0, len(steps) - limit)
    return TensorExplanation(nm[loss], tuple(loss.shape), steps, leaves, numbers, text, left_out)
