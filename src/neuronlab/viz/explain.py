"""explain(): the backward pass told edge by edge, with the chain rule and the numbers.

``loss.backward()`` visits the graph from the output back to the leaves and, on
every edge from a node ``out`` to one of its inputs ``x``, adds

    dL/dx  +=  dL/d(out) * d(out)/dx        (upstream gradient times local derivative)

``explain(loss)`` walks the same nodes in the same order and writes each of
those products down: the local derivative with its formula (``d(a*b)/da = b =
-3``), the upstream gradient, and the contribution.  Where a value feeds several
places, it also shows the sum of its contributions.

It only reads the graph.  The gradients it shows are computed into a dict of its
own (seeded with dL/dL = 1), so calling it neither needs ``backward()`` first nor
changes any ``.grad``.  A network's loss has thousands of edges: the text writes
the first ``limit`` of them (the ones nearest the loss) and says how many it
left out; ``Explanation.steps`` always holds every edge.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, overload

from ..engine import Value, chain_rule
from ..nn.engines import SCALAR, TENSOR, engine_of_node
from ..tensor import Tensor
from ..util.checks import whole_number
from ..util.numbers import format_number
from .naming import Namer, local_formula
from .nodes import d_of, graph_nodes
from .tensor_explain import TensorExplanation, explain_tensor

__all__ = [
    "Explanation",
    "GradientSum",
    "Step",
    "TensorExplanation",
    "explain",
    "format_number",
    "gradients",
]

#: How many edges (and leaf gradients) ``explain`` writes out unless told otherwise.
LIMIT = 50
_SUM_TERMS = 6  # how many contributions a sum line lists before "..."
_LONG_FORMULA = (
    40  # beyond this, a local derivative is written d(name)/dx rather than d(formula)/dx
)


def gradients(root: Value) -> dict[Value, float]:
    """d(root)/d(v) for every Value v that ``root`` depends on, without touching any ``.grad``.

    The same walk and the same chain rule (``engine.chain_rule``) as
    ``Value.backward()`` (seed 1, reverse topological order, ``+=`` for a
    value used twice), but into a dict.
    """
    _check_value(root, "gradients")
    grads: dict[Value, float] = {root: 1.0}
    for node in reversed(root.topological_order()):
        for child, share in zip(node.inputs, chain_rule(node, grads.get(node, 0.0))):
            grads[child] = grads.get(child, 0.0) + share
    return grads


def _check_value(x: object, where: str) -> None:
    SCALAR.checked_node(x, where)


# -- the structured result ------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One edge of the backward pass: what flows from ``out`` back to its input ``input``.

    ``contribution = upstream * local_value`` is what backward adds to the
    input's gradient: ``upstream`` is dL/d(out), ``local_value`` is
    d(out)/d(input), whose formula is ``local_formula`` ("" for an operation
    explain does not know).  ``lines`` are this step's lines of the text.
    """

    out: str
    input: str
    op: str
    local_formula: str
    local_value: float
    upstream: float
    contribution: float
    lines: tuple[str, ...]
    out_value: Value = field(repr=False, compare=False)
    input_value: Value = field(repr=False, compare=False)


@dataclass(frozen=True)
class GradientSum:
    """A value that feeds several places: its gradient is the sum of its ``contributions``.

    ``after_step`` is the index in ``Explanation.steps`` of the last
    contribution, after which the sum is complete.
    """

    name: str
    contributions: tuple[float, ...]
    total: float
    after_step: int
    line: str
    value: Value = field(repr=False, compare=False)


@dataclass(frozen=True)
class Explanation:
    """The backward pass of ``root`` (named ``root_name``), edge by edge.

    ``steps`` are all the edges in the order ``backward()`` handles them,
    ``sums`` the values fed to several places, ``leaf_gradients`` the final
    ``(name, dL/d(leaf))`` of every leaf, and ``text`` (also ``str()``) the
    lines a learner reads: every edge, or the first ``limit`` of them, in
    which case ``left_out`` counts the edges the text leaves out.
    """

    root_name: str
    root_data: float
    steps: list[Step]
    sums: list[GradientSum]
    leaf_gradients: list[tuple[str, float]]
    text: str
    left_out: int = 0

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return (
            f"<Explanation of {self.root_name} = {format_number(self.root_data)}: "
            f"{len(self.steps)} edges, {len(self.leaf_gradients)} leaves>"
        )

    def as_dicts(self) -> list[dict[str, Any]]:
        """The steps as plain dicts (JSON-ready), for a web page or a notebook widget."""
        return [
            {
                "out": s.out,
                "input": s.input,
                "op": s.op,
                "local_formula": s.local_formula,
                "local_value": s.local_value,
                "upstream": s.upstream,
                "contribution": s.contribution,
                "lines": list(s.lines),
            }
            for s in self.steps
        ]


# -- the walk: every edge, in backward's order ------------------------------------------


@dataclass
class _Pass:
    """The backward pass written down: the steps, the sums, and each node's heading."""

    steps: list[Step] = field(default_factory=list)
    sums: list[GradientSum] = field(default_factory=list)
    headings: dict[int, list[str]] = field(default_factory=dict)  # before steps[i]
    grads: dict[Value, float] = field(default_factory=dict)


def _heading(out: Value, nm: Namer) -> list[str]:
    """The line that opens a node's edges: ``e = a*b = -6`` (and what a bce node is)."""
    lines = [f"{nm.title(out)} = {format_number(out.data)}"]
    if out.op == "bce" and len(out.inputs) == 1:
        p = nm.bare(out.inputs[0])
        lines += [
            f"  (one example's binary cross-entropy -(t*log(p) + (1 - t)*log(1 - p))/n, p = {p};",
            "   its target t and the number of examples n are not stored in the graph)",
        ]
    return lines


def _step(
    loss: Value, out: Value, i: int, upstream: float, contribution: float, shared: bool, nm: Namer
) -> Step:
    """The edge from ``out`` back to its input ``i``, with its lines of text."""
    x, local = out.inputs[i], out.local_grads[i]
    dr, dx, o = d_of(nm[loss]), d_of(nm[x]), nm[out]
    formula = local_formula(out, i, nm)
    value_text = format_number(local)
    rhs = value_text if formula in ("", value_text) else f"{formula} = {value_text}"
    eq = "+=" if shared else "="
    if out is loss:  # dL/dL = 1: the gradient is the local derivative itself
        lines: tuple[str, ...] = (f"{dr}/{dx} {eq} {rhs}",)
    else:
        written = nm.formula(out)
        d_out = d_of(o) if len(written) > _LONG_FORMULA else f"d({written})"
        lines = (
            f"  {d_out}/{dx} = {rhs}",
            f"{dr}/{dx} {eq} {dr}/{d_of(o)} * {d_of(o)}/{dx} = "
            f"{format_number(upstream)} * {value_text} = {format_number(contribution)}",
        )
    return Step(o, nm[x], out.op, formula, local, upstream, contribution, lines, out, x)


def _gradient_sum(x: Value, got: list[float], total: float, after: int, dr: str, nm: Namer):
    """The line that adds up the contributions to a value fed to several places."""
    shown = [format_number(c) for c in got[:_SUM_TERMS]]
    if len(got) > _SUM_TERMS:
        shown.append(f"... ({len(got)} terms)")
    line = (
        f"{dr}/{d_of(nm[x])} = {' + '.join(shown)} = {format_number(total)}  "
        f"({nm[x]} feeds {len(got)} places: backward adds the contributions)"
    )
    return GradientSum(nm[x], tuple(got), total, after, line, x)


def _walk(loss: Value, order: list[Value], nm: Namer) -> _Pass:
    """Every edge in the order ``backward()`` visits it, with the gradients it accumulates."""
    fan: dict[Value, int] = {}  # how many edges lead into each value
    for v in order:
        for x in v.inputs:
            fan[x] = fan.get(x, 0) + 1
    done = _Pass(grads={loss: 1.0})
    received: dict[Value, list[float]] = {}
    for out in reversed(loss.topological_order()):
        g = done.grads.get(out, 0.0)
        done.headings[len(done.steps)] = _heading(out, nm)
        for i, (x, share) in enumerate(zip(out.inputs, chain_rule(out, g))):
            step = _step(loss, out, i, g, share, fan[x] > 1, nm)
            done.steps.append(step)
            done.grads[x] = done.grads.get(x, 0.0) + step.contribution
            got = received.setdefault(x, [])
            got.append(step.contribution)
            if fan[x] > 1 and len(got) == fan[x]:  # the last contribution: the sum is complete
                after = len(done.steps) - 1
                done.sums.append(_gradient_sum(x, got, done.grads[x], after, d_of(nm[loss]), nm))
    return done


# -- the text ---------------------------------------------------------------------------


def _intro(loss: Value, nm: Namer, mentioned: list[Value]) -> list[str]:
    """The first lines: what is explained, the chain rule, and the v1, v2, ... it uses."""
    root = nm[loss]
    dr = d_of(root)
    lines = [
        f"Backward pass from {root} = {format_number(loss.data)}, in the order backward() runs.",
        f"Each edge: {dr}/d(input) = {dr}/d(output) * d(output)/d(input)  (the chain rule).",
    ]
    numbered = nm.numbered_in(mentioned)
    if numbered:
        lines.append("Names used below:")
        lines.extend(f"  {nm[v]} = {nm.definition(v)}" for v in numbered)
    return [*lines, "", f"{dr}/{dr} = 1  (the start: {root} changes one for one with itself)"]


def _leaf_lines(loss: Value, nm: Namer, leaves: list[Value], grads: dict[Value, float], more: int):
    """The closing lines: every leaf's gradient (or why there is none)."""
    dr = d_of(nm[loss])
    if not loss.inputs:
        return ["", f"{nm[loss]} is a leaf: nothing was computed, so nothing flows back."]
    if not leaves:
        return []
    lines = ["", "Gradients of the leaves:"]
    lines += [f"  {dr}/{d_of(nm[v])} = {format_number(grads.get(v, 0.0))}" for v in leaves]
    if more:
        lines.append(f"  ... and {more:,} more leaves (explain(..., limit=None) lists them all)")
    return lines


def _text(loss: Value, nm: Namer, done: _Pass, leaves: list[Value], limit: int | None) -> str:
    """The explanation a learner reads: at most ``limit`` edges and ``limit`` leaf gradients."""
    shown = done.steps if limit is None else done.steps[:limit]
    shown_leaves = leaves if limit is None else leaves[:limit]
    outs = list(dict.fromkeys(s.out_value for s in shown))  # their headings show their inputs
    mentioned = [*outs, *(x for o in outs for x in o.inputs), *shown_leaves]
    lines = _intro(loss, nm, mentioned)
    sum_after = {s.after_step: s.line for s in done.sums}
    for i, step in enumerate(shown):
        if i in done.headings:
            lines += ["", *done.headings[i]]
        lines += step.lines
        if i in sum_after:
            lines.append(sum_after[i])
    left_out = len(done.steps) - len(shown)
    if left_out:
        lines += [
            "",
            f"... {left_out:,} more edges left out, {len(shown):,} shown "
            "(explain(..., limit=None) writes them all; .steps holds every one)",
        ]
    lines += _leaf_lines(loss, nm, shown_leaves, done.grads, len(leaves) - len(shown_leaves))
    return "\n".join(lines)


def _given_names(names: Mapping[str, Value] | None) -> dict[Value, str]:
    """``names`` (name -> Value) turned round, checked."""
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise TypeError(f"explain(names=): expected a dict of name -> Value, got {names!r:.60}")
    given: dict[Value, str] = {}
    for key, v in names.items():
        _check_value(v, f"explain(names={key!r})")
        given[v] = str(key)
    return given


@overload
def explain(
    loss: Value,
    *,
    names: Mapping[str, Value] | None = None,
    show: bool = True,
    limit: int | None = LIMIT,
) -> Explanation: ...


@overload
def explain(
    loss: Tensor,
    *,
    names: Mapping[str, Tensor] | None = None,
    show: bool = True,
    limit: int | None = LIMIT,
) -> TensorExplanation: ...


def explain(
    loss: Value | Tensor,
    *,
    names: Mapping[str, Value] | Mapping[str, Tensor] | None = None,
    show: bool = True,
    limit: int | None = LIMIT,
) -> Explanation | TensorExplanation:
    """Explain the backward pass of ``loss`` with the chain rule, edge by edge.

    Returns an ``Explanation`` (structured steps and ``.text``) and, with
    ``show=True`` (the default), prints the text.  Values are called by their
    labels; ``names`` can name unlabelled ones (``dict(model.named_parameters())``).
    Unnamed intermediates are called by their formula, like ``(a*b)``, or
    ``v1``, ``v2``, ... (defined at the top) when that is long.

    The text writes the first ``limit`` edges (those nearest ``loss``) and the
    first ``limit`` leaf gradients, and says how many it left out;
    ``limit=None`` writes everything.  ``.steps`` always holds every edge.

    For a Value it reads the graph only: gradients are computed into a dict,
    never into ``.grad``.  For a Tensor it returns a ``TensorExplanation``:
    one line per input of each operation, with shapes
    (``dL/dW1 (30, 64) = embcatᵀ (30, 32) @ dL/dmatmul1 (32, 64)``), and the
    numbers ``loss.backward()`` left in each ``.grad`` (before it, the text
    says there are none yet).  Unnamed tensors are called ``matmul1``, ``t1``...

    >>> a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    >>> ex = explain(a * b + c, show=False)
    >>> for line in ex.steps[2].lines:
    ...     print(line)
      d(a*b)/da = b = -3
    dL/da = dL/d(a*b) * d(a*b)/da = 1 * -3 = -3
    """
    if engine_of_node(loss) is None:
        raise TypeError(f"explain: expected a Value or a Tensor, got {type(loss).__name__}")
    if limit is not None:
        limit = whole_number(limit, "explain(limit)", minimum=1)
    if TENSOR.is_node(loss):
        tensor_result = explain_tensor(loss, names=names, limit=limit)  # type: ignore[arg-type]
        if show:
            print(tensor_result.text, file=sys.stdout)
        return tensor_result
    given = _given_names(names)  # type: ignore[arg-type]
    order = graph_nodes(loss)
    nm = Namer(loss, order, given)
    done = _walk(loss, order, nm)
    leaves = [v for v in order if not v.inputs and v is not loss]
    text = _text(loss, nm, done, leaves, limit)
    leaf_gradients = [(nm[v], done.grads.get(v, 0.0)) for v in leaves]
    left_out = 0 if limit is None else max(0, len(done.steps) - limit)
    result = Explanation(nm[loss], loss.data, done.steps, done.sums, leaf_gradients, text, left_out)
    if show:
        print(text, file=sys.stdout)
    return result
