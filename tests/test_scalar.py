"""Neurons, layers and MLPs: forward and every parameter's gradient against the same network in
PyTorch, fused vs unfused graphs, seeded initialisation, the Module protocol and bad input."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
from helpers import assert_close, grad_of, numeric_grad, torch_twin
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab import MLP, Layer, Neuron, Value
from neuronlab.nn import ACTIVATIONS

if TYPE_CHECKING:
    import torch
else:
    torch = pytest.importorskip("torch")

SMOOTH = ["relu", "tanh", "sigmoid", "linear"]  # the activations with a gradient
TORCH_ACT = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "linear": lambda z: z,
    "step": lambda z: (z > 0).to(torch.float64),  # no gradient flows through it
}
INPUTS = st.lists(st.floats(-3, 3, allow_nan=False, allow_subnormal=False), min_size=3, max_size=3)


# -- a PyTorch twin of a network ------------------------------------------------------


def torch_forward(twin, x: torch.Tensor) -> torch.Tensor:
    h = x
    for w, b, act in twin:
        h = TORCH_ACT[act](w @ h + b)
    return h


def torch_grad_of(twin, name: str) -> float:
    """The twin's gradient for a parameter named like ``layers.1.neurons.0.w.2``."""
    parts = name.split(".")
    assert parts[0] == "layers", name
    assert parts[2] == "neurons", name
    w, b, _ = twin[int(parts[1])]
    j = int(parts[3])
    if parts[4] == "b":
        g = b.grad
        return 0.0 if g is None else g[j].item()
    assert parts[4] == "w", name
    g = w.grad
    return 0.0 if g is None else g[j, int(parts[5])].item()


def as_list(out) -> list[Value]:
    return out if isinstance(out, list) else [out]


def compare_with_torch(
    model: MLP, batch: list[list[float]], targets: list[list[float]] | np.ndarray
) -> None:
    """Outputs, every parameter's gradient and the inputs' gradients of a squared-error loss."""
    twin = torch_twin(model)
    model.zero_grad()
    xs = [[Value(v) for v in row] for row in batch]
    loss = Value(0.0)
    outs = []
    for x, t in zip(xs, targets):
        out = as_list(model(x))
        outs.append(out)
        loss = loss + sum(((o - ti) ** 2 for o, ti in zip(out, t)), Value(0.0))
    loss.backward()

    txs = [torch.tensor(row, dtype=torch.float64, requires_grad=True) for row in batch]
    t_loss = torch.zeros((), dtype=torch.float64)
    for tx, t, out in zip(txs, targets, outs):
        t_out = torch_forward(twin, tx)
        for o, to in zip(out, t_out):
            assert_close(o.data, to.item(), rel=1e-12, abs_=1e-12, what="output")
        t_loss = t_loss + ((t_out - torch.tensor(t, dtype=torch.float64)) ** 2).sum()
    t_loss.backward()

    assert_close(loss.data, t_loss.item(), rel=1e-12, abs_=1e-12, what="loss")
    for name, p in model.named_parameters():
        assert_close(p.grad, torch_grad_of(twin, name), rel=1e-10, abs_=1e-12, what=name)
    for x, tx in zip(xs, txs):
        t_grad = tx.grad if tx.grad is not None else torch.zeros(len(x), dtype=torch.float64)
        for xi, g in zip(x, t_grad):
            assert_close(xi.grad, g.item(), rel=1e-10, abs_=1e-12, what="input grad")


# -- networks against PyTorch -----------------------------------------------------------


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "unfused"])
@pytest.mark.parametrize("activation", SMOOTH)
@settings(max_examples=15)
@given(seed=st.integers(0, 2**32 - 1), batch=st.lists(INPUTS, min_size=1, max_size=3))
def test_mlp_matches_torch(activation: str, fused: bool, seed: int, batch) -> None:
    model = MLP(3, [4, 4, 2], activation=activation, seed=seed, fused=fused)
    rng = np.random.default_rng(seed)
    targets = rng.uniform(-1, 1, (len(batch), 2)).tolist()
    compare_with_torch(model, batch, targets)


@pytest.mark.parametrize("activation", SMOOTH)
@pytest.mark.parametrize("output_activation", ["sigmoid", "tanh", "relu"])
def test_mlp_output_activation_matches_torch(activation: str, output_activation: str) -> None:
    model = MLP(3, [5, 1], activation=activation, output_activation=output_activation, seed=3)
    assert model.layers[-1].neurons[0].activation == output_activation
    rng = np.random.default_rng(1)
    compare_with_torch(model, rng.uniform(-2, 2, (4, 3)).tolist(), [[0.3]] * 4)


def test_a_deeper_network_matches_torch() -> None:
    model = MLP(2, [16, 16, 1], seed=1337)  # micrograd's demo network
    rng = np.random.default_rng(0)
    compare_with_torch(model, rng.uniform(-2, 2, (8, 2)).tolist(), rng.uniform(-1, 1, (8, 1)))


def test_network_gradient_matches_finite_differences() -> None:
    model = MLP(2, [3, 2], activation="tanh", seed=5)
    x = [0.4, -1.2]

    def loss_of_data() -> float:
        return sum((o**2 for o in model(x)), Value(0.0)).data

    loss = sum((o**2 for o in model(x)), Value(0.0))
    loss.backward()
    for name, p in model.named_parameters():
        keep = p.data

        def loss_at(v: np.ndarray, p: Value = p) -> float:
            p.data = float(v)
            return loss_of_data()

        slope = numeric_grad(loss_at, np.array(keep))
        p.data = keep
        assert math.isclose(p.grad, float(slope), rel_tol=1e-6, abs_tol=1e-8), name


def test_neuron_and_layer_match_torch() -> None:
    for activation in SMOOTH:
        neuron = Neuron(3, activation=activation, seed=4)
        w = torch.tensor([wi.data for wi in neuron.w], requires_grad=True, dtype=torch.float64)
        b = torch.tensor(0.0, requires_grad=True, dtype=torch.float64)
        x = [0.5, -2.0, 1.5]
        out = neuron(x)
        out.backward()
        t_out = TORCH_ACT[activation](w @ torch.tensor(x, dtype=torch.float64) + b)
        t_out.backward()
        assert_close(out.data, t_out.item(), what=activation)
        for wi, g in zip(neuron.w, grad_of(w)):
            assert_close(wi.grad, g.item(), what=activation)
        assert_close(grad_of(neuron.b), grad_of(b).item(), what=activation)
    layer = Layer(3, 2, activation="tanh", seed=2)
    outs = layer([1.0, 2.0, -1.0])
    assert len(outs) == 2
    for n, o in zip(layer.neurons, outs):
        assert o.data == n([1.0, 2.0, -1.0]).data


def test_step_activation_is_forward_only() -> None:
    model = MLP(3, [6, 2], activation="step", seed=11)
    twin = torch_twin(model)
    rng = np.random.default_rng(2)
    for x in rng.uniform(-2, 2, (5, 3)).tolist():
        model.zero_grad()
        hidden = model.layers[0](x)
        assert {h.data for h in hidden} <= {0.0, 1.0}
        out = model(x)
        sum(out, Value(0.0)).backward()
        t_out = torch_forward(twin, torch.tensor(x, dtype=torch.float64))
        for o, to in zip(out, t_out):
            assert_close(o.data, to.item())
        for n in model.layers[0].neurons:  # behind the step: no gradient at all
            assert all(w.grad == 0.0 for w in n.w)
            assert n.b.grad == 0.0
        for n, h in zip(model.layers[1].neurons, [hidden] * 2):  # the linear layer above it
            assert [w.grad for w in n.w] == [hi.data for hi in h]
            assert n.b.grad == 1.0
    neuron = Neuron(2, activation="step", seed=0)
    neuron.w[0].data, neuron.w[1].data = 1.0, 1.0
    for x, expected in [([0.5, 0.5], 1.0), ([-0.5, 0.4], 0.0), ([0.0, 0.0], 0.0)]:
        out = neuron(x)
        out.backward()
        assert out.data == expected
        assert all(w.grad == 0.0 for w in neuron.w)


# -- fused and unfused graphs: the same numbers ------------------------------------------


@pytest.mark.parametrize("activation", SMOOTH)
def test_fused_and_unfused_give_the_same_outputs_and_gradients(activation: str) -> None:
    fused = MLP(4, [8, 8, 3], activation=activation, seed=21)
    unfused = MLP(4, [8, 8, 3], activation=activation, seed=21, fused=False)
    assert fused.state_dict() == unfused.state_dict()
    rng = np.random.default_rng(9)
    for x in rng.uniform(-2, 2, (5, 4)).tolist():
        xf, xu = [Value(v) for v in x], [Value(v) for v in x]
        of, ou = fused(xf), unfused(xu)
        sum((o * o for o in of), Value(0.0)).backward()
        sum((o * o for o in ou), Value(0.0)).backward()
        for a, b in zip(of, ou):
            assert a.data == pytest.approx(b.data, rel=1e-12, abs=1e-12)
        for a, b in zip(xf, xu):
            assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-12)
    for (name, p), q in zip(fused.named_parameters(), unfused.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-12), name


def test_fused_builds_one_dot_node_per_neuron_unfused_every_product() -> None:
    x = [0.5, -1.0]
    fused = MLP(2, [3, 1], seed=0)(x)
    unfused = MLP(2, [3, 1], seed=0, fused=False)(x)
    ops_f = [n.op for n in fused.topological_order()]
    ops_u = [n.op for n in unfused.topological_order()]
    assert ops_f.count("dot") == 4
    assert "*" not in ops_f
    assert ops_u.count("*") == 2 * 3 + 3 * 1
    assert ops_u.count("+") == 2 * 3 + 3 * 1
    assert "dot" not in ops_u
    assert ops_f.count("relu") == ops_u.count("relu") == 3


# -- initialisation -----------------------------------------------------------------------


def test_same_seed_same_weights_different_seed_different() -> None:
    a = MLP(3, [4, 4, 2], seed=42).state_dict()
    assert a == MLP(3, [4, 4, 2], seed=42).state_dict()
    assert a == MLP(3, [4, 4, 2], seed=np.random.default_rng(42)).state_dict()
    assert a == MLP(3, [4, 4, 2], seed=np.int64(42)).state_dict()
    assert a != MLP(3, [4, 4, 2], seed=43).state_dict()
    assert MLP(3, [4], seed=None).state_dict() != MLP(3, [4], seed=None).state_dict()
    assert Neuron(5, seed=1).state_dict() == Neuron(5, seed=1).state_dict()
    assert Layer(5, 3, seed=1).state_dict() == Layer(5, 3, seed=1).state_dict()


def test_seeded_weights_are_numpy_uniform_draws_neuron_after_neuron() -> None:
    """The same numbers on every run and every machine: NumPy's PCG64 stream, in order."""
    model = MLP(2, [3, 2], seed=7)
    rng = np.random.default_rng(7)
    for layer in model.layers:
        for n in layer.neurons:
            assert [w.data for w in n.w] == rng.uniform(-1.0, 1.0, len(n.w)).tolist()
    layer, rng = Layer(4, 3, seed=8), np.random.default_rng(8)
    for n in layer.neurons:  # one stream for the layer: its neurons differ
        assert [w.data for w in n.w] == rng.uniform(-1.0, 1.0, 4).tolist()
    neuron = Neuron(3, seed=9)
    assert [w.data for w in neuron.w] == np.random.default_rng(9).uniform(-1, 1, 3).tolist()


def test_weights_uniform_in_minus_one_one_biases_zero() -> None:
    model = MLP(50, [40, 30, 1], seed=0)
    weights = [p.data for name, p in model.named_parameters() if ".w." in name]
    biases = [p.data for name, p in model.named_parameters() if name.endswith(".b")]
    assert len(weights) == 50 * 40 + 40 * 30 + 30
    assert len(biases) == 71
    assert all(-1.0 <= w <= 1.0 for w in weights)
    assert min(weights) < -0.99
    assert max(weights) > 0.99
    assert abs(np.mean(weights)) < 0.05
    assert abs(np.var(weights) - 1 / 3) < 0.02
    assert all(b == 0.0 for b in biases)
    assert all(type(p) is Value and type(p.data) is float for p in model.parameters())


def test_defaults_are_micrographs() -> None:
    model = MLP(2, [4, 4, 1])
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert Neuron(2).activation == "relu"
    assert Neuron(2).fused is True
    assert model.sizes == [2, 4, 4, 1]
    assert model.nin == 2
    assert isinstance(model([1.0, 2.0]), Value)  # one output: a Value, not a list
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    assert len(MLP(2, [4, 3])([1.0, 2.0])) == 3
    assert MLP(2, 3, seed=0).sizes == [2, 3]  # a single int is one layer
    assert set(ACTIVATIONS) == {"relu", "tanh", "sigmoid", "linear", "step"}


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "nin"),
    [(lambda: MLP(3, [4, 2], seed=0), 3), (lambda: Layer(3, 2), 3), (lambda: Neuron(3), 3)],
    ids=["MLP", "Layer", "Neuron"],
)
def test_wrong_number_of_inputs(make, nin: int) -> None:
    module = make()
    for x in [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], []]:
        with pytest.raises(ValueError, match=rf"expected {nin} inputs, got {len(x)}"):
            module(x)
    with pytest.raises(ValueError, match=r"shape \(1, 3\)"):
        module(np.ones((1, 3)))
    with pytest.raises(TypeError, match="str"):
        module([1.0, "2", 3.0])
    with pytest.raises(TypeError, match="float"):
        module(1.0)
    with pytest.raises(TypeError, match="str"):
        module("abc")


def test_inputs_as_arrays_tuples_values_and_scalars() -> None:
    model = MLP(3, [4, 1], activation="tanh", seed=0)
    x = [0.1, -0.2, 0.3]
    expected = model(x).data
    assert model(np.array(x)).data == expected
    assert model(tuple(x)).data == expected
    assert model([Value(v) for v in x]).data == expected
    assert model([np.float32(0.5), 1, Value(2.0)]).data == model([0.5, 1.0, 2.0]).data
    one = MLP(1, [2, 1], seed=0)
    assert one(0.5).data == one([0.5]).data == one(Value(0.5)).data


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLP(0, [2]),
        lambda: MLP(-1, [2]),
        lambda: MLP(2, []),
        lambda: MLP(2, [0]),
        lambda: MLP(2, [3, -1]),
        lambda: MLP(2, [2.5]),  # type: ignore[list-item]
        lambda: MLP(2.0, [2]),  # type: ignore[arg-type]
        lambda: MLP(True, [2]),
        lambda: MLP(2, "16"),  # type: ignore[arg-type]
        lambda: MLP(2, None),  # type: ignore[arg-type]
        lambda: Neuron(0),
        lambda: Layer(2, 0),
        lambda: Layer(0, 2),
    ],
    ids=[
        "nin0", "nin-1", "no_layers", "layer0", "layer-1", "layer_float", "nin_float",
        "nin_bool", "nouts_str", "nouts_None", "neuron0", "nout0", "layer_nin0",
    ],
)  # fmt: skip
def test_bad_sizes_raise_a_clear_error(make) -> None:
    # a wrong kind (a float, a bool, a string) is a TypeError, a bad number a ValueError
    with pytest.raises((ValueError, TypeError), match=r"expected|must be"):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: Neuron(2, activation="bogus"),
        lambda: Layer(2, 2, activation="bogus"),
        lambda: MLP(2, [2], activation="bogus"),
        lambda: MLP(2, [2], output_activation="bogus"),
    ],
    ids=["Neuron", "Layer", "MLP", "MLP_output"],
)
def test_unknown_activation_lists_the_valid_ones(make) -> None:
    with pytest.raises(ValueError, match="bogus") as err:
        make()
    for name in ["linear", "relu", "tanh", "sigmoid", "step"]:
        assert name in str(err.value)


@pytest.mark.parametrize(
    ("seed", "error", "says"),
    [
        ("x", TypeError, "str"),
        (1.5, TypeError, "float"),
        (True, TypeError, "bool"),
        ([1], TypeError, "list"),
        (-1, ValueError, "-1"),
    ],
)
def test_bad_seed(seed, error, says) -> None:
    for make in [MLP, Layer, Neuron]:
        args = (2, [2]) if make is MLP else (2, 2) if make is Layer else (2,)
        with pytest.raises(error, match=says):
            make(*args, seed=seed)
