"""The presets: each loads, and trained, shows what its sentence says."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab.lab.frames import grid_points
from neuronlab.lab.presets import PRESETS, apply_preset, preset_list, preset_session
from neuronlab.lab.session import LabSession
from neuronlab.lab.settings import LabInputError, LabSettings
from neuronlab.lab.stepthrough import walk
from neuronlab.tensor import Tensor, no_grad
from neuronlab.worked import TANH_NEURON_BIAS


def accuracy(session: LabSession) -> float:
    return session.figures()["train"]["accuracy"]


def hidden_values(session: LabSession, points: np.ndarray) -> np.ndarray:
    """What hidden layer 1 outputs at each of ``points``."""
    return session.model.layer_outputs(session.inputs(points))[0].values


def outputs(session: LabSession, points: np.ndarray) -> np.ndarray:
    with no_grad():
        return session.model(Tensor(session.inputs(points), dtype="float64")).data


def test_the_list_gives_each_presets_name_title_and_sentence():
    listed = preset_list()
    assert [p["name"] for p in listed] == list(PRESETS)
    assert all(set(p) == {"name", "title", "sentence"} and p["sentence"] for p in listed)
    assert len(PRESETS) >= 8


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_preset_starts_the_session_on_its_settings(name):
    session = LabSession()
    session.step(5)
    apply_preset(session, name)
    preset = PRESETS[name]
    assert session.settings == LabSettings().with_changes(preset.changes)
    assert session.steps == 0
    assert session.diverged is None
    if preset.points:
        assert session.problem.X.tolist() == [[x1, x2] for x1, x2, _ in preset.points]
    for layer, neuron, i, value in preset.weights:
        m = session.linear_layers()[layer - 1]
        assert (m.bias.data[neuron] if i == -1 else m.weight.data[neuron, i]) == value


def test_an_unknown_preset_is_refused_and_nothing_changes():
    session = LabSession()
    session.step(3)
    model, settings = session.model, session.settings
    for name in ("spiral", None, ["xor-perceptron"]):
        with pytest.raises(LabInputError, match="unknown preset") as info:
            apply_preset(session, name)
        assert info.value.field == "name"
    assert session.model is model
    assert session.settings is settings
    assert session.steps == 3


def test_xor_stays_near_half_without_a_hidden_layer_and_learns_with_x1_x2():
    session = preset_session("xor-perceptron")
    assert session.settings.hidden == ()
    assert len(session.linear_layers()) == 1
    session.step(500)
    assert 0.4 <= accuracy(session) <= 0.62
    session.change({"features": ["x1", "x2", "x1*x2"]})
    session.step(500)
    assert accuracy(session) >= 0.98


def test_one_hidden_neuron_draws_one_line_and_cannot_wrap_the_circle():
    session = preset_session("one-neuron-line")
    session.step(1000)
    assert accuracy(session) < 0.75
    w = session.linear_layers()[0].weight.data[0]
    along = np.array([-w[1], w[0]]) / np.hypot(*w)  # the direction of the neuron's line
    starts = np.array([[-3.0, 1.0], [0.5, -2.0], [2.0, 2.5]])
    for t in (1.0, 2.5):  # moving along the line changes nothing the network computes
        np.testing.assert_allclose(outputs(session, starts + t * along), outputs(session, starts))


def test_too_large_a_learning_rate_makes_the_loss_grow_until_training_stops():
    session = preset_session("lr-too-large")
    start = session.figures()["train"]["loss"]
    session.step(5)
    assert session.figures()["train"]["loss"] > 1000 * start
    session.step(400)
    assert session.diverged is not None
    assert "diverged" in session.diverged
    assert any("the steps overshoot" in w for w in session.warnings)
    session.change({"lr": 0.03})
    session.reset()  # the run again from the same start, with a tenth of the learning rate
    session.step(300)
    assert session.diverged is None
    assert session.figures()["train"]["loss"] < 0.01 * start


def test_dead_relus_output_zero_everywhere_and_the_warning_appears():
    session = preset_session("dead-relus")
    session.step(300)
    assert any("every ReLU of hidden layer" in w for w in session.warnings)
    dead = [
        out
        for out in session.model.layer_outputs(session.inputs(session.problem.X))
        if out.hidden and not (out.values > 0).any()
    ]
    assert dead, "a hidden layer whose every ReLU outputs 0 for every point"
    before = session.figures()["train"]["loss"]
    session.step(100)
    assert session.figures()["train"]["loss"] == pytest.approx(before, abs=0.1)
    assert abs(before - np.log(2)) < 0.1
    assert 0.4 < accuracy(session) < 0.6


def test_the_spiral_needs_hidden_layers_or_features():
    session = preset_session("spiral-depth")
    session.step(1500)
    assert accuracy(session) >= 0.97
    session.change({"hidden": []})  # straight lines only
    session.step(1000)
    assert accuracy(session) < 0.65
    every = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    session.change({"features": every, "hidden": [8], "activations": ["tanh"]})
    session.step(1500)
    assert accuracy(session) >= 0.95


def test_a_sigmoid_neuron_is_a_soft_line_that_moves_and_a_step_neuron_one_that_does_not():
    soft, hard = preset_session("sigmoid-neuron"), preset_session("step-neuron")
    start = [s.linear_layers()[0].weight.data.copy() for s in (soft, hard)]
    assert np.array_equal(*start)  # the same data and seed: the same starting line
    soft.step(1000)
    hard.step(1000)
    grid = grid_points(40)
    soft_values, hard_values = hidden_values(soft, grid), hidden_values(hard, grid)
    assert ((soft_values > 0.05) & (soft_values < 0.95)).any()  # a soft band across the line
    assert set(np.unique(hard_values)) <= {0.0, 1.0}  # 0 on one side, 1 on the other
    assert not np.array_equal(soft.linear_layers()[0].weight.data, start[0])
    assert np.array_equal(hard.linear_layers()[0].weight.data, start[1])  # it never moved
    assert np.array_equal(hard.linear_layers()[0].bias.data, [0.0])
    assert accuracy(soft) >= 0.98
    assert accuracy(hard) < 0.7
    assert any("uses the step activation" in w for w in hard.warnings)


def test_the_tanh_neuron_is_the_designs():
    session = preset_session("tanh-neuron")
    layer = session.linear_layers()[0]
    assert layer.weight.data.tolist() == [[-3.0, 1.0]]
    assert layer.bias.data.tolist() == [TANH_NEURON_BIAS]
    assert session.problem.X[0].tolist() == [2.0, 0.0]
    assert hidden_values(session, session.problem.X[:1])[0, 0] == pytest.approx(0.7071067811865476)
    labels = (session.problem.X @ [-3.0, 1.0] + TANH_NEURON_BIAS > 0).astype(int)
    assert session.problem.y.tolist() == labels.tolist()  # its line separates the points
    steps = walk(session, 0, {"layer": 1, "neuron": 0})["backward"]
    assert [s["contribution"] for s in steps] == pytest.approx([0.5, 1, 0, -1.5, 0.5, 0.5])
