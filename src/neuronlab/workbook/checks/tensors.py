"""Checks of exercises 10 and 11: the backward of a matrix product and of a broadcast sum,
and softmax cross-entropy forward and backward, written by hand in NumPy.

The reference is neuronlab's tensor engine: each check builds the same
computation from ``Tensor``s on the worked examples and on random inputs and
shapes, calls ``backward()``, and compares (``arrays``).  A difference is
matched against the usual mistakes: a missing transpose, a sum over the
wrong axes, a forgotten 1/n, a one-hot in the wrong places.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ...losses import cross_entropy
from ...tensor import log_softmax, softmax
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .arrays import (
    Mistake,
    as_array,
    attempt,
    call_learner,
    compare,
    problem,
    shape_text,
    tensor_of,
)
from .names import needs

__all__ = [
    "check_10",
    "check_11",
]


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
    a, b = tensor_of(A), tensor_of(B)
    ((a @ b) * tensor_of(dC, False)).sum().backward()
    assert a.grad is not None
    assert b.grad is not None
    return a.grad, b.grad


def _matmul_mistakes(A: np.ndarray, B: np.ndarray, dC: np.ndarray) -> tuple[list[Mistake], ...]:
    swapped = "dA and dB are swapped: return (dA, dB), dA = dC @ Bᵀ first"
    for_a: list[Mistake] = [
        (
            "B needs its transpose: dA = dC @ Bᵀ, (n, m) @ (m, k) -> (n, k)",
            attempt(lambda: dC @ B),
        ),
        ("dA came out transposed: dA = dC @ Bᵀ has A's shape", attempt(lambda: B @ dC.T)),
        (swapped, attempt(lambda: A.T @ dC)),
    ]
    for_b: list[Mistake] = [
        (
            "the operands are swapped: dB = Aᵀ @ dC, (k, n) @ (n, m) -> (k, m); "
            "dC @ Aᵀ is another matrix",
            attempt(lambda: dC @ A.T),
        ),
        ("dB came out transposed: dB = Aᵀ @ dC has B's shape", attempt(lambda: dC.T @ A)),
        ("A needs its transpose: dB = Aᵀ @ dC", attempt(lambda: A @ dC)),
        (swapped, attempt(lambda: dC @ B.T)),
    ]
    return for_a, for_b


def _rank_one(got: Any, expected: np.ndarray, name: str) -> str:
    """The likely mistake when the learner's matrix has rank 1 (every row a multiple of one
    row) though autograd's has not: sums multiplied entry by entry, not a matrix product."""
    a = np.asarray(got, dtype=np.float64) if isinstance(got, np.ndarray) else None
    if a is None or a.shape != expected.shape or a.ndim != 2 or min(a.shape) < 2:
        return ""
    if not np.isfinite(a).all() or np.linalg.matrix_rank(a) != 1:
        return ""
    if np.linalg.matrix_rank(expected) < 2:
        return ""
    product = "dC @ Bᵀ" if name == "dA" else "Aᵀ @ dC"
    return (
        f"your {name} has rank 1 (every row a multiple of one row): sums multiplied entry by "
        f"entry (elementwise *) where a matrix product belongs; {name} = {product}, each "
        "entry a sum of products"
    )


def _matmul_finding(matmul_backward: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(10)
    cases = list(_matmul_cases(rng))
    for A, B, dC in cases:
        where = f"for A {shape_text(A.shape)} @ B {shape_text(B.shape)}"
        got = call_learner(
            matmul_backward,
            f"matmul_backward(dC, A, B) {where}, dC {shape_text(dC.shape)}",
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
                return failed(
                    wrong.message, *wrong.details, likely=wrong.likely or _rank_one(g, e, name)
                )
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
    x = tensor_of(np.zeros(shape))
    ((x + tensor_of(np.zeros(d_out.shape), False)) * tensor_of(d_out, False)).sum().backward()
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
    sums = f"sum over axes {right} of d_out {shape_text(d_out.shape)} to get {shape_text(shape)}"
    found: list[Mistake] = [
        (f"not summed: the gradient kept the broadcast shape; {sums}", d_out),
        (f"summed over every axis: only the stretched ones are summed; {sums}", d_out.sum()),
    ]
    for size in range(1, d_out.ndim + 1):
        for axes in itertools.combinations(range(d_out.ndim), size):
            for keep in (False, True):
                summed = d_out.sum(axis=axes, keepdims=keep)
                said = (
                    f"the right axes {axes}, but shape {shape_text(summed.shape)}: the leading "
                    "axes broadcasting added go, the input's axes of size 1 stay "
                    f"(keepdims=True, or reshape to {shape_text(shape)})"
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
        got = call_learner(
            broadcast_backward,
            f"broadcast_backward(d_out, {shape}) with d_out of shape {shape_text(out)}",
            "summing over an axis d_out does not have, or reshaping to another size",
            d_out,
            shape,
        )
        if isinstance(got, Finding):
            return got
        wrong = compare(
            f"broadcast_backward(d_out, {shape})",
            f"with d_out of shape {shape_text(out)}",
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
#: The likely mistake of a loss that is inf or nan where autograd's is finite.
_LOG_OF_ZERO = (
    "log of a probability that rounds to 0 is -inf: take the log first, "
    "log p = (z - max) - log Σ e^(z - max), instead of log(softmax(z))"
)
_LABELS = "labels: the logits' rows, one class each"


def _ce_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """(logits, labels): the worked example (n = 1), a batch of 32, a row of 1000s, random."""
    cases = [
        (np.array([[2.0, 1.0, 0.0]]), np.array([0])),
        (rng.normal(size=(32, 10)) * 2, rng.integers(0, 10, size=32)),
        (np.array([[1000.0, 999.0, 0.0], [2.0, 1.0, 0.0]]), np.array([1, 0])),
        (np.array([[1000.0, 999.0, 0.0]]), np.array([2])),  # p rounds to 0, -log p is 1000.31
    ]
    for _ in range(30):
        n, c = int(rng.integers(1, 41)), int(rng.integers(2, 9))
        cases.append((rng.normal(size=(n, c)) * 3, rng.integers(0, c, size=n)))
    return cases


def _ce_reference(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Autograd's loss, dL/dz and softmax for logits z and labels y."""
    logits = tensor_of(z)
    loss = cross_entropy(logits, y)
    loss.backward()
    assert logits.grad is not None
    return loss.data, logits.grad, softmax(tensor_of(z, False), axis=1).data


def _ce_where(z: np.ndarray) -> str:
    n, c = z.shape
    big = " (one row has a logit of 1000)" if np.abs(z).max() >= 1000 else ""
    return f"for {n} row{'s' if n > 1 else ''} of {c} logits{big}"


def _softmax_mistakes(z: np.ndarray) -> list[Mistake]:
    e = np.exp(z - z.max())  # a column of a row of 1000s sums to 0: attempt keeps NumPy quiet
    return [
        (
            "softmax goes along each row (axis=1), not down the columns",
            attempt(lambda: e / e.sum(axis=0)),
        ),
        (
            "each row is divided by its own sum (axis=1, keepdims=True), not the batch's",
            e / e.sum(),
        ),
    ]


def _softmax_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(12)
    cases = _ce_cases(rng)
    for z, y in cases:
        got = call_learner(fn, f"softmax(logits) {_ce_where(z)}", "", z)
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
    logp = log_softmax(tensor_of(z, False), axis=1).data
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
            attempt(lambda: -logp[y].mean()),
        ),
        (
            f"{_LABELS}: logp[np.arange(n), labels], not logp[:, labels]",
            attempt(lambda: -logp[:, y].mean()),
        ),
        *(
            (
                f"the probabilities are clipped to {eps:g} before the log, so a probability "
                "that rounds to 0 gives -log(eps) instead of the true loss: take the log from "
                "the logits, log p = (z - max) - log Σ e^(z - max), no clip",
                -np.log(np.clip(np.exp(logp), eps, 1.0))[np.arange(n), y].mean(),
            )
            for eps in (1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15)
        ),
    ]


def _unstable_loss(z: np.ndarray, y: np.ndarray) -> str:
    """Why a loss is inf or nan here: e^z overflowed, or (where the log of a stable softmax
    would be inf itself) a probability rounded to 0 before its log."""
    with np.errstate(divide="ignore"):
        logged = -np.log(softmax(tensor_of(z, False), axis=1).data[np.arange(len(y)), y]).mean()
    return _LOG_OF_ZERO if np.isinf(logged) else _UNSTABLE


def _loss_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(12)
    cases = _ce_cases(rng)
    for z, y in cases:
        where = _ce_where(z)
        got = call_learner(fn, f"cross_entropy(logits, labels) {where}", "", z, y)
        if isinstance(got, Finding):
            return got
        loss = _ce_reference(z, y)[0]
        wrong = compare(
            "cross_entropy(logits, labels)",
            where,
            got,
            loss,
            _loss_mistakes(z, y, float(loss)),
            _unstable_loss(z, y),
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
    s = softmax(tensor_of(z, False), axis=1).data
    onehot = np.zeros_like(s)
    onehot[np.arange(n), y] = 1
    logp = log_softmax(tensor_of(z, False), axis=1).data
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
        got = call_learner(
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
            a = as_array(got)
            if not likely and a is not None:
                likely = _onehot_misplaced(a, s, y)
            return failed(f"cross_entropy_backward {where} {summary}", *details, likely=likely)
    return passed(f"cross_entropy_backward gives autograd's dlogits for {len(cases)} batches")


def check_11(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """softmax, the mean cross-entropy and its gradient against autograd, logits of 1000 too."""
    fns = needs(names, "11")
    return [_softmax_finding(fns[0]), _loss_finding(fns[1]), _dlogits_finding(fns[2])]
