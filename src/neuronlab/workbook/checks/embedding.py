"""Check of exercise 15: the MLP's dataset, its forward pass through an embedding table, and
its loss.

The reference is neuronlab: ``data.context_windows`` for the dataset, the
tensor engine (float64) for the logits and ``losses.cross_entropy`` for the
loss.  Each function runs on the lecture's first batch (the first five names,
32 examples) and on random sizes where no two sizes are equal, so a size
written into the code, or a reshape that mixes the characters' numbers, shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ...data.text import Vocabulary, context_windows
from ...data.words import names as all_names
from ...losses import cross_entropy
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .arrays import Arrays, Mistake, attempt, compare, tensor_of
from .handed import call_twice
from .names import needs
from .nearly import compare_library

__all__ = ["check_15"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SIZES = "it worked on the first batch: take n from len(X) and the row length from C[X]'s shape"


def _random_words(rng: np.random.Generator) -> tuple[list[str], str]:
    chars = "." + _LETTERS[: int(rng.integers(2, 8))]
    words = [
        "".join(rng.choice(list(chars[1:]), size=int(rng.integers(1, 8))))
        for _ in range(int(rng.integers(1, 6)))
    ]
    return words, chars


def _windows(
    words: list[str], block: int, chars: str, end: bool = True, reverse: bool = False, **slip: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The dataset, or what one slip makes of it: ``shift_first`` (the character shifted in
    before its row is kept), ``carried`` (no fresh '...' for each word), ``shared`` (one
    context list kept for every row of a word and changed in place)."""
    stoi = {ch: i for i, ch in enumerate(chars)}
    X: list[list[int]] = []
    Y = []
    context = [0] * block
    for w in words:
        if not slip.get("carried"):
            context = [0] * block
        rows = []
        for ch in w + ("." if end else ""):
            if slip.get("shift_first"):
                context = [*context[1:], stoi[ch]]
            rows.append(context[::-1] if reverse else context)
            Y.append(stoi[ch])
            if not slip.get("shift_first"):
                context = [*context[1:], stoi[ch]]
        X += [list(context)] * len(rows) if slip.get("shared") else rows
    return np.array(X, dtype=np.int64).reshape(-1, block), np.array(Y)


def _dataset_mistakes(words: list[str], block: int, chars: str) -> list[tuple[str, Any]]:
    return [
        (
            "the closing '.' is a target too: each word gives len(word) + 1 examples",
            _windows(words, block, chars, end=False),
        ),
        (
            "the context is in the order the characters came: oldest first, the one just before "
            "the target last",
            _windows(words, block, chars, reverse=True),
        ),
        (
            "each row is recorded after its target was shifted into the context, so X holds "
            "its own target: append the context to X before context = context[1:] + [ix]",
            _windows(words, block, chars, shift_first=True),
        ),
        (
            "the context is carried from one word into the next: start each word from a "
            "fresh context of '.' (0) padding, context = [0] * block_size, inside the loop "
            "over words",
            _windows(words, block, chars, carried=True),
        ),
        (
            "every row of a word is the same list, changed in place afterwards (pop/append): "
            "append a copy, X.append(list(context)), or build a new list each step",
            _windows(words, block, chars, shared=True),
        ),
    ]


def _pair_differs(
    call: str, got: Any, expected: tuple[np.ndarray, np.ndarray], mistakes: list[tuple[str, Any]]
) -> Finding | None:
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return failed(
            f"{call} should return the pair (X, Y)",
            f"it returned {type(got).__name__}: {got!r:.80}",
        )
    for name, mine, right, k in zip("XY", got, expected, (0, 1)):
        kind = np.asarray(mine).dtype.kind
        if kind not in "iub":
            return failed(
                f"{name} from {call} should hold integers (indices into C)",
                f"its dtype is {np.asarray(mine).dtype}",
                likely="C[X] needs whole-number indices: make X and Y with dtype int, "
                "np.array(X, dtype=np.int64), not float",
            )
        guesses: list[Mistake] = [(said, pair[k]) for said, pair in mistakes]
        wrong = compare_library(name, f"from {call}", mine, right, guesses)
        if wrong is not None:
            return wrong
    return None


def _dataset_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(21)
    chars = Vocabulary.from_words(all_names()).characters
    cases = [(["emma"], 3, ".aem"), (all_names()[:5], 3, chars)]
    for _ in range(15):
        words, c = _random_words(rng)
        cases.append((words, int(rng.integers(1, 6)), c))
    for words, block, c in cases:
        call = f"build_dataset({words!r:.40}, {block}, {c!r:.12})"
        got = call_twice(fn, call, "", {"words": words, "block_size": block, "chars": c})
        if isinstance(got, Finding):
            return got
        expected = context_windows(words, block, Vocabulary(c))
        wrong = _pair_differs(call, got, expected, _dataset_mistakes(words, block, c))
        if wrong is not None:
            return wrong
    return passed(f"build_dataset gives neuronlab's context windows for {len(cases)} word lists")


def _params(rng: np.random.Generator, v: int, embd: int, block: int, hidden: int) -> Arrays:
    sizes = {
        "C": (v, embd),
        "W1": (block * embd, hidden),
        "b1": (hidden,),
        "W2": (hidden, v),
        "b2": (v,),
    }
    return {k: rng.standard_normal(s) for k, s in sizes.items()}


def _batches(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, Arrays, str]]:
    """The lecture's first batch, then random sizes (n, V, n_embd, block, hidden all unlike)."""
    chars = Vocabulary.from_words(all_names()).characters
    X, Y = context_windows(all_names()[:5], 3, Vocabulary(chars))
    first = _params(np.random.default_rng(2147483647), 27, 10, 3, 200)
    cases = [(X, Y, first, "the first five names (32 examples), the lecture's sizes")]
    for n, v, embd, block, hidden in ((7, 11, 4, 2, 9), (13, 5, 3, 4, 6), (1, 8, 2, 5, 3)):
        p = _params(rng, v, embd, block, hidden)
        X = rng.integers(0, v, size=(n, block))
        what = f"n = {n}, V = {v}, n_embd = {embd}, block = {block}, hidden = {hidden}"
        cases.append((X, rng.integers(0, v, size=n), p, what))
    return cases


def _reference_logits(X: np.ndarray, p: Arrays) -> np.ndarray:
    t = {k: tensor_of(a, False) for k, a in p.items()}
    emb = t["C"][X].reshape(len(X), -1)
    return ((emb @ t["W1"] + t["b1"]).tanh() @ t["W2"] + t["b2"]).data


def _logits_mistakes(X: np.ndarray, p: Arrays) -> list[Mistake]:
    n, emb = len(X), p["C"][X]
    flat = emb.reshape(n, -1)

    def rest(e: np.ndarray, bias: bool = True, act: Any = np.tanh) -> np.ndarray:
        return act(e @ p["W1"] + (p["b1"] if bias else 0)) @ p["W2"] + p["b2"]

    return [
        (
            "each character's n_embd numbers stay together: C[X].reshape(n, block * n_embd); "
            "a transpose before the reshape interleaves them",
            attempt(lambda: rest(emb.transpose(0, 2, 1).reshape(n, -1))),
        ),
        (
            "the hidden layer's tanh is missing: h = tanh(emb @ W1 + b1)",
            rest(flat, act=lambda z: z),
        ),
        (
            "the hidden layer uses ReLU: this MLP's is tanh, h = tanh(emb @ W1 + b1)",
            rest(flat, act=lambda z: np.maximum(z, 0.0)),
        ),
        ("the bias b1 is missing: h = tanh(emb @ W1 + b1)", rest(flat, bias=False)),
        ("the bias b2 is missing: logits = h @ W2 + b2", rest(flat) - p["b2"]),
    ]


def _logits_finding(fn: Callable[..., Any]) -> Finding:
    for i, (X, _, p, what) in enumerate(_batches(np.random.default_rng(22))):
        call = f"mlp_logits(X, p) for {what}"
        got = call_twice(fn, call, _SIZES if i else "", {"X": X, "p": p}, sure=bool(i))
        if isinstance(got, Finding):
            return got
        wrong = compare(
            "mlp_logits(X, p)", f"for {what}", got, _reference_logits(X, p), _logits_mistakes(X, p)
        )
        if wrong is not None:
            return wrong
    return passed("mlp_logits gives autograd's logits on the lecture's batch and on 3 others")


_UNSTABLE = (
    "e^1000 overflows to inf: subtract each row's largest logit first, then "
    "log p = (z - max) - log Σ e^(z - max)"
)


def _loss_mistakes(z: np.ndarray, y: np.ndarray, loss: float) -> list[Mistake]:
    n = len(y)
    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return [
        (f"the sum over the batch: divide by n = {n}", n * loss if n > 1 else None),
        ("the loss is -log p: the minus sign is missing", -loss),
        ("one loss per example: the loss is their mean, one number", -logp[np.arange(n), y]),
        (
            "-log p at each row's own target only: logp[np.arange(n), Y], not logp[:, Y]",
            attempt(lambda: -logp[:, y].mean()),
        ),
    ]


def _loss_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(23)
    cases = [(_reference_logits(X, p), Y) for X, Y, p, _ in _batches(rng)]
    cases.append((np.array([[1000.0, 999.0, 0.0], [2.0, 1.0, 0.0]]), np.array([1, 0])))
    cases.append((np.array([[1000.0, 999.0, 0.0]]), np.array([2])))
    for z, y in cases:
        big = " (a logit of 1000)" if np.abs(z).max() >= 1000 else ""
        where = f"for {z.shape[0]} rows of {z.shape[1]} logits{big}"
        got = call_twice(fn, f"cross_entropy(logits, Y) {where}", "", {"logits": z, "Y": y})
        if isinstance(got, Finding):
            return got
        loss = float(cross_entropy(tensor_of(z, False), y).item())
        wrong = compare(
            "cross_entropy(logits, Y)",
            where,
            got,
            np.asarray(loss),
            _loss_mistakes(z, y, loss),
            _UNSTABLE,
        )
        if wrong is not None:
            return wrong
    return passed(
        f"cross_entropy gives neuronlab's loss for {len(cases)} batches, logits of 1000 too"
    )


def check_15(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """The dataset, the logits and the loss against neuronlab's, on several sizes."""
    build_dataset, mlp_logits, loss = needs(names, "15")
    return [_dataset_finding(build_dataset), _logits_finding(mlp_logits), _loss_finding(loss)]
