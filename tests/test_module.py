"""The Module protocol: the engine a model computes with, and what each of its layers computes."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import MLP, Module, Value, mlp
from neuronlab.nn import SCALAR, TENSOR, Linear, ReLU, Sequential, Sigmoid, Step, Tanh
from neuronlab.tensor import Tensor

X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, -0.5]])


def test_engines_come_from_the_model_types():
    assert MLP(2, [1]).engine is SCALAR
    assert Sequential(Linear(2, 1)).engine is TENSOR
    assert Sequential().engine is TENSOR and Sequential(ReLU()).engine is TENSOR

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
    assert all(not p.peek_grad().any() for p in model.parameters())


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
