"""Checks of exercises 10-12: the tensor backward passes a learner writes in NumPy by hand.

The reference is neuronlab's tensor engine: each check builds the same
computation from ``Tensor``s, calls ``backward()`` and compares the learner's
arrays with the gradients autograd left in ``.grad``, entry by entry, on the
worked examples and on random inputs and shapes (exercise 12 asks PyTorch too
when it is installed).  A difference is reported at the entry where it is
largest, with both numbers, and matched against the usual mistakes: a missing
transpose, a sum over the wrong axes, a forgotten 1/n, a one-hot in the wrong
places, the tanh derivative taken at the wrong value.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ...losses import cross_entropy
from ...tensor import F64, Tensor, log_softmax, softmax
from ...util.numbers import format_number
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext, learner_line
from .names import needs

__all__ = [
    "check_10",
    "check_11",
    "check_12",
    "problem",
    "compare",
    "close",
    "worst_entry",
    "GRADIENTS_12",
]

#: A usual mistake: what it looks like (the ``likely`` sentence) and the array it gives.
Mistake = tuple[str, "np.ndarray | float | None"]
Arrays = dict[str, np.ndarray]

#: How close counts as right: within this fraction of the gradient's largest entry.
RELATIVE = 1e-9


def _t(a: Any, grad: bool = True) -> Tensor:
    return Tensor(np.asarray(a, dtype=np.float64), dtype=F64, requires_grad=grad)


def _shape(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _number(x: float, digits: int = 6) -> str:
    return format_number(float(x), digits)


def _array(got: Any) -> np.ndarray | None:
    """``got`` as a float64 array, or None when it is not numbers."""
    if got is None:
        return None
    try:
        a = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return a if a.dtype == np.float64 else None


def close(got: np.ndarray, expected: np.ndarray) -> bool:
    """Same shape, and every entry within RELATIVE of the largest entry of ``expected``."""
    if got.shape != expected.shape or not np.isfinite(got).all():
        return False
    scale = float(np.abs(expected).max(initial=0.0))
    return bool(np.all(np.abs(got - expected) <= RELATIVE * scale + 1e-300))


def worst_entry(got: np.ndarray, expected: np.ndarray) -> tuple[tuple[int, ...], float, float]:
    """The entry where ``got`` (of ``expected``'s shape) is furthest off (nan and inf first)."""
    with np.errstate(all="ignore"):
        gap = np.abs(got - expected)
    gap = np.where(np.isfinite(gap), gap, np.inf)
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), got.shape))
    return index, float(expected[index]), float(got[index])


def _entry(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]" if index else ""


def _likely(got: np.ndarray, mistakes: Sequence[Mistake]) -> str:
    """The first usual mistake that gives exactly ``got``."""
    for text, candidate in mistakes:
        if candidate is not None and close(got, np.asarray(candidate, dtype=np.float64)):
            return text
    return ""


def problem(
    got: Any, expected: np.ndarray, mistakes: Sequence[Mistake] = (), unstable: str = ""
) -> tuple[str, list[str], str] | None:
    """None when ``got`` is ``expected``; otherwise (what is wrong, details, likely mistake).

    What is wrong is its type, its shape, or its largest difference and where;
    ``unstable`` is the likely mistake when ``got`` has inf or nan and autograd does not.
    """
    a = _array(got)
    if a is None:
        return f"is not an array of numbers but {type(got).__name__}: {got!r:.60}", [], ""
    if close(a, expected):
        return None
    likely = _likely(a, mistakes)
    if a.shape != expected.shape:
        return f"has shape {_shape(a.shape)}; expected {_shape(expected.shape)}", [], likely
    finite = np.isfinite(a)
    if not finite.all():
        bad = tuple(int(i) for i in np.argwhere(~finite)[0])
        at = f" at {_entry(bad)}" if bad else ""
        likely = likely or (unstable if np.isfinite(expected).all() else "")
        return "has inf or nan where autograd's is finite", [f"got {_number(a[bad])}{at}"], likely
    index, e, g = worst_entry(a, expected)
    scale = float(np.abs(expected).max(initial=0.0))
    if not likely and abs(g - e) <= 1e-5 * scale:
        likely = "nearly right (within 1e-5): is something computed in float32, or rounded?"
    summary = "differs from autograd's" + (f" most at {_entry(index)}" if index else "")
    digits = 6 if abs(g - e) > 1e-5 * max(abs(e), abs(g)) else 15  # enough to tell them apart
    off = _number(abs(g - e))
    return (
        summary,
        [f"expected {_number(e, digits)}, got {_number(g, digits)} (off by {off})"],
        likely,
    )


def compare(
    name: str,
    where: str,
    got: Any,
    expected: np.ndarray,
    mistakes: Sequence[Mistake] = (),
    unstable: str = "",
) -> Finding | None:
    """None when ``got`` is ``expected``; otherwise a failed finding saying what is wrong.

    ``name`` is the result ("dA"), ``where`` the case ("for A (2, 3) @ B (3, 3)").
    """
    found = problem(got, expected, mistakes, unstable)
    if found is None:
        return None
    summary, details, likely = found
    return failed(f"{name} {where} {summary}", *details, likely=likely)


def _call(fn: Any, call: str, likely: str, *args: Any) -> Any:
    """What the learner's ``fn`` returns on copies of ``args``; a NumPy shape or index
    error becomes a failed finding (``call`` and the learner's line)."""
    try:
        with np.errstate(all="ignore"):
            return fn(*(np.array(a) if isinstance(a, np.ndarray) else a for a in args))
    except (ValueError, IndexError) as error:
        code = getattr(fn, "__code__", None)
        where = learner_line(error, getattr(code, "co_filename", None))
        return failed(
            f"{call} raised {type(error).__name__}: {str(error)[:200]}",
            *([f"at {where}"] if where else []),
            likely=likely,
        )


def _attempt(fn: Callable[[], Any]) -> np.ndarray | None:
    """A usual mistake's result, or None where its shapes do not even line up."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(fn(), dtype=np.float64)
    except (ValueError, IndexError):
        return None


# -- exercise 10: the backward of a matrix product and of a broadcast sum -----------------


def _matmul_cases(rng: np.random.Generator) -> Iterator[tuple[np.ndarray, ...]]:
    """(A, B, dC): first a case where the usual mistakes run (B square, A not), then the
    worked example, then random shapes."""
    yield rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), rng.normal(size=(2, 3))
    yield (
        np.array([[1.0, 2, 3], [4, 5, 6]]),
        np.array([[1.0, 0], [0, 1], [-1, 2]]),
        np.array([[1.0, 2], [0, -1]]),
    )
    for _ in range(40):
        n, k, m = (int(s) for s in rng.integers(1, 7, size=3))
        yield rng.normal(size=(n, k)), rng.normal(size=(k, m)), rng.normal(size=(n, m))


def _matmul_reference(A: np.ndarray, B: np.ndarray, dC: np.ndarray) -> tuple[np.ndarray, ...]:
    a, b = _t(A), _t(B)
    ((a @ b) * _t(dC, False)).sum().backward()
    assert a.grad is not None and b.grad is not None
    return a.grad, b.grad


def _matmul_mistakes(A: np.ndarray, B: np.ndarray, dC: np.ndarray) -> tuple[list[Mistake], ...]:
    swapped = "dA and dB are swapped: return (dA, dB), dA = dC @ Bᵀ first"
    for_a: list[Mistake] = [
        (
            "B needs its transpose: dA = dC @ Bᵀ, (n, m) @ (m, k) -> (n, k)",
            _attempt(lambda: dC @ B),
        ),
        ("dA came out transposed: dA = dC @ Bᵀ has A's shape", _attempt(lambda: B @ dC.T)),
        (swapped, _attempt(lambda: A.T @ dC)),
    ]
    for_b: list[Mistake] = [
        (
            "the operands are swapped: dB = Aᵀ @ dC, (k, n) @ (n, m) -> (k, m); "
            "dC @ Aᵀ is another matrix",
            _attempt(lambda: dC @ A.T),
        ),
        ("dB came out transposed: dB = Aᵀ @ dC has B's shape", _attempt(lambda: dC.T @ A)),
        ("A needs its transpose: dB = Aᵀ @ dC", _attempt(lambda: A @ dC)),
        (swapped, _attempt(lambda: dC @ B.T)),
    ]
    return for_a, for_b


def _matmul_finding(matmul_backward: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(10)
    cases = list(_matmul_cases(rng))
    for A, B, dC in cases:
        where = f"for A {_shape(A.shape)} @ B {_shape(B.shape)}"
        got = _call(
            matmul_backward,
            f"matmul_backward(dC, A, B) {where}, dC {_shape(dC.shape)}",
            "a product whose shapes do not line up: dA = dC @ Bᵀ is (n, m) @ (m, k) and "
            "dB = Aᵀ @ dC is (k, n) @ (n, m); a missing transpose or swapped operands "
            "put two different sizes side by side",
            dC,
            A,
            B,
        )
        if isinstance(got, Finding):
            return got
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return failed(
                f"matmul_backward(dC, A, B) {where} should return the pair (dA, dB)",
                f"it returned {type(got).__name__}: {got!r:.80}",
            )
        expected = _matmul_reference(A, B, dC)
        for name, g, e, mistakes in zip(("dA", "dB"), got, expected, _matmul_mistakes(A, B, dC)):
            wrong = compare(name, where, g, e, mistakes)
            if wrong is not None:
                return wrong
    return passed(
        f"matmul_backward gives autograd's dA and dB on {len(cases)} products of all shapes"
    )


#: (d_out's shape, the input's shape before broadcasting), the usual cases first.
_BROADCASTS: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((4, 3), (3,)),
    ((4, 3), (4, 1)),
    ((4, 3), (1, 3)),
    ((4, 3), ()),
    ((2, 4, 3), (3,)),
    ((2, 4, 3), (4, 1)),
    ((2, 4, 3), (2, 1, 3)),
    ((3, 3), (3,)),
    ((4, 3), (4, 3)),
)


def _broadcast_cases(rng: np.random.Generator) -> Iterator[tuple[tuple[int, ...], ...]]:
    yield from _BROADCASTS
    for _ in range(30):
        out = tuple(int(s) for s in rng.integers(1, 5, size=int(rng.integers(1, 4))))
        kept = out[int(rng.integers(0, len(out) + 1)) :]
        yield out, tuple(1 if rng.random() < 0.4 else s for s in kept)


def _broadcast_reference(d_out: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    x = _t(np.zeros(shape))
    ((x + _t(np.zeros(d_out.shape), False)) * _t(d_out, False)).sum().backward()
    assert x.grad is not None
    return x.grad


def _stretched(out: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of d_out that broadcasting made: the new leading ones, and size 1 -> more."""
    lead = len(out) - len(shape)
    return tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and out[lead + i] != 1
    )


def _broadcast_mistakes(d_out: np.ndarray, shape: tuple[int, ...]) -> list[Mistake]:
    right = _stretched(d_out.shape, shape)
    sums = f"sum over axes {right} of d_out {_shape(d_out.shape)} to get {_shape(shape)}"
    found: list[Mistake] = [
        (f"not summed: the gradient kept the broadcast shape; {sums}", d_out),
        (f"summed over every axis: only the stretched ones are summed; {sums}", d_out.sum()),
    ]
    for size in range(1, d_out.ndim + 1):
        for axes in itertools.combinations(range(d_out.ndim), size):
            for keep in (False, True):
                summed = d_out.sum(axis=axes, keepdims=keep)
                said = (
                    f"the right axes {axes}, but shape {_shape(summed.shape)}: the leading "
                    "axes broadcasting added go, the input's axes of size 1 stay "
                    f"(keepdims=True, or reshape to {_shape(shape)})"
                    if axes == right
                    else f"summed over axes {axes}: the wrong axes; {sums}"
                )
                found.append((said, summed))
    return found


def _broadcast_finding(broadcast_backward: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(11)
    cases = list(_broadcast_cases(rng))
    for out, shape in cases:
        d_out = rng.normal(size=out)
        got = _call(
            broadcast_backward,
            f"broadcast_backward(d_out, {shape}) with d_out of shape {_shape(out)}",
            "summing over an axis d_out does not have, or reshaping to another size",
            d_out,
            shape,
        )
        if isinstance(got, Finding):
            return got
        wrong = compare(
            f"broadcast_backward(d_out, {shape})",
            f"with d_out of shape {_shape(out)}",
            got,
            _broadcast_reference(d_out, shape),
            _broadcast_mistakes(d_out, shape),
        )
        if wrong is not None:
            return wrong
    return passed(f"broadcast_backward sums back to the input's shape in {len(cases)} broadcasts")


def check_10(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """matmul_backward and broadcast_backward against autograd on many shapes."""
    matmul_backward, broadcast_backward = needs(names, "10")
    return [_matmul_finding(matmul_backward), _broadcast_finding(broadcast_backward)]


# -- exercise 11: softmax cross-entropy, forward and backward -------------------------------

_UNSTABLE = (
    "e^1000 overflows to inf (and inf / inf, inf - inf are nan): subtract each row's "
    "largest logit before e^z (it changes no probability)"
)
_LABELS = "labels: the logits' rows, one class each"


def _ce_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """(logits, labels): the worked example (n = 1), a batch of 32, a row of 1000s, random."""
    cases = [
        (np.array([[2.0, 1.0, 0.0]]), np.array([0])),
        (rng.normal(size=(32, 10)) * 2, rng.integers(0, 10, size=32)),
        (np.array([[1000.0, 999.0, 0.0], [2.0, 1.0, 0.0]]), np.array([1, 0])),
    ]
    for _ in range(30):
        n, c = int(rng.integers(1, 41)), int(rng.integers(2, 9))
        cases.append((rng.normal(size=(n, c)) * 3, rng.integers(0, c, size=n)))
    return cases


def _ce_reference(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Autograd's loss, dL/dz and softmax for logits z and labels y."""
    logits = _t(z)
    loss = cross_entropy(logits, y)
    loss.backward()
    assert logits.grad is not None
    return loss.data, logits.grad, softmax(_t(z, False), axis=1).data


def _ce_where(z: np.ndarray) -> str:
    n, c = z.shape
    big = " (one row has a logit of 1000)" if np.abs(z).max() >= 1000 else ""
    return f"for {n} row{'s' if n > 1 else ''} of {c} logits{big}"


def _softmax_mistakes(z: np.ndarray) -> list[Mistake]:
    e = np.exp(z - z.max())
    return [
        ("softmax goes along each row (axis=1), not down the columns", e / e.sum(axis=0)),
        (
            "each row is divided by its own sum (axis=1, keepdims=True), not the batch's",
            e / e.sum(),
        ),
    ]


def _softmax_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(12)
    cases = _ce_cases(rng)
    for z, y in cases:
        got = _call(fn, f"softmax(logits) {_ce_where(z)}", "", z)
        if isinstance(got, Finding):
            return got
        expected = _ce_reference(z, y)[2]
        wrong = compare(
            "softmax(logits)", _ce_where(z), got, expected, _softmax_mistakes(z), _UNSTABLE
        )
        if wrong is not None:
            return wrong
    return passed(
        f"softmax gives autograd's probabilities for {len(cases)} batches, a logit of 1000 too"
    )


def _loss_mistakes(z: np.ndarray, y: np.ndarray, loss: float) -> list[Mistake]:
    n = len(y)
    logp = log_softmax(_t(z, False), axis=1).data
    return [
        (
            f"the sum over the batch, n = {n} times the mean: divide by n",
            n * loss if n > 1 else None,
        ),
        ("the loss is -log p[label]: the minus sign is missing", -loss),
        ("one loss per example: the loss is their mean, one number", -logp[np.arange(n), y]),
        ("-log p is taken at each row's label only: logp[np.arange(n), labels]", -logp.mean()),
        (
            f"{_LABELS}: logp[np.arange(n), labels], not logp[labels]",
            _attempt(lambda: -logp[y].mean()),
        ),
        (
            f"{_LABELS}: logp[np.arange(n), labels], not logp[:, labels]",
            _attempt(lambda: -logp[:, y].mean()),
        ),
    ]


def _loss_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(12)
    cases = _ce_cases(rng)
    for z, y in cases:
        where = _ce_where(z)
        got = _call(fn, f"cross_entropy(logits, labels) {where}", "", z, y)
        if isinstance(got, Finding):
            return got
        loss = _ce_reference(z, y)[0]
        wrong = compare(
            "cross_entropy(logits, labels)",
            where,
            got,
            loss,
            _loss_mistakes(z, y, float(loss)),
            _UNSTABLE,
        )
        if wrong is not None:
            return wrong
    return passed(
        f"cross_entropy gives autograd's mean loss for {len(cases)} batches, a logit of 1000 too"
    )


def _onehot_misplaced(got: np.ndarray, s: np.ndarray, y: np.ndarray) -> str:
    """The likely mistake when n·got - softmax is whole numbers, but not -onehot(y)."""
    n = len(y)
    if got.shape != s.shape:
        return ""
    subtracted = s - n * got
    whole = np.round(subtracted)
    if not np.allclose(subtracted, whole, atol=1e-6):
        return ""
    rows = [int(i) for i in range(n) if whole[i, y[i]] != 1 or whole[i].sum() != 1]
    if not rows:
        return ""
    i = rows[0]
    cols = [int(c) for c in np.flatnonzero(whole[i])]
    return (
        f"the one-hot went to the wrong entries: row {i} should have 1 subtracted at column "
        f"labels[{i}] = {int(y[i])} only, yours at columns {cols}; "
        "d[np.arange(n), labels] -= 1 (d[labels] picks whole rows, d[:, labels] whole columns)"
    )


def _dlogits_mistakes(z: np.ndarray, y: np.ndarray, grad: np.ndarray) -> list[Mistake]:
    n = len(y)
    s = softmax(_t(z, False), axis=1).data
    onehot = np.zeros_like(s)
    onehot[np.arange(n), y] = 1
    logp = log_softmax(_t(z, False), axis=1).data
    return [
        (
            f"every entry is n = {n} times too big: divide by n, the batch size (the loss is a "
            "mean over the n rows)",
            n * grad if n > 1 else None,
        ),
        (
            "log_softmax where softmax belongs: dL/dz = (softmax(z) - onehot(y)) / n, the "
            "probabilities themselves",
            (logp - onehot) / n,
        ),
        ("the one-hot is missing: subtract 1 at each row's label", s / n),
        ("the sign is flipped: softmax - onehot, not onehot - softmax", -grad),
    ]


def _dlogits_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(12)
    cases = _ce_cases(rng)
    for z, y in cases:
        where = _ce_where(z)
        got = _call(
            fn,
            f"cross_entropy_backward(logits, labels) {where}",
            "labels are the rows' classes: d[np.arange(n), labels], not d[labels, np.arange(n)]",
            z,
            y,
        )
        if isinstance(got, Finding):
            return got
        _, grad, s = _ce_reference(z, y)
        mistakes = _dlogits_mistakes(z, y, grad)
        found = problem(got, grad, mistakes, _UNSTABLE)
        if found is not None:
            summary, details, likely = found
            a = _array(got)
            if not likely and a is not None:
                likely = _onehot_misplaced(a, s, y)
            return failed(f"cross_entropy_backward {where} {summary}", *details, likely=likely)
    return passed(f"cross_entropy_backward gives autograd's dlogits for {len(cases)} batches")


def check_11(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """softmax, the mean cross-entropy and its gradient against autograd, logits of 1000 too."""
    fns = needs(names, "11")
    return [_softmax_finding(fns[0]), _loss_finding(fns[1]), _dlogits_finding(fns[2])]


# -- exercise 12: backprop by hand through a two-layer network ------------------------------

#: Exercise 12's gradients, in the order backward computes them (the table's rows).
GRADIENTS_12 = (
    "logprobs",
    "probs",
    "counts_sum",
    "counts",
    "shifted",
    "logits",
    "h",
    "W2",
    "b2",
    "h_pre",
    "W1",
    "b1",
)
_PARAMS = ("W1", "b1", "W2", "b2")
#: The two batches: (n, D, H, C), every size different so a transpose shows in the shape.
_BATCHES = ((32, 5, 8, 4), (7, 3, 6, 5))


def _batch(rng: np.random.Generator, n: int, d: int, h: int, c: int) -> tuple[Any, ...]:
    """(x, y, params) for one batch, the weights small as an initialisation makes them."""
    x, y = rng.normal(size=(n, d)), rng.integers(0, c, size=n)
    sizes = {"W1": (d, h), "b1": (h,), "W2": (h, c), "b2": (c,)}
    scale = {"W1": 0.5, "b1": 0.1, "W2": 0.5, "b2": 0.1}
    return x, y, {k: rng.normal(size=sizes[k]) * scale[k] for k in _PARAMS}


def _forward_12(x: Any, y: np.ndarray, p: Mapping[str, Any], t: Any) -> dict[str, Any]:
    """The template's forward pass with the tensors of an engine (``t`` makes a constant)."""
    v: dict[str, Any] = {"h_pre": t(x) @ p["W1"] + p["b1"]}
    v["h"] = v["h_pre"].tanh()
    v["logits"] = v["h"] @ p["W2"] + p["b2"]
    v["row_max"] = t(v["logits"].detach().numpy().max(axis=1, keepdims=True))
    v["shifted"] = v["logits"] - v["row_max"]
    v["counts"] = v["shifted"].exp()
    v["counts_sum"] = v["counts"].sum(axis=1, keepdims=True)
    v["probs"] = v["counts"] / v["counts_sum"]
    v["logprobs"] = v["probs"].log()
    v["loss"] = -v["logprobs"][np.arange(len(y)), y].mean()
    return v


def _autograd_12(x: np.ndarray, y: np.ndarray, p: Arrays) -> tuple[Arrays, Arrays]:
    """neuronlab's values of every intermediate, and every gradient, for one batch."""
    params = {k: _t(a) for k, a in p.items()}
    v = _forward_12(x, y, params, lambda a: _t(a, False))
    v["loss"].backward()
    grads = {k: (params[k] if k in params else v[k]).grad for k in GRADIENTS_12}
    return {k: t.data for k, t in v.items()}, {k: g for k, g in grads.items() if g is not None}


def _torch_12(x: np.ndarray, y: np.ndarray, p: Arrays) -> Arrays | None:
    """PyTorch's gradients for the same batch, or None when PyTorch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    params = {k: torch.tensor(a, dtype=torch.float64, requires_grad=True) for k, a in p.items()}
    v = _forward_12(x, y, params, lambda a: torch.tensor(a, dtype=torch.float64))
    for k in GRADIENTS_12:
        if k in v:
            v[k].retain_grad()
    v["loss"].backward()
    grads = {k: (params[k] if k in params else v[k]).grad for k in GRADIENTS_12}
    return {k: g.numpy() for k, g in grads.items() if g is not None}


def _bias_mistakes(name: str, upstream: str, g: np.ndarray) -> list[Mistake]:
    """A bias gradient that kept the batch, its axis, or summed the wrong way."""
    right = f"d{name} = d{upstream}.sum(axis=0)"
    return [
        (f"{name} is added to every row of the batch: its gradient sums over them, {right}", g),
        (f"d{name} has {name}'s shape, without the batch axis: {right}", g.sum(0, keepdims=True)),
        (f"the sum goes over the batch (axis 0), not across a row: {right}", g.sum(axis=1)),
    ]


def _mistakes_12(name: str, x: np.ndarray, p: Arrays, v: Arrays, g: Arrays) -> list[Mistake]:
    """The usual mistakes of one gradient, each computed from autograd's other gradients."""
    n, e = len(x), g[name]
    by_name: dict[str, list[Mistake]] = {
        "probs": [("d log(u)/du = 1/u: dprobs = dlogprobs / probs", g["logprobs"] * v["probs"])],
        "counts_sum": [
            (
                "counts_sum is broadcast across each row: its gradient sums the row back "
                "(axis=1, keepdims=True)",
                -v["counts"] / v["counts_sum"] ** 2 * g["probs"],
            ),
        ],
        "counts": [
            (
                "counts is used twice, in probs and in counts_sum: add both contributions, "
                "dprobs / counts_sum + dcounts_sum",
                g["probs"] / v["counts_sum"],
            ),
        ],
        "shifted": [("d e^u/du = e^u: dshifted = dcounts * counts", g["counts"])],
        "h": [
            ("W2 needs its transpose: dh = dlogits @ W2ᵀ", _attempt(lambda: g["logits"] @ p["W2"]))
        ],
        "W2": [("dW2 came out transposed: dW2 = hᵀ @ dlogits has W2's shape (H, C)", e.T)],
        "b2": _bias_mistakes("b2", "logits", g["logits"]),
        "h_pre": [
            (
                "the tanh derivative is 1 - h² at the output h = tanh(h_pre), not 1 - h_pre²",
                (1 - v["h_pre"] ** 2) * g["h"],
            ),
            ("the tanh's derivative is missing: dh_pre = (1 - h²) * dh", g["h"]),
        ],
        "W1": [("dW1 came out transposed: dW1 = xᵀ @ dh_pre has W1's shape (D, H)", e.T)],
        "b1": _bias_mistakes("b1", "h_pre", g["h_pre"]),
    }
    too_big = (
        "dlogprobs is -1/n at [i, y[i]], not -1 (the loss is a mean)"
        if name == "logprobs"
        else "a 1/n is missing"
    )
    return by_name.get(name, []) + [
        (f"every entry is n = {n} times too big: {too_big}", n * e),
        (f"every entry is n = {n} times too small: the 1/n is divided twice", e / n),
        ("the sign is flipped", -e),
    ]


def _row(name: str, shape: tuple[int, ...]) -> str:
    return f"d{name:<11}{_shape(shape):<8}"


def _table_12(
    got: Mapping[str, Any], x: np.ndarray, p: Arrays, v: Arrays, g: Arrays
) -> list[Finding]:
    """One row per gradient: exact, close, or what is wrong (the first wrong one in full)."""
    rows, first = [], ""
    for name in GRADIENTS_12:
        row, mine, e = _row(name, g[name].shape), got.get(name), g[name]
        a = None if mine is None else _array(mine)
        if mine is None:
            rows.append(failed(f"{row} not written yet (None)"))
        elif a is not None and a.shape == e.shape and np.array_equal(a, e):
            rows.append(passed(f"{row} exact"))
        elif a is not None and close(a, e):
            rows.append(passed(f"{row} close (largest difference {_number(np.abs(a - e).max())})"))
        else:
            found = problem(mine, e, _mistakes_12(name, x, p, v, g))
            assert found is not None
            summary, details, likely = found
            if first:
                details, likely = [f"after d{first}, which is wrong: fix that one first"], ""
            first = first or name
            rows.append(failed(f"{row} {summary}", *details, likely=likely))
    return rows


def _copies(arrays: Mapping[str, np.ndarray]) -> Arrays:
    return {k: np.array(a) for k, a in arrays.items()}


_MISFIT = (
    "shapes that do not line up: each gradient has its value's shape (the comments say "
    "which); a matrix product's gradient needs a transpose (exercise 10)"
)
_WRITTEN_IN = "a size written into the code? take n from len(y), the others from arrays' shapes"


def _backward_12(
    backward: Any, x: np.ndarray, y: np.ndarray, p: Arrays, v: Arrays, where: str = ""
) -> Any:
    """The learner's gradients by name, or a finding saying why there are none."""
    got = _call(
        backward,
        f"backward(x, y, p, v){where}",
        f"it worked on the first batch: {_WRITTEN_IN}" if where else _MISFIT,
        x,
        y,
        _copies(p),
        _copies(v),
    )
    if isinstance(got, Finding):
        return got
    if not isinstance(got, Mapping):
        return failed(
            "backward(x, y, p, v) should return a dict of gradients by name",
            f"it returned {type(got).__name__}: {got!r:.80}",
        )
    if all(got.get(k) is None for k in GRADIENTS_12):
        raise NotImplementedError(
            f"12: backward is not written yet: it returns None for every gradient"
            f"{_defined_at(backward)}; write them one line each, from dlogprobs down"
        )
    return got


def _defined_at(fn: Any) -> str:
    """`` (line 58: def backward)`` for a function of the learner's, or ""."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    return f" (line {code.co_firstlineno}: def {getattr(fn, '__name__', 'backward')})"


def _forward_finding(forward: Any, x: np.ndarray, y: np.ndarray, p: Arrays, v: Arrays) -> Finding:
    """The learner's forward (given in the template) against autograd's values."""
    got = _call(forward, "forward(x, y, p)", "", x, y, _copies(p))
    if isinstance(got, Finding):
        return got
    for name, expected in v.items():
        if not isinstance(got, Mapping) or name not in got:
            return failed(
                f"forward(x, y, p) returns no {name!r}",
                likely="forward is written for you: keep it as the template has it",
            )
        found = problem(got[name], expected)
        if found is not None:
            summary, details, _ = found
            return failed(
                f"{name} from forward(x, y, p) {summary}",
                *details,
                likely="forward is written for you: keep it as the template has it (tanh)",
            )
    loss = _number(float(v["loss"]))
    return passed(f"forward gives autograd's loss {loss} and every intermediate")


def _pytorch_12(got: Mapping[str, Any], x: np.ndarray, y: np.ndarray, p: Arrays) -> Finding:
    """Gradients that match neuronlab's autograd, held against PyTorch's (when installed)."""
    theirs = _torch_12(x, y, p)
    if theirs is None:
        return passed("PyTorch is not installed: checked against neuronlab's autograd only")
    for name in GRADIENTS_12:
        mine = _array(got.get(name))
        if mine is None or not close(mine, theirs[name]):
            return failed(
                f"PyTorch's autograd disagrees on d{name}, though neuronlab's agrees with yours",
                likely="a bug in neuronlab, not in your code: please report it",
            )
    return passed("PyTorch's autograd gives the same gradients as yours")


def _second_batch(backward: Any, rng: np.random.Generator) -> Finding:
    n, d, h, c = _BATCHES[1]
    x, y, p = _batch(rng, n, d, h, c)
    v, g = _autograd_12(x, y, p)
    where = f"on a second batch (n = {n}, D = {d}, H = {h}, C = {c})"
    got = _backward_12(backward, x, y, p, v, f" {where}")
    if isinstance(got, Finding):
        return got
    for name in GRADIENTS_12:
        found = problem(got.get(name), g[name], _mistakes_12(name, x, p, v, g))
        if found is not None:
            summary, details, likely = found
            likely = likely or _WRITTEN_IN
            return failed(f"d{name} {where} {summary}", *details, likely=likely)
    return passed(f"every gradient is right {where} too")


def check_12(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """Every gradient of backward against autograd's, as a table; then a second batch, and
    PyTorch's gradients where it is installed."""
    forward, backward = needs(names, "12")
    rng = np.random.default_rng(13)
    x, y, p = _batch(rng, *_BATCHES[0])
    v, g = _autograd_12(x, y, p)
    findings = [_forward_finding(forward, x, y, p, v)]
    got = _backward_12(backward, x, y, p, v)
    if isinstance(got, Finding):
        return [*findings, got]
    findings += _table_12(got, x, p, v, g)
    if all(f.ok for f in findings):
        findings.append(_second_batch(backward, rng))
    if all(f.ok for f in findings):
        findings.append(_pytorch_12(got, x, y, p))
    return findings
