"""Checks of exercises 05-07: the learner's own Value, its backward(), and more operations.

Each check builds expressions on the learner's ``Value`` and on neuronlab's
(``graphs.Twin``) and compares every number.  Before that it probes one
thing at a time, so that a message can name the mistake: a ``_backward``
called by hand with a known ``out.grad`` (05), the order in which backward()
calls the ``_backward`` functions (06), each operation's local derivative at
several points beside the usual wrong formulas (07).  A wrong gradient comes
with the learner's graph and the reference drawn side by side, the node
where they part marked in red, and ``explain()``'s chain-rule line for it.

The checks run in order; a method still raising NotImplementedError ends the
check there ("not implemented yet" when nothing before it failed).
"""

from __future__ import annotations

import operator
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..findings import Finding, failed, passed
from ..sandbox import CheckContext, learner_line
from .graphs import (
    Pair,
    Pictures,
    Twin,
    chain_rule_lines,
    inputs_of,
    learner_nodes,
    wrong_data,
)
from .graphs import wrong_gradients as frontier
from .local_derivatives import OPERATIONS, Operation
from .mistakes import close, likely, number, show
from .names import needs
from .pytorch import torch_value_class

__all__ = ["check_05", "check_06", "check_07", "pytorch_agrees"]

_Step = tuple[str, Callable[[], Finding | list[Finding]]]

_add, _mul = operator.add, operator.mul

#: What the two pictures of a wrong gradient mark.
_PICTURED = "the first wrong gradients marked in red"


def _in_order(steps: Sequence[_Step], names: Mapping[str, Any]) -> list[Finding]:
    """Each step's findings, in order.

    A NotImplementedError ends the check: it goes up ("not implemented yet")
    when every step so far passed, and is the last finding otherwise.  Any
    other error of the learner's code is that step's failed finding (once:
    a later step stopped by the same error adds nothing).
    """
    findings: list[Finding] = []
    raised: set[tuple[str, str]] = set()
    for title, step in steps:
        try:
            got = step()
        except NotImplementedError as error:
            if all(f.ok for f in findings):
                raise
            findings.append(failed(f"{title}: not checked, {error}", _where(error, names)))
            break
        except (MemoryError, RecursionError):
            raise
        except Exception as error:  # the learner's code may raise anything
            said = (_raised(error), _where(error, names))
            if said not in raised:
                raised.add(said)
                findings.append(failed(f"{title}: {said[0]}", said[1], likely=_cause(error)))
            continue
        findings += got if isinstance(got, list) else [got]
    return findings


def _cause(error: BaseException) -> str:
    """The usual reason for an error a learner's Value raises, or ""."""
    text = str(error)
    if isinstance(error, TypeError) and text.startswith("unhashable type"):
        return (
            "a class that defines __eq__ gets no __hash__, so its Values cannot go in a set: "
            "add __hash__ = object.__hash__ (or leave __eq__ out)"
        )
    if isinstance(error, TypeError) and "unsupported operand" in text and "and 'Value'" in text:
        return (
            "a number on the left (2 + a, 2 * a) asks the Value on the right: define "
            "__radd__ and __rmul__ (return self + other, self * other)"
        )
    if isinstance(error, AttributeError) and text.startswith("'float' object has no attribute"):
        return "an operation returned a number: return out, the Value you made"
    return ""


def _raised(error: BaseException) -> str:
    return f"your code raised {type(error).__name__}: {error}"[:200]


def _where(error: BaseException, names: Mapping[str, Any]) -> str:
    where = learner_line(error, names.get("__file__"))
    return f"at {where}" if where else ""


def _value_class(names: Mapping[str, Any]) -> Any:
    return needs(names, "05")[0]


def _s(x: Any) -> str:
    """A number as messages write it (4 significant digits), or what came instead."""
    return show(x, 4)


def _grad(v: Any) -> float | None:
    return number(getattr(v, "grad", None))


# -- what every check shares: a wrong gradient, told and drawn ------------------------


def _explained(t: Twin, wrong: Sequence[Pair], pictures: Pictures) -> tuple[list[str], Any]:
    """explain()'s lines for the first wrong gradient, and the page that draws both graphs
    with the wrong gradients marked."""
    details = []
    lines = chain_rule_lines(t.root.ref, wrong[0].ref)
    if lines:
        details += [f"the chain rule for d{t.root.name}/d{wrong[0].name}:", *lines]
    said = [
        f"d{t.root.name}/d{p.name} should be {_s(p.ref.grad)}; yours is {_s(_grad(p.mine))}"
        for p in wrong
    ]
    files = pictures.draw(t.root.mine, t.root.ref, wrong, said, details)
    if files:
        details.append(f"the picture: your graph above the reference, {_PICTURED}")
    return details, files


def _gradients_differ(
    t: Twin, title: str, pictures: Pictures, likely_text: str = ""
) -> Finding | None:
    """A failed finding for the wrong gradients of ``t`` nearest its output, or None."""
    wrong = frontier(t.pairs)
    if not wrong:
        return None
    root = t.root
    said = [
        f"d{root.name}/d{p.name} should be {_s(p.ref.grad)}; yours is {_s(p.mine.grad)}"
        for p in wrong[:2]
    ]
    details, files = _explained(t, wrong, pictures)
    return failed(
        f"{title}: {', and '.join(said)}",
        f"with {t.leaves()}",
        *t.definitions(),
        *details,
        likely=likely_text,
        pictures=files,
    )


def _data_differs(t: Twin, title: str) -> Finding | None:
    """A failed finding for the first value whose data is wrong, or None."""
    p = wrong_data(t.pairs)
    if p is None:
        return None
    if not hasattr(p.mine, "data"):
        return failed(
            f"{title}: {p.name} = {p.text} should give a Value; yours gave "
            f"{type(p.mine).__name__} {p.mine!r:.40}",
            likely="return out, the Value you made, not a number: backward() can only reach "
            "Values",
        )
    return failed(
        f"{title}: {p.name} = {p.text} should be {_s(p.ref.data)}; yours is "
        f"{_s(getattr(p.mine, 'data', None))}",
        f"with {t.leaves(p)}",
        *t.definitions(p),
    )


def _backward_both(t: Twin) -> None:
    t.root.mine.backward()
    t.root.ref.backward()


# -- the worked examples -----------------------------------------------------------------


def _l_graph(V: Any) -> Twin:
    """The design's L graph: a = 2, b = -3, c = 10, e = a*b, d = e + c, f = -2, L = d*f."""
    t = Twin(V)
    a, b, c = t.leaf("a", 2.0), t.leaf("b", -3.0), t.leaf("c", 10.0)
    e = t.step("e", "a * b", _mul, a, b)
    d = t.step("d", "e + c", _add, e, c)
    f = t.leaf("f", -2.0)
    t.step("L", "d * f", _mul, d, f)
    return t


def _neuron(V: Any, composed: bool) -> Twin:
    """The tanh neuron: x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.88..., o = tanh(n)."""
    t = Twin(V)
    x1, x2 = t.leaf("x1", 2.0), t.leaf("x2", 0.0)
    w1, w2 = t.leaf("w1", -3.0), t.leaf("w2", 1.0)
    b = t.leaf("b", 6.8813735870195432)
    x1w1 = t.step("x1w1", "x1 * w1", _mul, x1, w1)
    x2w2 = t.step("x2w2", "x2 * w2", _mul, x2, w2)
    s = t.step("s", "x1w1 + x2w2", _add, x1w1, x2w2)
    n = t.step("n", "s + b", _add, s, b)
    if composed:
        e = t.step("e", "exp(2 * n)", lambda v: (2 * v).exp(), n)
        top = t.step("top", "e - 1", operator.sub, e, 1.0)
        bottom = t.step("bottom", "e + 1", _add, e, 1.0)
        t.step("o", "top / bottom", operator.truediv, top, bottom)
    else:
        t.step("o", "tanh(n)", lambda v: v.tanh(), n)
    return t


def _worked_example(t: Twin, title: str, told: str, pictures: Pictures) -> Finding:
    """Data, then every gradient, of a worked example against the reference."""
    problem = _data_differs(t, title)
    if problem is not None:
        return problem
    _backward_both(t)
    return _gradients_differ(t, title, pictures) or passed(f"{title}: {told}")


# -- random expressions ------------------------------------------------------------------

_Maker = Callable[[random.Random, Twin, Pair, Pair], Pair | None]


def _binary(symbol: str, fn: Callable[[Any, Any], Any]) -> _Maker:
    """x op y, or x op a small whole number now and then."""

    def make(rng: random.Random, t: Twin, x: Pair, y: Pair) -> Pair | None:
        name = f"v{t.steps + 1}"
        if rng.random() < 0.25:
            k = float(rng.choice((2, 3, -1)))
            return t.step(name, f"{x.name} {symbol} {k:g}", fn, x, k)
        if symbol == "/" and abs(y.ref.data) < 0.3:
            return None
        return t.step(name, f"{x.name} {symbol} {y.name}", fn, x, y)

    return make


def _unary(text: str, fn: Callable[[Any], Any], fits: Callable[[float], bool]) -> _Maker:
    """fn(x) where ``fits(x.data)``: ``text`` names the operation with ``{}`` for x."""

    def make(rng: random.Random, t: Twin, x: Pair, y: Pair) -> Pair | None:
        if not fits(x.ref.data):
            return None
        return t.step(f"v{t.steps + 1}", text.format(x.name), fn, x)

    return make


_PLUS_TIMES = (_binary("+", _add), _binary("*", _mul))
_EVERY_OP = (
    *_PLUS_TIMES,
    _binary("-", operator.sub),
    _binary("/", operator.truediv),
    _unary("-{}", operator.neg, lambda x: True),
    _unary("2 - {}", lambda v: 2 - v, lambda x: True),
    _unary("2 / {}", lambda v: 2 / v, lambda x: abs(x) > 0.3),
    _unary("{}**2", lambda v: v**2, lambda x: True),
    _unary("{}**3", lambda v: v**3, lambda x: True),
    _unary("{}**-1", lambda v: v**-1, lambda x: abs(x) > 0.3),
    _unary("{}**0.5", lambda v: v**0.5, lambda x: x > 0.1),
    _unary("exp({})", lambda v: v.exp(), lambda x: abs(x) < 3),
    _unary("tanh({})", lambda v: v.tanh(), lambda x: True),
)


def _random_twin(V: Any, rng: random.Random, makers: Sequence[_Maker], steps: int) -> Twin:
    """An expression of ``steps`` random operations on three inputs, some used twice."""
    t = Twin(V)
    made = [
        t.leaf(f"x{i}", rng.choice((-1, 1)) * round(rng.uniform(0.3, 2.0), 1)) for i in (1, 2, 3)
    ]
    while t.steps < steps:
        x = made[-1] if rng.random() < 0.5 else rng.choice(made)
        y = rng.choice(made)
        got = rng.choice(makers)(rng, t, x, y)
        if got is not None and abs(got.ref.data) < 50:
            made.append(got)
    return t


def _random_expressions(
    V: Any, makers: Sequence[_Maker], pictures: Pictures, count: int = 40, seed: int = 5
) -> Finding:
    """``count`` random expressions: the data and gradient of every value against neuronlab's."""
    rng = random.Random(seed)
    title = f"{count} random expressions"
    for i in range(count):
        t = _random_twin(V, rng, makers, steps=3 + i % 6)
        problem = _data_differs(t, title)
        if problem is not None:
            return problem
        _backward_both(t)
        problem = _gradients_differ(t, title, pictures)
        if problem is not None:
            return problem
    return passed(f"{title}: every value's data and gradient match neuronlab's Value")


def pytorch_agrees(
    V: Any, makers: Sequence[_Maker] | None = None, count: int = 40, seed: int = 5
) -> Finding:
    """The random expressions of ``makers`` (every operation of 07 by default) built on
    PyTorch too, when it is installed: every value's data and gradient against ``V``'s."""
    makers = _EVERY_OP if makers is None else makers
    torch_class = torch_value_class()
    if torch_class is None:
        return passed("PyTorch is not installed: checked against neuronlab's Value only")
    yours_rng, torch_rng = random.Random(seed), random.Random(seed)
    for i in range(count):
        yours = _random_twin(V, yours_rng, makers, steps=3 + i % 6)
        theirs = _random_twin(torch_class, torch_rng, makers, steps=3 + i % 6)
        yours.root.mine.backward()
        theirs.root.mine.backward()
        for mine, torch_pair in zip(yours.pairs, theirs.pairs):
            for what in ("data", "grad"):
                got, want = number(getattr(mine.mine, what, None)), getattr(torch_pair.mine, what)
                if got is None or not close(got, want):
                    return failed(
                        f"PyTorch's autograd disagrees on the {what} of {mine.name} "
                        f"({_s(want)}; yours is {_s(got)}), though neuronlab's Value agrees "
                        "with yours",
                        f"with {yours.leaves()}",
                        *yours.definitions(),
                        likely="a bug in neuronlab, not in your code: please report it",
                    )
    return passed(f"PyTorch's autograd gives the same data and gradients on all {count}")


def _then_at_random(
    findings: list[Finding],
    V: Any,
    makers: Sequence[_Maker],
    pictures: Pictures,
    names: Mapping[str, Any],
) -> list[Finding]:
    """``findings``; when all of them held, random expressions of ``makers`` against
    neuronlab's Value, and when those hold too, against PyTorch's."""
    steps: list[_Step] = [
        ("random expressions", lambda: _random_expressions(V, makers, pictures)),
        ("PyTorch", lambda: pytorch_agrees(V, makers)),
    ]
    for step in steps:
        if not all(f.ok for f in findings):
            break
        findings = findings + _in_order([step], names)
    return findings


# == exercise 05: + and * ===============================================================

_PLAIN_NUMBERS = (
    ("a + 2", lambda a: a + 2, 4.0),
    ("2 + a", lambda a: 2 + a, 4.0),
    ("a * 3", lambda a: a * 3, 6.0),
    ("3 * a", lambda a: 3 * a, 6.0),
    ("a * 0.5", lambda a: a * 0.5, 1.0),
)


def _structure(t: Twin) -> Finding | None:
    """Each computed value's ``_op`` and ``_prev`` (its inputs) as the template describes."""
    for p in t.pairs:
        if not p.ref.inputs:
            continue
        line = f"{p.name} = {p.text}"
        op = "*" if "*" in line else "+"
        prev = getattr(p.mine, "_prev", None)
        want = {id(q.mine) for q in t.pairs if any(q.ref is r for r in p.ref.inputs)}
        try:
            got = {id(x) for x in prev}  # type: ignore[union-attr]
        except TypeError:
            got = set()
        if got != want:
            return failed(
                f"{line}: its _prev should hold its two inputs; yours holds {prev!r:.80}",
                likely="make out with its inputs: Value(data, (self, other), op)",
            )
        if getattr(p.mine, "_op", None) != op:
            return failed(
                f"{line}: its _op should be {op!r}; yours is {getattr(p.mine, '_op', None)!r}",
                likely=f'make out with its op: Value(data, (self, other), "{op}")',
            )
    return None


def _plain_numbers(V: Any, names: Mapping[str, Any]) -> Finding | None:
    """``a + 2``, ``3 * a``, ...: a plain number on either side is wrapped as a Value."""
    for text, fn, want in _PLAIN_NUMBERS:
        try:
            got = getattr(fn(V(2.0)), "data", None)
        except NotImplementedError:
            raise
        except Exception as error:
            return failed(
                f"{text} with a = 2 should be {want:g}; {_raised(error)}",
                _where(error, names),
                likely=_cause(error)
                or "a plain number is not wrapped: other = other if isinstance(other, "
                "Value) else Value(other), first thing in __add__ and __mul__",
            )
        if number(got) is None or not close(number(got) or 0.0, want):
            return failed(f"{text} with a = 2 should be {want:g}; yours is {_s(got)}")
    return None


def _forward_05(V: Any, names: Mapping[str, Any]) -> Finding:
    V(2.0) + V(-3.0)  # __add__ first, as in the file
    t = _l_graph(V)
    return (
        _data_differs(t, "the L graph")
        or _structure(t)
        or _plain_numbers(V, names)
        or passed(
            "a * b and a + b compute the L graph (e = -6, d = 4, L = -8), keep their inputs "
            "and op, and take plain numbers (a + 2, 3 * a)"
        )
    )


@dataclass(frozen=True)
class _Rule:
    """What ``a <symbol> b`` hands back: d/da and d/db, as formulas and as numbers."""

    symbol: str
    fn: Callable[[Any, Any], Any]
    formulas: tuple[str, str]
    local: Callable[[float, float], tuple[float, float]]


_RULES = (
    _Rule("+", _add, ("1", "1"), lambda a, b: (1.0, 1.0)),
    _Rule("*", _mul, ("b", "a"), lambda a, b: (b, a)),
)
_A, _B, _G = 2.0, -3.0, 1.5  # the probe: a = 2, b = -3, out.grad = 1.5
_PRIOR = (0.25, -0.5)  # what a.grad and b.grad hold before, to see += from =


def _hand_back(V: Any, rule: _Rule, g: float, prior: tuple[float, float]) -> tuple[Any, Any]:
    """a.grad and b.grad after calling ``out._backward()`` of out = a <op> b by hand."""
    a, b = V(_A, label="a"), V(_B, label="b")
    out = rule.fn(a, b)
    a.grad, b.grad = prior
    out.grad = g
    out._backward()
    return number(a.grad), number(b.grad)


def _same(got: tuple[Any, Any], want: tuple[float, float]) -> bool:
    return all(g is not None and close(g, w) for g, w in zip(got, want))


def _hand_back_mistake(V: Any, rule: _Rule, got: tuple[Any, Any]) -> str:
    """The usual mistake whose hand-back is ``got`` (out.grad = 1.5, a.grad = b.grad = 0)."""
    la, lb = rule.local(_A, _B)
    if _same(got, (0.0, 0.0)):
        if _same(_hand_back(V, rule, _G, _PRIOR), _PRIOR):
            return (
                "nothing was handed back: give out its function, out._backward = _backward, "
                "before return out"
            )
        return (
            "it multiplies by self.grad, the input's own gradient; the chain rule multiplies "
            "the local derivative by out.grad, the gradient of the result"
        )
    if None in got:
        return ""
    candidates: dict[str, tuple[float, float]] = {}
    if rule.symbol == "*":
        candidates[
            "the factors are swapped: d(a*b)/da is b (the other input's data), not a: "
            "self.grad += other.data * out.grad"
        ] = (_G * lb, _G * la)
    candidates[
        "out.grad is missing: the chain rule multiplies the local derivative by out.grad"
    ] = (
        la,
        lb,
    )
    candidates["both lines add to self.grad: the second should add to other.grad"] = (
        _G * (la + lb),
        0.0,
    )
    candidates["b.grad gets nothing: _backward must add to other.grad too"] = (_G * la, 0.0)
    candidates["a.grad gets nothing: _backward must add to self.grad too"] = (0.0, _G * lb)
    if rule.symbol == "+":
        candidates["d(a+b)/da is 1, not 2: + hands out.grad to each input unchanged"] = (
            2 * _G,
            2 * _G,
        )
    return likely(list(got), {k: list(v) for k, v in candidates.items()})


def _probe(V: Any, rule: _Rule) -> Finding:
    """``out._backward()`` of out = a <op> b, called with out.grad = 1.5, at a = 2, b = -3."""
    s = rule.symbol
    la, lb = rule.local(_A, _B)
    want = (_G * la, _G * lb)
    da, db = (f if f == _s(x) else f"{f} = {_s(x)}" for f, x in zip(rule.formulas, (la, lb)))
    rule_text = f"d(a{s}b)/da = {da} and d(a{s}b)/db = {db}; times out.grad = 1.5 (the chain rule)"
    got = _hand_back(V, rule, _G, (0.0, 0.0))
    if not _same(got, want):
        return failed(
            f"a {s} b's _backward at a = 2, b = -3 with out.grad = 1.5 should add "
            f"{_s(want[0])} to a.grad and {_s(want[1])} to b.grad; yours added "
            f"{_s(got[0])} and {_s(got[1])}",
            rule_text,
            likely=_hand_back_mistake(V, rule, got),
        )
    primed = _hand_back(V, rule, _G, _PRIOR)
    if not _same(primed, (_PRIOR[0] + want[0], _PRIOR[1] + want[1])):
        replaced = _same(primed, want)
        return failed(
            f"a {s} b's _backward: a.grad held 0.25 before and should hold 0.25 + "
            f"{_s(want[0])} = {_s(_PRIOR[0] + want[0])} after; yours holds {_s(primed[0])}",
            "the 0.25 was replaced, not added to" if replaced else rule_text,
            likely=(
                "= instead of += in _backward: a value used twice (a * a, a + a) would get "
                "only one of its two contributions"
                if replaced
                else ""
            ),
        )
    return passed(f"a {s} b hands back d/da = {rule.formulas[0]}, d/db = {rule.formulas[1]}")


def _used_twice(V: Any, pictures: Pictures) -> Finding:
    """a + a and a * a at a = 3: a gets a contribution from each of its two uses."""
    for symbol, fn, one in (("+", _add, 1.0), ("*", _mul, 3.0)):
        t = Twin(V)
        a = t.leaf("a", 3.0)
        t.step("y", f"a {symbol} a", lambda v, f=fn: f(v, v), a)
        _backward_both(t)
        got = _grad(a.mine)
        if got is None or not close(got, a.ref.grad):
            only_one = got is not None and close(got, one)
            message = f"a is used twice in y = a {symbol} a (a = 3): dy/da = {one:g} + {one:g} = "
            message += f"{a.ref.grad:g}, one contribution from each use; yours is {_s(got)}"
            if only_one:
                message += ": only one of its two contributions"
            details, files = _explained(t, frontier(t.pairs) or [a], pictures)
            return failed(
                message,
                *details,
                likely=(
                    "= instead of += in _backward: the second contribution replaced the first"
                    if only_one
                    else ""
                ),
                pictures=files,
            )
    return passed("a value used twice gets both contributions: a + a gives 2, a * a gives 2a")


def check_05(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """Forward and structure, each operation's hand-back, a value used twice, the L graph,
    then random expressions of + and * against neuronlab's Value."""
    V = _value_class(names)
    pictures = Pictures("05", context.pictures)
    steps: list[_Step] = [
        ("a + b and a * b", lambda: _forward_05(V, names)),
        *((f"a {r.symbol} b's _backward", lambda r=r: _probe(V, r)) for r in _RULES),
        ("a value used twice", lambda: _used_twice(V, pictures)),
        (
            "the L graph",
            lambda: _worked_example(
                _l_graph(V),
                "the L graph",
                "L = -8; dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4",
                pictures,
            ),
        ),
    ]
    return _then_at_random(_in_order(steps, names), V, _PLUS_TIMES, pictures, names)


# == exercise 06: backward() ============================================================


def _name(node: Any) -> str:
    label = getattr(node, "label", "")
    return label if isinstance(label, str) and label else "a node"


def _recorded_backward(root: Any) -> list[Any]:
    """Run ``root.backward()`` with each node's ``_backward`` wrapped: the nodes in call order."""
    calls: list[Any] = []
    for node in learner_nodes(root) or ():
        original = node._backward

        def wrapped(node: Any = node, original: Any = original) -> None:
            calls.append(node)
            original()

        node._backward = wrapped
    root.backward()
    return calls


def _order_problem(root: Any, calls: list[Any]) -> Finding | None:
    """A node visited twice, never, or before a node that uses it: the message and the cause."""
    computed = [n for n in learner_nodes(root) or () if inputs_of(n)]
    times = {id(n): sum(c is n for c in calls) for n in computed}
    first = {id(n): next((i for i, c in enumerate(calls) if c is n), -1) for n in computed}
    for n in computed:
        if times[id(n)] > 1:
            return failed(
                f"{_name(n)}'s _backward ran {times[id(n)]} times in one backward()",
                "two paths lead to it, and each put it in the order",
                likely="a node is visited twice: keep a set of the nodes already placed, "
                "and place each one once",
            )
        if times[id(n)] == 0:
            return failed(
                f"{_name(n)}'s _backward never ran",
                likely="the order misses nodes: it must hold every node, the output itself "
                "included",
            )
    for n in computed:
        users = [u for u in computed if any(x is n for x in inputs_of(u))]
        late = [u for u in users if first[id(u)] > first[id(n)]]
        if late:
            return failed(
                f"{_name(n)}'s _backward ran before that of {_name(late[0])}, which uses "
                f"{_name(n)}: {_name(n)} handed on its gradient before it was complete",
                likely="visiting in forward order: call _backward in the reverse of the "
                "topological order, from the output back to the leaves",
            )
    return None


def _backward_06(t: Twin, title: str, told: str, pictures: Pictures) -> Finding:
    """backward() on a worked graph: the seed, the order of the calls, then every gradient."""
    root = t.root
    calls = _recorded_backward(root.mine)
    root.ref.backward()
    seed = _grad(root.mine)
    if seed is None or not close(seed, 1.0):
        return failed(
            f"{title}: after {root.name}.backward(), {root.name}.grad should be 1 "
            f"(d{root.name}/d{root.name}, where the chain rule starts); yours is {_s(seed)}",
            likely="the start is not seeded: set self.grad = 1.0 before calling the _backward "
            "functions",
        )
    problem = _order_problem(root.mine, calls)
    if problem is not None:
        return failed(f"{title}: {problem.message}", *problem.details, likely=problem.likely)
    return _gradients_differ(t, title, pictures) or passed(f"{title}: {told}")


def _diamond(V: Any) -> Twin:
    """x feeds m, and m feeds two nodes: backward must visit m once, after both."""
    t = Twin(V)
    x = t.leaf("x", 3.0)
    m = t.step("m", "x * 2", _mul, x, 2.0)
    p = t.step("p", "m + 1", _add, m, 1.0)
    q = t.step("q", "m * 3", _mul, m, 3.0)
    t.step("y", "p * q", _mul, p, q)
    return t


def _chain(V: Any, sizes: Sequence[int] = (10_000, 100_000), slower: float = 20.0) -> Finding:
    """y = x + x + ... + x, ``sizes`` nodes deep: no recursion, and a time that grows like n.

    backward() should take about as long as building the chain did; ``slower``
    times as long, on the smaller chain, means it grows faster than n.
    """
    for n in sizes:
        start = time.perf_counter()
        x = V(1.0, label="x")
        y = x
        for _ in range(n):
            y = y + x
        built = time.perf_counter() - start
        try:
            y.backward()
        except RecursionError:
            return failed(
                f"backward() on a chain of {n:,} nodes raised RecursionError",
                "a recursive function goes one Python call deeper for every node, and "
                "Python stops at a few thousand",
                likely="a recursive topological sort: use an explicit stack (a list you "
                "append nodes to and pop them from) instead",
            )
        took = time.perf_counter() - start - built
        got = _grad(x)
        if got is None or not close(got, n + 1.0):
            return failed(
                f"y = x + x + ... + x, {n:,} additions deep: dy/dx should be {n + 1:,}; "
                f"yours is {_s(got)}"
            )
        if n < sizes[-1] and took > max(0.3, slower * built):
            return failed(
                f"backward() took {took:.1f} s for a chain of {n:,} nodes, {took / built:.0f} "
                f"times as long as building it ({built:.2f} s): {sizes[-1]:,} would take "
                "far too long",
                "its time should grow like the number of nodes; yours grows faster",
                likely="looking a node up in a list (node in order, order.index) reads the "
                "whole list every time: keep the nodes seen in a set",
            )
    return passed(
        f"backward() goes through a chain of {sizes[-1]:,} nodes without recursion "
        f"(dy/dx = {sizes[-1] + 1:,})"
    )


def _adds_up_across_calls(V: Any) -> Finding:
    """Two graphs share the leaf a: the second backward() adds to what the first left."""
    a = V(2.0, label="a")
    (a * 3).backward()
    (a + 1).backward()
    got = _grad(a)
    if got is not None and close(got, 4.0):
        return passed("backward() adds to the gradients already there: a.grad = 3 + 1 = 4")
    return failed(
        f"after (a * 3).backward() and then (a + 1).backward(), a.grad should be 3 + 1 = 4; "
        f"yours is {_s(got)}",
        "backward() adds to .grad and never resets it: resetting is zero_grad's job, before "
        "each training step (exercise 09)",
        likely="backward() sets gradients to 0 first: leave them alone, and only seed the "
        "output with self.grad = 1.0"
        if got is not None and close(got, 1.0)
        else "",
    )


def check_06(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """The L graph (the seed, the order of the calls, the gradients), a value used twice,
    a diamond, gradients adding up across calls, a chain of 100,000 nodes, then random
    expressions against neuronlab's."""
    V = _value_class(names)
    pictures = Pictures("06", context.pictures)
    told_l = "L.grad = 1; dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4"
    steps: list[_Step] = [
        ("the L graph", lambda: _backward_06(_l_graph(V), "the L graph", told_l, pictures)),
        ("a value used twice", lambda: _used_twice(V, pictures)),
        (
            "a diamond",
            lambda: _backward_06(
                _diamond(V), "a diamond (m feeds p and q)", "dy/dm = 39, dy/dx = 78", pictures
            ),
        ),
        ("gradients that add up across calls", lambda: _adds_up_across_calls(V)),
        ("a deep chain", lambda: _chain(V)),
    ]
    return _then_at_random(_in_order(steps, names), V, _PLUS_TIMES, pictures, names)


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
        t, _ = _op_twin(V, op, a, b)
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
                f"{op.text} at {op.where(a, b)} should be {_s(y.ref.data)}; yours is {_s(got)}",
                likely=likely(got, op.wrong_data(a, b)) if got is not None else "",
            )
    return None


def _op_slopes(V: Any, op: Operation, pictures: Pictures) -> Finding | None:
    """d(op)/d(each Value input) at every point, beside the usual wrong formulas."""
    seen: list[tuple[float, ...]] = []
    failing: tuple[Twin, int, float, float] | None = None
    for a, b in op.points:
        t, inputs = _op_twin(V, op, a, b)
        _backward_both(t)
        grads = tuple(_grad(p.mine) for p in inputs)
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
    details, files = _explained(t, [p], pictures)
    return failed(
        f"d({op.text})/d{p.name} at {op.where(a, b)} should be {_s(p.ref.grad)} "
        f"({op.derivatives[i]}); yours is {_s(p.mine.grad)}",
        *_built_from(t.root.mine, op),
        *details,
        likely=cause,
        pictures=files,
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
    s = t.step("s", "y * 2.5", _mul, t.root, 2.5)
    for p in inputs:
        s = t.step("L" if p is inputs[-1] else "s2", f"{s.name} + {p.name}", _add, s, p)
    _backward_both(t)
    wrong = [p for p in inputs if not close(_grad(p.mine) or float("nan"), p.ref.grad)]
    if not wrong:
        return None
    p = wrong[0]
    local = (p.ref.grad - 1.0) / 2.5
    cause = likely(
        _grad(p.mine) or float("nan"),
        {
            f"= instead of += in the _backward of {op.text}: {p.name}, used twice, lost the "
            f"1 that + {p.name} gave it": 2.5 * local,
            "out.grad is missing: the chain rule multiplies the local derivative by out.grad "
            "(here 2.5)": 1.0 + local,
        },
    )
    return _gradients_differ(t, f"L = ({op.text}) * 2.5 + ...", pictures, cause)


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


def check_07(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """Each operation's data and local derivatives, the tanh neuron (with tanh and built from
    exp, -, / and +), then random expressions of every operation against neuronlab's."""
    V = _value_class(names)
    pictures = Pictures("07", context.pictures)
    told = "o = 0.7071; do/dx1 = -1.5, do/dw1 = 1, do/dx2 = 0.5, do/dw2 = 0"
    built = "the neuron with o = (e - 1) / (e + 1), e = exp(2n)"
    steps: list[_Step] = [
        *((op.text, lambda op=op: _operation(V, op, pictures)) for op in OPERATIONS),
        (
            "the tanh neuron",
            lambda: _worked_example(_neuron(V, False), "the tanh neuron", told, pictures),
        ),
        (
            "the neuron's tanh built from exp",
            lambda: _worked_example(
                _neuron(V, True),
                built,
                "the same gradients as with tanh",
                pictures,
            ),
        ),
    ]
    return _then_at_random(_in_order(steps, names), V, _EVERY_OP, pictures, names)
