"""The bridge: a scalar ``Value`` network and a ``Tensor`` network with the same weights
compute the same outputs and the same gradients (float64, to 1e-9).

``from_value_mlp`` copies an ``nn.MLP`` into a ``Sequential``: neuron j of
layer i becomes row j of ``Linear.weight`` and entry j of its bias.  A batch
of examples through the tensor network is then checked against the examples
one by one through the scalar network, value by value and gradient by gradient.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pytest
from helpers import grad_of
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab.engine import Value
from neuronlab.nn import MLP, Linear, Sequential, from_value_mlp
from neuronlab.tensor import Tensor
from neuronlab.worked import TANH_NEURON_BIAS


class Tolerance(TypedDict):
    """``assert_allclose``'s two tolerances."""

    rtol: float
    atol: float


TOL: Tolerance = {"rtol": 1e-9, "atol": 1e-12}


def value_run(model: MLP, x: np.ndarray, coef: np.ndarray):
    """Outputs, input gradients and weight gradients of L = Σ_n Σ_k coef[n,k] · out[n,k]."""
    model.zero_grad()
    xs = [[Value(float(v)) for v in row] for row in x]
    outs = []
    for row in xs:
        out = model(row)
        outs.append(out if isinstance(out, list) else [out])
    loss = sum(
        (c * o for row_c, row_o in zip(coef.tolist(), outs) for c, o in zip(row_c, row_o)),
        Value(0.0),
    )
    loss.backward()
    out = np.array([[o.data for o in row] for row in outs])
    x_grad = np.array([[v.grad for v in row] for row in xs])
    w_grads = [
        (
            np.array([[w.grad for w in n.w] for n in layer.neurons]),
            np.array([n.b.grad for n in layer.neurons]),
        )
        for layer in model.layers
    ]
    return out, x_grad, w_grads, loss.data


def tensor_run(net: Sequential, x: np.ndarray, coef: np.ndarray):
    xt = Tensor(x, dtype=np.float64, requires_grad=True)
    out = net(xt)
    loss = (out * coef).sum()
    loss.backward()
    linears = [m for m in net if isinstance(m, Linear)]
    return (
        out.data,
        grad_of(xt),
        [(grad_of(m.weight), grad_of(m.bias)) for m in linears],
        loss.item(),
    )


def assert_bridge(model: MLP, x: np.ndarray, seed: int = 0) -> None:
    net = from_value_mlp(model)
    coef = np.random.default_rng(seed).standard_normal((len(x), model.sizes[-1]))
    v_out, v_xg, v_wg, v_loss = value_run(model, x, coef)
    t_out, t_xg, t_wg, t_loss = tensor_run(net, x, coef)
    np.testing.assert_allclose(t_out, v_out, **TOL, err_msg="outputs")
    assert t_loss == pytest.approx(v_loss, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(t_xg, v_xg, **TOL, err_msg="input gradients")
    for i, ((tw, tb), (vw, vb)) in enumerate(zip(t_wg, v_wg)):
        np.testing.assert_allclose(tw, vw, **TOL, err_msg=f"layer {i} weight gradients")
        np.testing.assert_allclose(tb, vb, **TOL, err_msg=f"layer {i} bias gradients")


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("output_activation", ["linear", "sigmoid", "tanh"])
@pytest.mark.parametrize("fused", [True, False])
def test_value_and_tensor_networks_agree(
    activation: str, output_activation: str, fused: bool
) -> None:
    model = MLP(3, [5, 4, 2], activation, output_activation=output_activation, seed=1, fused=fused)
    x = np.random.default_rng(2).uniform(-2, 2, (6, 3))
    assert_bridge(model, x)


@settings(deadline=None, max_examples=15)
@given(
    nin=st.integers(1, 4),
    nouts=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    activation=st.sampled_from(["relu", "tanh", "sigmoid"]),
    batch=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_bridge_on_drawn_architectures(nin, nouts, activation, batch, seed) -> None:
    model = MLP(nin, nouts, activation, seed=seed)
    x = np.random.default_rng(seed).uniform(-3, 3, (batch, nin))
    assert_bridge(model, x, seed)


def test_the_designs_neuron_through_both_engines() -> None:
    """design.md §7: x = (2, 0), w = (-3, 1), b = 6.88..., o = tanh(n) ≈ 0.7071."""
    model = MLP(2, [1], output_activation="tanh", seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = -3.0, 1.0, TANH_NEURON_BIAS
    net = from_value_mlp(model)
    assert net[0].weight.data.tolist() == [[-3.0, 1.0]]
    x = Tensor([[2.0, 0.0]], dtype="float64", requires_grad=True)
    o = net(x).sum()
    o.backward()
    assert o.item() == pytest.approx(0.7071067811865476, rel=1e-12)
    np.testing.assert_allclose(grad_of(x), [[-1.5, 0.5]], rtol=1e-9)
    np.testing.assert_allclose(net[0].weight.grad, [[1.0, 0.0]], rtol=1e-9, atol=1e-12)
    assert_bridge(model, np.array([[2.0, 0.0]]))


def test_one_training_step_moves_both_networks_the_same_way() -> None:
    model = MLP(2, [4, 1], "tanh", seed=3)
    net = from_value_mlp(model)
    x = np.array([[0.5, -1.0], [1.5, 2.0], [-0.3, 0.1]])
    y = np.array([1.0, -1.0, 0.5])
    lr = 0.1
    # scalar engine: mean squared error, then p -= lr * grad
    model.zero_grad()
    preds = [model(list(row)) for row in x]
    loss = sum(((p - t) ** 2 for p, t in zip(preds, y.tolist())), Value(0.0)) * (1 / len(y))
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    # tensor engine: the same
    out = net(Tensor(x, dtype="float64"))
    t_loss = ((out.reshape(-1) - y) ** 2).mean()
    t_loss.backward()
    for p in net.parameters():
        p.data -= lr * p.grad
    assert t_loss.item() == pytest.approx(loss.data, rel=1e-9)
    after = from_value_mlp(model).state_dict()
    for name, arr in net.state_dict().items():
        np.testing.assert_allclose(arr, after[name], **TOL, err_msg=name)


def test_from_value_mlp_copies_and_validates() -> None:
    model = MLP(3, [2], seed=0)
    net = from_value_mlp(model)
    assert net[0].weight.dtype == np.float64
    assert len(net) == 1
    assert net[0].weight.data[1, 2] == model.layers[0].neurons[1].w[2].data
    model.layers[0].neurons[0].w[0].data = 99.0
    assert net[0].weight.data[0, 0] != 99.0  # a copy, not a view
    assert from_value_mlp(model, dtype="float32")[0].weight.dtype == np.float32
    with pytest.raises(TypeError, match=r"expected a neuronlab\.nn\.MLP, got Linear"):
        from_value_mlp(Linear(2, 2))  # type: ignore[arg-type]
    stepped = from_value_mlp(MLP(2, [1], output_activation="step", seed=0))
    assert [type(m).__name__ for m in stepped] == ["Linear", "Step"]


# -- to_value_layers, and the one reading of each Linear's activation ----------------------


def test_to_value_layers_keeps_each_layers_own_activation_and_numbers() -> None:
    from neuronlab.nn import ReLU, Sigmoid, Tanh, to_value_layers

    net = Sequential(
        Linear(2, 3, seed=1, dtype="float64"),
        Tanh(),
        Linear(3, 4, seed=2, dtype="float64"),
        ReLU(),
        Linear(4, 2, seed=3, dtype="float64"),
        Sigmoid(),
    )
    layers = to_value_layers(net)
    assert [layer.neurons[0].activation for layer in layers] == ["tanh", "relu", "sigmoid"]
    assert layers[1].neurons[3].w[2].label == "w1.3.2"
    assert layers[2].neurons[1].b.label == "b2.1"
    x = np.array([0.3, -1.7])
    h: list = [Value(float(v)) for v in x]
    for layer in layers:
        out = layer(h)
        h = out if isinstance(out, list) else [out]
    expected = net(Tensor(x[None, :], dtype="float64")).data[0]
    np.testing.assert_allclose([v.data for v in h], expected, **TOL)


def test_to_value_layers_refuses_what_a_neuron_cannot_be() -> None:
    from neuronlab.nn import BatchNorm1d, Tanh, to_value_layers

    with pytest.raises(TypeError, match="to_value_layers: expected a neuronlab Sequential"):
        to_value_layers(Linear(2, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="layer 1 is BatchNorm1d"):
        to_value_layers(Sequential(Linear(2, 3), BatchNorm1d(3), Tanh()))
    with pytest.raises(ValueError, match=r"layer 0 .* must follow a Linear layer directly"):
        to_value_layers(Sequential(Tanh(), Linear(2, 3)))
    with pytest.raises(ValueError, match="has no bias"):
        to_value_layers(Sequential(Linear(2, 3, bias=False)))
    with pytest.raises(ValueError, match="3 outputs feeds one of 4 inputs"):
        to_value_layers(Sequential(Linear(2, 3), Linear(4, 1)))
    with pytest.raises(ValueError, match="no Linear layer"):
        to_value_layers(Sequential())


def test_weighted_layers_reads_the_activation_past_a_batchnorm() -> None:
    from neuronlab.nn import BatchNorm1d, ReLU, Tanh, weighted_layers

    first, second = Linear(2, 3), Linear(3, 1)
    net = Sequential(first, BatchNorm1d(3), Tanh(), second, ReLU())
    found = weighted_layers(net)
    assert [(w.index, w.activation, w.output) for w in found] == [(0, "tanh", 2), (3, "relu", 4)]
    assert found[0].linear is first
    assert found[1].linear is second
    outputs = net.layer_outputs(np.ones((4, 2)))
    assert [o.activation for o in outputs] == ["tanh", "relu"]
    lone = Linear(2, 2)
    assert [
        (w.index, w.linear, w.activation, w.output) for w in weighted_layers(Sequential(lone))
    ] == [(0, lone, "linear", 0)]
    with pytest.raises(TypeError, match="weighted_layers: expected a neuronlab Sequential"):
        weighted_layers([first])  # type: ignore[arg-type]
