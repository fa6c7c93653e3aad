"""The workbook's twelve exercises, in the learner's order: one place for what each one is.

Each exercise is a template file written into the learner's workbook
(``templates/NN_name.py``: a docstring that teaches the idea, stubs that raise
``NotImplementedError``, the worked example's numbers to try first), hints
shown one at a time, and a check (``checks.<module>.check_NN``) that runs on
the learner's code in a child process.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

__all__ = [
    "Exercise",
    "EXERCISES",
    "exercise",
    "template_text",
    "NUMBERS",
    "hint_line",
    "hints_done",
]


@dataclass(frozen=True)
class Exercise:
    """One exercise: its number ("05"), title, file, hints, the check that grades it, the
    names of what the learner writes (the functions and classes it checks), and how long
    that check may take (seconds)."""

    number: str
    title: str
    file: str
    hints: tuple[str, ...]
    check: str  # "module:function" inside neuronlab.workbook.checks
    names: tuple[str, ...]  # what the exercise's file defines for the check to read
    seconds: float = 30.0


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "01",
        "The weighted sum and the sweets perceptron",
        "01_weighted_sum.py",
        (
            "The weighted sum is Σ w_i·x_i + b: multiply pairwise, add up, add the bias.",
            "The perceptron answers 1 when the weighted sum is greater than the threshold.",
            "With weights (2, 6, 2) and threshold 5, only the second factor's 6 clears it alone.",
        ),
        "perceptron:check_01",
        ("weighted_sum", "perceptron"),
    ),
    Exercise(
        "02",
        "The perceptron learning rule",
        "02_perceptron_rule.py",
        (
            "For each example: error = target - output; then w += lr·error·x and b += lr·error.",
            "Stop when an epoch makes no mistake; give up after max_epochs.",
            "XOR has no separating line, so the rule never finishes an epoch without mistakes.",
        ),
        "perceptron:check_02",
        ("predict", "train_perceptron"),
    ),
    Exercise(
        "03",
        "The sigmoid neuron, stable for any z",
        "03_sigmoid.py",
        (
            "σ(z) = 1 / (1 + e^(-z)), and σ(0) = 0.5.",
            "For a large negative z, e^(-z) overflows: compute e^z / (1 + e^z) there instead.",
        ),
        "sigmoid:check_03",
        ("sigmoid", "sigmoid_neuron"),
    ),
    Exercise(
        "04",
        "The derivative by nudging",
        "04_nudging.py",
        (
            "Forward difference: (f(x + h) - f(x)) / h.",
            "Central difference: (f(x + h) - f(x - h)) / 2h, which is exact for parabolas.",
            "Too small an h loses the difference to rounding: f(x + h) and f(x) round alike.",
        ),
        "derivative:check_04",
        ("forward_difference", "central_difference", "nudge_errors"),
    ),
    Exercise(
        "05",
        "Value with + and *: the L graph",
        "05_value.py",
        (
            "Each operation makes a new Value and remembers its inputs (_prev) and op.",
            "Its _backward adds out.grad times the local derivative to each input's grad.",
            "d(a+b)/da = 1 and d(a*b)/da = b: a product hands each side the other's data.",
        ),
        "value:check_05",
        ("Value",),
    ),
    Exercise(
        "06",
        "backward(): a topological order, and gradients that add up",
        "06_backward.py",
        (
            "Visit every node after its inputs; do it with an explicit stack, not recursion.",
            "Set self.grad = 1, then call _backward on the nodes in reverse order.",
            "Use += in _backward: a value used twice gets both contributions.",
        ),
        "value:check_06",
        ("Value",),
        seconds=60.0,
    ),
    Exercise(
        "07",
        "More operations: -, /, **, exp, tanh",
        "07_more_ops.py",
        (
            "a - b is a + (-b), and a / b is a * b**-1: build them from what you have.",
            "d/da a**k = k·a**(k-1); d/da e^a = e^a.",
            "d/da tanh(a) = 1 - tanh(a)²: reuse the output you computed.",
        ),
        "operations:check_07",
        ("Value",),
    ),
    Exercise(
        "08",
        "Neuron, Layer, MLP and parameters()",
        "08_networks.py",
        (
            "A neuron holds one weight per input and a bias; it computes act(w·x + b).",
            "A layer is a list of neurons reading the same inputs; an MLP chains layers.",
            "parameters() lists every weight and bias, in order, each once.",
        ),
        "networks:check_08",
        ("Neuron", "Layer", "MLP"),
    ),
    Exercise(
        "09",
        "The MSE cost and gradient descent",
        "09_training.py",
        (
            "MSE = mean of (prediction - target)².",
            "One step: zero every grad, compute the loss, backward, then p.data -= lr * p.grad.",
            "Forget zero_grad and gradients pile up from step to step.",
        ),
        "networks:check_09",
        ("mse", "train_step", "train"),
        seconds=120.0,
    ),
    Exercise(
        "10",
        "Tensors: the backward of a matrix product and of a broadcast sum",
        "10_tensors.py",
        (
            "For C = A @ B: dA = dC @ Bᵀ and dB = Aᵀ @ dC; check the shapes.",
            "A broadcast copies a value to many places: its gradient sums over them.",
        ),
        "tensors:check_10",
        ("matmul_backward", "broadcast_backward"),
    ),
    Exercise(
        "11",
        "Softmax cross-entropy's backward by hand",
        "11_cross_entropy.py",
        (
            "Subtract the row's largest score before e^z so nothing overflows.",
            "dL/dz = (softmax(z) - onehot(y)) / n for the mean over n examples.",
        ),
        "tensors:check_11",
        ("softmax", "cross_entropy", "cross_entropy_backward"),
    ),
    Exercise(
        "12",
        "Backprop by hand through a two-layer network",
        "12_backprop_by_hand.py",
        (
            "Go backward one line at a time, from the loss to the first weights.",
            "Each gradient has the shape of what it is the gradient of.",
            "Compare every gradient with autograd's: exact, close, or the largest difference.",
        ),
        "backprop:check_12",
        ("forward", "backward"),
    ),
)

#: The exercise numbers, in order.
NUMBERS = tuple(e.number for e in EXERCISES)


def exercise(number: str) -> Exercise:
    """The exercise ``number`` ("05" or "5"); a ValueError listing the numbers otherwise."""
    text = str(number).strip()
    key = f"{int(text):02d}" if text.isascii() and text.isdigit() else text
    for e in EXERCISES:
        if e.number == key:
            return e
    raise ValueError(f"unknown exercise {number!r}; expected one of {', '.join(NUMBERS)}")


def template_text(e: Exercise) -> str:
    """The template file of an exercise, as it is written into a new workbook."""
    return (resources.files(__package__) / "templates" / e.file).read_text(encoding="utf-8")


def hint_line(e: Exercise, which: int) -> str:
    """How hint ``which`` (from 1) of ``e`` is shown: ``exercise 05, hint 2 of 3: ...``."""
    return f"exercise {e.number}, hint {which} of {len(e.hints)}: {e.hints[which - 1]}"


def hints_done(e: Exercise) -> str:
    """What is said once every hint of ``e`` was shown."""
    return (
        f"exercise {e.number}: all {len(e.hints)} hints are shown; the exercise's own "
        "explanation and the check's message are your guides now"
    )
