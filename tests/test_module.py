"""The Module protocol: the engine a model computes with, and what each of its layers computes."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import MLP, Layer, Module, Neuron, Value, mlp
from neuronlab.nn import SCALAR, TENSOR, Linear, ReLU, Sequential, Sigmoid, Step, Tanh
from neuronlab.tensor import Tensor

X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, -0.5]])


def test_engines_come_from_the_model_types():
    assert MLP(2, [1]).engine is SCALAR
    assert Sequential(Linear(2, 1)).engine is TENSOR
    assert Sequential().engine is TENSOR
    assert Sequential(ReLU()).engine is TENSOR

    class Empty(Module):
        pass

    with pytest.raises(ValueError, match="Empty has no parameters or sub-modules"):
        _ = Empty().engine

    class Holder(Module):
        def __init__(self):
            self.w = Value(1.0)

    assert Holder().engine is SCALAR
    assert Holder().num_parameters() == 1


def test_mlp_layer_outputs_are_its_forward_pass():
    model = MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", seed=1)
    outputs = model.layer_outputs(X)
    assert [(o.layer, o.activation, o.hidden, o.values.shape) for o in outputs] == [
        (1, "tanh", True, (3, 3)),
        (2, "sigmoid", False, (3, 2)),
    ]
    for i, row in enumerate(X):
        hidden = model.layers[0](row.tolist())
        final = model(row.tolist())
        assert outputs[0].values[i].tolist() == [v.data for v in hidden]
        assert outputs[1].values[i].tolist() == [v.data for v in final]


def test_sequential_layer_outputs_follow_each_linear_and_its_activation():
    model = Sequential(
        Linear(2, 4, seed=0, dtype="float64"),
        ReLU(),
        Linear(4, 3, seed=1, dtype="float64"),
        Step(),
        Linear(3, 2, seed=2, dtype="float64"),
    )
    outputs = model.layer_outputs(X)
    assert [(o.layer, o.activation, o.hidden) for o in outputs] == [
        (1, "relu", True),
        (2, "step", True),
        (3, "linear", False),
    ]
    h = Tensor(X, dtype="float64")
    for module, expected in zip((model[0:2], model[2:4], model[4:5]), (o.values for o in outputs)):
        h = module(h)
        np.testing.assert_array_equal(h.data, expected)
    np.testing.assert_array_equal(outputs[-1].values, model(Tensor(X, dtype="float64")).data)


def test_layer_outputs_keep_no_graph():
    model = mlp([2, 3, 1], seed=0)
    model.layer_outputs(X)
    assert all(not p.grad.any() for p in model.parameters())


def test_step_layer_is_forward_only():
    x = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    out = Step()(x)
    assert out.data.tolist() == [0.0, 0.0, 1.0]
    (out * 5).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    assert repr(Step()) == "Step()"
    assert [m.activation for m in (ReLU, Tanh, Sigmoid, Step)] == [
        "relu",
        "tanh",
        "sigmoid",
        "step",
    ]


def test_a_module_of_your_own_has_no_layer_list():
    class Net(Module):
        def __init__(self):
            self.fc = Linear(2, 1)

        def forward(self, x):
            return self.fc(x)

    with pytest.raises(NotImplementedError, match="Net does not list its layers' outputs"):
        Net().layer_outputs(X)


# -- the Module protocol -----------------------------------------------------------------


def test_named_parameters_names_and_order() -> None:
    model = MLP(2, [3, 1], seed=0)
    expected = []
    for j in range(3):
        expected += [f"layers.0.neurons.{j}.w.0", f"layers.0.neurons.{j}.w.1"]
        expected += [f"layers.0.neurons.{j}.b"]
    expected += [f"layers.1.neurons.0.w.{i}" for i in range(3)] + ["layers.1.neurons.0.b"]
    names = [name for name, _ in model.named_parameters()]
    assert names == expected
    assert [p for _, p in model.named_parameters()] == model.parameters()
    layer0 = model.layers[0].neurons[1]
    assert dict(model.named_parameters())["layers.0.neurons.1.w.0"] is layer0.w[0]
    assert dict(model.named_parameters())["layers.0.neurons.1.b"] is layer0.b
    assert [n for n, _ in Neuron(3).named_parameters()] == ["w.0", "w.1", "w.2", "b"]
    assert [n for n, _ in Layer(1, 2).named_parameters()] == [
        "neurons.0.w.0",
        "neurons.0.b",
        "neurons.1.w.0",
        "neurons.1.b",
    ]


def test_parameter_count_of_the_demo_network() -> None:
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    assert len(params) == 337 == model.num_parameters()
    assert len({id(p) for p in params}) == 337
    assert len(model.state_dict()) == 337


def test_zero_grad() -> None:
    model = MLP(3, [4, 2], activation="tanh", seed=1)
    sum(model([1.0, -1.0, 0.5]), Value(0.0)).backward()
    assert sum(abs(p.grad) for p in model.parameters()) > 0
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    neuron = model.layers[0].neurons[0]
    neuron([1.0, 2.0, 3.0]).backward()
    neuron.zero_grad()
    assert all(p.grad == 0.0 for p in neuron.parameters())


def test_state_dict_round_trip() -> None:
    source = MLP(3, [4, 2], activation="tanh", seed=1)
    target = MLP(3, [4, 2], activation="tanh", seed=2)
    x = [0.3, -0.7, 1.1]
    state = source.state_dict()
    assert list(state) == [name for name, _ in source.named_parameters()]
    assert all(type(v) is float for v in state.values())
    assert [o.data for o in target(x)] != [o.data for o in source(x)]
    target.load_state_dict(state)
    assert target.state_dict() == state
    assert [o.data for o in target(x)] == [o.data for o in source(x)]
    # a copy: later changes to the model do not reach a saved state, nor the other way
    source.parameters()[0].data += 1.0
    assert state != source.state_dict()
    state["layers.0.neurons.0.b"] = 99.0
    assert target.layers[0].neurons[0].b.data == 0.0
    # plain numbers of any real type load as floats
    target.load_state_dict({k: np.float64(1.5) if i % 2 else 2 for i, k in enumerate(state)})
    assert all(type(p.data) is float for p in target.parameters())
    assert target.parameters()[0].data == 2.0
    assert target.parameters()[1].data == 1.5


@pytest.mark.parametrize(
    ("change", "error", "says"),
    [
        (lambda s: s.pop("layers.1.neurons.0.b"), ValueError, "layers.1.neurons.0.b"),
        (lambda s: s.update({"layers.9.neurons.0.b": 1.0}), ValueError, "layers.9.neurons.0.b"),
        (lambda s: s.update({"layers.1.neurons.0.b": "x"}), TypeError, "str"),
        (lambda s: s.update({"layers.1.neurons.0.b": None}), TypeError, "NoneType"),
        (lambda s: s.update({"layers.1.neurons.0.b": True}), TypeError, "bool"),
        (lambda s: s.update({"layers.1.neurons.0.b": [1.0]}), TypeError, "list"),
        (lambda s: s.update({"layers.1.neurons.0.b": Value(1.0)}), TypeError, "Value"),
    ],
    ids=["missing", "unexpected", "str", "None", "bool", "list", "Value"],
)
def test_load_state_dict_rejects_bad_state_and_changes_nothing(change, error, says) -> None:
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = {k: v + 10.0 for k, v in before.items()}  # all valid but the one bad entry
    change(state)
    assert list(before)[-1] == "layers.1.neurons.0.b"  # the bad entry is checked last
    with pytest.raises(error, match=says):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_wants_a_mapping() -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match="list"):
        model.load_state_dict(list(model.state_dict().items()))  # type: ignore[arg-type]


def test_train_and_eval_flags() -> None:
    model = MLP(2, [3, 1], seed=0)
    modules = list(model.modules())
    assert len(modules) == 1 + 2 + 4  # the MLP, its layers, their neurons
    assert all(m.training for m in modules)
    assert model.eval() is model
    assert not any(m.training for m in modules)
    assert model.train() is model
    assert all(m.training for m in modules)
    model.train(False)
    assert not any(m.training for m in modules)
    with pytest.raises(TypeError, match="str"):
        model.train("yes")  # type: ignore[arg-type]
    assert len(model.parameters()) == 13  # the flags are not parameters


def test_module_walks_attributes() -> None:
    class Custom(Module):
        def __init__(self) -> None:
            self.scale = Value(2.0)
            self.inner = Neuron(2, seed=0)
            self.pair = [Value(3.0), Neuron(1, seed=1)]
            self.tied = self.scale  # the same parameter twice: listed once
            self._private = Value(5.0)  # underscore: not a parameter
            self.note = "text"

    m = Custom()
    names = [name for name, _ in m.named_parameters()]
    assert names == ["scale", "inner.w.0", "inner.w.1", "inner.b", "pair.0", "pair.1.w.0",
                     "pair.1.b"]  # fmt: skip
    assert m.num_parameters() == 7
    with pytest.raises(NotImplementedError):
        m([1.0])
