"""The usual mistakes of exercises 01-04, 08 and 09, each a small change to the reference solution.

Each ``Broken`` replaces one piece of the reference solution's code (or, with
``old`` empty, is a whole small file of its own) and names what the check must
then say: pieces of text of its first failed finding (the message,
a detail or the likely mistake).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.reference import change


@dataclass(frozen=True)
class Broken:
    """One usual mistake: which exercise, what it is, the change, and what the check says."""

    exercise: str
    mistake: str
    old: str  # the text of the solution to change ("" : ``new`` is the whole file)
    new: str
    says: tuple[str, ...]  # every one is in the first failed finding

    def text(self, solution: str) -> str:
        """The reference solution with this mistake made (the text to change must be there)."""
        if not self.old:
            return self.new
        return change(solution, self.old, self.new)


_SIGMOID = (
    "    if z >= 0:\n"
    "        return 1.0 / (1.0 + math.exp(-z))\n"
    "    e = math.exp(z)\n"
    "    return e / (1.0 + e)\n"
)
_NUMPY_SIGMOID = """import numpy as np


def sigmoid(z):
    return float(np.exp(z) / (1.0 + np.exp(z)))


def sigmoid_neuron(weights, inputs, bias):
    return sigmoid(sum(w * x for w, x in zip(weights, inputs)) + bias)
"""
_CHECK_EPOCH = "        if mistakes == 0:\n            return weights, bias, True, epoch\n"
_UPDATE = (
    "            if error != 0:\n"
    "                weights = [w + lr * error * xi for w, xi in zip(weights, x)]\n"
    "                bias += lr * error\n"
    "                mistakes += 1\n"
)
_EVERY_EXAMPLE = (
    "            push = 1 if target == 1 else -1\n"
    "            weights = [w + lr * push * xi for w, xi in zip(weights, x)]\n"
    "            bias += lr * push\n"
    "            if error != 0:\n"
    "                mistakes += 1\n"
)
_FORWARD = "    return (f(x + h) - f(x)) / h\n"
_CENTRAL = "    return (f(x + h) - f(x - h)) / (2 * h)\n"
_NEURON_SUM = "        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)\n"
_LAYER_PARAMETERS = "        return [p for n in self.neurons for p in n.parameters()]\n"

BROKEN: tuple[Broken, ...] = (
    # exercise 01: the weighted sum and the sweets perceptron
    Broken(
        "01",
        "the bias forgotten",
        "    return total + bias\n",
        "    return total\n",
        ("weighted_sum([2, 6, 2], [1, 0, 1], -5) should be -1", "the bias is missing"),
    ),
    Broken(
        "01",
        ">= instead of >",
        "> threshold else 0",
        ">= threshold else 0",
        ("the weighted sum is 4, which equals the threshold", "use >, not >="),
    ),
    Broken(
        "01",
        "the weights zipped with themselves",
        "zip(weights, inputs)",
        "zip(weights, weights)",
        ("should be 4", "each weight is multiplied by itself"),
    ),
    Broken(
        "01",
        "the sum of the weights",
        "total += w * x",
        "total += w",
        ("should be 4", "you returned 10", "you added up the weights alone"),
    ),
    Broken(
        "01",
        "the sum rounded before the comparison",
        "> threshold else 0",
        "> threshold + 0.99 else 0",
        ("the weighted sum is 5.5, which is above the threshold", "no rounding, no int()"),
    ),
    Broken(
        "01",
        "the comparison the wrong way round",
        "> threshold else 0",
        "< threshold else 0",
        ("the comparison is the wrong way round",),
    ),
    # exercise 02: the perceptron learning rule
    Broken(
        "02",
        "the update's sign flipped (output - target)",
        "error = target - predict(weights, bias, x)",
        "error = predict(weights, bias, x) - target",
        ("w should become [0.5, 0.5] and b 0.5", "the update has the wrong sign"),
    ),
    Broken(
        "02",
        "an update on every example, right or wrong",
        _UPDATE,
        _EVERY_EXAMPLE,
        ("nothing should change", "you update on correct examples too"),
    ),
    Broken(
        "02",
        "the bias never updated",
        "                bias += lr * error\n",
        "",
        ("b = 0", "the bias never changes"),
    ),
    Broken(
        "02",
        "no stop at convergence",
        _CHECK_EPOCH + "    return weights, bias, False, max_epochs\n",
        "    return weights, bias, mistakes == 0, max_epochs\n",
        ("converged = True, epochs = 1", "epochs = 20", "you do not stop at convergence"),
    ),
    Broken(
        "02",
        "the convergence test inside the loop over the examples",
        _CHECK_EPOCH,
        "            if mistakes == 0:\n                return weights, bias, True, epoch\n",
        ("you say it converged, but with your weights [1, 1] gives 0, not 1", "stop too early"),
    ),
    # exercise 03: the sigmoid
    Broken(
        "03",
        "the naive formula, which overflows at -1000",
        _SIGMOID,
        "    return 1.0 / (1.0 + math.exp(-z))\n",
        ("sigmoid(-1000) raised OverflowError", "for z < 0 compute e^z / (1 + e^z)"),
    ),
    Broken(
        "03",
        "NumPy's e^z / (1 + e^z) everywhere: nan at 1000",
        "",
        _NUMPY_SIGMOID,
        ("sigmoid(1000) is nan", "inf / inf is nan"),
    ),
    Broken(
        "03",
        "1 / (1 + e^z), the sign mixed up",
        _SIGMOID,
        "    if z <= 0:\n        return 1.0 / (1.0 + math.exp(z))\n"
        "    e = math.exp(-z)\n    return e / (1.0 + e)\n",
        ("sigmoid(2) should be 0.880797", "you returned 0.119203", "sign is mixed up"),
    ),
    Broken(
        "03",
        "σ'(z) returned instead of σ(z)",
        _SIGMOID,
        "    s = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))\n"
        "    return s * (1.0 - s)\n",
        ("sigmoid(0) should be 0.5", "you returned 0.25", "that is the derivative"),
    ),
    Broken(
        "03",
        "the neuron's bias forgotten",
        "    z = bias\n",
        "    z = 0.0\n",
        ("should be σ(1) = 0.731059", "the bias is missing"),
    ),
    # exercise 04: the derivative by nudging
    Broken(
        "04",
        "the forward difference divided by 2h",
        _FORWARD,
        "    return (f(x + h) - f(x)) / (2 * h)\n",
        ("should be 6", "yours gives 7.15", "you divided by 2h"),
    ),
    Broken(
        "04",
        "the forward difference not divided",
        _FORWARD,
        "    return f(x + h) - f(x)\n",
        ("you forgot to divide by h",),
    ),
    Broken(
        "04",
        "the central difference divided by h",
        _CENTRAL,
        "    return (f(x + h) - f(x - h)) / h\n",
        ("yours gives 28", "divide it by 2h, not by h"),
    ),
    Broken(
        "04",
        "the central difference '/ 2 * h'",
        _CENTRAL,
        "    return (f(x + h) - f(x - h)) / 2 * h\n",
        ("'/ 2 * h'", "write / (2 * h)"),
    ),
    Broken(
        "04",
        "abs() around the forward difference",
        _FORWARD,
        "    return abs(f(x + h) - f(x)) / h\n",
        ("forward_difference(3x² - 4x + 5, x = 0", "take no abs() of the difference"),
    ),
    Broken(
        "04",
        "signed errors",
        "    return [abs(forward_difference(f, x, h) - exact) for h in steps]\n",
        "    return [forward_difference(f, x, h) - exact for h in steps]\n",
        ("at h = 0.1 the error should be 0.0429386", "an error is a distance"),
    ),
    # exercise 08: Neuron, Layer, MLP, parameters()
    Broken(
        "08",
        "the neuron's bias forgotten",
        _NEURON_SUM,
        "        act = sum(wi * xi for wi, xi in zip(self.w, x))\n",
        ("should give 3.5", "yours gives 2.75", "the bias is missing"),
    ),
    Broken(
        "08",
        "one weight for all inputs",
        "[Value(random.uniform(-1, 1)) for _ in range(nin)]",
        "[Value(random.uniform(-1, 1))] * nin",
        ("Neuron(3)'s 3 weights are one Value repeated", "make a new Value for each input"),
    ),
    Broken(
        "08",
        "the weights and inputs mixed up",
        "zip(self.w, x)",
        "zip(self.w, self.w)",
        ("each weight is multiplied by itself",),
    ),
    Broken(
        "08",
        "no ReLU in the neuron",
        "        return act.relu() if self.nonlin else act\n",
        "        return act\n",
        ("should give 0", "there is no ReLU"),
    ),
    Broken(
        "08",
        "ReLU on the output layer",
        "nonlin=i < len(nouts) - 1",
        "nonlin=True",
        ("MLP(3, [4, 4, 1]) at x =", "the last layer applies ReLU"),
    ),
    Broken(
        "08",
        "no ReLU on the hidden layers",
        "nonlin=i < len(nouts) - 1",
        "nonlin=False",
        ("the hidden layers have no ReLU",),
    ),
    Broken(
        "08",
        "parameters() without the biases",
        "        return self.w + [self.b]\n",
        "        return self.w\n",
        ("should list 4 Values, each once; yours has 3", "leaves out the biases"),
    ),
    Broken(
        "08",
        "parameters() listing the biases twice",
        _LAYER_PARAMETERS,
        _LAYER_PARAMETERS.rstrip("\n") + " + [n.b for n in self.neurons]\n",
        ("Layer(3, 2).parameters() lists one Value 2 times", "listed 2 times"),
    ),
    Broken(
        "08",
        "parameters() as a generator",
        _LAYER_PARAMETERS,
        _LAYER_PARAMETERS.replace("[", "(").replace("]", ")"),
        (
            "Layer(3, 2).parameters() should be a flat list of Values; yours returned a generator",
            "[ ... ] instead of ( ... )",
        ),
    ),
    # exercise 09: mse and gradient descent
    Broken(
        "09",
        "no zero_grad: the gradients pile up",
        "    for p in model.parameters():\n        p.grad = 0.0\n",
        "",
        ("after step 2", "the gradients pile up"),
    ),
    Broken(
        "09",
        "the step uphill",
        "p.data -= lr * p.grad",
        "p.data += lr * p.grad",
        ("after step 1", "the update has the wrong sign"),
    ),
    Broken(
        "09",
        "the step by the data, not the gradient",
        "p.data -= lr * p.grad",
        "p.data -= lr * p.data",
        ("after step 1", "the step uses p.data where p.grad belongs"),
    ),
    Broken(
        "09",
        "train returns numbers that are not its losses",
        "    return [train_step(model, X, y, lr) for _ in range(steps)]\n",
        "    for _ in range(steps):\n        train_step(model, X, y, lr)\n"
        "    return [0.0] * steps\n",
        ("should return each step's loss before the step", "step 1's is 1.68444; yours is 0"),
    ),
    Broken(
        "09",
        "train returns the loss after each step",
        "    return [train_step(model, X, y, lr) for _ in range(steps)]\n",
        "    losses = []\n    for _ in range(steps):\n        train_step(model, X, y, lr)\n"
        "        losses.append(mse([model(x) for x in X], y).data)\n    return losses\n",
        ("should return each step's loss before the step", "that is the loss after the step"),
    ),
    Broken(
        "09",
        "a sum instead of a mean",
        "    return total / len(predictions)\n",
        "    return total\n",
        ("should be 1.75", "yours is 5.25", "3 times too big"),
    ),
    Broken(
        "09",
        "mse computed from .data: a number backward cannot reach",
        "        total = (p - t) ** 2 + total\n",
        "        total = (p.data - t) ** 2 + total\n",
        ("should return a Value (1.75); yours returned 1.75", "build the loss from the"),
    ),
    Broken(
        "09",
        "p² - t² instead of (p - t)²",
        "(p - t) ** 2",
        "(p**2 - t**2)",
        ("should be 1.75", "squared the prediction and the target apart"),
    ),
)
