"""The usual mistakes of exercises 01-04, 08 and 09, each a small change to the reference solution.

Each ``Broken`` replaces one piece of the reference solution's code (or, with
``old`` empty, is a whole small file of its own) and names what the check must
then say: pieces of text of its first failed finding (the message,
a detail or the likely mistake).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.reference import ANSWERS, change


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
_NUMPY_SIGMOID_ROUNDED = """import numpy as np


def sigmoid(z):
    return float(1.0 / (1.0 + np.exp(-z)))


def sigmoid_neuron(weights, inputs, bias):
    return sigmoid(sum(w * x for w, x in zip(weights, inputs)) + bias)
"""
_TRAIN_LOOP = "    for epoch in range(1, max_epochs + 1):\n"
_ANSWER_02 = (ANSWERS / "02_perceptron_rule.py").read_text(encoding="utf-8")
#: the answer's whole train_perceptron, as it stands in the solution
_TRAIN_02 = _ANSWER_02[_ANSWER_02.index("def train_perceptron") :].rstrip("\n")
_ZERO_BASED = """def train_perceptron(X, y, lr=1.0, max_epochs=100):
    \"\"\"The perceptron rule; the epochs counted by range(max_epochs), from 0.\"\"\"
    weights = [0.0] * len(X[0])
    bias = 0.0
    for epoch in range(max_epochs):
        mistakes = 0
        for x, target in zip(X, y):
            error = target - predict(weights, bias, x)
            if error != 0:
                weights = [w + lr * error * xi for w, xi in zip(weights, x)]
                bias += lr * error
                mistakes += 1
        if mistakes == 0:
            return weights, bias, True, epoch + 1
    return weights, bias, False, epoch"""
#: the bias as one more input, always 1: appended to the caller's examples
_BIAS_INPUT = """def train_perceptron(X, y, lr=1.0, max_epochs=100):
    \"\"\"The perceptron rule, with the bias as a last input that is always 1.\"\"\"
    for x in X:
        x.append(1.0)
    weights = [0.0] * len(X[0])
    for epoch in range(1, max_epochs + 1):
        mistakes = 0
        for x, target in zip(X, y):
            error = target - predict(weights[:-1], weights[-1], x[:-1])
            if error != 0:
                weights = [w + lr * error * xi for w, xi in zip(weights, x)]
                mistakes += 1
        if mistakes == 0:
            return weights[:-1], weights[-1], True, epoch
    return weights[:-1], weights[-1], False, max_epochs"""
_ERRORS = "    return [abs(forward_difference(f, x, h) - exact) for h in steps]\n"
_INIT_WEIGHTS = "[Value(random.uniform(-1, 1)) for _ in range(nin)]"
_FORWARD = "    return (f(x + h) - f(x)) / h\n"
_CENTRAL = "    return (f(x + h) - f(x - h)) / (2 * h)\n"
_NEURON_SUM = "        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)\n"
_LAYER_PARAMETERS = "        return [p for n in self.neurons for p in n.parameters()]\n"
_NEURON_OUT = _NEURON_SUM + "        return act.relu() if self.nonlin else act\n"
_NEURON_CACHED = """        seen = self.__dict__.setdefault("seen", {})
        if tuple(x) not in seen:
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            seen[tuple(x)] = act.relu() if self.nonlin else act
        return seen[tuple(x)]
"""
_TRAIN = "    return [train_step(model, X, y, lr) for _ in range(steps)]\n"

_TRAIN_STEP_09 = (ANSWERS / "09_training.py").read_text(encoding="utf-8")
#: the answer's whole train_step, as it stands in the solution
_STEP_09 = _TRAIN_STEP_09[
    _TRAIN_STEP_09.index("def train_step") : _TRAIN_STEP_09.index("def train(")
].rstrip("\n")
_PER_EXAMPLE = """def train_step(model, X, y, lr):
    \"\"\"One step per example, in order; their mean loss.\"\"\"
    losses = []
    for x, t in zip(X, y):
        for p in model.parameters():
            p.grad = 0.0
        loss = mse([model(x)], [t])
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        losses.append(loss.data)
    return sum(losses) / len(losses)"""
_KEPT_PARAMETERS = """def train_step(model, X, y, lr, params=[]):
    \"\"\"The parameters listed once, on the first call, and kept.\"\"\"
    if not params:
        params.extend(model.parameters())
    for p in params:
        p.grad = 0.0
    loss = mse([model(x) for x in X], y)
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.data"""
#: train_perceptron with its weights kept in a default list, from one call to the next
_REMEMBERED = (
    _TRAIN_02.replace("max_epochs=100):", "max_epochs=100, memory=[]):")
    .replace(
        "    weights = [0.0] * len(X[0])\n",
        "    if not memory:\n        memory.append([0.0] * len(X[0]))\n    weights = memory[0]\n",
    )
    .replace(
        "                weights = [w + lr * error * xi for w, xi in zip(weights, x)]\n",
        "                weights[:] = [w + lr * error * xi for w, xi in zip(weights, x)]\n",
    )
)
_HARD_CODED_01 = """def weighted_sum(weights, inputs, bias=0.0):
    return 4


def perceptron(weights, inputs, threshold):
    return 1
"""

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
    # -- what one call on the worked example does not show (issue 14) --------------------
    # 01: the caller's lists changed in place
    Broken(
        "01",
        "weighted_sum pops the caller's lists empty",
        "    for w, x in zip(weights, inputs):\n        total += w * x\n",
        "    while weights:\n        total += weights.pop() * inputs.pop()\n",
        ("weighted_sum changed its argument weights in place", "the caller's list is theirs"),
    ),
    Broken(
        "01",
        "perceptron appends the threshold to the caller's lists",
        "    return 1 if weighted_sum(weights, inputs) > threshold else 0\n",
        "    weights.append(-threshold)\n    inputs.append(1.0)\n"
        "    return 1 if weighted_sum(weights, inputs) > 0 else 0\n",
        ("perceptron changed its argument weights in place", "[2, 6, 2, -5] after"),
    ),
    Broken(
        "01",
        "perceptron ignores the threshold (the sweets' 5 written in)",
        "    return 1 if weighted_sum(weights, inputs) > threshold else 0\n",
        "    return 1 if weighted_sum(weights, inputs) > 5 else 0\n",
        ("threshold=0.7) should be 1", "perceptron ignores its argument threshold"),
    ),
    # 02: an argument ignored, the caller's lists changed, the epochs off by one at the limit
    Broken(
        "02",
        "predict ignores the weights",
        "    for w, xi in zip(weights, x):\n        total += w * xi\n",
        "    for xi in x:\n        total += xi\n",
        ("predict(", "predict ignores its argument weights"),
    ),
    Broken(
        "02",
        "one epoch too few (range(1, max_epochs))",
        _TRAIN_LOOP,
        "    for epoch in range(1, max_epochs):\n",
        ("max_epochs=1)", "one epoch too few"),
    ),
    Broken(
        "02",
        "one epoch too many at the limit",
        _TRAIN_LOOP,
        "    for epoch in range(1, max_epochs + 2):\n",
        ("converged = False and epochs = 1", "more epochs than max_epochs"),
    ),
    Broken(
        "02",
        "the epochs counted by a loop variable from 0",
        _TRAIN_02,
        _ZERO_BASED,
        ("converged = False and epochs = 1", "return how many epochs ran"),
    ),
    Broken(
        "02",
        "the bias as one more input, appended to the caller's examples",
        _TRAIN_02,
        _BIAS_INPUT,
        ("train_perceptron changed its argument X in place", "the caller's list is theirs"),
    ),
    # 03: a NumPy warning that rounds to the right answer; the caller's lists changed
    Broken(
        "03",
        "NumPy's 1 / (1 + e^(-z)): an overflow warning, right only by rounding",
        "",
        _NUMPY_SIGMOID_ROUNDED,
        ("RuntimeWarning: overflow encountered in exp", "come out right, by rounding"),
    ),
    Broken(
        "03",
        "sigmoid_neuron appends the bias to the caller's lists",
        "    z = bias\n    for w, x in zip(weights, inputs):\n",
        "    weights.append(bias)\n    inputs.append(1.0)\n    z = 0.0\n"
        "    for w, x in zip(weights, inputs):\n",
        ("sigmoid_neuron changed its argument weights in place",),
    ),
    # 04: an argument ignored, or the worked example's numbers written in
    Broken(
        "04",
        "forward_difference ignores h",
        _FORWARD,
        "    return (f(x + 0.001) - f(x)) / 0.001\n",
        ("forward_difference ignores its argument h", "its default, 0.001"),
    ),
    Broken(
        "04",
        "nudge_errors ignores exact (cos(x) written in)",
        _ERRORS,
        "    return [abs(forward_difference(f, x, h) - math.cos(x)) for h in steps]\n",
        ("nudge_errors(exp, 0.5", "nudge_errors ignores its argument exact"),
    ),
    Broken(
        "04",
        "nudge_errors ignores f (sin written in)",
        _ERRORS,
        "    return [abs(forward_difference(math.sin, x, h) - exact) for h in steps]\n",
        ("nudge_errors ignores its argument f",),
    ),
    Broken(
        "04",
        "nudge_errors ignores steps (STEPS written in)",
        _ERRORS,
        "    return [abs(forward_difference(f, x, h) - exact) for h in STEPS]\n",
        ("nudge_errors ignores its argument steps",),
    ),
    Broken(
        "04",
        "nudge_errors returns the worked example's table",
        _ERRORS,
        "    return [abs(forward_difference(math.sin, 1.0, h) - math.cos(1.0)) for h in STEPS]\n",
        ("the numbers of sin at 1 are written in",),
    ),
    Broken(
        "04",
        "nudge_errors pops the caller's steps",
        _ERRORS,
        "    errors = []\n    while steps:\n        h = steps.pop(0)\n"
        "        errors.append(abs(forward_difference(f, x, h) - exact))\n    return errors\n",
        ("nudge_errors changed its argument steps in place",),
    ),
    # 08: the starting weights, and an output kept from an earlier call
    Broken(
        "08",
        "every weight starts at 0",
        _INIT_WEIGHTS,
        "[Value(0.0) for _ in range(nin)]",
        ("a new Neuron(50)'s weights are all 0", "a ReLU network of zeros never learns"),
    ),
    Broken(
        "08",
        "one random number for every weight",
        _INIT_WEIGHTS,
        "[Value(x) for x in [random.uniform(-1, 1)] * nin]",
        ("50 weights take only 1 different values", "draw a new random number for each"),
    ),
    Broken(
        "08",
        "the random numbers restarted for every neuron",
        _INIT_WEIGHTS,
        "(lambda r: [Value(r.uniform(-1, 1)) for _ in range(nin)])(random.Random(0))",
        ("two new Neuron(50)s start with the same 50 weights", "random.seed(...)"),
    ),
    Broken(
        "08",
        "huge starting weights",
        _INIT_WEIGHTS,
        "[Value(random.uniform(-100, 100)) for _ in range(nin)]",
        ("a new Neuron(50)'s weights reach", "start small"),
    ),
    Broken(
        "08",
        "the neuron keeps its output for inputs it has seen",
        _NEURON_OUT,
        _NEURON_CACHED,
        ("after w[0] changed from 0.5 to 1.5 it should give", "kept from an earlier call"),
    ),
    # 09: an argument ignored
    Broken(
        "09",
        "train_step ignores lr",
        "p.data -= lr * p.grad",
        "p.data -= 0.1 * p.grad",
        ("lr=0.03", "train_step ignores its argument lr"),
    ),
    Broken(
        "09",
        "train ignores steps",
        _TRAIN,
        "    return [train_step(model, X, y, lr) for _ in range(100)]\n",
        ("should return its 3 losses", "train ignores its argument steps"),
    ),
    Broken(
        "09",
        "train ignores lr",
        _TRAIN,
        "    return [train_step(model, X, y, 0.1) for _ in range(steps)]\n",
        ("lr=0.03, steps=3", "train ignores its argument lr"),
    ),
    # added with the examiner's set: kinds that passed, or failed without a name
    Broken(
        "01",
        "the bias added once per input",
        "        total += w * x\n    return total + bias\n",
        "        total += w * x + bias\n    return total\n",
        ("should be -1", "the bias is added once per input"),
    ),
    Broken(
        "01",
        "the sum cut to a whole number",
        "    return total + bias\n",
        "    return int(total + bias)\n",
        ("should be -6.75", "cut to a whole number"),
    ),
    Broken(
        "01",
        "the last input left out",
        "    for w, x in zip(weights, inputs):\n",
        "    for w, x in zip(weights[:-1], inputs[:-1]):\n",
        ("the last input is left out",),
    ),
    Broken(
        "01",
        "the worked example's answers written in",
        "",
        _HARD_CODED_01,
        ("you returned 4", "whatever its inputs", "hard-coded"),
    ),
    Broken(
        "01",
        "the threshold passed as the bias",
        "weighted_sum(weights, inputs) > threshold",
        "weighted_sum(weights, inputs, threshold) > 0",
        ("the threshold is added, not subtracted",),
    ),
    Broken(
        "02",
        "two weights whatever the number of inputs",
        "    weights = [0.0] * len(X[0])\n",
        "    weights = [0.0, 0.0]\n",
        ("three inputs, so three weights", "one weight per input"),
    ),
    Broken(
        "02",
        "the input left out of the update",
        "[w + lr * error * xi for w, xi in zip(weights, x)]",
        "[w + lr * error for w in weights]",
        ("[0.5, 0, 1]", "the input is missing from the update"),
    ),
    Broken(
        "02",
        "converged and epochs swapped",
        "            return weights, bias, True, epoch\n",
        "            return weights, bias, epoch, True\n",
        ("converged (True or False) and epochs are swapped",),
    ),
    Broken(
        "02",
        "the weights kept in a default list from call to call",
        _TRAIN_02,
        _REMEMBERED,
        ("called twice", "the default memory=[] is made once"),
    ),
    Broken(
        "03",
        "z clipped to [-50, 50]",
        "    if z >= 0:\n",
        "    z = max(-50.0, min(50.0, z))\n    if z >= 0:\n",
        ("sigmoid(-60) should be 8.75651e-27", "is z clipped"),
    ),
    Broken(
        "03",
        "an overflow caught and answered with 0",
        _SIGMOID,
        "    try:\n        e = math.exp(z)\n        return e / (1.0 + e)\n"
        "    except OverflowError:\n        return 0.0\n",
        ("sigmoid(1000) should be 1", "right only for z < 0"),
    ),
    Broken(
        "03",
        "σ rounded to 3 digits",
        _SIGMOID,
        "    return round(1.0 / (1.0 + math.exp(-z)), 3) if z >= 0 else "
        "round(math.exp(z) / (1.0 + math.exp(z)), 3)\n",
        ("sigmoid(2) should be 0.880797", "rounded to 3 digits"),
    ),
    Broken(
        "03",
        "the tanh identity without its half",
        _SIGMOID,
        "    return (1.0 + math.tanh(z)) / 2.0\n",
        ("you returned 0.982014", "the half is missing"),
    ),
    Broken(
        "03",
        "the bias added after the sigmoid",
        "    return sigmoid(z)\n",
        "    return sigmoid(z - bias) + bias\n",
        ("should be σ(1) = 0.731059", "the bias is added outside"),
    ),
    Broken(
        "04",
        "a generator for a list",
        _ERRORS,
        _ERRORS.replace("[", "(").replace("]", ")"),
        ("you returned a generator", "can be read only once"),
    ),
    Broken(
        "04",
        "the last step left out",
        _ERRORS,
        _ERRORS.replace("in steps]", "in steps[:-1]]"),
        ("yours has 14 entries", "1 step(s) missing"),
    ),
    Broken(
        "04",
        "a slope of its own for exact",
        _ERRORS,
        _ERRORS.replace("- exact)", "- central_difference(f, x, 1e-5))"),
        ("at h = 1e-05", "nudge_errors ignores its argument exact"),
    ),
    Broken(
        "08",
        "weights from uniform(0, 1)",
        _INIT_WEIGHTS,
        "[Value(random.uniform(0, 1)) for _ in range(nin)]",
        ("weights is negative", "both sides of 0"),
    ),
    Broken(
        "08",
        "nin inserted into the caller's nouts",
        "        sizes = [nin] + list(nouts)\n",
        "        sizes = nouts\n        sizes.insert(0, nin)\n        nouts = sizes[1:]\n",
        ("MLP changed its argument nouts in place", "nouts was [4, 4, 1]"),
    ),
    Broken(
        "08",
        "every Layer's neurons in one shared list",
        "    def __init__(self, nin, nout, nonlin=True):\n"
        "        self.neurons = [Neuron(nin, nonlin) for _ in range(nout)]\n",
        "    def __init__(self, nin, nout, nonlin=True, neurons=[]):\n"
        "        self.neurons = neurons\n"
        "        self.neurons += [Neuron(nin, nonlin) for _ in range(nout)]\n",
        ("the two Layers share one list", "make it in __init__"),
    ),
    Broken(
        "08",
        "ReLU before the bias",
        _NEURON_OUT,
        "        act = sum(wi * xi for wi, xi in zip(self.w, x))\n"
        "        return act.relu() + self.b if self.nonlin else act + self.b\n",
        ("should give 0.75", "the ReLU is applied before the bias is added"),
    ),
    Broken(
        "09",
        "the loss's Value returned, not its number",
        "    return loss.data\n",
        "    return loss\n",
        ("a number: 0.573353", "not the Value itself"),
    ),
    Broken(
        "09",
        "the last parameter never stepped",
        "    for p in model.parameters():\n        p.data -= lr * p.grad\n",
        "    for p in model.parameters()[:-1]:\n        p.data -= lr * p.grad\n",
        ("parameter 16 should be", "did not move at all"),
    ),
    Broken(
        "09",
        "one step per example",
        _STEP_09,
        _PER_EXAMPLE,
        ("after step 1", "one step per example"),
    ),
    Broken(
        "09",
        "the parameters kept in a default list",
        _STEP_09,
        _KEPT_PARAMETERS,
        ("lr=0.03", "the default params=[] is made once"),
    ),
)
