"""Checks of exercises 08 and 09: Neuron, Layer, MLP and parameters(); MSE and gradient descent.

Exercise 08's reference is neuronlab's own ``MLP`` given the same numbers:
the check reads the learner's network through micrograd's names
(``MLP.layers``, ``Layer.neurons``, ``Neuron.w`` and ``Neuron.b``), writes
numbers of its own into every weight and bias, and writes the same numbers
into ``neuronlab.MLP``.  A wrong output is compared with the same network
with the usual mistakes made (no ReLU on the hidden layers, ReLU on the
output).  Two things the numbers written in would hide are looked at too: a
new network's own weights (random, small, different from neuron to neuron
and from one network to the next) and an output computed afresh on every
call (a weight changed between two calls shows).  Exercise 09's check lives
in ``training`` and is named here too, where the catalog looks for it
(``networks:check_09``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ...engine import Value
from ...nn.activations import activate
from ...nn.scalar import MLP
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .mistakes import close, likely, number, show
from .names import needs
from .probes import Watch
from .training import check_09

__all__ = ["check_08", "check_09"]

#: The networks the check builds, as (inputs, layer sizes).
_SIZES: tuple[tuple[int, list[int]], ...] = ((3, [4, 4, 1]), (2, [3, 2]))
_NAMES = (
    "the check reads your network through micrograd's names: MLP.layers, Layer.neurons, "
    "Neuron.w (a list of Values, one per input) and Neuron.b (a Value)"
)

_REPEATED = (
    "[Value(...)] * nin makes one Value and lists it nin times: make a new Value for each input"
)

_Numbers = list[list[tuple[list[float], float]]]  # per layer, per neuron: (weights, bias)


def _neurons_of(
    model: Any, check: Callable[[Any, str], str] | None = None
) -> list[list[Any]] | str:
    """The neurons of each layer of the learner's MLP, or what is wrong with them
    (``check``: ``_neuron_problem`` unless told otherwise)."""
    check = check or _neuron_problem
    layers = getattr(model, "layers", None)
    if not isinstance(layers, Sequence):
        return "MLP has no list .layers"
    found = []
    for i, layer in enumerate(layers):
        neurons = getattr(layer, "neurons", None)
        if not isinstance(neurons, Sequence):
            return f"layers[{i}] has no list .neurons"
        for j, neuron in enumerate(neurons):
            problem = check(neuron, f"layers[{i}].neurons[{j}]")
            if problem:
                return problem
        found.append(list(neurons))
    return found


def _missing_names(neuron: Any, where: str) -> str:
    """What the check cannot find in a neuron (its list .w of Values, its Value .b), or ""."""
    w, b = getattr(neuron, "w", None), getattr(neuron, "b", None)
    if not isinstance(w, Sequence) or not all(hasattr(v, "data") for v in w):
        return f"{where} has no list .w of Values"
    if not hasattr(b, "data"):
        return f"{where} has no Value .b"
    return ""


def _neuron_problem(neuron: Any, where: str) -> str:
    """A missing name, or weights that are one Value repeated; "" when the neuron is sound."""
    missing = _missing_names(neuron, where)
    if missing or len({id(v) for v in neuron.w}) == len(neuron.w):
        return missing
    return f"{where}'s {len(neuron.w)} weights are one Value repeated"


def _random_numbers(nin: int, nouts: Sequence[int], rng: np.random.Generator) -> _Numbers:
    sizes = [nin, *nouts]
    return [
        [(rng.normal(0, 1, sizes[i]).tolist(), float(rng.normal(0, 0.5))) for _ in range(n)]
        for i, n in enumerate(nouts)
    ]


def _fill(neurons: list[list[Any]], numbers: _Numbers) -> None:
    """Write the numbers into the weights and biases of a network (learner's or neuronlab's)."""
    for layer, values in zip(neurons, numbers):
        for neuron, (w, b) in zip(layer, values):
            for v, x in zip(neuron.w, w):
                v.data = x
            neuron.b.data = b


def _reference(nin: int, nouts: list[int], numbers: _Numbers, hidden: str, last: str) -> MLP:
    model = MLP(nin, nouts, hidden, output_activation=last, seed=0)
    _fill([layer.neurons for layer in model.layers], numbers)
    return model


def _outputs(out: Any) -> list[float] | None:
    """A network's output (a Value or a list of Values) as numbers; None if not Values."""
    items = out if isinstance(out, (list, tuple)) else [out]
    values = [number(getattr(v, "data", None)) for v in items]
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def _act(z: float, name: str) -> float:
    """The activation ``name`` of the library's registry on the number z (the reference)."""
    return float(activate(Value(z), name).data)


def _neuron_mistakes(w: list[float], x: list[float], b: float, nonlin: bool) -> dict[str, float]:
    act = "relu" if nonlin else "linear"
    dot = sum(wi * xi for wi, xi in zip(w, x))
    return {
        "the bias is missing: relu(w·x + b), with b added": _act(dot, act),
        "the bias is subtracted: w·x + b adds it": _act(dot - b, act),
        "one weight is used for every input: pair each w_i with its x_i (zip(self.w, x))": (
            _act(w[0] * sum(x) + b, act)
        ),
        "each weight is multiplied by itself: zip(self.w, x), not zip(self.w, self.w)": _act(
            sum(wi * wi for wi in w) + b, act
        ),
        "each input is multiplied by itself: zip(self.w, x), not zip(x, x)": _act(
            sum(xi * xi for xi in x) + b, act
        ),
        "there is no ReLU: a neuron with nonlin=True gives relu(w·x + b), 0 for a negative sum": (
            dot + b
        ),
        "the ReLU is applied before the bias is added: relu(w·x + b), the bias inside": (
            _act(dot, act) + b
        ),
        "nonlin=False should give w·x + b itself, without ReLU": max(dot + b, 0.0),
        "that is tanh: this exercise's neurons use ReLU, (w·x + b).relu(), as micrograd's do": (
            math.tanh(dot + b)
        ),
    }


_NEURON_CASES = (  # weights, inputs, bias, nonlin: sums of each sign, w·x < 0 < w·x + b, linear
    ([0.5, -1.5, 2.0], [1.0, 0.5, 1.5], 0.75, True),
    ([0.5, -1.5, 2.0], [1.0, 1.5, 0.0], 2.5, True),  # w·x < 0 < w·x + b
    ([0.5, -1.5, 2.0], [1.0, 0.5, 1.5], -4.0, True),
    ([0.5, -1.5, 2.0], [1.0, 0.5, 1.5], -4.0, False),
    ([0.5, -1.5, 2.0], [1.0, 0.5, 1.5], 0.75, False),
)


def _neuron(neuron_class: Callable[..., Any]) -> Finding:
    for w, x, b, nonlin in _NEURON_CASES:
        n = neuron_class(3) if nonlin else neuron_class(3, nonlin=False)
        call = "Neuron(3)" if nonlin else "Neuron(3, nonlin=False)"
        problem = _neuron_problem(n, call)
        if problem:
            return failed(problem, likely=_NAMES if "has no" in problem else _REPEATED)
        _fill([[n]], [[(w, b)]])
        z = sum(wi * xi for wi, xi in zip(w, x)) + b
        expected = max(z, 0.0) if nonlin else z
        got = _outputs(n(list(x)))
        if got is None or len(got) != 1:
            return failed(
                f"{call} with w = {show(w)}, b = {show(b)} at x = {show(x)} should return "
                f"a Value of {show(expected)}",
                "yours returned no single Value (a Value, so that backward can reach w and b)",
            )
        if not close(got[0], expected):
            return failed(
                f"{call} with w = {show(w)}, b = {show(b)} at x = {show(x)} should give "
                f"{show(expected)}",
                f"w·x + b = {show(z)}; yours gives {show(got[0])}",
                likely=likely(got[0], _neuron_mistakes(w, x, b, nonlin)),
            )
    return passed("Neuron gives relu(w·x + b), and w·x + b itself with nonlin=False")


def _layer(layer_class: Callable[..., Any]) -> Finding:
    layer = layer_class(3, 2)
    neurons = getattr(layer, "neurons", None)
    if not isinstance(neurons, Sequence) or len(neurons) != 2:
        return failed("Layer(3, 2) should have a list .neurons of 2 Neurons", likely=_NAMES)
    if neurons[0] is neurons[1]:
        return failed(
            "Layer(3, 2)'s two neurons are one Neuron repeated",
            likely="[Neuron(nin)] * nout makes one neuron; make a new one for each output",
        )
    numbers: _Numbers = [[([0.5, -1.5, 2.0], 0.75), ([-1.0, 0.25, 0.5], 0.5)]]
    _fill([list(neurons)], numbers)
    x = [1.0, 0.5, 1.5]
    expected = [max(sum(a * c for a, c in zip(w, x)) + b, 0.0) for w, b in numbers[0]]
    got = _outputs(layer(x))
    if got is None or len(got) != len(expected) or not all(map(close, got, expected)):
        return failed(
            f"Layer(3, 2) at x = {show(x)} should give each neuron's output: {show(expected)}",
            f"yours gives {show(got) if got is not None else 'no Values'}",
            likely="a layer returns [n(x) for n in self.neurons]: every neuron reads the same x",
        )
    return passed("Layer gives each of its neurons' outputs on the same inputs")


def _shape_problem(nin: int, nouts: list[int], neurons: list[list[Any]]) -> str:
    sizes = [nin, *nouts]
    want = [(nouts[i], sizes[i]) for i in range(len(nouts))]
    have = [(len(layer), len(layer[0].w) if layer else 0) for layer in neurons]
    if have == want:
        return ""
    return (
        f"MLP({nin}, {nouts}) should have {len(nouts)} layers of "
        f"{', '.join(str(n) for n, _ in want)} neurons reading "
        f"{', '.join(str(k) for _, k in want)} inputs; yours has {len(have)} layers of "
        f"{', '.join(str(n) for n, _ in have)} neurons reading "
        f"{', '.join(str(k) for _, k in have)} inputs"
    )


_VARIANTS = {  # (hidden activation, last activation) -> the mistake it is
    ("relu", "relu"): "the last layer applies ReLU: keep it linear (nonlin=False) so the "
    "network can output negative numbers",
    ("linear", "linear"): "the hidden layers have no ReLU: only the last layer is linear",
    ("linear", "relu"): "ReLU is on the last layer instead of the hidden ones",
}


def _mlp(mlp_class: Callable[..., Any], nin: int, nouts: list[int]) -> Finding:
    model = mlp_class(nin, list(nouts))
    neurons = _neurons_of(model)
    if isinstance(neurons, str):
        return failed(f"MLP({nin}, {nouts}): {neurons}", likely=_NAMES)
    problem = _shape_problem(nin, nouts, neurons)
    if problem:
        return failed(
            problem,
            likely="the sizes are [nin] + nouts; layer i maps sizes[i] inputs "
            "to sizes[i + 1] outputs",
        )
    rng = np.random.default_rng(8)
    numbers = _random_numbers(nin, nouts, rng)
    _fill(neurons, numbers)
    references = {v: _reference(nin, nouts, numbers, *v) for v in [("relu", "linear"), *_VARIANTS]}
    for x in rng.normal(0, 1, (20, nin)).tolist():
        got = _outputs(model(x))
        expected = _outputs(references["relu", "linear"](x))
        assert expected is not None
        if got is None or len(got) != len(expected) or not all(map(close, got, expected)):
            mistakes = {_VARIANTS[v]: _outputs(references[v](x)) or [] for v in _VARIANTS}
            return failed(
                f"MLP({nin}, {nouts}) at x = {show(x, 4)} should output {show(expected)}",
                f"yours gives {show(got) if got is not None else 'no Values'} (same weights as "
                "neuronlab's MLP: ReLU on the hidden layers, the last layer linear)",
                likely=likely(got, mistakes) if got is not None else "",
            )
    return passed(f"MLP({nin}, {nouts}) agrees with neuronlab's MLP on 20 random inputs")


def _where(i: int, j: int, k: int | None) -> str:
    return f"layers[{i}].neurons[{j}]." + ("b" if k is None else f"w[{k}]")


def _gradients(mlp_class: Callable[..., Any]) -> Finding:
    nin, nouts = _SIZES[0]
    model = mlp_class(nin, list(nouts))
    neurons = _neurons_of(model)
    assert not isinstance(neurons, str)  # _mlp checked it
    rng = np.random.default_rng(9)
    numbers = _random_numbers(nin, nouts, rng)
    _fill(neurons, numbers)
    reference = _reference(nin, nouts, numbers, "relu", "linear")
    X, targets = rng.normal(0, 1, (5, nin)).tolist(), rng.normal(0, 1, 5).tolist()
    for net in (model, reference):
        outputs = [net(x) for x in X]
        outputs = [o[0] if isinstance(o, (list, tuple)) else o for o in outputs]  # [Value]: Value
        loss = sum(((o - t) ** 2 for o, t in zip(outputs, targets)), Value(0.0))
        loss.backward()
    for i, (mine, theirs) in enumerate(zip(neurons, reference.layers)):
        for j, (n, r) in enumerate(zip(mine, theirs.neurons)):
            pairs = [(k, v, rv) for k, (v, rv) in enumerate(zip(n.w, r.w))] + [(None, n.b, r.b)]
            for k, v, rv in pairs:
                if not close(number(v.grad) or 0.0, rv.grad, 1e-7):
                    return failed(
                        f"after backward of a squared-error loss, d loss / d {_where(i, j, k)} "
                        f"should be {show(rv.grad)}",
                        f"yours is {show(v.grad)}",
                        likely="the gradient does not reach the weights: compute with the "
                        "Values in self.w and self.b, not with their .data or copies"
                        if not v.grad
                        else "",
                    )
    return passed("the gradients of a loss agree with neuronlab's for every weight and bias")


def _parameter_problem(params: Any, neurons: list[list[Any]], call: str) -> tuple[str, str]:
    """What is wrong with a parameters() list (message and likely mistake), or ("", "")."""
    weights = {id(v) for layer in neurons for n in layer for v in n.w}
    biases = {id(n.b) for layer in neurons for n in layer}
    expected = [v for layer in neurons for n in layer for v in [*n.w, n.b]]
    if not isinstance(params, list) or not all(hasattr(p, "data") for p in params):
        got = type(params).__name__
        if not isinstance(params, (list, tuple, str, bytes, dict)) and hasattr(params, "__iter__"):
            return (
                f"{call}.parameters() should be a flat list of Values; yours returned a {got}",
                f"a {got} can be walked once and has no len(): build a list, [ ... ] "
                "instead of ( ... )",
            )
        joined = (
            "[p for layer in self.layers for p in layer.parameters()]"
            if call.startswith("MLP")
            else "[p for n in self.neurons for p in n.parameters()]"
        )
        return (
            f"{call}.parameters() should be a flat list of Values; got {got} {params!r:.60}",
            f"join the lists: {joined}",
        )
    ids = Counter(id(p) for p in params)
    twice = [p for p in params if ids[id(p)] > 1]
    if not twice and [id(p) for p in params] == [id(p) for p in expected]:
        return "", ""
    said = f"{call}.parameters() should list {len(expected)} Values, each once; yours has "
    said += str(len(params))
    if twice:
        return (
            f"{call}.parameters() lists one Value {ids[id(twice[0])]} times: its "
            f"{len(params)} entries are {len(ids)} different Values",
            f"a parameter is listed {ids[id(twice[0])]} times: list each once "
            "(else a step moves it more than once)",
        )
    if set(ids) == weights:
        return said, "parameters() leaves out the biases: a neuron's are self.w + [self.b]"
    if set(ids) == biases:
        return said, "parameters() leaves out the weights: a neuron's are self.w + [self.b]"
    if set(ids) == weights | biases:
        return (
            f"{call}.parameters() has the right Values in another order",
            "list them layer by layer, neuron by neuron, each neuron's w then its b",
        )
    return said, ""


def _parameters(classes: Sequence[Callable[..., Any]]) -> Finding:
    neuron_class, layer_class, mlp_class = classes
    nin, nouts = _SIZES[0]
    neuron, layer, model = neuron_class(3), layer_class(3, 2), mlp_class(nin, list(nouts))
    layer_neurons = getattr(layer, "neurons", None)
    built = [
        ("Neuron(3)", neuron, [[neuron]]),
        ("Layer(3, 2)", layer, [list(layer_neurons)] if layer_neurons is not None else "no"),
        (f"MLP({nin}, {nouts})", model, _neurons_of(model, _missing_names)),
    ]
    for call, thing, neurons in built:
        if isinstance(neurons, str) or any(_missing_names(n, call) for row in neurons for n in row):
            return failed(f"{call}.parameters(): cannot find its weights and biases", likely=_NAMES)
        message, mistake = _parameter_problem(thing.parameters(), neurons, call)
        if message:
            return failed(message, likely=mistake)
    return passed(
        f"parameters(): {len(MLP(nin, nouts).parameters())} for MLP({nin}, {nouts}), as "
        "neuronlab's MLP has, each once, in order"
    )


_CACHED = (
    "the output is kept from an earlier call: compute w·x + b afresh on every call (a "
    "training step changes the weights between two calls, and the caller may reuse its list)"
)


def _afresh(neuron_class: Callable[..., Any], mlp_class: Callable[..., Any]) -> Finding:
    """A weight, an input or a bias changed between two calls changes the output."""
    n = neuron_class(3, nonlin=False)
    _fill([[n]], [[([0.5, -1.5, 2.0], 0.75)]])
    x = [1.0, 0.5, 1.5]
    first = _outputs(n(x))
    n.w[0].data = 1.5
    after_w = _outputs(n(x))
    x[0] = 2.0
    after_x = _outputs(n(x))
    for said, got, want in (
        ("after w[0] changed from 0.5 to 1.5", after_w, 1.5 - 0.75 + 3.0 + 0.75),
        ("after the caller's list x changed to [2, 0.5, 1.5]", after_x, 3.0 - 0.75 + 3.0 + 0.75),
    ):
        if got is not None and first is not None and not close(got[0], want):
            return failed(
                f"Neuron(3, nonlin=False) gave {show(first[0])} at x = [1, 0.5, 1.5]; {said} "
                f"it should give {show(want)}; yours gives {show(got[0])}",
                likely=_CACHED,
            )
    nin, nouts = _SIZES[0]
    model = mlp_class(nin, list(nouts))
    neurons = _neurons_of(model)
    if isinstance(neurons, str):
        return failed(f"MLP({nin}, {nouts}): {neurons}", likely=_NAMES)
    _fill(neurons, _random_numbers(nin, nouts, np.random.default_rng(7)))
    x = [0.5, -1.0, 2.0]
    before = _outputs(model(x))
    neurons[-1][0].b.data += 1.0
    after = _outputs(model(x))
    if before and after and not close(after[0], before[0] + 1.0):
        return failed(
            f"MLP({nin}, {nouts}): after the output neuron's bias grew by 1, the output should "
            f"grow by 1, from {show(before[0])} to {show(before[0] + 1.0)}; yours is "
            f"{show(after[0])}",
            likely=_CACHED,
        )
    return passed("a changed weight, input or bias changes the next output: nothing is cached")


def _weights_problem(weights: list[float], call: str) -> tuple[str, str]:
    """What is wrong with a new neuron's starting weights (message, likely), or ("", "")."""
    if all(w == 0 for w in weights):
        return (
            f"a new {call}'s weights are all 0",
            "start each weight at a small random number, Value(random.uniform(-1, 1)): with "
            "equal weights every neuron of a layer gets the same gradient and they stay alike "
            "(and a ReLU network of zeros never learns at all)",
        )
    if len(set(weights)) < len(weights) // 2:
        return (
            f"a new {call}'s {len(weights)} weights take only {len(set(weights))} different "
            f"values ({show(sorted(set(weights))[:4])} ...)",
            "draw a new random number for each weight, Value(random.uniform(-1, 1)), not one "
            "number for all (or whole numbers from randint)",
        )
    if all(w >= 0 for w in weights) or all(w <= 0 for w in weights):
        sign = "negative" if all(w >= 0 for w in weights) else "positive"
        return (
            f"none of a new {call}'s {len(weights)} weights is {sign}",
            "draw each weight from both sides of 0, Value(random.uniform(-1, 1)), not "
            "uniform(0, 1): with one sign only, every neuron of a layer starts out leaning the "
            "same way",
        )
    largest = max(abs(w) for w in weights)
    if largest > 5.0:
        return (
            f"a new {call}'s weights reach {show(largest, 3)}",
            "start small, Value(random.uniform(-1, 1)): large starting weights make huge "
            "sums, and training starts far from anything it can fix",
        )
    return "", ""


def _separate_layers(
    layer_class: Callable[..., Any], mlp_class: Callable[..., Any]
) -> Finding | None:
    """Two Layers made one after the other each hold their own neurons; MLP leaves the
    caller's list of sizes as it was.  None when so (or when making them raises: the other
    findings say why)."""
    try:
        first = layer_class(2, 3)
        second = layer_class(2, 3)
        mlp = Watch(mlp_class, "MLP")
        mlp(3, [4, 4, 1])
    except Exception:
        return None
    held = [getattr(layer, "neurons", None) for layer in (first, second)]
    if isinstance(held[0], list) and (held[0] is held[1] or len(held[0]) != 3):
        return failed(
            f"Layer(2, 3), once a second Layer(2, 3) was made, holds {len(held[0])} neurons, "
            "not 3: the two Layers share one list",
            likely="a list made in the class body (neurons = [] under class Layer) is one list "
            "shared by every Layer: make it in __init__, self.neurons = [...]",
        )
    return mlp.changed()


def _initialised(neuron_class: Callable[..., Any], mlp_class: Callable[..., Any]) -> Finding:
    """A new network's own weights: random, small, and different in every neuron and network."""
    neurons = [neuron_class(50), neuron_class(50)]
    if any(_missing_names(n, "Neuron(50)") for n in neurons):
        return failed("Neuron(50): cannot find its weights", likely=_NAMES)
    first, second = ([number(v.data) or 0.0 for v in n.w] for n in neurons)
    message, mistake = _weights_problem(first, "Neuron(50)")
    if message:
        return failed(message, f"yours start as {show(first[:5], 3)} ...", likely=mistake)
    if first == second:
        return failed(
            "two new Neuron(50)s start with the same 50 weights",
            likely="random.seed(...) inside __init__ starts the same numbers again for every "
            "neuron: seed once at the top of a script (or not at all)",
        )
    nin, nouts = _SIZES[0]
    models = [_neurons_of(mlp_class(nin, list(nouts))) for _ in range(2)]
    starts = [
        [number(v.data) for row in m for n in row for v in n.w]
        for m in models
        if not isinstance(m, str)
    ]
    if len(starts) == 2 and starts[0] == starts[1]:
        return failed(
            f"two new MLP({nin}, {nouts})s start with the same weights",
            likely="the weights are drawn anew for each network: no random.seed(...) in "
            "__init__, no weights kept in a class attribute or a default argument",
        )
    return passed("a new network's weights are small random numbers, different in each neuron")


def check_08(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """A neuron, an output computed afresh on each call, a layer, two MLPs against
    neuronlab's with the same numbers, the gradients of a loss, parameters() at every level,
    and a new network's own starting weights."""
    neuron_class, layer_class, mlp_class = classes = needs(names, "08")
    findings = [_neuron(neuron_class)]
    steps: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("a second call", lambda: [_afresh(neuron_class, mlp_class)]),
        ("Layer", lambda: [_layer(layer_class)]),
        ("MLP", lambda: [_mlp(mlp_class, nin, nouts) for nin, nouts in _SIZES]),
        ("the gradients", lambda: [_gradients(mlp_class)]),
    ]
    skipped = []
    for name, step in steps:
        if all(f.ok for f in findings):
            findings += step()
        else:
            skipped.append(name)
    if skipped:
        findings.append(failed(f"{', '.join(skipped)}: checked once the above pass"))
    separate = _separate_layers(layer_class, mlp_class)
    if separate is not None:
        findings.insert(0, separate)
    return [*findings, _parameters(classes), _initialised(neuron_class, mlp_class)]
