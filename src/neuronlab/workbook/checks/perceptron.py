"""Checks of exercises 01 and 02: the weighted sum, the sweets perceptron, the learning rule.

The reference is neuronlab's own ``Perceptron`` (its ``fit`` is the rule,
starting from zeros, one example at a time, in order).  Each wrong answer is
compared with what the usual mistakes give (``mistakes.likely``) on a case
chosen so that those answers all differ.  Every call goes through a
``probes.Watch``, so a function that changes the caller's lists is named; a
function that uses one which failed is not checked (one line says so); the
rule is run to its limit on XOR with 1, 2, 3 and 30 epochs, where a loop one
epoch short or long shows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ...data.synthetic import SWEETS_THRESHOLD, SWEETS_WEIGHTS, gate
from ...nn.perceptron import Perceptron
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .mistakes import close, likely, number, numbers_of, show
from .names import needs
from .probes import Watch, constant_answer, ignored_argument, mutable_default, not_checked, uses

__all__ = ["check_01", "check_02"]


# -- exercise 01: the weighted sum and the sweets perceptron -------------------------------

_Case = tuple[list[float], list[float], float]

#: A case on which every usual mistake of the weighted sum gives a different number.
_TELLING: _Case = ([1.5, -2.0, 1.0], [2.0, 3.0, -4.0], 0.25)


def _dot(w: list[float], x: list[float]) -> float:
    return sum(wi * xi for wi, xi in zip(w, x))


def _sum_mistakes(case: _Case) -> dict[str, float]:
    w, x, b = case
    return {
        "the bias is missing: add b after the products": _dot(w, x),
        "the bias is subtracted: w·x + b adds it": _dot(w, x) - b,
        "you added up the weights alone: multiply each weight by its input": sum(w) + b,
        "you added up the inputs alone: multiply each input by its weight": sum(x) + b,
        "each weight is multiplied by itself (zip(weights, weights)?): pair w_i with x_i": _dot(
            w, w
        )
        + b,
        "each input is multiplied by itself (zip(inputs, inputs)?): pair w_i with x_i": _dot(x, x)
        + b,
        "only the first product is counted: is the return inside the loop?": w[0] * x[0] + b,
        "only the last product is counted: add to the total (+=), do not replace it": w[-1] * x[-1]
        + b,
        "the bias is added once per input (inside the loop): add b once, after the loop": _dot(w, x)
        + len(w) * b,
        "the last input is left out: loop over every input (range(len(weights)), not "
        "len(weights) - 1)": _dot(w[:-1], x[:-1]) + b,
        "the first input is left out: loop over every input, from index 0": _dot(w[1:], x[1:]) + b,
    }


def _sum_cases() -> list[_Case]:
    rng = np.random.default_rng(1)
    cases: list[_Case] = [
        ([2.0, 6.0, 2.0], [1.0, 0.0, 1.0], 0.0),
        ([2.0, 6.0, 2.0], [1.0, 0.0, 1.0], -5.0),
        _TELLING,
    ]
    for _ in range(40):
        k = int(rng.integers(1, 6))
        w = (rng.integers(-8, 9, size=k) / 2).tolist()
        x = (rng.integers(-8, 9, size=k) / 2).tolist()
        cases.append((w, x, float(rng.integers(-8, 9) / 2)))
    return cases


def _whole_number(got: float, expected: float) -> str:
    """The likely mistake when ``got`` is ``expected`` cut to a whole number."""
    if got != expected and got.is_integer() and abs(got - expected) < 1:
        return (
            "your answer is cut to a whole number (int() or round()): w·x + b can have a "
            "fraction; return the float"
        )
    return ""


def _weighted_sums(weighted_sum: Callable[..., Any]) -> Finding:
    for w, x, b in _sum_cases():
        expected = _dot(w, x) + b
        got = number(weighted_sum(list(w), list(x), b))
        if got is None or not close(got, expected):
            telling = number(weighted_sum(*_TELLING))
            why = likely(telling, _sum_mistakes(_TELLING)) if telling is not None else ""
            why = (
                constant_answer(weighted_sum, _sum_cases()[:6])
                or (_whole_number(got, expected) if got is not None else "")
                or why
            )
            return failed(
                f"weighted_sum({show(w)}, {show(x)}, {show(b)}) should be {show(expected)}",
                f"you returned {show(got) if got is not None else 'no number'}",
                likely=why,
            )
    return passed("weighted_sum gives w·x + b: 2·1 + 6·0 + 2·1 = 4, and 42 other cases")


def _perceptron_cases() -> list[_Case]:
    sweets = [
        (list(SWEETS_WEIGHTS), [float(v) for v in x], SWEETS_THRESHOLD)
        for x in itertools.product((0, 1), repeat=3)
    ]
    at_threshold: list[_Case] = [
        ([2.0, 6.0, 2.0], [1.0, 0.0, 1.0], 4.0),
        ([1.0, 1.0], [1.0, 1.0], 2.0),
        ([0.5, -1.5, 2.0], [1.0, 1.0, 1.0], 1.0),
    ]
    just_off: list[_Case] = [  # sums a little above and below the threshold, not whole numbers
        ([2.0, 3.5], [1.0, 1.0], 5.0),
        ([0.25, 0.5], [1.0, 1.0], 0.7),
        ([2.0, 2.9], [1.0, 1.0], 5.0),
    ]
    signs: list[_Case] = [  # negative sums and thresholds: adding the threshold shows
        ([-2.0, -6.0, -2.0], [1.0, 1.0, 1.0], 1.0),
        ([1.0, 1.0], [0.0, 0.0], -1.0),
        ([-1.0, 3.0], [1.0, 0.0], -2.5),
    ]
    return sweets + at_threshold + just_off + signs


#: Rules a wrong perceptron often follows instead of w·x > threshold, on every case.
_PERCEPTRON_RULES: dict[str, Callable[[float, float], bool]] = {
    "the comparison is the wrong way round: 1 when the sum is greater than the threshold": (
        lambda total, threshold: total < threshold
    ),
    "the threshold is added, not subtracted (passed as the bias?): the test is "
    "w·x > threshold, i.e. w·x - threshold > 0 with a minus sign": (
        lambda total, threshold: total + threshold > 0
    ),
    "at the threshold itself the answer is 0: use >, not >=": (
        lambda total, threshold: total >= threshold
    ),
}


def _perceptron_rule(perceptron: Callable[..., Any]) -> str:
    """The likely mistake when the learner's answers follow another rule on every case."""
    cases = _perceptron_cases()
    answers = [number(perceptron(list(w), list(x), t)) for w, x, t in cases]
    for mistake, rule in _PERCEPTRON_RULES.items():
        if all(a == float(rule(_dot(w, x), t)) for a, (w, x, t) in zip(answers, cases)):
            return mistake
    return constant_answer(perceptron, [tuple(c) for c in cases])


def _perceptron_mistake(total: float, threshold: float, got: float) -> str:
    if got not in (0.0, 1.0):
        return "return 1 or 0, the decision, not the weighted sum itself"
    if total == threshold:
        return "at the threshold itself the answer is 0: use >, not >="
    if abs(total - threshold) < 1:
        return (
            "compare the sum itself with the threshold: no rounding, no int(), and no "
            "margin such as >= threshold + 1"
        )
    if got == float(total < threshold):
        return "the comparison is the wrong way round: 1 when the sum is greater than the threshold"
    if got == float(total + threshold > 0):
        return "compare the sum with the threshold (sum > threshold), do not add the threshold"
    return ""


def _ignored_by_perceptron(perceptron: Callable[..., Any]) -> str:
    """The likely mistake when the perceptron's answer stays put as one argument changes."""
    ignored = ignored_argument(
        perceptron,
        ([2.0, 6.0, 2.0], [1.0, 1.0, 0.0], 5.0),
        {0: [2.0, 1.0, 2.0], 1: [1.0, 0.0, 0.0], 2: 9.0},
    )
    if not ignored:
        return ""
    return f"perceptron ignores its argument {ignored}: the answer is w·x > threshold, all three"


def _perceptrons(perceptron: Callable[..., Any]) -> Finding:
    for w, x, threshold in _perceptron_cases():
        total = _dot(w, x)
        expected = 1.0 if total > threshold else 0.0
        got = number(perceptron(list(w), list(x), threshold))
        if got != expected:
            where = (
                "equals" if total == threshold else "is above" if total > threshold else "is below"
            )
            return failed(
                f"perceptron({show(w)}, {show(x)}, threshold={show(threshold)}) "
                f"should be {show(expected)}",
                f"the weighted sum is {show(total)}, which {where} the threshold; "
                f"you returned {show(got) if got is not None else 'no number'}",
                likely=_perceptron_rule(perceptron)
                or _ignored_by_perceptron(perceptron)
                or (_perceptron_mistake(total, threshold, got) if got is not None else ""),
            )
    return passed(
        "the sweets perceptron's answer is the second factor in all 8 cases, "
        "a sum equal to the threshold gives 0, and sums just above and below it are decided "
        "right"
    )


def check_01(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """The weighted sum on the worked example and random cases; the sweets decision on all 8
    combinations, and sums that equal the threshold exactly; neither may change its lists."""
    found = needs(names, "01")
    weighted_sum, perceptron = Watch(found[0], "weighted_sum"), Watch(found[1], "perceptron")
    first = _weighted_sums(weighted_sum)
    first = weighted_sum.changed() or first
    if not first.ok and uses(perceptron, "weighted_sum"):  # its answers would mislead
        return [first, not_checked("perceptron", "weighted_sum")]
    second = _perceptrons(perceptron)
    return [first, perceptron.changed() or second]


# -- exercise 02: the perceptron learning rule ---------------------------------------------

_Trained = tuple[list[float], float, bool, int]


def _call_train(train: Callable[..., Any], X: Any, y: Any, **options: Any) -> _Trained | str:
    """What train_perceptron returned, as (weights, bias, converged, epochs), or a complaint."""
    result = train(np.asarray(X, dtype=float).tolist(), [int(t) for t in y], **options)
    parts = tuple(result) if isinstance(result, (tuple, list)) and len(result) == 4 else None
    if parts is None:
        return (
            f"train_perceptron should return (weights, bias, converged, epochs); got {result!r:.80}"
        )
    if isinstance(parts[3], (bool, np.bool_)) and not isinstance(parts[2], (bool, np.bool_)):
        return (
            "train_perceptron should return (weights, bias, converged, epochs) in that order; "
            f"yours ends with {parts[2]!r}, {parts[3]!r}"
        )
    weights, bias, converged, epochs = numbers_of(parts[0]), number(parts[1]), parts[2], parts[3]
    if weights is None or bias is None or number(epochs) is None:
        return (
            "train_perceptron should return (weights, bias, converged, epochs): "
            f"a list of numbers, a number, True or False, a whole number; got {result!r:.80}"
        )
    return weights, bias, bool(converged), int(epochs)


def _complaint(call: str, said: str) -> Finding:
    """A failed finding for a result that is not (weights, bias, converged, epochs)."""
    swapped = "in that order" in said
    return failed(
        f"{call}: {said}",
        likely="converged (True or False) and epochs are swapped: return (weights, bias, "
        "converged, epochs), in that order"
        if swapped
        else "",
    )


def _described(t: _Trained) -> str:
    return f"w = {show(t[0])}, b = {show(t[1])}, converged = {t[2]}, epochs = {t[3]}"


_ONE_SHORT = (
    "your loop runs one epoch too few: range(1, max_epochs) stops before max_epochs; use "
    "range(1, max_epochs + 1)"
)
_ONE_LONG = (
    "your loop runs more epochs than max_epochs: range(max_epochs + 1), or a while loop "
    "with <=, goes once more; use range(1, max_epochs + 1)"
)


_COUNT = (
    "return how many epochs ran: max_epochs when it never converged (a loop variable of "
    "range(max_epochs) counts from 0, one short)"
)


def _one_mistake(train: Callable[..., Any]) -> Finding:
    call = "train_perceptron([[1, 1]], [1], lr=0.5, max_epochs=1)"
    got = _call_train(train, [[1.0, 1.0]], [1], lr=0.5, max_epochs=1)
    if isinstance(got, str):
        return _complaint(call, got)
    expected: _Trained = ([0.5, 0.5], 0.5, False, 1)
    if got[:2] != expected[:2]:
        again = _call_train(train, [[1.0, 1.0]], [1], lr=0.5, max_epochs=2)
        short = (
            got[:2] == ([0.0, 0.0], 0.0)
            and not isinstance(again, str)
            and again[:2] == expected[:2]
        )
        why = (
            _ONE_SHORT
            if short
            else likely(
                [*got[0], got[1]],
                {
                    "the update has the wrong sign: error = target - output, then w += lr·error·x "
                    "(yours moved away from the example)": [-0.5, -0.5, -0.5],
                    "the bias never changes: b += lr·error too": [0.5, 0.5, 0.0],
                    "lr is missing from the update: w += lr·error·x": [1.0, 1.0, 1.0],
                    "nothing changed: when the output is wrong, move w and b": [0.0, 0.0, 0.0],
                },
            )
        )
        return failed(
            f"{call}: the output 0 is wrong (target 1), so w should become [0.5, 0.5] and b 0.5",
            f"you returned {_described(got)}",
            likely=why,
        )
    if got[2:] != expected[2:]:
        return failed(
            f"{call}: one epoch, with a mistake in it, so converged = False and epochs = 1",
            f"you returned {_described(got)}",
            likely=_ONE_LONG
            if got[2] and got[3] > 1
            else "converged means a whole epoch went by without a mistake"
            if got[2]
            else _COUNT,
        )
    return passed("one mistake moves w to w + lr·error·x = [0.5, 0.5] and b to 0.5")


def _three_inputs(train: Callable[..., Any]) -> Finding:
    """One mistake on an example of three different inputs: one weight per input, each moved
    by its own input."""
    call = "train_perceptron([[1, 0, 2]], [1], lr=0.5, max_epochs=1)"
    got = _call_train(train, [[1.0, 0.0, 2.0]], [1], lr=0.5, max_epochs=1)
    if isinstance(got, str):
        return _complaint(call, got)
    expected = [0.5, 0.0, 1.0]
    if len(got[0]) != 3:
        return failed(
            f"{call}: three inputs, so three weights, moved to w + lr·error·x = [0.5, 0, 1]",
            f"you returned {_described(got)}: {len(got[0])} weights",
            likely="start with one weight per input, [0.0] * len(X[0]), not a fixed number "
            "of weights (the worked example's 2)",
        )
    if not all(map(close, got[0], expected)) or not close(got[1], 0.5):
        return failed(
            f"{call}: the output 0 is wrong (target 1), so w should become "
            "w + lr·error·x = [0.5, 0, 1] and b 0.5",
            f"you returned {_described(got)}",
            likely=likely(
                got[0],
                {
                    "each weight moves by lr·error alone: the input is missing from the update, "
                    "w_i += lr·error·x_i": [0.5, 0.5, 0.5],
                    "lr is missing from the update: w += lr·error·x": [1.0, 0.0, 2.0],
                },
            ),
        )
    return passed("with three inputs, each of the three weights moves by lr·error·x_i")


def _called_twice(train: Callable[..., Any]) -> Finding | None:
    """A failed finding when a second call on the same data answers otherwise than the first."""
    X, y = gate("and")
    first = _call_train(train, X, y, lr=1.0, max_epochs=100)
    second = _call_train(train, X, y, lr=1.0, max_epochs=100)
    if isinstance(first, str) or isinstance(second, str) or first == second:
        return None
    default = mutable_default(train)
    return failed(
        "train_perceptron on AND, called twice: the second call should give what the first did",
        f"first {_described(first)}; second {_described(second)}",
        likely=f"the default {default} is made once, when def runs, and shared by every call: "
        "the second call starts from the previous call's weights; use None and make a fresh "
        "list inside"
        if default
        else "something is kept from the previous call (a list made outside the function?): "
        "start every call afresh from zero weights",
    )


def _nothing_to_learn(train: Callable[..., Any]) -> Finding:
    call = "train_perceptron(gate inputs, [0, 0, 0, 0], max_epochs=20)"
    X, _ = gate("and")
    got = _call_train(train, X, [0, 0, 0, 0], lr=1.0, max_epochs=20)
    if isinstance(got, str):
        return _complaint(call, got)
    if got[0] != [0.0, 0.0] or got[1] != 0.0:
        return failed(
            f"{call}: zero weights already answer 0 everywhere, so nothing should change",
            f"you returned {_described(got)}",
            likely="you update on correct examples too: change w and b only on a mistake "
            "(error = target - output is 0 when the output is right)",
        )
    if not got[2] or got[3] != 1:
        return failed(
            f"{call}: the first epoch has no mistake, so training stops there: "
            "converged = True, epochs = 1",
            f"you returned {_described(got)}",
            likely="you do not stop at convergence: stop as soon as an epoch has no mistake"
            if got[3] > 1
            else "count the epochs that ran (1 here), and say converged after an epoch "
            "without a mistake",
        )
    return passed("with nothing to learn, nothing changes and training stops after one epoch")


def _wrong_example(weights: list[float], bias: float, X: np.ndarray, y: np.ndarray) -> str:
    for x, target in zip(X.tolist(), y.tolist()):
        output = int(_dot(weights, x) + bias > 0)
        if output != target:
            return f"{show(x)} gives {output}, not {target}"
    return ""


def _learns(train: Callable[..., Any], name: str) -> Finding:
    X, y = gate(name)
    reference = Perceptron(2)
    fit = reference.fit(X, y, lr=1.0, max_epochs=100)
    call = f"train_perceptron on {name.upper()} (lr=1, max_epochs=100)"
    got = _call_train(train, X, y, lr=1.0, max_epochs=100)
    if isinstance(got, str):
        return _complaint(call, got)
    should = (
        f"the rule converges after {fit.epochs} epochs with w = "
        f"{show(reference.weights)}, b = {show(reference.bias)}"
    )
    wrong = _wrong_example(got[0], got[1], X, y)
    if got[2] and wrong:
        return failed(
            f"{call}: you say it converged, but with your weights {wrong}",
            f"you returned {_described(got)}; {should}",
            likely="you stop too early: stop only after a whole epoch without a mistake "
            "(is the check inside the loop over the examples?)",
        )
    if not got[2] or got[3] != fit.epochs:
        likely_text = ""
        if not wrong and got[3] == 100:
            likely_text = "you do not stop at convergence: stop as soon as an epoch has no mistake"
        elif got[1] == 0.0 and reference.bias != 0.0:
            likely_text = "the bias never changes: b += lr·error too"
        return failed(f"{call}: {should}", f"you returned {_described(got)}", likely=likely_text)
    return passed(f"{name.upper()} is learned in {fit.epochs} epochs, as the rule does")


def _xor(train: Callable[..., Any]) -> Finding:
    X, y = gate("xor")
    call = "train_perceptron on XOR (max_epochs=30)"
    got = _call_train(train, X, y, lr=1.0, max_epochs=30)
    if isinstance(got, str):
        return _complaint(call, got)
    if got[2] or got[3] != 30:
        wrong = _wrong_example(got[0], got[1], X, y)
        return failed(
            f"{call}: no line separates XOR, so every epoch has a mistake: "
            "converged = False after all 30 epochs",
            f"you returned {_described(got)}" + (f"; with your weights {wrong}" if wrong else ""),
            likely="say converged only after an epoch without a mistake, and run until "
            "max_epochs otherwise",
        )
    return passed("XOR does not converge: no single line separates it")


def _predict_cases() -> list[tuple[list[float], float, list[float]]]:
    """The worked cases (a sum of 0.5, and of exactly 0), then random ones: weights, bias and
    inputs that differ, so that one left out or swapped shows."""
    rng = np.random.default_rng(2)
    cases = [([1.0, 1.0], -1.5, [1.0, 1.0]), ([1.0, 1.0], -2.0, [1.0, 1.0])]
    for _ in range(40):
        k = int(rng.integers(1, 5))
        w = (rng.integers(-6, 7, size=k) / 2).tolist()
        x = rng.integers(0, 2, size=k).astype(float).tolist()
        cases.append((w, float(rng.integers(-6, 7) / 2), x))
    return cases


def _predict_mistake(predict: Callable[..., Any], w: list[float], b: float, x: list[float]) -> str:
    """The usual mistake behind a wrong prediction: an argument left out, else the comparison."""
    total = _dot(w, x) + b
    got = number(predict(list(w), b, list(x)))
    if got is None:
        return ""
    if got not in (0.0, 1.0) or total == 0:
        return _perceptron_mistake(total, 0.0, got)
    ignored = ignored_argument(
        predict,
        ([0.5, -1.0], 0.25, [1.0, 1.0]),
        {0: [-1.5, 2.0], 1: -3.0, 2: [0.0, 1.0]},
    )
    if ignored:
        return f"predict ignores its argument {ignored}: the decision is w·x + b > 0, all three"
    return _perceptron_mistake(total, 0.0, got)


def _predicts(predict: Callable[..., Any]) -> Finding:
    for w, b, x in _predict_cases():
        total = _dot(w, x) + b
        expected = 1.0 if total > 0 else 0.0
        got = number(predict(list(w), b, list(x)))
        if got != expected:
            return failed(
                f"predict({show(w)}, {show(b)}, {show(x)}) should be {show(expected)}",
                f"w·x + b = {show(total)}; you returned {show(got) if got is not None else None}",
                likely=_predict_mistake(predict, w, b, x),
            )
    return passed("predict gives 1 when w·x + b > 0, else 0 (also at exactly 0), in 42 cases")


def _xor_at_the_limit(train: Callable[..., Any]) -> Finding:
    """XOR with max_epochs 1, 2, 3: exactly that many epochs run, whatever the loop's bounds."""
    X, y = gate("xor")
    for limit in (1, 2, 3):
        call = f"train_perceptron on XOR (lr=1, max_epochs={limit})"
        got = _call_train(train, X, y, lr=1.0, max_epochs=limit)
        if isinstance(got, str):
            return _complaint(call, got)
        runs = {}
        for epochs in (limit - 1, limit, limit + 1):
            reference = Perceptron(2)
            if epochs > 0:
                reference.fit(X, y, lr=1.0, max_epochs=epochs)
            runs[epochs] = [*reference.weights.tolist(), float(reference.bias)]
        mine = [*got[0], got[1]]
        if len(mine) == 3 and all(map(close, mine, runs[limit])) and got[2:] == (False, limit):
            continue
        why = likely(
            mine,
            {
                _ONE_SHORT: runs[limit - 1],
                _ONE_LONG: runs[limit + 1],
            },
        ) or (
            "the weights are right but the count is not: return the number of epochs that "
            "ran (max_epochs here), and converged = False"
            if all(map(close, mine, runs[limit]))
            else ""
        )
        return failed(
            f"{call}: after exactly {limit} epoch{'s' if limit > 1 else ''} the rule gives "
            f"w = {show(runs[limit][:2])}, b = {show(runs[limit][2])}, converged = False, "
            f"epochs = {limit}",
            f"you returned {_described(got)}",
            likely=why,
        )
    return passed("with max_epochs = 1, 2 and 3, exactly that many epochs run on XOR")


def check_02(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """predict on many cases, then the rule: one update by hand, nothing to learn, AND, OR,
    NAND, XOR at its limit; neither may change the lists it is given."""
    found = needs(names, "02")
    predict, train = Watch(found[0], "predict"), Watch(found[1], "train_perceptron")
    first = _predicts(predict)
    first = predict.changed() or first
    if not first.ok and uses(train, "predict"):
        return [first, not_checked("train_perceptron", "predict")]
    findings = [_one_mistake(train)]
    twice = _called_twice(train)
    findings += [*([twice] if twice else []), _three_inputs(train)]
    findings.append(_nothing_to_learn(train))
    findings += [_learns(train, name) for name in ("and", "or", "nand")]
    findings += [_xor(train), _xor_at_the_limit(train)]
    mutated = train.changed()
    return [first, *([mutated] if mutated else []), *findings]
