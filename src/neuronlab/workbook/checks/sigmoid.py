"""Check of exercise 03: the sigmoid, right for every finite z, and the sigmoid neuron.

The reference is neuronlab's own ``Value(z).sigmoid()``.  An ``OverflowError``
from the learner's ``math.exp`` is caught here and explained (it is the usual
mistake, not a crash), and so is a nan from NumPy's ``inf / inf``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ...data.synthetic import SWEETS_THRESHOLD, SWEETS_WEIGHTS
from ...engine import Value
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .mistakes import close, likely, number, show
from .names import needs
from .probes import Watch, not_checked, uses

__all__ = ["check_03", "sigmoid_of"]

_WORKED = (0.0, 2.0, -2.0, 1.0, -1.0, 0.5)
_TELLING = 2.0  # σ(2), σ(-2), σ'(2) and tanh(2) all differ
_EXTREMES = (-1000.0, 1000.0, -710.0, 710.0, -745.0, 745.0, -1e6, 1e6)
_STABLE = (
    "for z < 0 compute e^z / (1 + e^z), and for z >= 0 1 / (1 + e^(-z)): "
    "then e is only ever raised to a number <= 0, which cannot overflow"
)


_LARGE_Z = (
    "for a large positive z σ(z) is 1, not 0: an overflow caught with except (return 0.0) "
    "is right only for z < 0; " + _STABLE
)
#: z far below 0, where σ(z) ≈ e^z is tiny but a float still holds it
_FAR_OUT = (-40.0, -60.0, -100.0, -300.0)


def sigmoid_of(z: float) -> float:
    """σ(z) as neuronlab computes it: the reference."""
    return Value(z).sigmoid().data


def _sigmoid_mistakes(z: float) -> dict[str, float]:
    s = sigmoid_of(z)
    return {
        "that is σ(-z): the exponent's sign is mixed up; σ(z) = 1 / (1 + e^(-z))": sigmoid_of(-z),
        "that is the derivative σ(z)·(1 - σ(z)), not σ(z) itself": s * (1.0 - s),
        "that is tanh(z): σ(z) = 1 / (1 + e^(-z)) goes from 0 to 1, tanh from -1 to 1": math.tanh(
            z
        ),
        "that is (1 + tanh(z)) / 2 = σ(2z): the identity is σ(z) = (1 + tanh(z/2)) / 2, "
        "the half is missing": sigmoid_of(2 * z),
        **{
            f"your answer is rounded to {digits} digits: return σ(z) at full precision, "
            "no round()": round(s, digits)
            for digits in range(1, 7)
        },
    }


def _call(f: Callable[..., Any], *args: Any) -> float | str:
    """The learner's number, or what went wrong instead (an overflow, nan, not a number)."""
    try:
        got = f(*args)
    except OverflowError:
        return "overflow"
    value = number(got)
    if value is None:
        return f"not a number ({type(got).__name__})"
    return "nan" if math.isnan(value) else value


def _trouble(call: str, z: float, got: str) -> Finding:
    """A failed finding for an overflow or a nan at ``z``."""
    power = f"e^{show(abs(z))}"
    if got == "overflow":
        said = f"{call} raised OverflowError: {power} is beyond the largest float (about 1.8e308)"
    else:
        said = f"{call} is nan: {power} became inf, and inf / inf is nan"
    return failed(
        said,
        f"σ({show(z)}) is {show(sigmoid_of(z))}: every finite z has a sigmoid",
        likely=_STABLE,
    )


def _diagnosis(sigmoid: Callable[..., Any], z: float, got: float | str) -> str:
    """The likely mistake: judged at z = 2, where the usual ones all differ, when the learner's
    σ(2) is wrong too; else at the z where it went wrong."""
    at_two = _call(sigmoid, _TELLING)
    if isinstance(at_two, float) and not close(at_two, sigmoid_of(_TELLING)):
        return likely(at_two, _sigmoid_mistakes(_TELLING))
    if z > 30 and got == 0.0:
        return _LARGE_Z
    return likely(got, _sigmoid_mistakes(z)) if isinstance(got, float) else ""


def _compare(sigmoid: Callable[..., Any], zs: Sequence[float], what: str) -> Finding:
    for z in zs:
        got = _call(sigmoid, z)
        if isinstance(got, str) and got in ("overflow", "nan"):
            return _trouble(f"sigmoid({show(z)})", z, got)
        expected = sigmoid_of(z)
        if isinstance(got, str) or not close(got, expected):
            said = got if isinstance(got, str) else show(got)
            return failed(
                f"sigmoid({show(z)}) should be {show(expected)}",
                f"you returned {said}",
                likely=_diagnosis(sigmoid, z, got),
            )
    return passed(what)


def _far_out(sigmoid: Callable[..., Any]) -> Finding:
    """σ(z) for z far below 0, compared relatively: e^-60 is not e^-50, though both are tiny."""
    answers = {z: _call(sigmoid, z) for z in _FAR_OUT}
    for z, got in answers.items():
        if isinstance(got, str) and got in ("overflow", "nan"):
            return _trouble(f"sigmoid({show(z)})", z, got)
        expected = sigmoid_of(z)
        if isinstance(got, str) or not close(got, expected, tiny=0.0):
            said = got if isinstance(got, str) else show(got)
            frozen = [v for v in answers.values() if v == got]
            why = (
                "your σ stops changing far out: is z clipped (np.clip, max(z, -50)), or "
                "a tiny answer replaced by 0? σ(z) ≈ e^z there, small but relative: " + _STABLE
                if len(frozen) > 1
                else ""
            )
            return failed(
                f"sigmoid({show(z)}) should be {show(expected)} (about e^{show(z)}): tiny, "
                "but a float holds it, to every digit",
                f"you returned {said}",
                likely=why or _diagnosis(sigmoid, z, got),
            )
    return passed("far out σ(z) ≈ e^z to every digit: σ(-60) = 8.76e-27, σ(-300) = 5.15e-131")


def _random_zs() -> list[float]:
    rng = np.random.default_rng(3)
    return rng.uniform(-30, 30, 200).tolist() + rng.uniform(-1000, 1000, 200).tolist()


def _neuron_cases() -> list[tuple[list[float], list[float], float]]:
    rng = np.random.default_rng(4)
    sweets = [
        (list(SWEETS_WEIGHTS), [float(v) for v in x], -SWEETS_THRESHOLD)
        for x in ((0, 1, 0), (1, 0, 1))
    ]
    return sweets + [
        (rng.normal(size=3).tolist(), rng.uniform(0, 1, 3).tolist(), float(rng.normal()))
        for _ in range(30)
    ]


def _neurons(neuron: Callable[..., Any]) -> Finding:
    for w, x, b in _neuron_cases():
        z = sum(wi * xi for wi, xi in zip(w, x)) + b
        call = f"sigmoid_neuron({show(w, 4)}, {show(x, 4)}, {show(b, 4)})"
        got = _call(neuron, list(w), list(x), b)
        if got in ("overflow", "nan"):
            return _trouble(call, z, str(got))
        if isinstance(got, str) or not close(got, sigmoid_of(z)):
            candidates = {
                "the bias is missing: σ(w·x + b)": sigmoid_of(z - b),
                "the bias is added outside, after the sigmoid: it goes inside, "
                "σ(w·x + b)": sigmoid_of(z - b) + b,
                "the bias is subtracted: σ(w·x + b)": sigmoid_of(z - 2 * b),
                "that is w·x + b itself: apply the sigmoid to it": z,
            }
            return failed(
                f"{call} should be σ({show(z)}) = {show(sigmoid_of(z))}",
                f"you returned {got if isinstance(got, str) else show(got)}",
                likely="" if isinstance(got, str) else likely(got, candidates),
            )
    return passed("sigmoid_neuron gives σ(w·x + b): σ(6 - 5) = 0.731 for the sweets weights")


def _perceptron_limit(neuron: Callable[..., Any]) -> Finding:
    """Weights and bias times 1000: the sigmoid neuron answers like the perceptron."""
    w = [1000.0 * v for v in SWEETS_WEIGHTS]
    b = -1000.0 * SWEETS_THRESHOLD
    for x in itertools.product((0.0, 1.0), repeat=3):
        z = sum(wi * xi for wi, xi in zip(w, x)) + b
        call = f"sigmoid_neuron({show(w)}, {show(list(x))}, {show(b)})"
        got = _call(neuron, list(w), list(x), b)
        if got in ("overflow", "nan"):
            return _trouble(call, z, str(got))
        if isinstance(got, str) or not close(got, sigmoid_of(z)):
            return failed(f"{call} should be {show(sigmoid_of(z))}", f"you returned {got}")
    return passed("with the sweets weights and bias times 1000 it answers like the perceptron")


def check_03(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """σ at the worked values, at ±1000 and beyond, at 400 random z; then the sigmoid neuron,
    which may not change the lists it is given.  (A NumPy warning, such as an overflow that
    rounds to the right answer, is a failed finding of ``sandbox.run_check``.)"""
    sigmoid, found = needs(names, "03")
    neuron = Watch(found, "sigmoid_neuron")
    findings = [
        _compare(sigmoid, _WORKED, "σ(0) = 0.5, σ(2) = 0.881, σ(-2) = 0.119"),
        _compare(sigmoid, _EXTREMES, "σ(-1000) = 0 and σ(1000) = 1: no overflow, no nan"),
        _compare(sigmoid, _random_zs(), "σ(z) agrees with neuronlab's on 400 random z"),
        _far_out(sigmoid),
    ]
    if not all(f.ok for f in findings) and uses(neuron, "sigmoid"):  # it would mislead
        return [*findings, not_checked("sigmoid_neuron", "sigmoid")]
    checked = [_neurons(neuron), _perceptron_limit(neuron)]
    mutated = neuron.changed()
    return findings + ([mutated] if mutated else []) + checked
