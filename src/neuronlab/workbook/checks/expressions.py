"""What the checks of the learner's Value (exercises 05-07) share: expressions built twice.

Each check builds expressions on the learner's ``Value`` and on neuronlab's
(``graphs.Twin``) and compares every number.  Here is what they share: the
steps of a check in order (a method still raising NotImplementedError ends
the check there, "not implemented yet" when nothing before it failed; any
other error is that step's finding, with its usual cause); a wrong gradient
told (the two numbers, explain()'s chain-rule line) and drawn (the learner's
graph above the reference, the node where they part in red); the worked
examples (the L graph, the tanh neuron); random expressions against
neuronlab's Value, then against PyTorch's where it is installed.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ...worked import L_GRAPH_LEAVES, TANH_NEURON_LEAVES
from ..findings import Finding, failed, passed
from ..sandbox import learner_line
from .graphs import (
    Pair,
    Pictures,
    Twin,
    chain_rule_lines,
    wrong_data,
)
from .graphs import wrong_gradients as frontier
from .mistakes import close, number, show
from .names import needs
from .pytorch import torch_value_class

__all__ = [
    "EVERY_OP",
    "PLUS_TIMES",
    "Maker",
    "Step",
    "add",
    "backward_both",
    "data_differs",
    "explained",
    "grad_of",
    "gradients_differ",
    "holds_real_numbers",
    "in_order",
    "l_graph",
    "mul",
    "numbers_in_the_graph",
    "pytorch_agrees",
    "raised_text",
    "random_expressions",
    "short",
    "tanh_neuron",
    "then_at_random",
    "usual_cause",
    "value_class",
    "where_in_file",
    "worked_example",
]


Step = tuple[str, Callable[[], Finding | list[Finding]]]

add, mul = operator.add, operator.mul

#: What the two pictures of a wrong gradient mark.
PICTURED = "the first wrong gradients marked in red"


def in_order(steps: Sequence[Step], names: Mapping[str, Any]) -> list[Finding]:
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
            findings.append(failed(f"{title}: not checked, {error}", where_in_file(error, names)))
            break
        except (MemoryError, RecursionError):
            raise
        except Exception as error:  # the learner's code may raise anything
            said = (raised_text(error), where_in_file(error, names))
            if said not in raised:
                raised.add(said)
                findings.append(failed(f"{title}: {said[0]}", said[1], likely=usual_cause(error)))
            continue
        findings += got if isinstance(got, list) else [got]
    return findings


def usual_cause(error: BaseException) -> str:
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
    if isinstance(error, ZeroDivisionError):
        return (
            "a division by an input that can be 0: a local derivative needs none (d(a*b)/da "
            "is b itself), and a / b is a * b**-1 only where b is not 0"
        )
    if isinstance(error, AttributeError) and text.startswith("'float' object has no attribute"):
        return "an operation returned a number: return out, the Value you made"
    return ""


def raised_text(error: BaseException) -> str:
    return f"your code raised {type(error).__name__}: {error}"[:200]


def where_in_file(error: BaseException, names: Mapping[str, Any]) -> str:
    where = learner_line(error, names.get("__file__"))
    return f"at {where}" if where else ""


def value_class(names: Mapping[str, Any]) -> Any:
    return needs(names, "05")[0]


def short(x: Any) -> str:
    """A number as messages write it (4 significant digits), or what came instead."""
    return show(x, 4)


def grad_of(v: Any) -> float | None:
    return number(getattr(v, "grad", None))


# -- what every check shares: a wrong gradient, told and drawn ------------------------


def explained(t: Twin, wrong: Sequence[Pair], pictures: Pictures) -> tuple[list[str], Any]:
    """explain()'s lines for the first wrong gradient, and the page that draws both graphs
    with the wrong gradients marked."""
    details = []
    lines = chain_rule_lines(t.root.ref, wrong[0].ref)
    if lines:
        details += [f"the chain rule for d{t.root.name}/d{wrong[0].name}:", *lines]
    said = [
        f"d{t.root.name}/d{p.name} should be {short(p.ref.grad)}; yours is {short(grad_of(p.mine))}"
        for p in wrong
    ]
    files = pictures.draw(t.root.mine, t.root.ref, wrong, said, details)
    if files:
        details.append(f"the picture: your graph above the reference, {PICTURED}")
    return details, files


def gradients_differ(
    t: Twin, title: str, pictures: Pictures, likely_text: str = ""
) -> Finding | None:
    """A failed finding for the wrong gradients of ``t`` nearest its output, or None."""
    wrong = frontier(t.pairs)
    if not wrong:
        return None
    root = t.root
    said = [
        f"d{root.name}/d{p.name} should be {short(p.ref.grad)}; yours is {short(p.mine.grad)}"
        for p in wrong[:2]
    ]
    details, files = explained(t, wrong, pictures)
    return failed(
        f"{title}: {', and '.join(said)}",
        f"with {t.leaves()}",
        *t.definitions(),
        *details,
        likely=likely_text,
        pictures=files,
    )


def data_differs(t: Twin, title: str) -> Finding | None:
    """A failed finding for the first value whose data is wrong, or None."""
    p = wrong_data(t.pairs)
    if p is None:
        return None
    if not hasattr(p.mine, "data"):
        return failed(
            f"{title}: {p.name} = {p.text} should give a Value; yours gave "
            f"{type(p.mine).__name__} {p.mine!r:.40}",
            likely="return out, the Value you made, not a number: backward() can only reach Values",
        )
    return failed(
        f"{title}: {p.name} = {p.text or f'Value({short(p.ref.data)})'} should be "
        f"{short(p.ref.data)}; yours is {short(getattr(p.mine, 'data', None))}",
        f"with {t.leaves(p)}",
        *t.definitions(p),
    )


def backward_both(t: Twin) -> None:
    t.root.mine.backward()
    t.root.ref.backward()


# -- the worked examples -----------------------------------------------------------------


def l_graph(V: Any) -> Twin:
    """The design's L graph (``worked.L_GRAPH_LEAVES``): e = a*b, d = e + c, L = d*f."""
    t = Twin(V)
    x = L_GRAPH_LEAVES
    a, b, c = t.leaf("a", x["a"]), t.leaf("b", x["b"]), t.leaf("c", x["c"])
    e = t.step("e", "a * b", mul, a, b)
    d = t.step("d", "e + c", add, e, c)
    f = t.leaf("f", x["f"])
    t.step("L", "d * f", mul, d, f)
    return t


def tanh_neuron(V: Any, composed: bool) -> Twin:
    """The tanh neuron (``worked.TANH_NEURON_LEAVES``): n = x1*w1 + x2*w2 + b, o = tanh(n)."""
    t = Twin(V)
    x = TANH_NEURON_LEAVES
    x1, x2 = t.leaf("x1", x["x1"]), t.leaf("x2", x["x2"])
    w1, w2 = t.leaf("w1", x["w1"]), t.leaf("w2", x["w2"])
    b = t.leaf("b", x["b"])
    x1w1 = t.step("x1w1", "x1 * w1", mul, x1, w1)
    x2w2 = t.step("x2w2", "x2 * w2", mul, x2, w2)
    s = t.step("s", "x1w1 + x2w2", add, x1w1, x2w2)
    n = t.step("n", "s + b", add, s, b)
    if composed:
        e = t.step("e", "exp(2 * n)", lambda v: (2 * v).exp(), n)
        top = t.step("top", "e - 1", operator.sub, e, 1.0)
        bottom = t.step("bottom", "e + 1", add, e, 1.0)
        t.step("o", "top / bottom", operator.truediv, top, bottom)
    else:
        t.step("o", "tanh(n)", lambda v: v.tanh(), n)
    return t


def worked_example(t: Twin, title: str, told: str, pictures: Pictures) -> Finding:
    """Data, then every gradient, of a worked example against the reference."""
    problem = data_differs(t, title)
    if problem is not None:
        return problem
    backward_both(t)
    return gradients_differ(t, title, pictures) or passed(f"{title}: {told}")


# -- random expressions ------------------------------------------------------------------

Maker = Callable[[random.Random, Twin, Pair, Pair], Pair | None]


def _binary(symbol: str, fn: Callable[[Any, Any], Any]) -> Maker:
    """x op y, or now and then x op k or k op x for a small whole number k."""

    def make(rng: random.Random, t: Twin, x: Pair, y: Pair) -> Pair | None:
        name = f"v{t.steps + 1}"
        if rng.random() < 0.25:
            k = float(rng.choice((2, 3, -1)))
            if rng.random() < 0.5:
                return t.step(name, f"{x.name} {symbol} {k:g}", fn, x, k)
            if symbol == "/" and abs(x.ref.data) < 0.3:
                return None
            return t.step(name, f"{k:g} {symbol} {x.name}", lambda v, c: fn(c, v), x, k)
        if symbol == "/" and abs(y.ref.data) < 0.3:
            return None
        return t.step(name, f"{x.name} {symbol} {y.name}", fn, x, y)

    return make


def _unary(text: str, fn: Callable[[Any], Any], fits: Callable[[float], bool]) -> Maker:
    """fn(x) where ``fits(x.data)``: ``text`` names the operation with ``{}`` for x."""

    def make(rng: random.Random, t: Twin, x: Pair, y: Pair) -> Pair | None:
        if not fits(x.ref.data):
            return None
        return t.step(f"v{t.steps + 1}", text.format(x.name), fn, x)

    return make


PLUS_TIMES = (_binary("+", add), _binary("*", mul))
EVERY_OP = (
    *PLUS_TIMES,
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


def random_twin(V: Any, rng: random.Random, makers: Sequence[Maker], steps: int) -> Twin:
    """An expression of ``steps`` random operations on three inputs, some used twice, and
    now and then an input of 0 (as x2 in the tanh neuron: a local derivative must not divide
    by an input)."""
    t = Twin(V)
    made = [
        t.leaf(f"x{i}", rng.choice((-1, 1)) * round(rng.uniform(0.3, 2.0), 1)) for i in (1, 2, 3)
    ]
    if rng.random() < 0.2:
        made[2] = t.leaf("x0", 0.0)
    while t.steps < steps:
        x = made[-1] if rng.random() < 0.5 else rng.choice(made)
        y = rng.choice(made)
        got = rng.choice(makers)(rng, t, x, y)
        if got is not None and abs(got.ref.data) < 50:
            made.append(got)
    return t


def random_expressions(
    V: Any, makers: Sequence[Maker], pictures: Pictures, count: int = 40, seed: int = 5
) -> Finding:
    """``count`` random expressions: the data and gradient of every value against neuronlab's."""
    rng = random.Random(seed)
    title = f"{count} random expressions"
    for i in range(count):
        t = random_twin(V, rng, makers, steps=3 + i % 6)
        problem = data_differs(t, title)
        if problem is not None:
            return problem
        backward_both(t)
        problem = gradients_differ(t, title, pictures)
        if problem is not None:
            return problem
    return passed(f"{title}: every value's data and gradient match neuronlab's Value")


def pytorch_agrees(
    V: Any, makers: Sequence[Maker] | None = None, count: int = 40, seed: int = 5
) -> Finding:
    """The random expressions of ``makers`` (every operation of 07 by default) built on
    PyTorch too, when it is installed: every value's data and gradient against ``V``'s."""
    makers = EVERY_OP if makers is None else makers
    torch_class = torch_value_class()
    if torch_class is None:
        return passed("PyTorch is not installed: checked against neuronlab's Value only")
    yours_rng, torch_rng = random.Random(seed), random.Random(seed)
    for i in range(count):
        yours = random_twin(V, yours_rng, makers, steps=3 + i % 6)
        theirs = random_twin(torch_class, torch_rng, makers, steps=3 + i % 6)
        yours.root.mine.backward()
        theirs.root.mine.backward()
        for mine, torch_pair in zip(yours.pairs, theirs.pairs):
            for what in ("data", "grad"):
                got, want = number(getattr(mine.mine, what, None)), getattr(torch_pair.mine, what)
                if got is None or not close(got, want):
                    return failed(
                        f"PyTorch's autograd disagrees on the {what} of {mine.name} "
                        f"({short(want)}; yours is {short(got)}), though neuronlab's Value agrees "
                        "with yours",
                        f"with {yours.leaves()}",
                        *yours.definitions(),
                        likely="a bug in neuronlab, not in your code: please report it",
                    )
    return passed(f"PyTorch's autograd gives the same data and gradients on all {count}")


def holds_real_numbers(V: Any) -> Finding | None:
    """A failed finding when a new Value's data or grad is not a real number, or None."""
    v = V(2.0)
    data, grad = getattr(v, "data", None), getattr(v, "grad", None)
    if number(data) is not None and close(number(data) or 0.0, 2.0) and number(grad) == 0.0:
        return None
    return failed(
        f"Value(2.0) should hold data 2.0 and grad 0, plain numbers; yours holds data "
        f"{data!r:.30} ({type(data).__name__}) and grad {grad!r:.30} ({type(grad).__name__})",
        likely="keep both plain floats: self.data = data and self.grad = 0.0 (no complex, "
        "no string, no array)",
    )


#: A plain number on either side of + and *: the expression, and dy/da at a = 2.
_NUMBER_SIDES = (
    ("a + 2", lambda a: a + 2, 1.0),
    ("2 + a", lambda a: 2 + a, 1.0),
    ("a * 3", lambda a: a * 3, 3.0),
    ("3 * a", lambda a: 3 * a, 3.0),
)


def numbers_in_the_graph(V: Any, pictures: Pictures) -> Finding:
    """``a + 2``, ``2 + a``, ``a * 3``, ``3 * a``: the gradient reaches a whichever side the
    number is on (a number on the left goes through __radd__ and __rmul__)."""
    for text, fn, slope in _NUMBER_SIDES:
        t = Twin(V)
        a = t.leaf("a", 2.0)
        t.step("y", text, fn, a)
        backward_both(t)
        got = grad_of(a.mine)
        if got is None or not close(got, slope):
            left = text[0].isdigit()
            method = "__radd__" if "+" in text else "__rmul__"
            details, files = explained(t, [a], pictures)
            return failed(
                f"d({text})/da at a = 2 should be {slope:g}; yours is {short(got)}",
                *details,
                likely=f"{text} calls a.{method}({text[0]}): return self {text[2]} other, so "
                "that a stays in the graph"
                if left
                else "the number must join the graph as a Value: other = other if "
                "isinstance(other, Value) else Value(other), and out keeps (self, other)",
                pictures=files,
            )
    return passed("a plain number on either side: a + 2, 2 + a, a * 3 and 3 * a reach a")


def then_at_random(
    findings: list[Finding],
    V: Any,
    makers: Sequence[Maker],
    pictures: Pictures,
    names: Mapping[str, Any],
) -> list[Finding]:
    """``findings``; when all of them held, plain numbers on either side of + and *, then
    random expressions of ``makers`` against neuronlab's Value, then against PyTorch's: each
    only while everything before it held, so that no message blames a later step for an
    earlier mistake."""
    steps: list[Step] = [
        ("plain numbers", lambda: numbers_in_the_graph(V, pictures)),
        ("random expressions", lambda: random_expressions(V, makers, pictures)),
        ("PyTorch", lambda: pytorch_agrees(V, makers)),
    ]
    for step in steps:
        if not all(f.ok for f in findings):
            break
        findings = findings + in_order([step], names)
    return findings
