"""The one table of what each Tensor operation is called, how it reads, and its chain rule.

Every operation the tensor engine records (``Tensor.from_op``'s op names,
and the ``bce`` node of ``losses``) has an entry: the word its unnamed
results are called by (``matmul1``), its formula (``embcat @ W1``), and the
rule that turns the gradient of its output into the gradient of each input,
written with shapes:

    dL/dW1 (30, 64) = embcatᵀ (30, 32) @ dL/dmatmul1 (32, 64)

An operation that is not in the table gets an honest generic line.  Shapes
are all a node shows of its reductions and broadcasts, so the axes named
here are read back from them (``tensor_text``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..util.numbers import format_number
from .tensor_text import Shape, axes_text, broadcast_axes, reduction_of, shape_text

__all__ = ["OPS", "Edge", "OpText", "Operand", "broadcast_note", "op_text"]


@dataclass(frozen=True)
class Operand:
    """How one tensor is written: ``name`` (``W1``, or a constant's number), its shape."""

    name: str
    shape: Shape
    constant: bool = False

    @property
    def sized(self) -> str:
        """The name with the shape, ``W1 (30, 64)``; a constant is its number alone."""
        return self.name if self.constant else f"{self.name} {shape_text(self.shape)}"

    @property
    def transposed(self) -> str:
        """``W1ᵀ (64, 30)``: the name of the transpose (of the last two axes), with its shape."""
        swapped = (*self.shape[:-2], *self.shape[:-3:-1])
        return f"{self.name}ᵀ {shape_text(swapped)}"


@dataclass(frozen=True)
class Edge:
    """One input ``i`` of an operation: what its rule is written from.

    ``upstream`` is the output's gradient as text, ``dL/dhprebn (32, 64)``.
    """

    out: Operand
    inputs: tuple[Operand, ...]
    i: int
    upstream: str

    @property
    def x(self) -> Operand:
        """The input this edge leads to."""
        return self.inputs[self.i]

    def other(self) -> Operand:
        """The other operand of a binary operation."""
        return self.inputs[1 - self.i]


Formula = Callable[[Operand, tuple[Operand, ...]], str]
Rule = Callable[[Edge], str]


@dataclass(frozen=True)
class OpText:
    """One operation: the ``word`` unnamed results are called by, its ``formula``, its ``rule``."""

    word: str
    formula: Formula
    rule: Rule


# -- formulas --------------------------------------------------------------------------


def _infix(symbol: str) -> Formula:
    return lambda out, ins: f" {symbol} ".join(x.name for x in ins)


def _call(name: str, extra: str = "") -> Formula:
    return lambda out, ins: f"{name}({', '.join(x.name for x in ins)}{extra})"


def _reduce_formula(method: str) -> Formula:
    def formula(out: Operand, ins: tuple[Operand, ...]) -> str:
        r = reduction_of(ins[0].shape, out.shape)
        if r.whole and not r.keepdims:
            args = ""
        elif r.axes is None:
            args = "…"
        else:
            args = str(r.axes[0]) if len(r.axes) == 1 else str(r.axes)
            args += ", keepdims=True" if r.keepdims else ""
        return f"{ins[0].name}.{method}({args})"

    return formula


def _reshape_formula(out: Operand, ins: tuple[Operand, ...]) -> str:
    return f"{ins[0].name}.reshape{shape_text(out.shape)}"


def _transpose_formula(out: Operand, ins: tuple[Operand, ...]) -> str:
    return f"{ins[0].name}.T" if len(out.shape) == 2 else f"{ins[0].name}.transpose(…)"


def _index_formula(out: Operand, ins: tuple[Operand, ...]) -> str:
    return f"{ins[0].name}[…]"


def _power_formula(op: str) -> Formula:
    return lambda out, ins: f"{ins[0].name}{op}"


# -- rules -----------------------------------------------------------------------------


def broadcast_note(core: str, e: Edge, out: Shape | None = None) -> str:
    """``core`` summed back to the shape the input had before it was broadcast to ``out``.

    ``out`` is the output's shape unless given (a batched matmul broadcasts its batch axes only).

    >>> e = Edge(Operand("h", (32, 64)), (Operand("h", (32, 64)), Operand("b", (64,))), 1, "dL/dh")
    >>> broadcast_note("dL/dh", e)
    'dL/dh summed over axis 0'
    """
    gone, kept = broadcast_axes(e.x.shape, e.out.shape if out is None else out)
    if not gone and not kept:
        return core
    notes = [f"summed over {axes_text(gone)}"] if gone else []
    if kept:
        notes.append(f"summed over {axes_text(kept)} (kept as size 1)")
    wrapped = core if core == e.upstream else f"({core})"
    return f"{wrapped} {' and '.join(notes)}"


def _elementwise(core: Callable[[Edge], str]) -> Rule:
    """A rule for an elementwise binary operation: its core, undone where it broadcast."""
    return lambda e: broadcast_note(core(e), e)


def _power_rule(k: float) -> Rule:
    def rule(e: Edge) -> str:
        if k == 0:
            return "0 (x**0 = 1 is flat)"
        if k == 1:
            return e.upstream
        if k == 2:
            return f"2 * {e.x.sized} * {e.upstream}"
        if k == -1:
            return f"-{e.x.name}**-2 * {e.upstream}"
        return f"{format_number(k)} * {e.x.name}**{format_number(k - 1)} * {e.upstream}"

    return rule


def _matmul_rule(e: Edge) -> str:
    a, b = e.inputs
    if len(a.shape) == 1 and len(b.shape) == 1:  # a dot product: the upstream is one number
        return f"{e.upstream} * {e.other().sized}"
    if e.i == 0:
        core = f"{e.upstream} @ {b.transposed if len(b.shape) > 1 else b.sized + ' as a row'}"
    else:
        core = f"{a.transposed if len(a.shape) > 1 else a.sized + ' as a column'} @ {e.upstream}"
    if max(len(a.shape), len(b.shape)) <= 2:
        return core
    if len(e.x.shape) >= 2:  # only the batch axes can have been broadcast
        core = broadcast_note(core, e, e.out.shape[:-2] + e.x.shape[-2:])
    return core + " (ᵀ swaps the last two axes)"


def _linear_rule(e: Edge) -> str:
    x, w = e.inputs[0], e.inputs[1]
    if e.i == 0:
        return f"{e.upstream} @ {w.sized}"
    if e.i == 1:
        return f"{e.upstream}ᵀ @ {x.sized}"
    return f"{e.upstream} summed over every axis but the last"


def _reduced_over(e: Edge) -> str:
    """``over axis 1`` (or ``over every entry``): what a reduction took together."""
    r = reduction_of(e.x.shape, e.out.shape)
    if r.whole:
        return "over every entry"
    return f"over {axes_text(r.axes)}" if r.axes is not None else "over its axes"


def _sum_rule(e: Edge) -> str:
    return f"{e.upstream} copied back {_reduced_over(e)} to {shape_text(e.x.shape)}"


def _mean_rule(e: Edge) -> str:
    n = _count(e.x.shape) // max(1, _count(e.out.shape))
    return f"{e.upstream} / {n} copied back {_reduced_over(e)} to {shape_text(e.x.shape)}"


def _max_rule(e: Edge) -> str:
    return (
        f"{e.upstream} put where the max {_reduced_over(e)} was, 0 elsewhere "
        f"{shape_text(e.x.shape)} (ties share it)"
    )


def _var_rule(e: Edge) -> str:
    n = _count(e.x.shape) // max(1, _count(e.out.shape))
    return (
        f"2 * ({e.x.name} - mean) / ({n} - correction) * {e.upstream} "
        f"copied back {_reduced_over(e)}"
    )


def _std_rule(e: Edge) -> str:
    n = _count(e.x.shape) // max(1, _count(e.out.shape))
    return (
        f"({e.x.name} - mean) / (({n} - correction) * {e.out.name}) * {e.upstream} "
        f"copied back {_reduced_over(e)}"
    )


def _count(shape: Shape) -> int:
    total = 1
    for n in shape:
        total *= int(n)
    return total


def _picked_rule(e: Edge) -> str:
    """Indexing and embedding: the gradient goes back to where each entry was picked from."""
    x, out = e.x.shape, e.out.shape
    rows = len(x) >= 2 and len(out) >= len(x) and tuple(out[len(out) - len(x) + 1 :]) == x[1:]
    where = f"0 elsewhere {shape_text(x)}"
    if rows:
        return f"{e.upstream} added into the rows it picked, {where} (a row picked twice gets both)"
    return f"{e.upstream} added into the entries it picked, {where}"


def _join_rule(e: Edge) -> str:
    return f"its own slice of {e.upstream} (the part it filled)"


def _norm_rule(over: str) -> Rule:
    def rule(e: Edge) -> str:
        n = len(e.inputs)
        if e.i == 0:
            scale = f"{e.upstream} * {e.inputs[1].sized}" if n > 1 else e.upstream
            return (
                f"(ĝ - mean(ĝ) - x̂ * mean(ĝ * x̂)) / σ, means {over}, ĝ = {scale}, "
                f"x̂ = ({e.x.name} - mean) / σ (the mean and σ move with {e.x.name})"
            )
        if n == 2:  # weight or bias alone: the node does not record which
            return (
                f"({e.upstream} * x̂) summed {over} if it is the gain; "
                f"{e.upstream} summed {over} if it is the bias"
            )
        return f"({e.upstream} * x̂) summed {over}" if e.i == 1 else f"{e.upstream} summed {over}"

    return rule


def _unknown_rule(op: str) -> Rule:
    return lambda e: (
        f"what {op}'s own backward makes of {e.upstream} (explain has no rule written for {op!r})"
    )


def _u(text: str) -> Rule:
    """A rule written from a template: {U} the upstream gradient, {x} the input, {o} the output."""
    return lambda e: text.format(U=e.upstream, x=e.x.sized, o=e.out.sized)


def _cross_entropy_rule(e: Edge) -> str:
    n = e.x.shape[0] if e.x.shape else 1
    return (
        f"(softmax({e.x.name}) - onehot(targets)) / {n} * {e.upstream}  "
        "(log_softmax, picking each row's target and the mean, fused in one node)"
    )


def _bce_rule(e: Edge) -> str:
    n = _count(e.x.shape)
    p = e.x.name
    return f"({p} - t) / ({p} * (1 - {p})) / {n} * {e.upstream}  (t the targets)"


OPS: dict[str, OpText] = {
    "+": OpText("add", _infix("+"), _elementwise(lambda e: e.upstream)),
    "-": OpText(
        "sub", _infix("-"), _elementwise(lambda e: e.upstream if e.i == 0 else f"-{e.upstream}")
    ),
    "*": OpText("mul", _infix("*"), _elementwise(lambda e: f"{e.other().sized} * {e.upstream}")),
    "/": OpText(
        "div",
        _infix("/"),
        _elementwise(
            lambda e: (
                f"{e.upstream} / {e.inputs[1].sized}"
                if e.i == 0
                else f"-{e.inputs[0].name} / {e.inputs[1].name}² * {e.upstream}"
            )
        ),
    ),
    "**": OpText(
        "pow",
        _infix("**"),
        _elementwise(
            lambda e: (
                f"{e.inputs[1].name} * {e.inputs[0].name}**({e.inputs[1].name} - 1) * {e.upstream}"
                if e.i == 0
                else f"{e.out.name} * log({e.inputs[0].name}) * {e.upstream}"
            )
        ),
    ),
    "neg": OpText("neg", lambda out, ins: f"-{ins[0].name}", _u("-{U}")),
    "@": OpText("matmul", _infix("@"), _matmul_rule),
    "linear": OpText("linear", _call("linear"), _linear_rule),
    "exp": OpText("exp", _call("exp"), _u("{o} * {U}  (exp is its own slope)")),
    "log": OpText("log", _call("log"), _u("{U} / {x}")),
    "tanh": OpText("tanh", _call("tanh"), lambda e: f"(1 - {e.out.name}²) * {e.upstream}"),
    "sigmoid": OpText(
        "sigmoid",
        _call("sigmoid"),
        lambda e: f"{e.out.name} * (1 - {e.out.name}) * {e.upstream}",
    ),
    "relu": OpText("relu", _call("relu"), lambda e: f"{e.upstream} where {e.x.name} > 0, else 0"),
    "step": OpText("step", _call("step"), lambda e: "0 (step is flat: nothing passes back)"),
    "abs": OpText("abs", _call("abs"), lambda e: f"sign({e.x.name}) * {e.upstream}"),
    "dropout": OpText(
        "dropout",
        _call("dropout"),
        _u("{U} * the dropout mask (1/(1 - p) where an entry was kept, 0 where dropped)"),
    ),
    "sum": OpText("sum", _reduce_formula("sum"), _sum_rule),
    "mean": OpText("mean", _reduce_formula("mean"), _mean_rule),
    "max": OpText("max", _reduce_formula("max"), _max_rule),
    "var": OpText("var", _reduce_formula("var"), _var_rule),
    "std": OpText("std", _reduce_formula("std"), _std_rule),
    "reshape": OpText("reshape", _reshape_formula, _u("{U} reshaped back to {x}")),
    "transpose": OpText(
        "transpose", _transpose_formula, _u("{U} with its axes put back in their order")
    ),
    "getitem": OpText("index", _index_formula, _picked_rule),
    "embedding": OpText("embedding", lambda out, ins: f"embedding({ins[0].name}, …)", _picked_rule),
    "concatenate": OpText("concat", _call("concatenate"), _join_rule),
    "stack": OpText("stack", _call("stack"), _join_rule),
    "softmax": OpText(
        "softmax",
        _call("softmax"),
        lambda e: f"{e.out.name} * ({e.upstream} - Σ({e.upstream} * {e.out.name}) along the axis)",
    ),
    "log_softmax": OpText(
        "log_softmax",
        _call("log_softmax"),
        lambda e: f"{e.upstream} - softmax({e.x.name}) * Σ {e.upstream} along the axis",
    ),
    "cross_entropy": OpText(
        "cross_entropy", _call("cross_entropy", ", targets"), _cross_entropy_rule
    ),
    "bce": OpText("bce", _call("bce", ", targets"), _bce_rule),
    "batch_norm": OpText("batch_norm", _call("batch_norm"), _norm_rule("over the batch")),
    "layer_norm": OpText(
        "layer_norm", _call("layer_norm"), _norm_rule("over each example's features")
    ),
}


def op_text(op: str) -> OpText:
    """The table's entry for ``op``; ``**k`` (a power by a number) and unknown ops made here."""
    if op in OPS:
        return OPS[op]
    if op.startswith("**"):
        try:
            k = float(op[2:])
        except ValueError:
            pass
        else:
            return OpText("pow", _power_formula(op), _power_rule(k))
    word = "".join(ch for ch in op if ch.isalnum() or ch == "_") or "op"
    return OpText(word, _call(op or "?"), _unknown_rule(op or "?"))
