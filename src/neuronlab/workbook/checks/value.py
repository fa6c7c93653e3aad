"""Checks of exercises 05 and 06: the learner's Value with + and *, and its backward().

Before comparing whole expressions (``expressions``), each check probes one
thing at a time, so that a message can name the mistake: a ``_backward``
called by hand with a known ``out.grad`` (05), the order in which backward()
calls the ``_backward`` functions, gradients adding up across calls, a second
backward() on another graph and on a graph grown from the first (state kept
from one call to the next, such as a mutable default argument, shows
there), and a chain of 100,000 nodes (06).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .expressions import (
    PLUS_TIMES,
    Step,
    add,
    backward_both,
    data_differs,
    explained,
    grad_of,
    gradients_differ,
    holds_real_numbers,
    in_order,
    l_graph,
    mul,
    raised_text,
    random_twin,
    short,
    then_at_random,
    usual_cause,
    value_class,
    where_in_file,
    worked_example,
)
from .graphs import (
    Pictures,
    Twin,
    inputs_of,
    learner_nodes,
)
from .graphs import wrong_gradients as frontier
from .mistakes import close, likely, number
from .probes import mutable_default
from .pytorch import prepare

__all__ = ["check_05", "check_06", "prepare"]


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
                f"{text} with a = 2 should be {want:g}; {raised_text(error)}",
                where_in_file(error, names),
                likely=usual_cause(error)
                or "a plain number is not wrapped: other = other if isinstance(other, "
                "Value) else Value(other), first thing in __add__ and __mul__",
            )
        if number(got) is None or not close(number(got) or 0.0, want):
            return failed(f"{text} with a = 2 should be {want:g}; yours is {short(got)}")
    return None


def _forward_05(V: Any, names: Mapping[str, Any]) -> Finding:
    V(2.0) + V(-3.0)  # __add__ first, as in the file
    t = l_graph(V)
    return (
        holds_real_numbers(V)
        or data_differs(t, "the L graph")
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
    _Rule("+", add, ("1", "1"), lambda a, b: (1.0, 1.0)),
    _Rule("*", mul, ("b", "a"), lambda a, b: (b, a)),
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


def _signed(x: float) -> str:
    """A number as the second term of a sum: ``2`` or ``(-4.5)``."""
    return short(x) if x >= 0 else f"({short(x)})"


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
            "it multiplies by a gradient, self.grad or other.grad (0 until backward has run), "
            "where the chain rule wants out.grad, the result's gradient, times the local "
            "derivative" + (": self.grad += other.data * out.grad" if rule.symbol == "*" else "")
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
    da, db = (f if f == short(x) else f"{f} = {short(x)}" for f, x in zip(rule.formulas, (la, lb)))
    rule_text = f"d(a{s}b)/da = {da} and d(a{s}b)/db = {db}; times out.grad = 1.5 (the chain rule)"
    got = _hand_back(V, rule, _G, (0.0, 0.0))
    if not _same(got, want):
        return failed(
            f"a {s} b's _backward at a = 2, b = -3 with out.grad = 1.5 should add "
            f"{short(want[0])} to a.grad and {short(want[1])} to b.grad; yours added "
            f"{short(got[0])} and {short(got[1])}",
            rule_text,
            likely=_hand_back_mistake(V, rule, got),
        )
    primed = _hand_back(V, rule, _G, _PRIOR)
    for side, name, grad in ((0, "a", "self.grad"), (1, "b", "other.grad")):
        after = _PRIOR[side] + want[side]
        if primed[side] is not None and close(primed[side] or 0.0, after):
            continue
        replaced = primed[side] is not None and close(primed[side] or 0.0, want[side])
        return failed(
            f"a {s} b's _backward: {name}.grad held {short(_PRIOR[side])} before and should "
            f"hold {short(_PRIOR[side])} + {_signed(want[side])} = {short(after)} after; yours "
            f"holds {short(primed[side])}",
            f"the {short(_PRIOR[side])} was replaced, not added to" if replaced else rule_text,
            likely=(
                f"= instead of += for {grad} in _backward: a value used twice (a * a, a + a) "
                "would get only one of its two contributions"
                if replaced
                else ""
            ),
        )
    return passed(f"a {s} b hands back d/da = {rule.formulas[0]}, d/db = {rule.formulas[1]}")


def _used_twice(V: Any, pictures: Pictures) -> Finding:
    """a + a and a * a at a = 3: a gets a contribution from each of its two uses."""
    for symbol, fn, one in (("+", add, 1.0), ("*", mul, 3.0)):
        t = Twin(V)
        a = t.leaf("a", 3.0)
        t.step("y", f"a {symbol} a", lambda v, f=fn: f(v, v), a)
        backward_both(t)
        got = grad_of(a.mine)
        if got is None or not close(got, a.ref.grad):
            only_one = got is not None and close(got, one)
            message = f"a is used twice in y = a {symbol} a (a = 3): dy/da = {one:g} + {one:g} = "
            message += f"{a.ref.grad:g}, one contribution from each use; yours is {short(got)}"
            if only_one:
                message += ": only one of its two contributions"
            details, files = explained(t, frontier(t.pairs) or [a], pictures)
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
    V = value_class(names)
    pictures = Pictures("05", context.pictures)
    steps: list[Step] = [
        ("a + b and a * b", lambda: _forward_05(V, names)),
        *((f"a {r.symbol} b's _backward", lambda r=r: _probe(V, r)) for r in _RULES),
        ("a value used twice", lambda: _used_twice(V, pictures)),
        (
            "the L graph",
            lambda: worked_example(
                l_graph(V),
                "the L graph",
                "L = -8; dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4",
                pictures,
            ),
        ),
    ]
    return then_at_random(in_order(steps, names), V, PLUS_TIMES, pictures, names)


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
            twin = next((o for o in computed if o is not n and _same_data(o, n)), None)
            return failed(
                f"{_name(n)}'s _backward never ran",
                *([f"{_name(twin)} holds the same number, {short(n.data)}"] if twin else []),
                likely="two different nodes with equal data were taken as one: mark the nodes "
                "already placed by the node itself (a set of Values), not by their data"
                if twin is not None
                else "the order misses nodes: it must hold every node, the output itself included",
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


def _same_data(a: Any, b: Any) -> bool:
    """Two nodes hold the same number."""
    x, y = number(getattr(a, "data", None)), number(getattr(b, "data", None))
    return x is not None and y is not None and x == y


def _walks_in_order(V: Any, count: int = 40, seed: int = 5) -> Finding:
    """backward() on random expressions: every computed node's _backward runs once, and only
    after every node that uses it."""
    rng = random.Random(seed)
    for i in range(count):
        t = random_twin(V, rng, PLUS_TIMES, steps=3 + i % 6)
        calls = _recorded_backward(t.root.mine)
        problem = _order_problem(t.root.mine, calls)
        if problem is not None:
            lines = [f"{p.name} = {p.text}" for p in t.pairs if p.text]
            return failed(
                f"{count} random expressions: {problem.message}",
                *problem.details,
                *lines,
                likely=problem.likely,
            )
    return passed(f"{count} random expressions: each node's _backward runs once, after its users")


def _seeded_twice(V: Any) -> Finding:
    """y = a * b, y.backward() twice: the seed is set to 1 each time, not added to."""
    a, b = V(2.0, label="a"), V(-3.0, label="b")
    y = a * b
    y.backward()
    y.backward()
    seed, got = grad_of(y), grad_of(a)
    if seed is not None and close(seed, 1.0) and got is not None and close(got, -6.0):
        return passed("backward() twice on one graph: the seed y.grad is 1, a.grad = -3 - 3 = -6")
    return failed(
        "y = a * b (a = 2, b = -3), then y.backward() twice: y.grad should be 1 (the seed is "
        f"set, dy/dy = 1) and a.grad -3 - 3 = -6; yours are {short(seed)} and {short(got)}",
        likely="the seed is added, self.grad += 1.0, so a second backward() starts from 2: "
        "set it, self.grad = 1.0"
        if seed is not None and close(seed, 2.0)
        else "",
    )


def _backward_06(t: Twin, title: str, told: str, pictures: Pictures) -> Finding:
    """backward() on a worked graph: the seed, the order of the calls, then every gradient."""
    root = t.root
    calls = _recorded_backward(root.mine)
    root.ref.backward()
    seed = grad_of(root.mine)
    if seed is None or not close(seed, 1.0):
        return failed(
            f"{title}: after {root.name}.backward(), {root.name}.grad should be 1 "
            f"(d{root.name}/d{root.name}, where the chain rule starts); yours is {short(seed)}",
            likely="the start is not seeded: set self.grad = 1.0 before calling the _backward "
            "functions",
        )
    problem = _order_problem(root.mine, calls)
    if problem is not None:
        return failed(f"{title}: {problem.message}", *problem.details, likely=problem.likely)
    return gradients_differ(t, title, pictures) or passed(f"{title}: {told}")


def _diamond(V: Any) -> Twin:
    """x feeds m, and m feeds two nodes: backward must visit m once, after both."""
    t = Twin(V)
    x = t.leaf("x", 3.0)
    m = t.step("m", "x * 2", mul, x, 2.0)
    p = t.step("p", "m + 1", add, m, 1.0)
    q = t.step("q", "m * 3", mul, m, 3.0)
    t.step("y", "p * q", mul, p, q)
    return t


def _deepest_call(run: Callable[[], Any]) -> int:
    """How many Python calls deep ``run()`` goes below itself (a profile hook counts them)."""
    depth = deepest = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal depth, deepest
        if event == "call":
            depth += 1
            deepest = max(deepest, depth)
        elif event == "return":
            depth -= 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        run()
    finally:
        sys.setprofile(previous)
    return deepest


def _recursion(V: Any, n: int = 2_000) -> Finding | None:
    """A failed finding when backward() on a chain of ``n`` nodes goes about n calls deep:
    a recursion, whatever recursion limit the learner's file may have set."""
    x = V(1.0, label="x")
    y = x
    for _ in range(n):
        y = y + x
    try:
        deepest = _deepest_call(y.backward)
    except RecursionError:
        deepest = n
    if deepest < n // 4:
        return None
    return failed(
        f"backward() on a chain of {n:,} nodes went {deepest:,} Python calls deep: it "
        "recurses, one call deeper for every node",
        "Python stops a recursion at a few thousand calls; raising sys.setrecursionlimit "
        "only moves that wall, since every call holds a frame, and a graph can always be "
        "deeper",
        likely="a recursive topological sort: use an explicit stack (a list you append "
        "nodes to and pop them from) instead",
    )


def _chain(V: Any, sizes: Sequence[int] = (10_000, 100_000), slower: float = 20.0) -> Finding:
    """y = x + x + ... + x, ``sizes`` nodes deep: no recursion, and a time that grows like n.

    backward() should take about as long as building the chain did; ``slower``
    times as long, on the smaller chain, means it grows faster than n.
    """
    deep = _recursion(V)
    if deep is not None:
        return deep
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
        got = grad_of(x)
        if got is None or not close(got, n + 1.0):
            return failed(
                f"y = x + x + ... + x, {n:,} additions deep: dy/dx should be {n + 1:,}; "
                f"yours is {short(got)}"
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
    got = grad_of(a)
    if got is not None and close(got, 4.0):
        return passed("backward() adds to the gradients already there: a.grad = 3 + 1 = 4")
    return failed(
        f"after (a * 3).backward() and then (a + 1).backward(), a.grad should be 3 + 1 = 4; "
        f"yours is {short(got)}",
        "backward() adds to .grad and never resets it: resetting is zero_grad's job, before "
        "each training step (exercise 09)",
        likely="backward() sets gradients to 0 first: leave them alone, and only seed the "
        "output with self.grad = 1.0"
        if got is not None and close(got, 1.0)
        else _kept_between_calls(V),
    )


def _kept_between_calls(V: Any) -> str:
    """The likely mistake when a second backward() goes wrong: state kept from the first."""
    default = mutable_default(getattr(V, "backward", None))
    said = (
        f"backward's default {default} is made once, when def runs, and every call shares it: "
        if default
        else "backward() keeps something from one call to the next (a default argument, a "
        "class attribute or a global list or set): "
    )
    return said + "make the order and the set of visited nodes afresh inside backward()"


def _second_backward(V: Any) -> Finding:
    """y = a * b, backward; then p = c * d, backward (y's gradients stay); then z = y * e,
    a graph grown from y, backward: its gradients reach a and b again."""
    a, b, c, d, e = (V(x, label=n) for x, n in zip((2.0, -3.0, 4.0, 0.5, 5.0), "abcde"))
    y = a * b
    y.backward()
    p = c * d
    p.backward()
    kept = (grad_of(a), grad_of(b), grad_of(c), grad_of(d))
    if not all(g is not None and close(g, w) for g, w in zip(kept, (-3.0, 2.0, 0.5, 4.0))):
        return failed(
            "after y = a * b, y.backward(), then p = c * d, p.backward() (a = 2, b = -3, c = 4, "
            "d = 0.5): a.grad and b.grad should stay -3 and 2, c.grad and d.grad be 0.5 and 4; "
            f"yours are {', '.join(short(g) for g in kept)}",
            "each backward() walks only its own graph, and walks it afresh",
            likely=_kept_between_calls(V),
        )
    for v in (a, b, y):
        v.grad = 0.0
    z = y * e
    z.backward()
    got = (grad_of(a), grad_of(b))
    if not all(g is not None and close(g, w) for g, w in zip(got, (-15.0, 10.0))):
        return failed(
            "a graph grown from one already walked: after y.backward(), zeroing the gradients, "
            "then z = y * e (e = 5) and z.backward(), dz/da should be -15 and dz/db 10; yours "
            f"are {short(got[0])} and {short(got[1])}",
            "the second backward() skipped nodes that the first had visited",
            likely=_kept_between_calls(V),
        )
    return passed(
        "a second backward(), on another graph and on one grown from the first, "
        "walks its own graph afresh"
    )


def check_06(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """The L graph (the seed, the order of the calls, the gradients), a value used twice,
    a diamond, gradients adding up across calls, a chain of 100,000 nodes, then random
    expressions against neuronlab's."""
    V = value_class(names)
    pictures = Pictures("06", context.pictures)
    told_l = "L.grad = 1; dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4"
    steps: list[Step] = [
        ("the L graph", lambda: _backward_06(l_graph(V), "the L graph", told_l, pictures)),
        ("a value used twice", lambda: _used_twice(V, pictures)),
        (
            "a diamond",
            lambda: _backward_06(
                _diamond(V), "a diamond (m feeds p and q)", "dy/dm = 39, dy/dx = 78", pictures
            ),
        ),
        ("gradients that add up across calls", lambda: _adds_up_across_calls(V)),
        ("a second backward()", lambda: _second_backward(V)),
        ("backward() twice on one graph", lambda: _seeded_twice(V)),
        ("the order of the walk", lambda: _walks_in_order(V)),
        ("a deep chain", lambda: _chain(V)),
    ]
    return then_at_random(in_order(steps, names), V, PLUS_TIMES, pictures, names)
