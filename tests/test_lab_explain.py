"""The lab's explanations: the scalar twin of a point, the neuron card, the step-through.

The twin is checked against the tensor network it copies (outputs, loss and
every gradient of one point's loss), the card against the tensor engine and
against numbers worked out by hand for the design's tanh neuron, and the
step-through against ``explain()`` and the design's gradients.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from helpers import grad_of

from neuronlab.engine import Value, dot
from neuronlab.lab.card import card
from neuronlab.lab.network import training_targets
from neuronlab.lab.problem import custom_problem
from neuronlab.lab.session import WEIGHT_LIMIT, Edit, LabSession
from neuronlab.lab.settings import LabInputError, LabSettings
from neuronlab.lab.stepthrough import MAX_BOXES, walk
from neuronlab.lab.twin import build_twin
from neuronlab.losses import get_loss, prepare_targets
from neuronlab.tensor import Tensor
from neuronlab.viz.explain import explain
from neuronlab.viz.graph import plan_graph
from neuronlab.worked import TANH_NEURON_BIAS

ALL_FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]

RUNS = {
    "bce": {},
    "mse on two classes": {"loss": "mse", "optimizer": "adam", "lr": 0.01},
    "hinge": {"loss": "hinge", "hidden": [3], "activations": ["relu"]},
    "cross-entropy, every feature": {
        "dataset": "spiral",
        "classes": 3,
        "features": ALL_FEATURES,
        "hidden": [5, 3],
        "activations": ["sigmoid", "tanh"],
    },
    "mse on three classes": {"dataset": "blobs", "classes": 3, "loss": "mse", "hidden": [4]},
    "regression": {"dataset": "bumps", "hidden": [3, 3], "activations": ["relu", "linear"]},
    "no hidden layer": {"hidden": [], "features": ["x1", "x1^2", "x2^2"]},
}


def trained(changes: dict, steps: int = 30) -> LabSession:
    session = LabSession(LabSettings().with_changes(changes))
    session.step(steps)
    return session


def tensor_point(session: LabSession, point: int):
    """The tensor network on one point alone: its outputs, its loss, and every gradient."""
    p, head, model = session.problem, session.head, session.model
    model.zero_grad()
    out = model(Tensor(session.inputs(p.X[point : point + 1]), dtype="float64"))
    target = prepare_targets(head.loss, training_targets(p.y[point : point + 1], head))
    loss = get_loss(head.loss)(out, target)
    loss.backward()
    grads = [(grad_of(m.weight).copy(), grad_of(m.bias).copy()) for m in session.linear_layers()]
    return out.data.ravel(), loss.item(), grads


# -- the twin ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RUNS))
def test_the_twin_computes_what_the_tensor_network_computes(name):
    session = trained(RUNS[name])
    for point in (0, 7, session.problem.size - 1):
        twin = build_twin(session, point)
        twin.backward()
        outputs, loss, grads = tensor_point(session, point)
        np.testing.assert_allclose([o.data for o in twin.outputs()], outputs, rtol=0, atol=1e-12)
        assert twin.loss.data == pytest.approx(loss, rel=0, abs=1e-12)
        assert len(twin.layers) == len(grads)
        for layer, (weight_grad, bias_grad) in zip(twin.layers, grads):
            got = [[w.grad for w in row] for row in layer.weights]
            np.testing.assert_allclose(got, weight_grad, rtol=0, atol=1e-10)
            np.testing.assert_allclose([b.grad for b in layer.biases], bias_grad, atol=1e-10)


def test_the_twin_names_every_number_as_the_page_does():
    session = trained({"features": ["x1", "x1^2", "sin(x2)"], "hidden": [2]}, steps=0)
    twin = build_twin(session, 3)
    assert [x.label for x in twin.inputs] == ["x1", "x1^2", "sin(x2)"]
    x1, x2 = session.problem.X[3]
    assert [x.data for x in twin.inputs] == [x1, x1**2, math.sin(x2)]
    first, last = twin.layers
    assert [w.label for w in first.weights[1]] == ["w1.1.0", "w1.1.1", "w1.1.2"]
    assert [b.label for b in first.biases] == ["b1.0", "b1.1"]
    assert [z.label for z in first.sums] == ["z1.0", "z1.1"]
    assert [a.label for a in first.outputs] == ["a1.0", "a1.1"]
    assert (first.activation, last.activation, last.outputs[0].op) == ("tanh", "sigmoid", "sigmoid")
    assert last.inputs == first.outputs
    assert twin.loss.label == "L"
    assert first.weights[1][2].data == session.linear_layers()[0].weight.data[1, 2]


def test_a_linear_neuron_outputs_its_weighted_sum():
    twin = build_twin(trained({"dataset": "plane", "hidden": [2], "activations": ["linear"]}), 0)
    assert twin.layer(1).outputs[0] is twin.layer(1).sums[0]
    assert twin.layer(2).activation == "linear"


@pytest.mark.parametrize("point", [-1, 500, 2.0, True, "3", None])
def test_a_point_that_is_not_there_is_refused(point):
    with pytest.raises(LabInputError, match="point") as info:
        build_twin(LabSession(), point)
    assert info.value.field == "point"


# -- setting a weight by hand ----------------------------------------------------------------------


def test_a_weight_and_a_bias_are_set_by_hand_and_remembered():
    session = LabSession()
    session.step(3)
    session.set_weight(2, 1, 3, -0.5)
    session.set_weight(3, 0, -1, 2)
    layers = session.linear_layers()
    assert layers[1].weight.data[1, 3] == -0.5
    assert layers[2].bias.data[0] == 2.0
    assert session.edits == [Edit(3, "weight", (2, 1, 3), -0.5), Edit(3, "weight", (3, 0, -1), 2.0)]
    session.step(1)  # training goes on from the new weights
    assert layers[1].weight.data[1, 3] != -0.5
    session.reset()
    assert session.edits == []


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        ((0, 0, 0, 1.0), "layer", "from 1 to 3, got 0"),
        ((4, 0, 0, 1.0), "layer", "from 1 to 3, got 4"),
        ((1, 4, 0, 1.0), "neuron", "from 0 to 3, got 4"),
        ((1, 0, 2, 1.0), "input", "from -1 to 1, got 2"),
        ((1, 0, -2, 1.0), "input", "from -1 to 1, got -2"),
        ((1.0, 0, 0, 1.0), "layer", "whole number"),
        ((1, True, 0, 1.0), "neuron", "whole number"),
        ((1, 0, 0, "2"), "value", "expected a number"),
        ((1, 0, 0, math.nan), "value", f"from -{WEIGHT_LIMIT:,g} to {WEIGHT_LIMIT:,g}"),
        ((1, 0, 0, 1e6), "value", "got 1000000"),
    ],
)
def test_a_weight_that_cannot_be_set_names_its_field_and_changes_nothing(args, field, says):
    session = LabSession()
    before = [p.data.copy() for p in session.model.parameters()]
    with pytest.raises(LabInputError, match=says) as info:
        session.set_weight(*args)
    assert info.value.field == field
    assert all(np.array_equal(a, p.data) for a, p in zip(before, session.model.parameters()))
    assert session.edits == []


# -- the design's tanh neuron, set up by hand -------------------------------------------------

POINTS = np.array(
    [[2, 0], [1, 1], [-2, 3], [0, -4], [-3, -2], [4, 1], [3, -3], [5, 4], [3, 0], [5, -1]]
)
LABELS = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])


@pytest.fixture
def neuron() -> LabSession:
    """Hidden [1] tanh reading x1, x2 with w = (-3, 1), b = 6.88...; the output reads it with 1."""
    settings = LabSettings(dataset="custom", hidden=(1,), activations=("tanh",))
    session = LabSession(settings, custom_problem(POINTS, LABELS, 0.5, 0))
    for layer, neuron, i, value in [(1, 0, 0, -3), (1, 0, 1, 1), (1, 0, -1, TANH_NEURON_BIAS)]:
        session.set_weight(layer, neuron, i, value)
    session.set_weight(2, 0, 0, 1.0)
    session.set_weight(2, 0, -1, 0.0)
    return session


def test_the_card_of_the_design_neuron_has_the_numbers_worked_out_by_hand(neuron):
    c = card(neuron, 1, 0, 0)
    o = 1 / math.sqrt(2)  # tanh(ln(1 + √2)) = 1/√2: the design's 0.7071
    p = 1 / (1 + math.exp(-o))  # the output neuron: σ(1·o + 0)
    delta = (p - 1) * 1.0 * (1 - o**2)  # dL/dz1 = dL/dp·dp/dz2·w2·(1 - o²), with dL/dz2 = p - 1
    assert (c["layer"], c["neuron"], c["point"], c["x"], c["label"]) == (1, 0, 0, [2.0, 0.0], 1)
    assert c["inputs"] == [{"name": "x1", "value": 2.0}, {"name": "x2", "value": 0.0}]
    assert (c["weights"], c["bias"], c["terms"]) == ([-3.0, 1.0], TANH_NEURON_BIAS, [-6.0, 0.0])
    assert c["z"] == pytest.approx(TANH_NEURON_BIAS - 6, abs=1e-15)
    assert c["output"] == pytest.approx(o, abs=1e-15)
    assert c["loss"] == pytest.approx(-math.log(p), abs=1e-15)
    assert c["delta"] == pytest.approx(delta, abs=1e-15)
    assert c["grads"]["weights"] == pytest.approx([2 * delta, 0.0], abs=1e-15)
    assert c["grads"]["bias"] == c["delta"]
    assert c["lr"] == 0.03
    after = [[-3, -3 - 0.03 * 2 * delta], [1, 1]]  # w ← w − lr·dL/dw
    np.testing.assert_allclose(c["update"]["weights"], after, rtol=0, atol=1e-15)
    assert c["update"]["bias"] == pytest.approx(
        [TANH_NEURON_BIAS, TANH_NEURON_BIAS - 0.03 * delta], abs=1e-15
    )
    assert c["lines"][:5] == [
        "point 0: (x1, x2) = (2, 0), label 1",
        "z1.0 = w1.0.0·x1 + w1.0.1·x2 + b1.0",
        "     = -3·2 + 1·0 + 6.881",
        "     = -6 + 0 + 6.881 = 0.8814",
        "a1.0 = tanh(z1.0) = tanh(0.8814) = 0.7071",
    ]
    assert "dL/dw1.0.0 = δ·x1 = -0.1651·2 = -0.3302" in c["lines"]
    assert "dL/dw1.0.1 = δ·x2 = -0.1651·0 = 0" in c["lines"]
    assert "w1.0.0 ← w1.0.0 − lr·dL/dw1.0.0 = -3 − 0.03·(-0.3302) = -2.99" in c["lines"]
    assert c["lines"][-1].startswith("(the textbook step of plain gradient descent")


def test_the_output_neurons_delta_is_p_minus_the_target(neuron):
    c = card(neuron, 2, 0, 0)
    p = 1 / (1 + math.exp(-1 / math.sqrt(2)))
    assert c["inputs"] == [{"name": "a1.0", "value": pytest.approx(1 / math.sqrt(2), abs=1e-15)}]
    assert c["output"] == pytest.approx(p, abs=1e-15)
    assert c["activation"] == "sigmoid"
    assert c["delta"] == pytest.approx(p - 1, abs=1e-15)  # bce after a sigmoid: dL/dz = p - t
    assert "L = 0.4008  (this point's bce loss, target 1)" in c["lines"]


def test_the_card_agrees_with_the_tensor_engine():
    session = trained({"hidden": [4, 3], "activations": ["tanh", "relu"]}, steps=40)
    X = session.inputs(session.problem.X[11:12])
    layers = session.model.layer_outputs(X)
    _, _, grads = tensor_point(session, 11)
    for layer, neuron in [(1, 2), (2, 0), (2, 2), (3, 0)]:
        c = card(session, layer, neuron, 11)
        m = session.linear_layers()[layer - 1]
        reads = X[0] if layer == 1 else layers[layer - 2].values[0]
        assert c["weights"] == m.weight.data[neuron].tolist()
        assert c["bias"] == m.bias.data[neuron]
        assert [i["value"] for i in c["inputs"]] == pytest.approx(reads.tolist(), abs=1e-12)
        z = reads @ m.weight.data[neuron] + m.bias.data[neuron]
        assert c["z"] == pytest.approx(z, abs=1e-12)
        assert c["output"] == pytest.approx(layers[layer - 1].values[0, neuron], abs=1e-12)
        weight_grad, bias_grad = grads[layer - 1]
        assert c["grads"]["weights"] == pytest.approx(weight_grad[neuron].tolist(), abs=1e-10)
        assert c["delta"] == pytest.approx(bias_grad[neuron], abs=1e-10)
        after = m.weight.data[neuron] - 0.03 * weight_grad[neuron]
        assert [a for _, a in c["update"]["weights"]] == pytest.approx(after.tolist(), abs=1e-10)


def test_a_step_neurons_card_says_no_gradient_reaches_it():
    session = trained({"hidden": [2], "activations": ["step"]}, steps=5)
    c = card(session, 1, 1, 4)
    assert c["output"] in (0.0, 1.0)
    assert c["delta"] == 0
    assert c["grads"]["weights"] == [0.0, 0.0]
    assert "  (step's slope is 0: no gradient reaches this neuron's weights)" in c["lines"]
    assert c["update"]["weights"] == [[w, w] for w in c["weights"]]


@pytest.mark.parametrize(
    ("layer", "neuron", "point", "field"),
    [(0, 0, 0, "layer"), (4, 0, 0, "layer"), (1, 4, 0, "neuron"), (1, 0, 500, "point")],
)
def test_a_card_for_a_neuron_or_point_that_is_not_there_is_refused(layer, neuron, point, field):
    with pytest.raises(LabInputError) as info:
        card(LabSession(), layer, neuron, point)
    assert info.value.field == field


# -- the step-through ----------------------------------------------------------------------------


def names_of(w: dict) -> dict[str, str]:
    """Box id -> the name on the box (its first cell)."""
    return {n["id"]: n["cells"][0] for n in w["nodes"]}


def test_the_step_through_of_the_design_neuron_gives_the_designs_gradients(neuron):
    w = walk(neuron, 0, {"layer": 1, "neuron": 0})
    assert (w["point"], w["root"], w["detail"]) == (0, {"layer": 1, "neuron": 0}, "nodes")
    names = names_of(w)
    steps = [(names[s["out"]], names[s["input"]], s["contribution"]) for s in w["backward"]]
    assert steps == [
        ("a1.0", "z1.0", pytest.approx(0.5, abs=1e-15)),  # do/dn = 1 - o² = 0.5
        ("z1.0", "w1.0.0", pytest.approx(1.0, abs=1e-15)),  # w1.grad = x1·0.5
        ("z1.0", "w1.0.1", 0.0),  # w2.grad = x2·0.5
        ("z1.0", "x1", pytest.approx(-1.5, abs=1e-15)),  # x1.grad = w1·0.5
        ("z1.0", "x2", pytest.approx(0.5, abs=1e-15)),  # x2.grad = w2·0.5
        ("z1.0", "b1.0", pytest.approx(0.5, abs=1e-15)),
    ]
    root = build_twin(neuron, 0).layer(1).outputs[0]
    told = explain(root, show=False, limit=None)
    assert [s["lines"] for s in w["backward"]] == [list(s.lines) for s in told.steps]
    assert w["backward"][3]["lines"] == [
        "  d(w1.0.0*x1 + w1.0.1*x2 + b1.0)/dx1 = w1.0.0 = -3",
        "da1.0/dx1 = da1.0/dz1.0 * dz1.0/dx1 = 0.5 * -3 = -1.5",
    ]
    assert [(s["local"], s["upstream"]) for s in w["backward"][3:4]] == [
        (-3.0, pytest.approx(0.5, abs=1e-15))
    ]
    grads = {g["name"]: g["grad"] for g in w["gradients"]}
    assert grads == pytest.approx(
        {"w1.0.0": 1, "w1.0.1": 0, "x1": -1.5, "x2": 0.5, "b1.0": 0.5, "z1.0": 0.5, "a1.0": 1},
        abs=1e-15,
    )
    assert [f["lines"] for f in w["forward"]][-2:] == [
        ["z1.0 = w1.0.0*x1 + w1.0.1*x2 + b1.0 = -3*2 + 1*0 + 6.881 = 0.8814"],
        ["a1.0 = tanh(z1.0) = tanh(0.8814) = 0.7071"],
    ]
    assert w["sums"] == []


def test_the_card_and_the_walk_are_plain_json(neuron):
    for answer in (card(neuron, 1, 0, 3), walk(neuron, 3, "loss")):
        assert json.loads(json.dumps(answer, allow_nan=False)) == answer


def test_the_step_through_draws_every_box_with_a_position_and_every_edge_between_them(neuron):
    w = walk(neuron, 0, "loss")
    ids = {n["id"] for n in w["nodes"]}
    assert all({"id", "kind", "cells", "x", "y", "w", "h"} <= set(n) for n in w["nodes"])
    assert all(0 < n["x"] < w["width"] and 0 < n["y"] < w["height"] for n in w["nodes"])
    assert all(a in ids and b in ids for a, b in w["edges"])
    every_end = {s["out"] for s in w["backward"]} | {s["input"] for s in w["backward"]}
    assert every_end <= ids
    assert {f["node"] for f in w["forward"]} <= ids
    root = [n for n in w["nodes"] if n["kind"] == "root"]
    assert [n["cells"][0] for n in root] == ["L"]
    assert max(n["x"] for n in w["nodes"]) == root[0]["x"]  # the loss on the right


def test_a_large_graph_is_drawn_one_box_per_neuron_and_keeps_every_edge_of_backward():
    session = trained({"hidden": [4, 4], "activations": ["tanh", "relu"]}, steps=20)
    w = walk(session, 5, "loss")
    twin = build_twin(session, 5)
    assert len(plan_graph(twin.loss).nodes) > MAX_BOXES
    assert w["detail"] == "neurons"
    kinds = {n["id"]: n["kind"] for n in w["nodes"]}
    assert sum(k == "neuron" for k in kinds.values()) == 4 + 4 + 1
    told = explain(twin.loss, show=False, limit=None)
    assert [s["lines"] for s in w["backward"]] == [list(s.lines) for s in told.steps]
    into_weights = [s for s in w["backward"] if s["lines"][-1].startswith("dL/dw2.1.3 ")]
    assert len(into_weights) == 1
    assert kinds[into_weights[0]["input"]] == "neuron"
    assert into_weights[0]["input"] == into_weights[0]["out"]  # a weight lives in its neuron's box
    # a1.0 feeds the four neurons of layer 2: its gradient is the sum of four contributions
    (a10,) = [s for s in w["sums"] if s["line"].startswith("dL/da1.0 = ")]
    contributions = [s for s in w["backward"] if s["lines"][-1].startswith("dL/da1.0 += ")]
    assert len(contributions) == 4
    assert w["backward"].index(contributions[-1]) == a10["after"]
    _, _, grads = tensor_point(session, 5)
    by_name = {g["name"]: g["grad"] for g in w["gradients"]}
    assert by_name["w2.1.3"] == pytest.approx(grads[1][0][1, 3], abs=1e-10)
    assert by_name["b1.2"] == pytest.approx(grads[0][1][2], abs=1e-10)


@pytest.mark.parametrize(
    ("root", "field"),
    [("output", "root"), ({"layer": 1}, "root"), ({"layer": 5, "neuron": 0}, "layer"), (3, "root")],
)
def test_a_root_that_is_not_there_is_refused(root, field):
    with pytest.raises(LabInputError) as info:
        walk(LabSession(), 0, root)
    assert info.value.field == field


def test_plan_graph_says_which_box_shows_each_value():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    n = dot([w], [x], b)
    out = (n.tanh() * 0.5).relu()
    full = plan_graph(out)
    assert full.box_of[w] == "v0"
    assert {box.id for box in full.nodes} >= {"v0", "v3", "v3op"}
    half = next(v for v in full.box_of if not v.inputs and v.data == 0.5)
    assert full.box_of[half].endswith("op")  # a number written into the operation that reads it
    collapsed = plan_graph(out, collapse_neurons=True)
    assert collapsed.box_of[w] == collapsed.box_of[b] == collapsed.box_of[n]
    assert {box.id: box.kind for box in collapsed.nodes}[collapsed.box_of[w]] == "neuron"
