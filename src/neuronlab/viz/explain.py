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
changes any ``.grad``.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine import Value
from ..util.numbers import format_number
from .nodes import d_of, dot_parts, graph_nodes, wrapped

__all__ = ["explain", "Explanation", "Step", "GradientSum", "format_number", "gradients"]

_SHORT_NAME = 20  # unnamed intermediates with a longer expression are called v1, v2, ...
_SUM_TERMS = 6  # how many contributions a sum line lists before "..."


def gradients(root: Value) -> dict[Value, float]:
    """d(root)/d(v) for every Value v that ``root`` depends on, without touching any ``.grad``.

    The same loop as ``Value.backward()`` (seed 1, reverse topological order,
    ``+=`` for a value used twice), but into a dict.
    """
    _check_value(root, "gradients")
    grads: dict[Value, float] = {root: 1.0}
    for node in reversed(root.topological_order()):
        g = grads.get(node, 0.0)
        for child, local in zip(node.inputs, node.local_grads):
            grads[child] = grads.get(child, 0.0) + local * g
    return grads


def _check_value(x: object, who: str) -> None:
    if type(x) is not Value:
        raise TypeError(f"{who}: expected a Value, got {type(x).__name__}")


# -- names: labels, short expressions, or v1, v2, ... ---------------------------


_ATOM, _POWER, _PRODUCT, _SUM, _NEG = 5, 4, 2, 1, 0  # how tightly an expression binds
_ATOMIC = re.compile(r"[^\W\d][\w.\[\]']*")  # names that need no parentheses: w, layers.0.w.1
_LONG_EXPR = 40  # beyond this, a local derivative is written d(name)/dx rather than d(expr)/dx


def _is_number_text(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


class _Namer:
    """Readable names for the Values of one graph.

    A labelled Value is called by its label (or by a name from ``extra``); an
    unlabelled constant by its number when that is short (``2``, ``-1``, ``0.5``);
    an unlabelled computed Value by its expression when that is short
    (``(a*b)``), and otherwise by a numbered name ``v1``, ``v2``, ... whose
    definition the explanation states.  An unlabelled root is called ``L``.
    """

    def __init__(self, root: Value, order: list[Value], extra: Mapping[Value, str]) -> None:
        self.names: dict[Value, str] = {}
        self.exprs: dict[Value, str] = {}
        self.named: set[Value] = set()  # called by a label or by a name from ``extra``
        self.numbered: set[Value] = set()  # called v1, v2, ...
        self.short: set[Value] = set()  # called by a short name rather than an expression
        # How a value is written inside a bigger expression, and how tightly that binds.
        self._embed: dict[Value, tuple[str, int]] = {}
        count = 0
        for v in order:  # inputs before outputs: every input is named first
            expr, prec = self._expr(v) if v.inputs else ("", _ATOM)
            if v.inputs:
                self.exprs[v] = expr
            given = extra.get(v) or v.label
            if given:
                self._name(v, given, given if _ATOMIC.fullmatch(given) else f"({given})", _ATOM)
                self.named.add(v)
            elif not v.inputs:
                text = format_number(v.data) if v.data.is_integer() else repr(v.data)
                if len(text) <= 6 or not math.isfinite(v.data):
                    self._name(v, text, text, _NEG if text.startswith("-") else _ATOM)
                else:
                    count += 1
                    self._name(v, f"v{count}", f"v{count}", _ATOM)
                    self.numbered.add(v)
            elif v is root:  # an unlabelled output is called L (or out, if L is taken)
                taken = {n for u, n in self.names.items()}
                name = "L" if "L" not in taken else "out"
                self._name(v, name, name, _ATOM)
            elif len(expr) <= _SHORT_NAME:
                self._name(v, expr if wrapped(expr) else f"({expr})", expr, prec)
            else:
                count += 1
                self._name(v, f"v{count}", f"v{count}", _ATOM)
                self.numbered.add(v)
            if v in self.named or v in self.numbered or v is root:
                self.short.add(v)

    def _name(self, v: Value, name: str, embed: str, prec: int) -> None:
        self.names[v] = name
        self._embed[v] = (embed, prec)

    def __getitem__(self, v: Value) -> str:
        return self.names[v]

    def bare(self, v: Value) -> str:
        """``v`` written as a formula on its own: ``b``, ``a*b``, ``-1``."""
        return self._embed[v][0]

    def operand(self, v: Value, prec: int, right: bool = False) -> str:
        """``v`` written as an operand of an operator that binds with ``prec``."""
        text, own = self._embed[v]
        if own < prec or (right and own == prec and prec != _ATOM):
            return f"({text})"
        return text

    def _expr(self, v: Value) -> tuple[str, int]:
        """How ``v`` was computed from its inputs' names (``a*b``, ``tanh(n)``), and its binding."""
        op = v.op
        ins = v.inputs
        if op == "+" and len(ins) == 2:
            return f"{self.operand(ins[0], _SUM)} + {self.operand(ins[1], _SUM, True)}", _SUM
        if op == "*" and len(ins) == 2:
            return f"{self.operand(ins[0], _PRODUCT)}*{self.operand(ins[1], _PRODUCT, True)}", (
                _PRODUCT
            )
        if op == "/" and len(ins) == 2:
            return f"{self.operand(ins[0], _PRODUCT)}/{self.operand(ins[1], _PRODUCT, True)}", (
                _PRODUCT
            )
        if op.startswith("**") and len(ins) == 1:
            return f"{self.operand(ins[0], _POWER + 1)}**{op[2:]}", _POWER
        if op == "dot":
            w, x, b = dot_parts(ins)
            terms = [
                f"{self.operand(wi, _PRODUCT)}*{self.operand(xi, _PRODUCT, True)}"
                for wi, xi in zip(w, x)
            ]
            if len(terms) > 4:
                terms = [*terms[:2], "...", terms[-1]]
            if b is not None:
                terms.append(self.operand(b, _SUM, True))
            return (" + ".join(terms), _SUM) if terms else ("0", _ATOM)
        return f"{op or '?'}({', '.join(self.bare(x) for x in ins)})", _ATOM

    def title(self, v: Value) -> str:
        """``e = a*b`` for a named value, ``a*b`` for one called by its expression."""
        name = self.names[v]
        expr = self.exprs.get(v)
        if expr is None or name in (expr, f"({expr})"):
            return expr or name
        return f"{name} = {expr}"


def _local_formula(out: Value, i: int, nm: _Namer) -> str:
    """The formula of d(out)/d(input i), written with the names of the graph ("" if unknown)."""
    op = out.op
    ins = out.inputs
    x = ins[i]
    if op == "+":
        return "1"
    if op == "*" and len(ins) == 2:
        return nm.bare(ins[1 - i])
    if op == "/" and len(ins) == 2:
        b = nm.operand(ins[1], _POWER + 1)
        return f"1/{b}" if i == 0 else f"-{nm.operand(ins[0], _PRODUCT)}/{b}**2"
    if op.startswith("**"):
        try:
            k = float(op[2:])
        except ValueError:
            return ""
        if k == 0:
            return "0"
        if k == 1:
            return "1"
        if k == 2:
            return f"2*{nm.operand(x, _PRODUCT, True)}"
        return f"{format_number(k)}*{nm.operand(x, _POWER + 1)}**{format_number(k - 1)}"
    if op == "exp":
        return f"exp({nm.bare(x)})"
    if op == "log":
        return f"1/{nm.operand(x, _ATOM)}"
    if op in ("tanh", "sigmoid"):
        if out in nm.short:
            o = nm.operand(out, _POWER + 1)
        else:
            o = f"{op}({nm.bare(x)})"
        return f"1 - {o}**2" if op == "tanh" else f"{o}*(1 - {o})"
    if op == "relu":
        return f"1 if {nm.operand(x, _SUM + 1)} > 0 else 0"
    if op == "step":
        return "0"
    if op == "dot":
        w, xs, bias = dot_parts(ins)
        k = len(w)
        if i < k:
            return nm.bare(xs[i])
        if i < 2 * k:
            return nm.bare(w[i - k])
        return "1"
    return ""


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

    ``steps`` are the edges in the order ``backward()`` handles them, ``sums``
    the values fed to several places, ``leaf_gradients`` the final
    ``(name, dL/d(leaf))`` of every leaf, and ``text`` (also ``str()``) all of
    it as lines a learner reads.
    """

    root_name: str
    root_data: float
    steps: list[Step]
    sums: list[GradientSum]
    leaf_gradients: list[tuple[str, float]]
    text: str

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


# -- explain --------------------------------------------------------------------


def explain(
    loss: Value,
    *,
    names: Mapping[str, Value] | None = None,
    show: bool = True,
) -> Explanation:
    """Explain the backward pass of ``loss`` with the chain rule, edge by edge.

    Returns an ``Explanation`` (structured steps and ``.text``) and, with
    ``show=True`` (the default), prints the text.  Values are called by their
    labels; ``names`` can name unlabelled ones (``dict(model.named_parameters())``).
    Unnamed intermediates are called by their expression, like ``(a*b)``, or
    ``v1``, ``v2``, ... when that is long.

    Reads the graph only: gradients are computed into a dict, never into ``.grad``.

    >>> a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    >>> ex = explain(a * b + c, show=False)
    >>> for line in ex.steps[2].lines:
    ...     print(line)
      d(a*b)/da = b = -3
    dL/da = dL/d(a*b) * d(a*b)/da = 1 * -3 = -3
    """
    _check_value(loss, "explain")
    extra: dict[Value, str] = {}
    if names is not None:
        if not isinstance(names, Mapping):
            raise TypeError(f"explain(names=): expected a dict of name -> Value, got {names!r:.60}")
        for key, v in names.items():
            _check_value(v, f"explain(names={key!r})")
            extra[v] = str(key)

    order = graph_nodes(loss)
    nm = _Namer(loss, order, extra)
    root = nm[loss]
    dr = d_of(root)

    # How many edges lead into each value: those fed to several places get sums.
    fan: dict[Value, int] = {}
    for v in order:
        for x in v.inputs:
            fan[x] = fan.get(x, 0) + 1

    lines = [
        f"Backward pass from {root} = {format_number(loss.data)}, in the order backward() runs.",
        f"Each edge: {dr}/d(input) = {dr}/d(output) * d(output)/d(input)  (the chain rule).",
    ]
    numbered = [v for v in order if v in nm.numbered]
    if numbered:
        lines.append("Names used below:")
        lines.extend(f"  {nm[v]} = {nm.exprs[v]}" for v in numbered)
    lines += ["", f"{dr}/{d_of(root)} = 1  (the start: {root} changes one for one with itself)"]

    grads: dict[Value, float] = {loss: 1.0}
    received: dict[Value, list[float]] = {}
    steps: list[Step] = []
    sums: list[GradientSum] = []
    for out in reversed(loss.topological_order()):
        g = grads.get(out, 0.0)
        o = nm[out]
        lines += ["", f"{nm.title(out)} = {format_number(out.data)}"]
        for i, (x, local) in enumerate(zip(out.inputs, out.local_grads)):
            contribution = local * g
            grads[x] = grads.get(x, 0.0) + contribution
            got = received.setdefault(x, [])
            got.append(contribution)
            xn = nm[x]
            formula = _local_formula(out, i, nm)
            value_text = format_number(local)
            rhs = value_text if formula in ("", value_text) else f"{formula} = {value_text}"
            eq = "+=" if fan[x] > 1 else "="
            if out is loss:  # dL/dL = 1: the gradient is the local derivative itself
                step_lines = [f"{dr}/{d_of(xn)} {eq} {rhs}"]
            else:
                expr = nm.exprs[out]
                local_name = f"{d_of(o) if len(expr) > _LONG_EXPR else f'd({expr})'}/{d_of(xn)}"
                step_lines = [
                    f"  {local_name} = {rhs}",
                    f"{dr}/{d_of(xn)} {eq} {dr}/{d_of(o)} * {d_of(o)}/{d_of(xn)} = "
                    f"{format_number(g)} * {value_text} = {format_number(contribution)}",
                ]
            lines += step_lines
            steps.append(
                Step(o, xn, out.op, formula, local, g, contribution, tuple(step_lines), out, x)
            )
            if fan[x] > 1 and len(got) == fan[x]:  # the last contribution: the sum is complete
                shown = [format_number(c) for c in got[:_SUM_TERMS]]
                if len(got) > _SUM_TERMS:
                    shown.append(f"... ({len(got)} terms)")
                line = (
                    f"{dr}/{d_of(xn)} = {' + '.join(shown)} = {format_number(grads[x])}  "
                    f"({xn} feeds {len(got)} places: backward adds the contributions)"
                )
                lines.append(line)
                sums.append(GradientSum(xn, tuple(got), grads[x], len(steps) - 1, line, x))

    leaves = [v for v in order if not v.inputs and v is not loss]
    leaf_gradients = [(nm[v], grads.get(v, 0.0)) for v in leaves]
    if not loss.inputs:
        lines += ["", f"{root} is a leaf: nothing was computed, so nothing flows back."]
    elif leaf_gradients:
        lines += ["", "Gradients of the leaves:"]
        lines += [f"  {dr}/{d_of(n)} = {format_number(g)}" for n, g in leaf_gradients]
    text = "\n".join(lines)
    result = Explanation(root, loss.data, steps, sums, leaf_gradients, text)
    if show:
        print(text, file=sys.stdout)
    return result
