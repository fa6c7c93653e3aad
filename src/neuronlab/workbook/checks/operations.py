"""Checks of exercise 07: -, /, **, exp and tanh on the learner's Value.

Each operation's data and local derivatives at several points, held beside
the usual wrong formulas (``local_derivatives``), then inside a bigger graph
where its input is used twice; tanh far from 0 (±400, ±1000), where a tanh
built from e^(2x) overflows; then the tanh neuron, with tanh and built from
exp; then random expressions of every operation (``expressions``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .expressions import (
    EVERY_OP,
    Step,
    add,
    backward_both,
    explained,
    grad_of,
    gradients_differ,
    in_order,
    mul,
    short,
    tanh_neuron,
    then_at_random,
    value_class,
    worked_example,
)
from .graphs import (
    Pair,
    Pictures,
    Twin,
    inputs_of,
    learner_nodes,
)
from .local_derivatives import OPERATIONS, Operation
from .mistakes import close, likely, number
from .pytorch import prepare

__all__ = ["check_07", "prepare"]


# == exercise 07: more operations =======================================================


def _op_twin(V: Any, op: Operation, a: float, b: float) -> tuple[Twin, list[Pair]]:
    """y = op(a, b) built both ways; the Value inputs."""
    t = Twin(V)
    inputs = [t.leaf(name, x) for name, x in zip(("a", "b"), (a, b)) if name in op.values]
    operands = [*inputs, b] if len(inputs) == 1 else inputs
    t.step("y", op.text, op.fn, *operands)
    return t, inputs


def _op_forward(V: Any, op: Operation) -> Finding | None:
    """The result of ``op`` at each of its points: a Value, with the right data."""
    for a, b in op.points:
        t, inputs = _op_twin(V, op, a, b)
        y = t.root
        if not hasattr(y.mine, "_prev"):
            return failed(
                f"{op.text} at {op.where(a, b)} should give a Value; yours gave "
                f"{type(y.mine).__name__} {y.mine!r:.40}",
                likely="return the Value you made (out), so that backward can reach it",
            )
        got = number(getattr(y.mine, "data", None))
        if got is None or not close(got, y.ref.data):
            return failed(
                f"{op.text} at {op.where(a, b)} should be {short(y.ref.data)}; "
                f"yours is {short(got)}",
                likely=likely(got, op.wrong_data(a, b)) if got is not None else "",
            )
        for p in inputs:
            cut = _cut_off(y.mine, p, op)
            if cut:
                return failed(
                    f"{op.text} at {op.where(a, b)}: its result's _prev should lead back to "
                    f"{p.name}; yours holds {getattr(y.mine, '_prev', None)!r:.60}",
                    likely=cut,
                )
    return None


def _op_slopes(V: Any, op: Operation, pictures: Pictures) -> Finding | None:
    """d(op)/d(each Value input) at every point, beside the usual wrong formulas."""
    seen: list[tuple[float, ...]] = []
    failing: tuple[Twin, int, float, float] | None = None
    for a, b in op.points:
        t, inputs = _op_twin(V, op, a, b)
        backward_both(t)
        grads = tuple(grad_of(p.mine) for p in inputs)
        seen.append(tuple(g if g is not None else float("nan") for g in grads))
        wrong = [
            i
            for i, p in enumerate(inputs)
            if grads[i] is None or not close(grads[i] or 0.0, p.ref.grad)
        ]
        if wrong and failing is None:
            failing = (t, wrong[0], a, b)
    if failing is None:
        return None
    t, i, a, b = failing
    p = [q for q in t.pairs if not q.ref.inputs][i]
    guesses = [op.wrong_slopes(x, y) for x, y in op.points]
    cause = next(
        (k for k in guesses[0] if all(_same_all(s, g[k]) for s, g in zip(seen, guesses))), ""
    )
    details, files = explained(t, [p], pictures)
    formula = op.derivatives[i]
    told = "" if formula == short(p.ref.grad) else f" ({formula})"
    return failed(
        f"d({op.text})/d{p.name} at {op.where(a, b)} should be {short(p.ref.grad)}{told}; "
        f"yours is {short(p.mine.grad)}",
        *_built_from(t.root.mine, op),
        *details,
        likely=cause or _cut_off(t.root.mine, p, op) or _zero_slope(p),
        pictures=files,
    )


def _zero_slope(p: Pair) -> str:
    """The likely mistake when a gradient that should not be 0 stayed 0."""
    if grad_of(p.mine) != 0.0 or p.ref.grad == 0.0:
        return ""
    return (
        "nothing reached it: does _backward multiply by self.grad (the input's own gradient, "
        "0 here) where out.grad belongs? self.grad += local derivative * out.grad; and is "
        "out._backward set before return out?"
    )


def _cut_off(y: Any, p: Pair, op: Operation) -> str:
    """Why the gradient cannot reach ``p``: it is not in the graph of the learner's ``y``."""
    nodes = learner_nodes(y, limit=50) or []
    if any(n is p.mine for n in nodes):
        return ""
    return (
        f"{p.name} is not in the graph of your {op.text} (walking back through _prev never "
        f"reaches it): a Value was made from a number, such as Value(math.tanh(self.data)) "
        f"or Value(other) * self.data; make out with {p.name} among its inputs"
    )


def _built_from(y: Any, op: Operation) -> list[str]:
    """A line naming the operations the learner's ``y`` is made of, when it is made of several."""
    ops = [str(getattr(n, "_op", "")) for n in learner_nodes(y, limit=20) or () if inputs_of(n)]
    if len(ops) < 2:
        return []
    return [
        f"your {op.text} is built from {' and '.join(dict.fromkeys(ops))}: a mistake in one "
        "of those shows here too"
    ]


def _same_all(got: tuple[float, ...], want: tuple[float, ...]) -> bool:
    return len(got) == len(want) and all(close(g, w) for g, w in zip(got, want))


def _op_chain(V: Any, op: Operation, pictures: Pictures) -> Finding | None:
    """L = op(a, b) * 2.5 + a (+ b): out.grad is 2.5, and each input is used twice."""
    a, b = op.points[0]
    t, inputs = _op_twin(V, op, a, b)
    s = t.step("s", "y * 2.5", mul, t.root, 2.5)
    for p in inputs:
        s = t.step("L" if p is inputs[-1] else "s2", f"{s.name} + {p.name}", add, s, p)
    backward_both(t)
    wrong = [p for p in inputs if not close(grad_of(p.mine) or float("nan"), p.ref.grad)]
    if not wrong:
        return None
    p = wrong[0]
    local = (p.ref.grad - 1.0) / 2.5
    cause = likely(
        grad_of(p.mine) or float("nan"),
        {
            f"= instead of += in the _backward of {op.text}: {p.name}, used twice, lost the "
            f"1 that + {p.name} gave it": 2.5 * local,
            "out.grad is missing: the chain rule multiplies the local derivative by out.grad "
            "(here 2.5)": 1.0 + local,
        },
    )
    return gradients_differ(t, f"L = ({op.text}) * 2.5 + ...", pictures, cause)


def _operation(V: Any, op: Operation, pictures: Pictures) -> Finding:
    """One operation: its data, its local derivatives, then inside a bigger graph."""
    return (
        _op_forward(V, op)
        or _op_slopes(V, op, pictures)
        or _op_chain(V, op, pictures)
        or passed(
            f"{op.text}: its data, and d/d{', d/d'.join(op.values)} = "
            f"{', '.join(op.derivatives)} at {len(op.points)} points, times out.grad, with +="
        )
    )


_TANH_STABLE = (
    "(e^(2x) - 1) / (e^(2x) + 1) overflows once 2x passes about 709: use math.tanh(x), or "
    "raise e only to -2|x| (t = (1 - e^(-2|x|)) / (1 + e^(-2|x|)), with the sign of x)"
)


def _tanh_far_out(V: Any) -> Finding:
    """tanh at ±400 and ±1000: ±1, and a gradient of 0, with no overflow on the way."""
    for x in (400.0, -400.0, 1000.0, -1000.0):
        try:
            y = V(x).tanh()
            y.backward()
        except OverflowError:
            return failed(
                f"tanh({x:g}) raised OverflowError: e^{2 * abs(x):g} is beyond the largest "
                f"float (about 1.8e308), yet tanh({x:g}) is {math.tanh(x):g}",
                likely=_TANH_STABLE,
            )
        data = number(getattr(y, "data", None))
        if data is None or not close(data, math.tanh(x)):
            return failed(
                f"tanh({x:g}) should be {math.tanh(x):g}; yours is {short(data)}",
                likely=_TANH_STABLE if data is None or math.isnan(data) else "",
            )
    return passed("tanh(±400) and tanh(±1000) are ±1: no overflow far from 0")


def check_07(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """Each operation's data and local derivatives, the tanh neuron (with tanh and built from
    exp, -, / and +), then random expressions of every operation against neuronlab's."""
    V = value_class(names)
    pictures = Pictures("07", context.pictures)
    told = "o = 0.7071; do/dx1 = -1.5, do/dw1 = 1, do/dx2 = 0.5, do/dw2 = 0"
    built = "the neuron with o = (e - 1) / (e + 1), e = exp(2n)"
    steps: list[Step] = [
        *((op.text, lambda op=op: _operation(V, op, pictures)) for op in OPERATIONS),
        ("tanh far from 0", lambda: _tanh_far_out(V)),
        (
            "the tanh neuron",
            lambda: worked_example(tanh_neuron(V, False), "the tanh neuron", told, pictures),
        ),
        (
            "the neuron's tanh built from exp",
            lambda: worked_example(
                tanh_neuron(V, True),
                built,
                "the same gradients as with tanh",
                pictures,
            ),
        ),
    ]
    return then_at_random(in_order(steps, names), V, EVERY_OP, pictures, names)
