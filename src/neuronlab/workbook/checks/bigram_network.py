"""Check of exercise 14: the bigram network, one-hot times W, softmax written out, descent.

The reference is neuronlab's tensor engine: ``losses.cross_entropy`` of
one_hot(xs) @ W, its ``backward()``, and the same descent steps.  The
learner's loss must be a Tensor whose backward reaches W; it is tried on
the names, on random tables of other sizes (n equal to V too, where a row
sum without keepdims runs and is wrong) and on logits of about 100, which
overflow float32's e^z unless each row's max is subtracted first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ...data.text import context_windows
from ...data.words import names as all_names
from ...losses import cross_entropy
from ...nn.engines import TENSOR
from ...tensor import Tensor
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .arrays import Mistake, attempt, shape_text
from .handed import call_twice, call_watched
from .names import needs
from .nearly import compare_near

__all__ = ["check_14"]

_UNSTABLE = (
    "float32's e^z overflows past z = 88 (inf, and inf / inf is nan): subtract each row's "
    "largest logit before .exp(); it changes no probability"
)


_TRANSPOSED = (
    "W[i, j] is the logit of j after i: one_hot @ W picks row i; W.T picks column i "
    "(both fit because W is square)"
)
_MISFIT = (
    "shapes that do not fit: a row sum without keepdims=True has shape (n,) where (n, 1) "
    "belongs; one_hot(xs, V) @ W is (n, V) @ (V, V)"
)


def _onehot(ix: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros((len(ix), size))
    out[np.arange(len(ix)), ix] = 1.0
    return out


def _onehot_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(18)
    cases = [(np.array([0, 2]), 3), (np.array([1, 1, 0, 4]), 5)]
    for _ in range(10):
        size = int(rng.integers(2, 30))
        cases.append((rng.integers(0, size, size=int(rng.integers(1, 40))), size))
    for ix, size in cases:
        call = f"one_hot(ix, {size}) for {len(ix)} indices"
        got = call_twice(fn, call, "", {"ix": ix, "size": size})
        if isinstance(got, Finding):
            return got
        mistakes: list[Mistake] = [
            (
                "one row per index: shape (len(ix), size), row k has its 1 at column ix[k]",
                _onehot(ix, size).T,
            ),
        ]
        wrong = compare_near(
            "one_hot(ix, size)",
            f"for {len(ix)} indices, size {size}",
            got,
            _onehot(ix, size),
            mistakes,
        )
        if wrong is not None:
            return wrong
        if np.asarray(got).dtype.kind != "f":
            return failed(
                f"{call} gives {np.asarray(got).dtype} numbers",
                likely="make it float (np.zeros(..., dtype=np.float32)), as the "
                "lecture's .float(): the product with W is a float product",
            )
    return passed(f"one_hot gives the one-hot rows for {len(cases)} lists of indices")


def _loss_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, str]]:
    """(W, xs, ys, what): the names with W = 0, random tables (one with n = V), large logits."""
    X, Y = context_windows(all_names()[:500], 1)
    cases = [(np.zeros((27, 27)), X[:, 0], Y, "the first 500 names' bigrams, W = 0")]
    for v, n in ((27, 64), (27, 27), (5, 9), (8, 3)):
        W = rng.standard_normal((v, v))
        cases.append((W, rng.integers(0, v, n), rng.integers(0, v, n), f"W {v}×{v}, n = {n}"))
    W = 100 + rng.standard_normal((6, 6))
    cases.append((W, rng.integers(0, 6, 10), rng.integers(0, 6, 10), "logits of about 100"))
    return [(W.astype(np.float32), xs, ys, what) for W, xs, ys, what in cases]


def _reference_loss(W: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[float, np.ndarray]:
    t = Tensor(W, requires_grad=True)
    loss = cross_entropy(Tensor(_onehot(xs, len(W)).astype(np.float32)) @ t, ys)
    loss.backward()
    assert t.grad is not None
    return float(loss.item()), t.grad.copy()


def _loss_mistakes(W: np.ndarray, xs: np.ndarray, ys: np.ndarray, loss: float) -> list[Mistake]:
    n, w = len(ys), W.astype(np.float64)

    def probs(logits: np.ndarray, axis: int = 1, keep: bool = True) -> np.ndarray:
        e = np.exp(logits - logits.max())
        return e / e.sum(axis=axis, keepdims=keep)

    def mean_nll(logits: np.ndarray, axis: int = 1, keep: bool = True) -> float:
        return float(-np.log(probs(logits, axis, keep)[np.arange(n), ys]).mean())

    rows = "probs = counts / counts.sum(axis=1, keepdims=True)"
    return [
        (
            f"the row sums have shape (n,) without keepdims=True: (n, V) / (n,) divides column k "
            f"by row k's sum (it runs only because n = V here); {rows}",
            attempt(lambda: mean_nll(w[xs], 1, False)),
        ),
        (
            f"softmax goes along each row (axis=1), not down the columns; {rows}",
            attempt(lambda: mean_nll(w[xs], 0)),
        ),
        (
            _TRANSPOSED,
            attempt(lambda: mean_nll(w.T[xs])),
        ),
        ("the loss is -log p: the minus sign is missing", -loss),
        (f"the sum over the n = {n} examples: the loss is their mean", n * loss if n > 1 else None),
        (
            "log p is taken at each row's label only: probs[np.arange(n), ys], not probs[:, ys]",
            attempt(lambda: -np.log(probs(w[xs])[:, ys]).mean()),
        ),
    ]


def _loss_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(19)
    for W, xs, ys, what in _loss_cases(rng):
        weights = Tensor(W, requires_grad=True)
        call = f"bigram_loss(W, xs, ys) for {what}"
        got = call_twice(fn, call, _MISFIT, {"W": weights, "xs": xs, "ys": ys})
        if isinstance(got, Finding):
            return got
        if not TENSOR.is_node(got):
            return failed(
                f"{call} returned {type(got).__name__}, not a Tensor",
                likely="build the loss from W with Tensor operations (@, .exp(), "
                ".sum(), .log(), .mean()) so that loss.backward() reaches W",
            )
        loss, grad = _reference_loss(W, xs, ys)
        wrong = compare_near(
            "bigram_loss(W, xs, ys)",
            f"for {what}",
            got.data,
            loss,
            _loss_mistakes(W, xs, ys, loss),
            _UNSTABLE,
        )
        if wrong is not None:
            return wrong
        weights.grad = None
        got.backward()
        wrong = compare_near(
            "W.grad after bigram_loss(W, xs, ys).backward()",
            f"for {what}",
            weights.grad,
            grad,
            ((_TRANSPOSED, grad.T),),
            _UNSTABLE,
        )
        if wrong is not None:
            return wrong
    return passed(
        "bigram_loss gives autograd's loss and W.grad: the names, random tables, logits of 100"
    )


def _descend(
    W: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    steps: int,
    lr: float,
    zero: bool = True,
    sign: float = 1.0,
) -> tuple[list[float], np.ndarray]:
    t = Tensor(W, requires_grad=True)
    losses = []
    for _ in range(steps):
        loss = cross_entropy(Tensor(_onehot(xs, len(W)).astype(np.float32)) @ t, ys)
        if zero:
            t.grad = None
        loss.backward()
        assert t.grad is not None
        t.data -= sign * lr * t.grad
        losses.append(float(loss.item()))
    return losses, t.data


def _train_mistakes(
    W: np.ndarray, xs: np.ndarray, ys: np.ndarray, steps: int, lr: float
) -> list[Mistake]:
    losses, _ = _descend(W, xs, ys, steps + 1, lr)
    return [
        (
            "the gradient piles up from step to step: set W.grad = None (or W.zero_grad()) "
            "before each backward",
            np.array(_descend(W, xs, ys, steps, lr, zero=False)[0]),
        ),
        (
            "a step goes down the gradient: W.data -= lr * W.grad",
            np.array(_descend(W, xs, ys, steps, lr, sign=-1.0)[0]),
        ),
        (
            "the losses listed are those before each step, the first one at the start",
            np.array(losses[1:]),
        ),
        (
            "each step moves by lr times the gradient: W.data -= lr * W.grad",
            np.array(_descend(W, xs, ys, steps, 1.0)[0]) if lr != 1.0 else None,
        ),
        *(
            (
                f"train_bigram ignores its argument lr: it stepped as lr = {fixed:g} would; use "
                "the lr it is given",
                np.array(_descend(W, xs, ys, steps, fixed)[0]),
            )
            for fixed in (50.0, 10.0, 0.1)
            if fixed != lr
        ),
    ]


def _train_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(20)
    X, Y = context_windows(all_names()[:300], 1)
    cases = [(rng.standard_normal((27, 27)).astype(np.float32), X[:, 0], Y, 5, 50.0)]
    cases.append(
        (
            rng.standard_normal((6, 6)).astype(np.float32),
            rng.integers(0, 6, 40),
            rng.integers(0, 6, 40),
            3,
            2.0,
        )
    )
    for W, xs, ys, steps, lr in cases:
        weights = Tensor(W, requires_grad=True)
        call = f"train_bigram(W, xs, ys, {steps}, {lr:g}) for W {shape_text(W.shape)}"
        got = call_watched(
            fn,
            call,
            "",
            {"W": weights, "xs": xs, "ys": ys, "steps": steps, "lr": lr},
            may_change=("W",),
        )
        if isinstance(got, Finding):
            return got
        losses, trained = _descend(W, xs, ys, steps, lr)
        try:
            listed = [float(x) for x in got]
        except (TypeError, ValueError):
            return failed(
                f"{call} should return the list of losses, floats",
                f"it returned {type(got).__name__}: {got!r:.80}",
            )
        wrong = compare_near(
            "the losses of " + call.split(" for")[0],
            f"for W {W.shape}",
            np.array(listed),
            losses,
            _train_mistakes(W, xs, ys, steps, lr),
            rel=1e-4,
        )
        if wrong is not None:
            return wrong
        wrong = compare_near(
            "W after " + call.split(" for")[0],
            "",
            weights.data,
            trained,
            (("W is trained in place: W.data -= lr * W.grad", W),),
            rel=1e-4,
        )
        if wrong is not None:
            return wrong
    return passed("train_bigram takes autograd's descent steps: the losses and W agree")


def check_14(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """one_hot, the loss and its gradient, and the descent, against neuronlab's autograd."""
    one_hot, bigram_loss, train_bigram = needs(names, "14")
    return [_onehot_finding(one_hot), _loss_finding(bigram_loss), _train_finding(train_bigram)]
