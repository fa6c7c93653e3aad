"""Check of exercise 04: the derivative by nudging, and why too small a nudge goes wrong.

The reference formulas are written here once, the way the exercise asks for
them; the learner's numbers must agree to 1e-6 (different but right ways of
writing them round differently).  A wrong slope is diagnosed on the parabola
3x² - 4x + 5 at x = 3 with h = 0.1, where every usual mistake gives a
different number (14.3 is right; 7.15, 1.43, 28 ... are not).  A function
that ignores one of its arguments (or has an answer written in) is named:
each is also called with other arguments, and the error table is asked for
a second function, point, exact slope and list of steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .mistakes import close, likely, number, numbers_of, show
from .names import needs
from .probes import Watch, ignored_argument, not_checked, uses

__all__ = ["STEPS", "central", "check_04", "forward"]

_Function = Callable[[float], float]

#: The nudges the error table tries: 0.1, 0.01, ..., 1e-15.
STEPS = tuple(10.0**-k for k in range(1, 16))


def forward(f: _Function, x: float, h: float) -> float:
    """The forward difference (f(x + h) - f(x)) / h: the reference."""
    return (f(x + h) - f(x)) / h


def central(f: _Function, x: float, h: float) -> float:
    """The central difference (f(x + h) - f(x - h)) / (2h): the reference."""
    return (f(x + h) - f(x - h)) / (2 * h)


def _parabola(x: float) -> float:
    return 3 * x**2 - 4 * x + 5


def _l_of_a(a: float) -> float:
    """The design's L graph as a function of a alone: L = (a·b + c)·f, b = -3, c = 10, f = -2."""
    return (a * -3.0 + 10.0) * -2.0


def _cube(x: float) -> float:
    return x**3


_FUNCTIONS: dict[str, _Function] = {
    "3x² - 4x + 5": _parabola,
    "L(a) = (a·(-3) + 10)·(-2)": _l_of_a,
    "sin": math.sin,
    "exp": math.exp,
    "x³": _cube,
}
#: The case on which the usual mistakes all differ: the parabola at 3 with h = 0.1.
_TELLING = ("3x² - 4x + 5", 3.0, 0.1)


def _cases() -> list[tuple[str, float, float]]:
    rng = np.random.default_rng(5)
    cases = [("L(a) = (a·(-3) + 10)·(-2)", 2.0, 1e-3), ("3x² - 4x + 5", 3.0, 1e-3), _TELLING]
    cases += [("3x² - 4x + 5", 0.0, 1e-3), ("sin", 2.5, 1e-3)]  # slopes below 0: -4, -0.801
    for name in ("sin", "exp", "x³"):
        for h in (1e-2, 1e-3, 1e-4):
            cases.append((name, round(float(rng.uniform(-2, 2)), 3), h))
    return cases


def _mistakes(f: _Function, x: float, h: float) -> dict[str, float]:
    up, here, down = f(x + h), f(x), f(x - h)
    return {
        "you divided by 2h: the forward difference divides by h, the distance from x to x + h": (
            (up - here) / (2 * h)
        ),
        "you divided by 2 and then multiplied by h: '/ 2 * h' is (… / 2) * h; write / (2 * h)": (
            up - down
        )
        / 2
        * h,
        "you forgot to divide by h: that is the change of f, not its slope": up - here,
        "you forgot to divide by 2h: that is the change of f across 2h, not its slope": up - down,
        "f(x + h) - f(x - h) spans 2h, so divide it by 2h, not by h": (up - down) / h,
        "that is the central difference: the forward one is (f(x + h) - f(x)) / h": central(
            f, x, h
        ),
        "that is the forward difference: the central one is (f(x + h) - f(x - h)) / (2h)": forward(
            f, x, h
        ),
        "a slope can be below 0: take no abs() of the difference": abs(up - here) / h,
        "a slope can be below 0: take no abs() of f(x + h) - f(x - h)": abs(up - down) / (2 * h),
        "the sign is flipped: f(x + h) comes first, then f(x) is subtracted": (here - up) / h,
        "you nudged down: (f(x) - f(x - h)) / h is the backward difference": (here - down) / h,
    }


def _ignores(learner: Callable[..., Any], called: str) -> str:
    """The likely mistake when ``learner`` gives the same slope whatever one argument is."""
    ignored = ignored_argument(learner, (_parabola, 3.0, 0.1), {0: _cube, 1: 1.0, 2: 0.01})
    if not ignored:
        return ""
    default = " (its default, 0.001, is only for calls that give none)" if ignored == "h" else ""
    return f"{called} ignores its argument {ignored}: use the one it is given{default}"


def _diagnosis(got: float | None, f: _Function, x: float, h: float, right: float) -> str:
    """The usual mistake that gives ``got`` for f at x with h (the right answer excluded)."""
    if got is None:
        return ""
    candidates = {
        mistake: answer
        for mistake, answer in _mistakes(f, x, h).items()
        if not close(answer, right)  # the right formula is not a mistake
    }
    return likely(got, candidates)


def _slopes(
    learner: Callable[..., Any], called: str, reference: Callable[..., float], what: str
) -> Finding:
    """The learner's difference against the reference one on every case, diagnosed on failure."""
    own = "forward difference" if reference is forward else "central difference"
    telling_f, telling_x, telling_h = _FUNCTIONS[_TELLING[0]], _TELLING[1], _TELLING[2]
    right = reference(telling_f, telling_x, telling_h)
    for name, x, h in _cases():
        f = _FUNCTIONS[name]
        expected = reference(f, x, h)
        got = number(learner(f, x, h))
        if got is None or not close(got, expected, rel=1e-6):
            telling = number(learner(telling_f, telling_x, telling_h))
            returned = f"you returned {show(got, 10) if got is not None else 'no number'}"
            if telling is not None and close(telling, right, rel=1e-6):
                # right on the telling case: the mistake shows only here (a sign, say)
                return failed(
                    f"{called}({name}, x = {show(x)}, h = {show(h)}) should be "
                    f"{show(expected, 10)}",
                    returned,
                    likely=_diagnosis(got, f, x, h, expected) or _ignores(learner, called),
                )
            return failed(
                f"{called}({name}, x = {show(x)}, h = {show(h)}) should be {show(expected, 10)}",
                f"{returned} (on 3x² - 4x + 5 at 3 with h = 0.1 the {own} is "
                f"{show(right)}; yours gives "
                f"{show(telling) if telling is not None else 'no number'})",
                likely=_diagnosis(telling, telling_f, telling_x, telling_h, right)
                or _ignores(learner, called),
            )
    return passed(what)


def _ignores_exact(nudge_errors: Callable[..., Any], exact: float) -> str:
    """The likely mistake when the table stays put as ``exact`` changes."""
    worked = (math.sin, 1.0, exact, list(STEPS))
    if ignored_argument(nudge_errors, worked, {2: exact + 0.5}):
        return (
            "nudge_errors ignores its argument exact: compare each estimate with the exact "
            "slope it is given, abs(forward_difference(f, x, h) - exact), not with a slope of "
            "your own"
        )
    return ""


def _table(errors: list[float]) -> str:
    best = min(range(len(errors)), key=errors.__getitem__)
    return (
        f"the error of the forward difference of sin at 1 falls from {show(errors[0], 2)} at "
        f"h = 0.1 to {show(errors[best], 2)} at h = {show(STEPS[best])}, then rises to "
        f"{show(errors[-1], 2)} at h = 1e-15: below that, f(x + h) - f(x) is mostly rounding"
    )


def _errors(nudge_errors: Callable[..., Any]) -> Finding:
    call = "nudge_errors(sin, 1, cos(1), [0.1, 0.01, ..., 1e-15])"
    exact = math.cos(1.0)
    expected = [abs(forward(math.sin, 1.0, h) - exact) for h in STEPS]
    returned = nudge_errors(math.sin, 1.0, exact, list(STEPS))
    if not isinstance(returned, (list, tuple, np.ndarray)):
        return failed(
            f"{call} should return a list of {len(STEPS)} errors, one per h",
            f"you returned a {type(returned).__name__}",
            likely="return a list (errors.append(...), or [... for h in steps]): a generator "
            "(yield, or ( ... for h in steps)) can be read only once, and has no len()"
            if isinstance(returned, Iterator)
            else "",
        )
    got = numbers_of(returned)
    if got is None or len(got) != len(STEPS):
        count = len(got) if got is not None else 0
        return failed(
            f"{call} should return a list of {len(STEPS)} errors, one per h",
            f"yours has {count} entries" if got is not None else f"you returned {returned!r:.60}",
            likely=f"{len(STEPS) - count} step(s) missing: loop over every h in steps "
            "(for h in steps, not range(len(steps) - 1))"
            if got is not None and count < len(STEPS)
            else "one error per h in steps, no more"
            if got is not None
            else "",
        )
    wrong = [i for i in range(len(STEPS)) if not close(got[i], expected[i], 1e-6, 1e-15)]
    if wrong:
        i = wrong[0]
        candidates = {
            "an error is a distance: abs(estimate - exact), never negative": [
                forward(math.sin, 1.0, h) - exact for h in STEPS
            ],
            "the table is about the forward difference: use forward_difference, not central": [
                abs(central(math.sin, 1.0, h) - exact) for h in STEPS
            ],
            "the error is abs(estimate - exact), not divided by exact": [
                e / exact for e in expected
            ],
        }
        return failed(
            f"{call}: at h = {show(STEPS[i])} the error should be {show(expected[i])}",
            f"you returned {show(got[i])}",
            likely=likely(got, candidates, rel=1e-6) or _ignores_exact(nudge_errors, exact),
        )
    best = min(range(len(got)), key=got.__getitem__)
    if not (3 <= best <= 11 and got[0] > 100 * got[best] and got[-1] > 100 * got[best]):
        return failed(f"{call}: the error should first fall, then rise; yours: {show(got, 2)}")
    return _another_table(nudge_errors) or passed(_table(got))


#: The second table asked for: e^x at 0.5, four steps, so that nothing of sin at 1 fits it.
_OTHER = (math.exp, 0.5, math.exp(0.5), [0.1, 0.01, 0.001, 1e-4])


def _another_table(nudge_errors: Callable[..., Any]) -> Finding | None:
    """The error table of e^x at 0.5 for four steps: a failed finding when it is not that
    (an argument ignored, or sin's numbers written in), else None."""
    f, x, exact, steps = _OTHER
    call = "nudge_errors(exp, 0.5, exp(0.5), [0.1, 0.01, 0.001, 1e-4])"
    expected = [abs(forward(f, x, h) - exact) for h in steps]
    got = numbers_of(nudge_errors(f, x, exact, list(steps)))
    if (
        got is not None
        and len(got) == len(expected)
        and all(close(g, e, 1e-6, 1e-15) for g, e in zip(got, expected))
    ):
        return None
    worked = (math.sin, 1.0, math.cos(1.0), list(STEPS))
    ignored = ignored_argument(nudge_errors, worked, {0: f, 1: x, 2: exact, 3: steps})
    if got is not None and got == numbers_of(nudge_errors(*worked[:3], list(STEPS))):
        why = (
            "the same table whatever it is asked: the numbers of sin at 1 are written in; "
            "compute each error from the arguments, abs(forward_difference(f, x, h) - exact) "
            "for each h in steps"
        )
    elif ignored:
        why = (
            f"nudge_errors ignores its argument {ignored}: every one of f, x, exact and "
            "steps changes the table"
        )
    else:
        why = "compute each error from the arguments: abs(forward_difference(f, x, h) - exact)"
    return failed(
        f"{call} should be {show(expected, 3)}",
        f"you returned {show(got, 3) if got is not None else 'no list of numbers'}",
        likely=why,
    )


def check_04(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """Both differences on the L graph, a parabola and random cases; then the error table, of
    sin at 1 and of e^x at 0.5, which may not change its list of steps."""
    forward_difference, central_difference, found = needs(names, "04")
    nudge_errors = Watch(found, "nudge_errors")
    findings = [
        _slopes(
            forward_difference,
            "forward_difference",
            forward,
            "forward_difference: dL/da = 6, and 14.003 for 3x² - 4x + 5 at 3 with h = 0.001",
        ),
        _slopes(
            central_difference,
            "central_difference",
            central,
            "central_difference: 14 for 3x² - 4x + 5 at 3, exact for a parabola whatever h",
        ),
    ]
    if not findings[0].ok and uses(nudge_errors, "forward_difference"):
        return [*findings, not_checked("nudge_errors", "forward_difference")]
    table = _errors(nudge_errors)
    return [*findings, nudge_errors.changed() or table]
