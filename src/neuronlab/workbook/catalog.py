"""The workbook's seventeen exercises, in the learner's order: one place for what each one is.

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
    "EXERCISES",
    "NUMBERS",
    "Exercise",
    "exercise",
    "hint_line",
    "hints_done",
    "template_text",
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
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
        seconds=10.0,
    ),
    Exercise(
        "13",
        "Bigram counts: a language model made by counting",
        "13_bigram_counts.py",
        (
            'Write "." before and after each word; N[stoi[a], stoi[b]] += 1 for each pair.',
            "Normalise each row: (N + s) / (N + s).sum(axis=1, keepdims=True).",
            "Sample with one rng = np.random.default_rng(seed) and neuronlab's multinomial.",
        ),
        "bigrams:check_13",
        ("bigram_counts", "bigram_probabilities", "mean_nll", "sample_names"),
        seconds=10.0,
    ),
    Exercise(
        "14",
        "The bigram network: one-hot times W, softmax, gradient descent",
        "14_bigram_network.py",
        (
            "one_hot(xs) @ W picks row xs[k] of W: the logits after character xs[k].",
            "Softmax written out: exp(logits - max), divided by its row's sum (keepdims=True).",
            "Each step: W.grad = None (or W.zero_grad()), loss.backward(), W.data -= lr * W.grad.",
        ),
        "bigram_network:check_14",
        ("one_hot", "bigram_loss", "train_bigram"),
        seconds=10.0,
    ),
    Exercise(
        "15",
        "The MLP's forward pass with an embedding table",
        "15_mlp_forward.py",
        (
            "Each target's context is the block_size characters before it, '.' padding the start.",
            "C[X] has shape (n, block, n_embd); reshape it to (n, block * n_embd).",
            "tanh(emb @ W1 + b1) @ W2 + b2; the loss subtracts each row's max first.",
        ),
        "embedding:check_15",
        ("build_dataset", "mlp_logits", "cross_entropy"),
        seconds=10.0,
    ),
    Exercise(
        "16",
        "Backprop ninja: every gradient of the BatchNorm MLP by hand",
        "16_backprop_ninja.py",
        (
            "Go backward one atom at a time; each gradient has its value's shape.",
            "A value used twice (counts, bndiff, hprebn) adds both contributions.",
            "A broadcast (1, H) or (n, 1) value sums its gradient back with keepdims=True.",
            "An embedding row used twice gets both gradients: np.add.at(dC, X, demb).",
        ),
        "ninja:check_16",
        ("forward_pass", "backward_pass"),
        seconds=10.0,
    ),
    Exercise(
        "17",
        "The closed forms, and training with your own gradients",
        "17_closed_forms.py",
        (
            "dlogits = (softmax(logits) - onehot(Y)) / n.",
            "dhprebn = bngain * bnvar_inv / n * (n * dhpreact - dhpreact.sum(0) "
            "- n / (n - 1) * bnraw * (dhpreact * bnraw).sum(0)).",
            "gradients() is exercise 16's backward with those two lines in place of the atoms.",
        ),
        "closed_forms:check_17",
        ("cross_entropy_backward", "batchnorm_backward", "gradients"),
        seconds=120.0,  # it trains the network: about 25 s on an idle machine
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
