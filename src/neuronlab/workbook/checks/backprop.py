"""Check of exercise 12: backprop by hand through a two-layer network, one line a gradient.

Every gradient the learner's backward() returns is held against autograd's
(neuronlab's tensor engine) in a table, exact, close, or the largest
difference, and the first wrong one matched against the usual mistakes (the
tanh derivative at the wrong value, a bias gradient not summed over the
batch, a transpose, the 1/n of the mean); then a second batch of other sizes,
and PyTorch's gradients where it is installed.  The first batch is the one
the template's main block makes (seed 0, n = 32, D = 5, H = 8, C = 4), so the
loss it prints is the loss the check names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from ..traces import defined_at
from .arrays import (
    Arrays,
    Mistake,
    as_array,
    attempt,
    call_learner,
    close,
    number_text,
    problem,
    shape_text,
    tensor_of,
)
from .names import needs
from .pytorch import prepare

__all__ = [
    "GRADIENTS_12",
    "check_12",
    "prepare",
]


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
#: The seed of the first batch: the template's main block draws the same one from it.
_SEED = 0


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
    params = {k: tensor_of(a) for k, a in p.items()}
    v = _forward_12(x, y, params, lambda a: tensor_of(a, False))
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
            ("W2 needs its transpose: dh = dlogits @ W2ᵀ", attempt(lambda: g["logits"] @ p["W2"]))
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
    return [
        *by_name.get(name, []),
        (f"every entry is n = {n} times too big: {too_big}", n * e),
        (f"every entry is n = {n} times too small: the 1/n is divided twice", e / n),
        ("the sign is flipped", -e),
    ]


def _row(name: str, shape: tuple[int, ...]) -> str:
    return f"d{name:<11}{shape_text(shape):<8}"


def _table_12(
    got: Mapping[str, Any], x: np.ndarray, p: Arrays, v: Arrays, g: Arrays
) -> list[Finding]:
    """One row per gradient: exact, close, or what is wrong (the first wrong one in full)."""
    rows, first = [], ""
    for name in GRADIENTS_12:
        row, mine, e = _row(name, g[name].shape), got.get(name), g[name]
        a = None if mine is None else as_array(mine)
        if mine is None:
            rows.append(failed(f"{row} not written yet (None)"))
        elif a is not None and a.shape == e.shape and np.array_equal(a, e):
            rows.append(passed(f"{row} exact"))
        elif a is not None and close(a, e):
            largest = number_text(np.abs(a - e).max())
            rows.append(passed(f"{row} close (largest difference {largest})"))
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
    got = call_learner(
        backward,
        f"backward(x, y, p, v){where}",
        f"it worked on the first batch: {_WRITTEN_IN}" if where else _MISFIT,
        x,
        y,
        _copies(p),
        _copies(v),
        sure=bool(where),  # it worked on the first batch: a size in the code, not a broadcast
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
            f"{defined_at(backward)}; write them one line each, from dlogprobs down"
        )
    return got


def _forward_finding(forward: Any, x: np.ndarray, y: np.ndarray, p: Arrays, v: Arrays) -> Finding:
    """The learner's forward (given in the template) against autograd's values."""
    got = call_learner(forward, "forward(x, y, p)", "", x, y, _copies(p))
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
    loss = number_text(float(v["loss"]), 10)
    return passed(
        f"forward gives autograd's loss {loss} and every intermediate, on the batch your "
        "file's main block makes (seed 0, n = 32)"
    )


def _pytorch_12(got: Mapping[str, Any], x: np.ndarray, y: np.ndarray, p: Arrays) -> Finding:
    """Gradients that match neuronlab's autograd, held against PyTorch's (when installed)."""
    theirs = _torch_12(x, y, p)
    if theirs is None:
        return passed("PyTorch is not installed: checked against neuronlab's autograd only")
    for name in GRADIENTS_12:
        mine = as_array(got.get(name))
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
    rng = np.random.default_rng(_SEED)
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
