"""Check of exercise 17: cross-entropy's and BatchNorm's backward in one line each, every
parameter's gradient without autograd, and training with them to a dev loss of 2.12.

The references are neuronlab's autograd: ``losses.cross_entropy`` for
dlogits (logits of 100 in float32 and 1000 in float64 too), the BatchNorm
atoms of exercise 16 (Bessel's n - 1) for dhprebn, and ``ninja.autograd_atoms``
for the parameters' gradients.  Last, the check trains the network itself
with the learner's ``gradients`` (TRAINING: a fixed start, batches and
rate) and evaluates the dev split with BatchNorm calibrated on the training
set, as the lecture does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...data.text import Vocabulary, context_windows, split_words
from ...data.words import names as all_names
from ...losses import cross_entropy
from ...tensor import F64, Tensor, log_softmax, softmax
from ...util.threads import one_blas_thread
from ..catalog import exercise
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .arrays import Arrays, Mistake, attempt, number_text, tensor_of
from .handed import call_twice
from .names import needs
from .nearly import FLOAT32, compare_near
from .ninja import (
    APPROXIMATELY,
    PARAMETERS,
    autograd_atoms,
    gradient_mistakes,
    gradient_scale,
    init_parameters,
    lecture_batch,
)

__all__ = ["DEV_LOSS", "TRAINING", "Training", "calibrated_loss", "check_17"]


@dataclass(frozen=True)
class Training:
    """How the check trains: hidden units, steps, batch size, learning rate (÷10 for the
    last quarter), and the seed of the start and of the batches."""

    n_hidden: int = 200
    steps: int = 20_000
    batch_size: int = 256
    lr: float = 0.6
    seed: int = 2147483647


#: The check's training; measured with the reference: a dev loss of 2.106-2.108, ~25 s idle.
TRAINING = Training()
#: The dev loss the trained network must reach.
DEV_LOSS = 2.12

_UNSTABLE = (
    "e^z overflows (past z = 88 in float32, 709 in float64) to inf, and inf / inf is nan: "
    "subtract each row's largest logit before e^z; it changes no probability"
)


# -- cross-entropy's backward ---------------------------------------------------------------


def _ce_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, str]]:
    cases = [(np.array([[2.0, 1.0, 0.0]]), np.array([0]), "the worked example")]
    z = rng.standard_normal((32, 27)).astype(np.float32) * 2
    cases.append((z, rng.integers(0, 27, 32), "a float32 batch of 32 × 27"))
    for n, c in ((7, 5), (1, 9), (20, 3)):
        cases.append((rng.standard_normal((n, c)) * 3, rng.integers(0, c, n), f"{n} × {c}"))
    big = (100 + rng.standard_normal((6, 4))).astype(np.float32)
    cases.append((big, rng.integers(0, 4, 6), "float32 logits of about 100"))
    cases.append((np.array([[1000.0, 999.0, 0.0]]), np.array([2]), "a logit of 1000"))
    return cases


def _ce_reference(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    logits = tensor_of(z)
    cross_entropy(logits, y).backward()
    assert logits.grad is not None
    return logits.grad


def _ce_mistakes(z: np.ndarray, y: np.ndarray, grad: np.ndarray) -> list[Mistake]:
    n = len(y)
    s = softmax(tensor_of(z, False), axis=1).data
    logp = log_softmax(tensor_of(z, False), axis=1).data
    onehot = np.zeros_like(s)
    onehot[np.arange(n), y] = 1
    return [
        (
            f"every entry is n = {n} times too big: divide by n (the loss is a mean)",
            n * grad if n > 1 else None,
        ),
        ("log_softmax where softmax belongs: (softmax - onehot) / n", (logp - onehot) / n),
        ("the one-hot is missing: subtract 1 at each row's label", s / n),
        ("the sign is flipped: softmax - onehot", -grad),
        (
            "the one-hot goes at [np.arange(n), Y], one entry a row, not d[:, Y]",
            attempt(lambda: _onehot_columns(s, y) / n),
        ),
    ]


def _onehot_columns(s: np.ndarray, y: np.ndarray) -> np.ndarray:
    d = s.copy()
    d[:, y] -= 1
    return d


def _ce_finding(fn: Callable[..., Any]) -> Finding:
    for z, y, what in _ce_cases(np.random.default_rng(24)):
        call = f"cross_entropy_backward(logits, Y) for {what}"
        got = call_twice(fn, call, "", {"logits": z, "Y": y})
        if isinstance(got, Finding):
            return got
        grad = _ce_reference(z, y)
        wrong = compare_near(
            "cross_entropy_backward(logits, Y)",
            f"for {what}",
            got,
            grad,
            _ce_mistakes(z, y, grad),
            _UNSTABLE,
            FLOAT32,
        )
        if wrong is not None:
            return wrong
    return passed("cross_entropy_backward gives autograd's dlogits, logits of 100 and 1000 too")


# -- BatchNorm's backward -------------------------------------------------------------------


def _bn_case(rng: np.random.Generator, n: int, h: int) -> tuple[Arrays, np.ndarray]:
    """The learner's arguments (dhpreact, bngain, bnvar_inv, bnraw) and autograd's dhprebn."""
    hprebn = tensor_of(rng.standard_normal((n, h)) * 2 + 1)
    gain = rng.standard_normal((1, h)) * 0.2 + 1
    dhpreact = rng.standard_normal((n, h))
    mean = 1 / n * hprebn.sum(0, keepdims=True)
    diff = hprebn - mean
    var_inv = (1 / (n - 1) * (diff**2).sum(0, keepdims=True) + 1e-5) ** -0.5
    raw = diff * var_inv
    (raw * Tensor(gain * dhpreact, dtype=F64)).sum().backward()
    assert hprebn.grad is not None
    args = {"dhpreact": dhpreact, "bngain": gain, "bnvar_inv": var_inv.data, "bnraw": raw.data}
    return args, hprebn.grad


def _bn_mistakes(a: Arrays) -> list[Mistake]:
    d, g, vi, r = a["dhpreact"], a["bngain"], a["bnvar_inv"], a["bnraw"]
    n = len(d)

    def formula(
        bessel: float, axis: int = 0, gain: Any = g, inv: Any = vi, keep: bool = False
    ) -> Any:
        return attempt(
            lambda: (
                gain
                * inv
                / n
                * (
                    n * d
                    - d.sum(axis, keepdims=keep)
                    - bessel * r * (d * r).sum(axis, keepdims=keep)
                )
            )
        )

    return [
        (
            "n instead of n - 1: the forward's variance divides by n - 1 (Bessel), which puts "
            "n / (n - 1) before bnraw * (dhpreact * bnraw).sum(0)",
            formula(1.0),
        ),
        ("the factor is the other way round: n / (n - 1), not (n - 1) / n", formula((n - 1) / n)),
        (
            "the sums go over the batch, axis 0: a sum over axis 1 has shape (n,) and broadcasts "
            "against the H columns (it runs only because n = H here)",
            formula(n / (n - 1), 1),
        ),
        (
            "the sums go over the batch, axis 0 (a mean and a variance per column): yours sum "
            "each row, over axis 1",
            formula(n / (n - 1), 1, keep=True),
        ),
        (
            "bngain multiplies it all: dhprebn = bngain * bnvar_inv / n * (...)",
            formula(n / (n - 1), gain=1.0),
        ),
        (
            "bnvar_inv multiplies it all: dhprebn = bngain * bnvar_inv / n * (...)",
            formula(n / (n - 1), inv=1.0),
        ),
    ]


def _bn_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(25)
    for n, h in ((16, 16), (32, 64), (5, 3), (2, 7), (40, 9)):
        args, expected = _bn_case(rng, n, h)
        call = f"batchnorm_backward(dhpreact, bngain, bnvar_inv, bnraw) for n = {n}, H = {h}"
        got = call_twice(fn, call, "", args)
        if isinstance(got, Finding):
            return got
        wrong = compare_near(
            "batchnorm_backward",
            f"for n = {n}, H = {h}",
            got,
            expected,
            _bn_mistakes(args),
            "",
            1e-7,
        )
        if wrong is not None:
            return wrong
    return passed(
        "batchnorm_backward gives autograd's dhprebn through BatchNorm's atoms, for 5 batch sizes"
    )


# -- every parameter's gradient -------------------------------------------------------------


def _gradients_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, Arrays, str]]:
    X, Y = lecture_batch()
    cases = [(X, Y, init_parameters(2147483647, n_hidden=200), "a batch of 32, 200 hidden")]
    n, vocab, embd, block, hidden = 13, 11, 4, 2, 6
    X2, Y2 = rng.integers(0, vocab, size=(n, block)), rng.integers(0, vocab, size=n)
    p2 = init_parameters(int(rng.integers(0, 2**31)), vocab, embd, block, hidden)
    cases.append(
        (X2, Y2, p2, f"n = {n}, V = {vocab}, n_embd = {embd}, block = {block}, H = {hidden}")
    )
    return cases


def _gradients_finding(fn: Callable[..., Any]) -> Finding:
    for X, Y, p, what in _gradients_cases(np.random.default_rng(26)):
        call = f"gradients(X, Y, p) for {what}"
        got = call_twice(fn, call, "", {"X": X, "Y": Y, "p": p})
        if isinstance(got, Finding):
            return got
        if not (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[1], Mapping)):
            return failed(
                f"{call} should return (loss, a dict of gradients by name)",
                f"it returned {type(got).__name__}: {got!r:.80}",
            )
        v, g = autograd_atoms(X, Y, p)
        wrong = compare_near(
            "the loss of gradients(X, Y, p)",
            f"for {what}",
            got[0],
            v["loss"],
            (
                (
                    "the forward pass's variance divides by n (np.var, or .mean()): this "
                    "batchnorm's divides by n - 1 (Bessel), as the template's bnvar does",
                    _loss_variance_over_n(X, Y, p),
                ),
            ),
            _UNSTABLE,
            APPROXIMATELY,
        )
        if wrong is not None:
            return wrong
        found = {name: _parameter_wrong(name, what, got[1], X, p, v, g) for name in PARAMETERS}
        wrong_names = {name for name, f in found.items() if f is not None}
        for name in PARAMETERS:
            wrong = found[name]
            if wrong is not None:
                return failed(
                    wrong.message,
                    *wrong.details,
                    likely=wrong.likely or _where_it_breaks(wrong_names),
                )
    return passed("gradients gives autograd's loss and every parameter's gradient on 2 batches")


def _loss_variance_over_n(X: np.ndarray, Y: np.ndarray, p: Arrays) -> float:
    """The loss of the forward pass with the batch variance over n, not n - 1 (float64)."""
    q = {k: a.astype(np.float64) for k, a in p.items()}
    hprebn = q["C"][X].reshape(len(X), -1) @ q["W1"] + q["b1"]
    diff = hprebn - hprebn.mean(0, keepdims=True)
    raw = diff / np.sqrt((diff**2).mean(0, keepdims=True) + 1e-5)
    logits = np.tanh(q["bngain"] * raw + q["bnbias"]) @ q["W2"] + q["b2"]
    shifted = logits - logits.max(1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    return float(-logp[np.arange(len(Y)), Y].mean())


def _parameter_wrong(
    name: str, what: str, got: Mapping[str, Any], X: np.ndarray, p: Arrays, v: Arrays, g: Arrays
) -> Finding | None:
    """The failed finding of one parameter's gradient, or None when it is right."""
    return compare_near(
        f"d{name} from gradients(X, Y, p)",
        f"for {what}",
        got.get(name),
        g[name],
        gradient_mistakes(name, X, p, v, g),
        "",
        APPROXIMATELY * max(1.0, gradient_scale(name, g) / max(np.abs(g[name]).max(), 1e-30)),
    )


#: The backward pass in order, from the loss down: the parameters each step reaches, and the
#: step a mistake is likely in when those are the first wrong ones.
_BACKWARD_STEPS = (
    (("W2", "b2"), "the output layer: dlogits (softmax - onehot) / n, dW2 = hᵀ @ dlogits"),
    (("bngain", "bnbias"), "the tanh: dhpreact = (1 - h²) * dh"),
    (("W1", "b1"), "the batchnorm: dhprebn from dhpreact, with Bessel's n - 1"),
    (("C",), "the embedding: demb = dembcat reshaped, each row added into dC[X] (np.add.at)"),
)


def _where_it_breaks(wrong: set[str]) -> str:
    """The likely step of a mistake, from which gradients are right and which are not: the
    first step down the backward pass whose gradients are wrong."""
    right: list[str] = []
    for names, step in _BACKWARD_STEPS:
        if wrong & set(names):
            if not right:
                return ""
            return (
                f"d{', d'.join(right)} are right and d{', d'.join(sorted(wrong))} are not: the "
                f"mistake is in the step between, {step}"
            )
        right += names
    return ""


# -- training -------------------------------------------------------------------------------


def calibrated_loss(p: Arrays, X: np.ndarray, Y: np.ndarray, Xtrain: np.ndarray) -> float:
    """The mean loss on (X, Y) with BatchNorm's mean and variance (n - 1) taken over the
    whole training set, as the lecture calibrates after training; in float64."""

    def hprebn(X: np.ndarray) -> np.ndarray:
        return (p["C"][X].reshape(len(X), -1) @ p["W1"] + p["b1"]).astype(np.float64)

    before = hprebn(Xtrain)
    mean, var = before.mean(0, keepdims=True), before.var(0, ddof=1, keepdims=True)
    raw = (hprebn(X) - mean) / np.sqrt(var + 1e-5)
    logits = np.tanh(p["bngain"] * raw + p["bnbias"]) @ p["W2"] + p["b2"]
    return float(cross_entropy(tensor_of(logits, False), Y).item())


#: The steps timed before the rest: if they show the whole run cannot end in time, say so.
_TIMED_STEPS = 200


def _train(fn: Callable[..., Any], Xtr: np.ndarray, Ytr: np.ndarray, budget: float) -> Any:
    """TRAINING's descent with the learner's gradients (p changes here, never theirs); the
    seconds the whole run would take instead, when the first steps show it is over ``budget``."""
    t = TRAINING
    p = init_parameters(t.seed, n_hidden=t.n_hidden)
    rng = np.random.default_rng(t.seed)
    steps, start = t.steps, time.process_time()  # CPU time, as the check's limit counts
    for step in range(steps):
        if step == _TIMED_STEPS:
            projected = (time.process_time() - start) / step * steps
            if projected > budget:
                return projected
        batch = rng.integers(0, len(Xtr), size=t.batch_size)
        _, grads = fn(Xtr[batch], Ytr[batch], {k: a.copy() for k, a in p.items()})
        rate = np.float32(t.lr if step < steps * 3 // 4 else t.lr / 10)
        for name in p:
            p[name] -= rate * np.asarray(grads[name], dtype=np.float32).reshape(p[name].shape)
    return p


def _training_finding(fn: Callable[..., Any], budget: float) -> Finding:
    words = all_names()
    vocab = Vocabulary.from_words(words)
    train, dev, _ = split_words(words)
    Xtr, Ytr = context_windows(train, 3, vocab)
    Xdev, Ydev = context_windows(dev, 3, vocab)
    t = TRAINING
    how = (
        f"{t.steps:,} steps of {t.batch_size}, {t.n_hidden} hidden units, "
        f"lr {t.lr} (÷10 for the last quarter)"
    )
    start = time.perf_counter()
    with np.errstate(all="ignore"), one_blas_thread():
        p = _train(fn, Xtr, Ytr, budget)
    if not isinstance(p, dict):
        return failed(
            f"training with your gradients would take about {p:.0f} s, more than the "
            f"{budget:.0f} s the check has",
            how,
            likely="a Python loop over the batch? np.add.at(dC, X, demb) and whole-array "
            "operations do a step in about a millisecond",
        )
    loss = calibrated_loss(p, Xdev, Ydev, Xtr)
    how += f", in {time.perf_counter() - start:.0f} s"
    if not np.isfinite(loss) or loss > DEV_LOSS:
        return failed(
            f"trained with your gradients, the dev loss is {number_text(loss, 4)}, "
            f"above {DEV_LOSS}",
            how,
            likely="the gradients pass on one batch: is one of them off by a "
            "little, or changed between calls?",
        )
    return passed(
        f"trained with your gradients, the dev loss is {number_text(loss, 4)} (≤ {DEV_LOSS}): {how}"
    )


def check_17(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """The two closed forms and every gradient against autograd; then the training."""
    start = time.process_time()
    ce_backward, bn_backward, gradients = needs(names, "17")
    findings = [_ce_finding(ce_backward), _bn_finding(bn_backward), _gradients_finding(gradients)]
    if all(f.ok for f in findings):
        budget = 0.8 * exercise("17").seconds - (time.process_time() - start)
        findings.append(_training_finding(gradients, budget))
    return findings
