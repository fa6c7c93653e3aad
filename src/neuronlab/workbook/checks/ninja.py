"""Check of exercise 16: backprop ninja, all 26 gradients of the BatchNorm MLP by hand.

The reference is neuronlab's tensor engine in float32 (the lecture's dtype):
the template's forward pass built from Tensors, ``backward()``, and every
intermediate's and parameter's ``.grad``.  The learner's gradients form a
table, one row each: "exact", "approximately equal" (float32 adds the same
numbers in another order: the largest difference, in ulps), or wrong, with
the usual mistake it looks like (a sum without keepdims, a value used twice
given one path, n for Bessel's n - 1, an embedding gradient assigned where an
index repeats...).  Then a second batch of other sizes (none equal), and
the same call again, with its arguments looked at afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ...data.text import Vocabulary, context_windows, split_words
from ...data.words import names as all_names
from ...tensor import Tensor
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from ..traces import defined_at
from .arrays import Arrays, Mistake, as_array, attempt, number_text, problem, shape_text
from .handed import call_twice, same_result
from .names import needs
from .nearly import near, near_mistake

__all__ = [
    "APPROXIMATELY",
    "GRADIENTS_16",
    "PARAMETERS",
    "autograd_atoms",
    "check_16",
    "gradient_mistakes",
    "gradient_scale",
    "init_parameters",
    "lecture_batch",
]

#: The 26 gradients, in the order backward computes them (the table's rows).
GRADIENTS_16 = (
    "logprobs", "probs", "counts_sum_inv", "counts_sum", "counts", "norm_logits",
    "logit_maxes", "logits", "h", "W2", "b2", "hpreact", "bngain", "bnbias", "bnraw",
    "bnvar_inv", "bnvar", "bndiff2", "bndiff", "bnmeani", "hprebn", "embcat", "W1", "b1",
    "emb", "C",
)  # fmt: skip
PARAMETERS = ("C", "W1", "b1", "W2", "b2", "bngain", "bnbias")
#: Within this fraction of the gradient's largest entry, float32 rounding: "approximately".
APPROXIMATELY = 1e-4
#: Gradients that are ~0 by the maths: measured against the gradient they come from.
_NEARLY_ZERO = {
    "logit_maxes": (
        "norm_logits",
        "~0: subtracting the max changes no probability, so the loss does not depend on "
        "it; what is left is rounding",
    ),
    "b1": ("hprebn", "~0: BatchNorm subtracts the batch mean, and b1 with it"),
}
_WHY_APPROXIMATELY = (
    "approximately equal is right: float32 keeps about 7 significant digits, and your sums "
    "and products add the same numbers in another order than autograd's, so the last bits "
    "(a few ulps, units in the last place) differ where the maths is identical"
)
#: The second batch: (n, V, n_embd, block, hidden), no two sizes equal.
_SECOND = (13, 11, 4, 2, 6)


def lecture_batch(seed: int = 42, n: int = 32, block: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A batch of ``n`` examples of the names' training split, as the template draws one."""
    train, _, _ = split_words(all_names())
    X, Y = context_windows(train, block, Vocabulary.from_words(all_names()))
    batch = np.random.default_rng(seed).integers(0, len(X), size=n)
    return X[batch], Y[batch]


def init_parameters(
    seed: int, vocab: int = 27, n_embd: int = 10, block: int = 3, n_hidden: int = 64
) -> Arrays:
    """The template's start (the lecture's), float32."""
    rng = np.random.default_rng(seed)

    def f(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    return {
        "C": f(vocab, n_embd),
        "W1": f(n_embd * block, n_hidden) * np.float32((5 / 3) / (n_embd * block) ** 0.5),
        "b1": f(n_hidden) * np.float32(0.1),
        "W2": f(n_hidden, vocab) * np.float32(0.1),
        "b2": f(vocab) * np.float32(0.1),
        "bngain": f(1, n_hidden) * np.float32(0.1) + np.float32(1.0),
        "bnbias": f(1, n_hidden) * np.float32(0.1),
    }


def _atoms(X: np.ndarray, Y: np.ndarray, p: Mapping[str, Tensor]) -> dict[str, Tensor]:
    """The template's forward pass with neuronlab's Tensors."""
    n, v = len(Y), {}
    v["emb"] = p["C"][X]
    v["embcat"] = v["emb"].reshape(n, -1)
    v["hprebn"] = v["embcat"] @ p["W1"] + p["b1"]
    v["bnmeani"] = 1 / n * v["hprebn"].sum(0, keepdims=True)
    v["bndiff"] = v["hprebn"] - v["bnmeani"]
    v["bndiff2"] = v["bndiff"] ** 2
    v["bnvar"] = 1 / (n - 1) * v["bndiff2"].sum(0, keepdims=True)
    v["bnvar_inv"] = (v["bnvar"] + 1e-5) ** -0.5
    v["bnraw"] = v["bndiff"] * v["bnvar_inv"]
    v["hpreact"] = p["bngain"] * v["bnraw"] + p["bnbias"]
    v["h"] = v["hpreact"].tanh()
    v["logits"] = v["h"] @ p["W2"] + p["b2"]
    v["logit_maxes"] = v["logits"].max(1, keepdims=True)
    v["norm_logits"] = v["logits"] - v["logit_maxes"]
    v["counts"] = v["norm_logits"].exp()
    v["counts_sum"] = v["counts"].sum(1, keepdims=True)
    v["counts_sum_inv"] = v["counts_sum"] ** -1
    v["probs"] = v["counts"] * v["counts_sum_inv"]
    v["logprobs"] = v["probs"].log()
    v["loss"] = -v["logprobs"][np.arange(n), Y].mean()
    return v


def autograd_atoms(X: np.ndarray, Y: np.ndarray, p: Arrays) -> tuple[Arrays, Arrays]:
    """neuronlab's value of every atom (and the loss), and every gradient, in float32."""
    params = {k: Tensor(a, requires_grad=True) for k, a in p.items()}
    v = _atoms(X, Y, params)
    v["loss"].backward()
    grads = {k: (params[k] if k in params else v[k]).grad for k in GRADIENTS_16}
    return {k: t.data for k, t in v.items()}, {k: g for k, g in grads.items() if g is not None}


# -- the usual mistakes ---------------------------------------------------------------------


def _summed(name: str, upstream: np.ndarray, axis: int, shape: tuple[int, ...]) -> list[Mistake]:
    """A gradient of a broadcast value: not summed, summed without keepdims, the other axis."""
    keep = f"d{name} = (...).sum({axis}, keepdims=True), shape {shape_text(shape)}"
    found: list[Mistake] = [
        (f"{name} is broadcast over the other axis: its gradient sums it back; {keep}", upstream),
        (
            f"a sum without keepdims=True: shape {shape_text(upstream.sum(axis).shape)} where "
            f"{shape_text(shape)} belongs (it would broadcast the wrong way); {keep}",
            upstream.sum(axis) if len(shape) == 2 else None,
        ),
        (f"summed over the wrong axis: {keep}", upstream.sum(1 - axis, keepdims=True)),
    ]
    if len(shape) == 1:  # a bias of shape (H,): no keepdims, the batch axis goes
        found[1] = (
            f"d{name} has {name}'s shape {shape_text(shape)}: .sum(0) without keepdims",
            upstream.sum(0, keepdims=True),
        )
    return found


_USED_TWICE = "is used twice: add both contributions"


def _loss_side(p: Arrays, v: Arrays, g: Arrays) -> dict[str, list[Mistake]]:
    """The usual mistakes from the loss back to h, by gradient."""
    used_twice = _USED_TWICE
    return {
        "probs": [("d log(u)/du = 1/u: dprobs = dlogprobs / probs", g["logprobs"] * v["probs"])],
        "counts_sum_inv": _summed(
            "counts_sum_inv", v["counts"] * g["probs"], 1, g["counts_sum_inv"].shape
        ),
        "counts_sum": [("d u⁻¹/du = -u⁻²", v["counts_sum"] ** -2 * g["counts_sum_inv"])],
        "counts": [
            (
                f"counts {used_twice}, through probs and through counts_sum",
                v["counts_sum_inv"] * g["probs"],
            )
        ],
        "norm_logits": [("d e^u/du = e^u: dnorm_logits = counts * dcounts", g["counts"])],
        "logit_maxes": _summed("logit_maxes", -g["norm_logits"], 1, g["logit_maxes"].shape),
        "h": [
            ("W2 needs its transpose: dh = dlogits @ W2ᵀ", attempt(lambda: g["logits"] @ p["W2"]))
        ],
        "W2": [("dW2 came out transposed: dW2 = hᵀ @ dlogits", g["W2"].T)],
        "b2": _summed("b2", g["logits"], 0, g["b2"].shape),
    }


def _network_side(X: np.ndarray, p: Arrays, v: Arrays, g: Arrays) -> dict[str, list[Mistake]]:
    """The usual mistakes from hpreact back to C, by gradient."""
    n, used_twice = len(X), _USED_TWICE
    return {
        "hpreact": [
            (
                "the tanh derivative is 1 - h² at the output h, not 1 - hpreact²",
                (1 - v["hpreact"] ** 2) * g["h"],
            ),
            ("the tanh's derivative is missing: dhpreact = (1 - h²) * dh", g["h"]),
        ],
        "bngain": _summed("bngain", v["bnraw"] * g["hpreact"], 0, g["bngain"].shape),
        "bnbias": _summed("bnbias", g["hpreact"], 0, g["bnbias"].shape),
        "bnraw": [("bngain multiplies bnraw: dbnraw = bngain * dhpreact", g["hpreact"])],
        "bnvar_inv": _summed("bnvar_inv", v["bndiff"] * g["bnraw"], 0, g["bnvar_inv"].shape),
        "bnvar": [
            (
                "d u^-0.5/du = -0.5·u^-1.5 (u = bnvar + 1e-5)",
                -0.5 * (v["bnvar"] + 1e-5) ** -0.5 * g["bnvar_inv"],
            )
        ],
        "bndiff2": [
            (
                "n instead of n - 1: the forward's variance divides by n - 1 (Bessel), so "
                "dbndiff2 = 1/(n-1) * dbnvar",
                g["bnvar"] / n * np.ones_like(g["bndiff2"]),
            )
        ],
        "bndiff": [
            (
                f"bndiff {used_twice}, through bnraw and through bndiff2 (+ 2 * bndiff * dbndiff2)",
                v["bnvar_inv"] * g["bnraw"],
            )
        ],
        "bnmeani": _summed("bnmeani", -g["bndiff"], 0, g["bnmeani"].shape),
        "hprebn": [
            (
                f"hprebn {used_twice}, through bndiff and through bnmeani (+ dbnmeani / n)",
                g["bndiff"],
            )
        ],
        "embcat": [
            (
                "W1 needs its transpose: dembcat = dhprebn @ W1ᵀ",
                attempt(lambda: g["hprebn"] @ p["W1"]),
            )
        ],
        "W1": [("dW1 came out transposed: dW1 = embcatᵀ @ dhprebn", g["W1"].T)],
        "b1": _summed("b1", g["hprebn"], 0, g["b1"].shape),
        "C": [
            (
                "a character appears more than once in X, and each place adds to its row: "
                "dC[X] = demb keeps only the last; np.add.at(dC, X, demb), or a loop with +=",
                _assigned(p["C"], X, g["emb"]),
            )
        ],
    }


def gradient_mistakes(name: str, X: np.ndarray, p: Arrays, v: Arrays, g: Arrays) -> list[Mistake]:
    """The usual mistakes of one gradient, computed from autograd's other gradients."""
    n, e = len(X), g[name].astype(np.float64)
    side = _loss_side(p, v, g) if name in GRADIENTS_16[:11] else _network_side(X, p, v, g)
    return [
        *side.get(name, []),
        (f"every entry is n = {n} times too big: a 1/n is missing", n * e),
        (f"every entry is n = {n} times too small: the 1/n is divided twice", e / n),
        ("the sign is flipped", -e),
    ]


def _assigned(C: np.ndarray, X: np.ndarray, demb: np.ndarray) -> np.ndarray:
    dC = np.zeros(C.shape)
    dC[X] = demb
    return dC


# -- the table ------------------------------------------------------------------------------


def _ulps(difference: float, size: float) -> str:
    """The difference in float32 ulps (steps between neighbouring float32 numbers) at the
    size of the gradient's largest entry."""
    steps = difference / float(np.spacing(np.float32(max(size, 1e-30))))
    return f"{steps:.1f} float32 ulps at its largest entry"


def _row_text(name: str, shape: tuple[int, ...]) -> str:
    return f"d{name:<15}{shape_text(shape):<12}"


def gradient_scale(name: str, g: Arrays) -> float:
    """What a gradient is measured against: its largest entry, or for a gradient that is ~0
    by the maths (dlogit_maxes, db1) the largest entry of the one it comes from."""
    upstream = _NEARLY_ZERO.get(name, (name, ""))[0]
    return max(float(np.abs(g[name]).max(initial=0.0)), float(np.abs(g[upstream]).max()))


def _good_row(name: str, a: np.ndarray, g: Arrays, got: Mapping[str, Any]) -> Finding | None:
    """The row of a gradient that is right (exact or approximately), else None."""
    e, row = g[name], _row_text(name, g[name].shape)
    zero = f" ({_NEARLY_ZERO[name][1]})" if name in _NEARLY_ZERO else ""
    if a.shape == e.shape and np.array_equal(a, e):
        return passed(f"{row} exact{zero}")
    size = gradient_scale(name, g)
    if not near(a, e, APPROXIMATELY, size):
        return None
    diff = float(np.abs(a - e).max())
    note = ""
    if name == "logits" and same_result(a, as_array(got.get("norm_logits"))):
        note = (
            "; it leaves out the path through logit_maxes, whose gradient is ~0 (subtracting "
            "the max changes no probability): fine, or add it to match autograd's"
        )
    return passed(
        f"{row} approximately equal (largest difference {number_text(diff, 3)}, "
        f"{_ulps(diff, size)}){zero}{note}"
    )


def _table_16(
    got: Mapping[str, Any], X: np.ndarray, p: Arrays, v: Arrays, g: Arrays
) -> list[Finding]:
    """One row per gradient: exact, approximately equal, or what is wrong (the first in full)."""
    rows, first = [], ""
    for name in GRADIENTS_16:
        mine, row = got.get(name), _row_text(name, g[name].shape)
        a = as_array(mine)
        if mine is None:
            rows.append(failed(f"{row} not written yet (None)"))
            continue
        good = None if a is None else _good_row(name, a, g, got)
        if good is not None:
            rows.append(good)
            continue
        found = problem(mine, g[name])
        assert found is not None
        summary, details, likely = found
        if a is not None:
            likely = near_mistake(
                a, gradient_mistakes(name, X, p, v, g), APPROXIMATELY, gradient_scale(name, g)
            ) or ("" if likely.startswith("nearly right") else likely)
        if first:
            details, likely = [f"after d{first}, which is wrong: fix that one first"], ""
        first = first or name
        rows.append(failed(f"{row} wrong: {summary}", *details, likely=likely))
    if any("approximately equal" in r.message for r in rows):
        rows.append(passed(_WHY_APPROXIMATELY))
    return rows


# -- the calls ------------------------------------------------------------------------------

_MISFIT = (
    "shapes that do not line up: each gradient has its value's shape (the comments say "
    "which); a matrix product's gradient needs a transpose (exercise 10)"
)
_WRITTEN_IN = "a size written into the code? take n from len(Y), the others from arrays' shapes"


def _forward_finding(
    forward: Callable[..., Any], X: np.ndarray, Y: np.ndarray, p: Arrays, v: Arrays
) -> Finding:
    """The learner's forward_pass (given in the template) against autograd's values."""
    got = call_twice(forward, "forward_pass(X, Y, p)", "", {"X": X, "Y": Y, "p": p})
    if isinstance(got, Finding):
        return got
    keep = "forward_pass is written for you: keep it as the template has it"
    for name, expected in v.items():
        if not isinstance(got, Mapping) or name not in got:
            return failed(f"forward_pass(X, Y, p) returns no {name!r}", likely=keep)
        a = as_array(got[name])
        if a is not None and near(a, expected, APPROXIMATELY):
            continue
        found = problem(got[name], expected)
        summary, details, _ = found if found is not None else ("differs", [], "")
        bessel = v["bndiff2"].sum(0, keepdims=True) / len(Y)
        likely = keep
        if name == "bnvar" and a is not None and near(a, bessel, APPROXIMATELY):
            likely = (
                "n instead of n - 1 in the variance: the lecture's BatchNorm divides by "
                "n - 1 (Bessel's correction) in training; " + keep
            )
        return failed(f"{name} from forward_pass(X, Y, p) {summary}", *details, likely=likely)
    loss = number_text(float(v["loss"]))
    return passed(f"forward_pass gives autograd's loss {loss} and every atom (float32)")


def _backward_16(
    backward: Callable[..., Any],
    X: np.ndarray,
    Y: np.ndarray,
    p: Arrays,
    v: Arrays,
    where: str = "",
) -> Any:
    """The learner's gradients by name, or a finding saying why there are none."""
    call = f"backward_pass(X, Y, p, v){where}"
    likely = f"it worked on the first batch: {_WRITTEN_IN}" if where else _MISFIT
    got = call_twice(backward, call, likely, {"X": X, "Y": Y, "p": p, "v": v}, sure=bool(where))
    if isinstance(got, Finding):
        return got
    if not isinstance(got, Mapping):
        return failed(
            f"{call} should return a dict of gradients by name",
            f"it returned {type(got).__name__}: {got!r:.80}",
        )
    if all(got.get(k) is None for k in GRADIENTS_16):
        raise NotImplementedError(
            "16: backward_pass is not written yet: it returns None for every gradient"
            f"{defined_at(backward)}; write them one line each, from dlogprobs down"
        )
    return got


def _second_batch(backward: Callable[..., Any], rng: np.random.Generator) -> Finding:
    n, vocab, embd, block, hidden = _SECOND
    X, Y = rng.integers(0, vocab, size=(n, block)), rng.integers(0, vocab, size=n)
    p = init_parameters(int(rng.integers(0, 2**31)), vocab, embd, block, hidden)
    v, g = autograd_atoms(X, Y, p)
    where = (
        f"on a second batch (n = {n}, V = {vocab}, n_embd = {embd}, block = {block}, H = {hidden})"
    )
    got = _backward_16(backward, X, Y, p, v, f" {where}")
    if isinstance(got, Finding):
        return got
    for name in GRADIENTS_16:
        a = as_array(got.get(name))
        if a is not None and near(a, g[name], APPROXIMATELY, gradient_scale(name, g)):
            continue
        found = problem(got.get(name), g[name])
        summary, details, likely = found if found is not None else ("differs", [], "")
        if a is not None:
            likely = near_mistake(
                a, gradient_mistakes(name, X, p, v, g), APPROXIMATELY, gradient_scale(name, g)
            )
        return failed(f"d{name} {where} {summary}", *details, likely=likely or _WRITTEN_IN)
    return passed(f"every gradient is right {where} too")


def check_16(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """The table of all 26 gradients against autograd's; then a second batch of other sizes."""
    forward, backward = needs(names, "16")
    X, Y = lecture_batch()
    p = init_parameters(2147483647)
    v, g = autograd_atoms(X, Y, p)
    findings = [_forward_finding(forward, X, Y, p, v)]
    got = _backward_16(backward, X, Y, p, v)
    if isinstance(got, Finding):
        return [*findings, got]
    findings += _table_16(got, X, p, v, g)
    if all(f.ok for f in findings):
        findings.append(_second_batch(backward, np.random.default_rng(16)))
    return findings
