"""Check of exercise 09: the MSE cost, one step of gradient descent, and a loop that fits moons.

The reference is neuronlab's own ``losses.mse`` and ``SGD`` on a
``neuronlab.MLP`` built from the same seed as the learner's, so the numbers
agree exactly (to rounding).  Two steps are compared, because a missing
``zero_grad`` shows only in the second: the gradients of the first are still
there and pile up.  A step and a loop are also run with another lr (and the
loop with another number of steps), where an argument ignored shows, and
neither may change the caller's lists.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ...data.synthetic import moons
from ...engine import Value
from ...losses import mse
from ...nn.scalar import MLP
from ...optim import SGD
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .mistakes import close, likely, number, numbers_of, show
from .names import needs
from .probes import Watch, mutable_default, not_checked, uses

__all__ = ["check_09"]

# The moons the training loop must fit: how many points, with which network, lr and steps,
# and the share of points it must then put on the right side.
_POINTS, _SIZES, _LR, _STEPS, _ACCURACY = 60, [8, 8, 1], 0.1, 100, 0.9
_WORKED = ([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])  # (1 + 0.25 + 4) / 3 = 1.75
_TELLING = ([2.0, 0.5, -1.0], [1.5, -1.0, 2.0])  # every usual mistake gives another number


def _mse_mistakes(p: list[float], t: list[float]) -> dict[str, float]:
    n, d = len(p), [a - b for a, b in zip(p, t)]
    squares = sum(x * x for x in d)
    return {
        f"the loss is {n} times too big: that is the sum; divide by n = len(predictions)": squares,
        "that is half the mean: MSE is the mean of (p - t)², without the 1/2": squares / (2 * n),
        "you squared the sum of the differences, not each difference: square each (p - t), "
        "then take the mean": sum(d) ** 2 / n,
        "you squared the mean of the differences, not each difference: square each (p - t), "
        "then take the mean": (sum(d) / n) ** 2,
        "nothing is squared: the mean of (p - t)²": sum(d) / n,
        "you squared the prediction and the target apart: (p - t)², not p² - t²": sum(
            a * a - b * b for a, b in zip(p, t)
        )
        / n,
        "that is the mean absolute error: square the differences instead": sum(map(abs, d)) / n,
        "that is the root of the MSE: leave out the square root": math.sqrt(squares / n),
    }


def _mse_cases() -> list[tuple[list[float], list[float]]]:
    rng = np.random.default_rng(10)
    cases = [_WORKED, _TELLING]
    for n in (1, 2, 4, 7):
        cases.append((rng.normal(0, 1, n).tolist(), rng.normal(0, 1, n).tolist()))
    return cases


def _mse(learner_mse: Callable[..., Any]) -> Finding:
    for p, t in _mse_cases():
        predictions = [Value(v) for v in p]
        got = learner_mse(predictions, list(t))
        call = f"mse({show(p, 4)}, {show(t, 4)})"
        expected = mse([Value(v) for v in p], list(t)).data
        if not hasattr(got, "data") or not hasattr(got, "backward"):
            return failed(
                f"{call} should return a Value ({show(expected)}); yours returned {got!r:.40}",
                likely="build the loss from the prediction Values, (p - t) ** 2, so that "
                "loss.backward() reaches them",
            )
        value = number(got.data)
        if value is None or not close(value, expected):
            telling = number(
                getattr(learner_mse([Value(v) for v in _TELLING[0]], _TELLING[1]), "data", None)
            )
            return failed(
                f"{call} should be {show(expected)}",
                f"yours is {show(value) if value is not None else repr(got.data)[:40]}",
                likely=likely(telling, _mse_mistakes(*_TELLING)) if telling is not None else "",
            )
        got.backward()
        slopes = [2 * (a - b) / len(p) for a, b in zip(p, t)]
        grads = [number(v.grad) or 0.0 for v in predictions]
        if not all(map(close, grads, slopes)):
            return failed(
                f"after {call}.backward(), the predictions' gradients should be 2(p - t)/n = "
                f"{show(slopes)}",
                f"yours are {show(grads)}",
                likely="the loss does not reach the predictions: compute it from the Values, "
                "not from their .data",
            )
    return passed("mse: (1 + 0.25 + 4) / 3 = 1.75 for the worked example, and its gradients")


def _problem(n: int = 8) -> tuple[list[list[float]], list[float]]:
    rng = np.random.default_rng(11)
    return rng.normal(0, 1, (n, 2)).tolist(), rng.normal(0, 1, n).tolist()


def _reference_step(model: MLP, X: list[list[float]], y: list[float], lr: float) -> float:
    model.zero_grad()
    loss = mse([model(x) for x in X], y)
    loss.backward()
    SGD(model.parameters(), lr=lr).step()
    return loss.data


def _datas(model: MLP) -> list[float]:
    return [p.data for p in model.parameters()]


def _step_mistakes(before: list[float], steps: list[list[float]], lr: float) -> dict[str, Any]:
    """The parameters after the last of ``steps`` (each a list of -lr·grad) under each mistake."""
    *earlier, last = steps
    moved = [b + s for b, s in zip(before, last)]
    piled = [m + sum(e[i] for e in earlier) for i, m in enumerate(moved)]
    return {
        "the gradients pile up from step to step: set every p.grad = 0 (or model.zero_grad()) "
        "before backward": piled,
        "the update has the wrong sign: p.data -= lr * p.grad goes downhill": [
            b - s for b, s in zip(before, last)
        ],
        "lr is missing: p.data -= lr * p.grad": [b + s / lr for b, s in zip(before, last)],
        "nothing moved: change p.data itself, after loss.backward() (and not after zeroing the "
        "gradients)": before,
        "the step uses p.data where p.grad belongs: p.data -= lr * p.grad": [
            b - lr * b for b in before
        ],
    }


_PER_EXAMPLE = (
    "you took one step per example (stochastic): train_step takes one step on the whole "
    "batch, the mse of all of X, one backward, then every parameter moves once"
)


def _per_example(X: list[list[float]], y: list[float], lr: float) -> list[float]:
    """The parameters after one SGD step per example, in order, from the seed-3 network."""
    model = MLP(2, [4, 1], seed=3)
    for x, t in zip(X, y):
        _reference_step(model, [x], [t], lr)
    return _datas(model)


def _unmoved(before: list[float], after: list[float], wrong: list[int]) -> str:
    """The likely mistake when the wrong parameters did not move at all."""
    still = [i for i in wrong if after[i] == before[i]]
    if not still or len(still) != len(wrong):
        return ""
    which = ", ".join(str(i) for i in still[:4])
    return (
        f"parameter {which} did not move at all (of {len(before)}): step every parameter in "
        "model.parameters(), the last one (the output bias) too"
    )


def _loss_of(model: MLP, X: list[list[float]], y: list[float]) -> float:
    return float(mse([model(x) for x in X], y).data)


def _two_steps(train_step: Callable[..., Any]) -> Finding:
    X, y = _problem()
    lr = 0.1
    model, reference = MLP(2, [4, 1], seed=3), MLP(2, [4, 1], seed=3)
    steps: list[list[float]] = []
    for k in (1, 2):
        before, loss_before = _datas(model), _loss_of(model, X, y)
        got = train_step(model, [list(x) for x in X], list(y), lr)
        ref_before = _datas(reference)
        ref_loss = _reference_step(reference, X, y, lr)
        steps.append([a - b for a, b in zip(_datas(reference), ref_before)])
        after, expected = _datas(model), _datas(reference)
        wrong = [i for i, (a, b) in enumerate(zip(after, expected)) if not close(a, b, 1e-7)]
        if wrong:
            i, loss_after = wrong[0], _loss_of(model, X, y)
            candidates = _step_mistakes(before, steps, lr)
            if k == 1:
                candidates[_PER_EXAMPLE] = _per_example(X, y, lr)
            return failed(
                f"after step {k} of train_step(MLP(2, [4, 1]), 8 points, lr=0.1), parameter {i} "
                f"should be {show(expected[i])} (it was {show(before[i])})",
                f"yours is {show(after[i])}; your step took the loss from {show(loss_before)} "
                f"to {show(loss_after)}" + (" (up!)" if loss_after > loss_before else ""),
                likely=likely(after, candidates, rel=1e-6) or _unmoved(before, after, wrong),
            )
        loss = number(got)
        if loss is None or not close(loss, ref_loss):
            data = number(getattr(got, "data", None))
            return failed(
                f"train_step should return the loss before step {k}, a number: {show(ref_loss)}",
                f"yours returned {got!r:.40}",
                likely="return the loss's number, loss.data (a float), not the Value itself"
                if data is not None and close(data, ref_loss)
                else "that is the loss after the step: return the loss computed before it"
                if loss is not None and close(loss, _loss_of(reference, X, y))
                else "",
            )
    return passed("two steps of train_step move every parameter as neuronlab's SGD does")


def _another_lr(train_step: Callable[..., Any]) -> Finding | None:
    """One step with lr = 0.03: a failed finding when it moves as lr = 0.1 would (lr ignored)
    or otherwise not as neuronlab's SGD does, else None."""
    X, y = _problem()
    model, reference, other = (MLP(2, [4, 1], seed=3) for _ in range(3))
    train_step(model, [list(x) for x in X], list(y), 0.03)
    _reference_step(reference, X, y, 0.03)
    _reference_step(other, X, y, 0.1)
    after, expected = _datas(model), _datas(reference)
    if all(close(a, b, 1e-7) for a, b in zip(after, expected)):
        return None
    ignored = all(close(a, b, 1e-7) for a, b in zip(after, _datas(other)))
    default = mutable_default(train_step)
    unmoved = after == _datas(MLP(2, [4, 1], seed=3))
    return failed(
        "train_step(MLP(2, [4, 1]), 8 points, lr=0.03) should move each parameter by "
        "-0.03 times its gradient",
        f"parameter 0 should become {show(expected[0])}; yours is {show(after[0])}",
        likely="train_step ignores its argument lr: it stepped as lr = 0.1 would; use the lr "
        "it is given"
        if ignored
        else f"the default {default} is made once, when def runs, and kept: this second model "
        "was not trained, the first one's parameters were; use model.parameters() afresh "
        "in every call"
        if default and unmoved
        else "the model it is given did not move: are the parameters kept from an earlier "
        "call (a default argument, a global)? Use model.parameters() of this model"
        if unmoved
        else "",
    )


def _losses_problem(
    call: str, losses: list[float], X: list[list[float]], y: list[float], lr: float
) -> Finding | None:
    """The learner's losses against those of the same run with neuronlab's step, or None.

    Each is the loss before its step, as train_step returns it; a tolerance of 1e-6 leaves
    room for sums taken in another order over many steps.
    """
    reference = MLP(2, _SIZES, seed=1)
    expected = [_reference_step(reference, X, y, lr) for _ in losses]
    for k, (got, want) in enumerate(zip(losses, expected)):
        if not close(got, want, 1e-6):
            after = expected[k + 1] if k + 1 < len(expected) else _loss_of(reference, X, y)
            return failed(
                f"{call} should return each step's loss before the step, as train_step does: "
                f"step {k + 1}'s is {show(want)}; yours is {show(got)}",
                likely="that is the loss after the step: return what train_step returned"
                if close(got, after, 1e-6)
                else "collect what train_step returns, one number a step: "
                "[train_step(model, X, y, lr) for _ in range(steps)]",
            )
    return None


def _fits_moons(train: Callable[..., Any]) -> Finding:
    points, lr, steps = _POINTS, _LR, _STEPS
    X, labels = moons(points, noise=0.1, seed=0)
    targets = (2.0 * labels - 1.0).tolist()
    model = MLP(2, _SIZES, seed=1)
    call = f"train(MLP(2, {_SIZES}), {points} moons, lr={lr}, steps={steps})"
    returned = train(model, X.tolist(), targets, lr, steps)
    if isinstance(returned, (list, tuple)):  # Values or numbers: their numbers
        returned = [getattr(v, "data", v) for v in returned]
    losses = numbers_of(returned)
    if losses is None or len(losses) != steps:
        return failed(f"{call} should return the list of its {steps} losses, one per step")
    problem = _losses_problem(call, losses, X.tolist(), targets, lr)
    if problem is not None:
        return problem
    right = sum((model(x).data > 0) == (t > 0) for x, t in zip(X.tolist(), targets))
    if right / len(targets) < _ACCURACY:
        return failed(
            f"after {call}, {right} of {points} points are on the right side; "
            f"at least {_ACCURACY:.0%} should be",
            f"the loss went {show(losses[0])} → {show(losses[-1])}",
            likely="the loss rose: step against the gradient" if losses[-1] > losses[0] else "",
        )
    return passed(
        f"train fits the moons: {right} of {points} points right after {steps} steps "
        f"(loss {show(losses[0], 3)} → {show(losses[-1], 3)})"
    )


def _short_run(train: Callable[..., Any]) -> Finding | None:
    """train with lr = 0.03 for 3 steps: a failed finding when its losses are not that run's
    (lr or steps ignored), else None."""
    X, y = _problem()
    model = MLP(2, _SIZES, seed=1)
    call = f"train(MLP(2, {_SIZES}), 8 points, lr=0.03, steps=3)"
    returned = train(model, [list(x) for x in X], list(y), 0.03, 3)
    if isinstance(returned, (list, tuple)):
        returned = [getattr(v, "data", v) for v in returned]
    losses = numbers_of(returned)
    if losses is None or len(losses) != 3:
        count = "no list" if losses is None else f"{len(losses)} losses"
        return failed(
            f"{call} should return its 3 losses; yours returned {count}",
            likely="train ignores its argument steps: run range(steps) steps, as many as asked"
            if losses is not None and len(losses) == _STEPS
            else "",
        )
    problem = _losses_problem(call, losses, X, y, 0.03)
    if problem is None:
        return None
    fast = MLP(2, _SIZES, seed=1)
    at_default = [_reference_step(fast, X, y, _LR) for _ in range(3)]
    if all(close(a, b, 1e-6) for a, b in zip(losses, at_default)):
        return failed(
            problem.message,
            *problem.details,
            likely=f"train ignores its argument lr: it trained as lr = {_LR} would; pass the "
            "lr it is given to train_step",
        )
    return problem


def check_09(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """mse against neuronlab's; two steps against SGD's and one with another lr; then a loop
    that must fit the moons, and a short one with another lr and number of steps.  Neither
    may change the caller's lists."""
    learner_mse, found_step, found_train = needs(names, "09")
    train_step = Watch(found_step, "train_step", exempt=(0,))
    train = Watch(found_train, "train", exempt=(0,))
    findings = [_mse(learner_mse)]
    if not findings[0].ok and uses(train_step, "mse"):
        return [*findings, not_checked("train_step", "mse"), not_checked("train", "mse")]
    findings.append(_two_steps(train_step))
    if findings[1].ok:
        findings[1] = _another_lr(train_step) or findings[1]
    findings[1] = train_step.changed() or findings[1]
    if not findings[1].ok and uses(train, "train_step"):
        return [*findings, not_checked("train", "train_step")]
    fitted = _fits_moons(train)
    if fitted.ok:
        fitted = _short_run(train) or fitted
    return [*findings, train.changed() or fitted]
