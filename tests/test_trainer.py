"""Trainer: one batch per step(), on both engines — the loop fit(), the CLI and the lab share."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest

from neuronlab import (
    MLP,
    SGD,
    Adam,
    Trainer,
    TrainingDiverged,
    TrainingWarning,
    datasets,
    evaluate,
    fit,
    mlp,
    predict,
)
from neuronlab.losses import mse
from neuronlab.nn import SCALAR, TENSOR, Linear, ReLU, Sequential
from neuronlab.tensor import Tensor

torch = pytest.importorskip("torch")


def moons(n=40, seed=0):
    return datasets.moons(n, noise=0.1, seed=seed)


MODELS = {
    "scalar": lambda: MLP(2, [4, 1], seed=0),
    "tensor": lambda: mlp([2, 4, 1], seed=0, dtype="float64"),
}


def weights(model):
    return [np.array(v, dtype=np.float64) for v in model.state_dict().values()]


# -- one step is one batch of gradient descent -------------------------------------------------


@pytest.mark.parametrize("engine", list(MODELS))
def test_first_step_is_one_sgd_step_on_the_first_batch(engine):
    X, y = moons(12)
    model = MODELS[engine]()
    twin = copy.deepcopy(model)
    trainer = Trainer(model, X, y, loss="mse", lr=0.5, batch_size=5, shuffle=False)
    loss = trainer.step()
    # the same step by hand on the twin: forward the first 5 rows, mse, backward, p -= lr * grad
    batch = X[:5] if engine == "scalar" else Tensor(X[:5], dtype="float64")
    outputs = [twin(row) for row in batch] if engine == "scalar" else twin(batch)
    expected = mse(outputs, y[:5].astype(float))
    twin.zero_grad()
    expected.backward()
    for p in twin.parameters():
        p.data -= 0.5 * p.grad
    assert loss == pytest.approx(float(expected.data if engine == "scalar" else expected.item()))
    for ours, theirs in zip(weights(model), weights(twin)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    assert trainer.steps_done == 1
    assert trainer.epochs_done == 0
    assert trainer.epoch_progress == pytest.approx(5 / 12)
    assert trainer.order.tolist() == list(range(12))  # shuffle=False: in order


@pytest.mark.parametrize("engine", list(MODELS))
def test_steps_make_epochs_and_history_rows(engine):
    X, y = moons(12)
    trainer = Trainer(MODELS[engine](), X, y, loss="hinge", lr=0.1, batch_size=5, seed=3)
    assert trainer.steps_per_epoch == 3  # ceil(12 / 5)
    losses = [trainer.step() for _ in range(3)]
    assert trainer.epochs_done == 1
    assert trainer.history.epochs == 1
    # the epoch's loss is the mean over examples: batches of 5, 5 and 2
    assert trainer.history.loss[0] == pytest.approx(
        (5 * losses[0] + 5 * losses[1] + 2 * losses[2]) / 12
    )
    assert trainer.history.lr == [0.1]
    trainer.step()  # a step into epoch 2, then epoch() finishes it
    figures = trainer.epoch()
    assert trainer.epochs_done == 2
    assert trainer.steps_done == 6
    assert figures == trainer.history.final()
    assert 0.0 <= figures["accuracy"] <= 1.0


@pytest.mark.parametrize("engine", list(MODELS))
def test_fit_is_the_trainer_loop(engine):
    X, y = moons(30)
    a, b = MODELS[engine](), MODELS[engine]()
    history = fit(a, X, y, loss="hinge", lr=0.2, epochs=4, batch_size=8, seed=7, verbose=False)
    trainer = Trainer(b, X, y, loss="hinge", lr=0.2, batch_size=8, seed=7)
    for _ in range(4):
        trainer.epoch()
    assert history.as_dict() == trainer.history.as_dict()
    for wa, wb in zip(weights(a), weights(b)):
        np.testing.assert_array_equal(wa, wb)


def test_shuffling_follows_the_seed_and_changes_every_epoch():
    X, y = moons(20)
    seen = []
    trainer = Trainer(MLP(2, [1], seed=0), X, y, loss="mse", lr=0.01, batch_size=4, seed=5)
    for _ in range(2 * trainer.steps_per_epoch):
        trainer.step()
        if trainer.epoch_progress == 0.0:
            seen.append(trainer.order)
    assert not np.array_equal(seen[0], seen[1])
    assert sorted(seen[0]) == list(range(20))
    again = Trainer(MLP(2, [1], seed=0), X, y, loss="mse", lr=0.01, batch_size=4, seed=5)
    for _ in range(again.steps_per_epoch):
        again.step()
    np.testing.assert_array_equal(again.order, seen[0])


def test_evaluate_is_the_module_function():
    X, y = moons(30)
    trainer = Trainer(mlp([2, 8, 2], seed=0), X, y, loss="cross_entropy", lr=0.5, batch_size=10)
    trainer.epoch()
    assert trainer.evaluate(X, y) == evaluate(trainer.model, X, y, loss="cross_entropy")


def test_validation_figures_are_the_evaluation_of_that_epoch():
    X, y = moons(40)
    Xv, yv = moons(20, seed=1)
    trainer = Trainer(mlp([2, 8, 2], seed=0), X, y, loss="cross_entropy", validation=(Xv, yv))
    trainer.epoch()
    figures = evaluate(trainer.model, Xv, yv, loss="cross_entropy")
    assert trainer.history.val_loss == [pytest.approx(figures["loss"])]
    assert trainer.history.val_accuracy == [figures["accuracy"]]


# -- the engine is chosen once, from the model's type ------------------------------------------


def test_the_engine_comes_from_the_model_type():
    assert MLP(2, [1]).engine is SCALAR
    assert mlp([2, 1]).engine is TENSOR
    assert Sequential().engine is TENSOR  # no parameters, still a tensor model
    trainer = Trainer(MLP(2, [1], seed=0), *moons(5), loss="mse")
    assert trainer.engine is SCALAR


def test_a_module_of_your_own_uses_the_engine_of_its_parts():
    from neuronlab import Module

    class TwoHeads(Module):
        def __init__(self):
            self.body = Sequential(Linear(2, 4, seed=0), ReLU())
            self.head = Linear(4, 2, seed=1)

        def forward(self, x):
            return self.head(self.body(x))

    model = TwoHeads()
    assert model.engine is TENSOR
    X, y = moons(20)
    history = fit(model, X, y, loss="cross_entropy", lr=0.5, epochs=3, verbose=False)
    assert history.epochs == 3

    class Mixed(Module):
        def __init__(self):
            self.a = MLP(2, [1])
            self.b = Linear(2, 1)

    with pytest.raises(TypeError, match="mixes the scalar and tensor engines"):
        _ = Mixed().engine


# -- mse on one-hot targets: the quadratic cost of the notes -----------------------------------


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_mse_on_one_hot_targets_reads_accuracy_by_argmax(engine):
    X, y = datasets.blobs(60, centers=3, seed=0)
    X = (X - X.mean(0)) / X.std(0)
    Y = datasets.one_hot(y, 3)
    model = (
        MLP(2, [8, 3], output_activation="sigmoid", seed=0)
        if engine == "scalar"
        else mlp([2, 8, 3], output_activation="sigmoid", seed=0)
    )
    history = fit(model, X, Y, loss="mse", lr=1.0, epochs=30, batch_size=10, verbose=False)
    assert history.accuracy[-1] is not None
    expected = np.mean(predict(model, X).argmax(axis=1) == y)
    figures = evaluate(model, X, Y, loss="mse")
    assert figures["accuracy"] == pytest.approx(expected)
    assert expected >= 0.9  # the blobs are easy: the quadratic cost learns them


# -- safety: divergence and the snapshot it needs only sometimes -------------------------------


def test_an_update_that_overflows_is_undone():
    X, y = np.array([[10.0]]), np.array([1.0])
    model = MLP(1, [1], seed=0)
    before = model.state_dict()
    # finite loss and gradient (about 100), but lr * grad overflows the float: undo the step
    trainer = Trainer(model, X, y, loss="mse", lr=1e308)
    with pytest.raises(TrainingDiverged, match="a parameter became non-finite at step 1"):
        trainer.step()
    assert model.state_dict() == before


def test_no_snapshot_is_taken_while_parameters_are_far_from_overflow(monkeypatch):
    X, y = moons(20)
    model = mlp([2, 8, 2], seed=0)
    trainer = Trainer(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), 0.01))
    calls = []
    monkeypatch.setattr(TENSOR, "snapshot", lambda params: calls.append(1) or [])
    for _ in range(5):
        trainer.step()
    assert calls == []


def test_an_optimizer_without_a_bound_snapshots_every_step(monkeypatch):
    X, y = moons(20)
    model = mlp([2, 8, 2], seed=0)
    opt = SGD(model.parameters(), lr=0.1, weight_decay=1e-3)  # decay: no bound known
    trainer = Trainer(model, X, y, loss="cross_entropy", optimizer=opt)
    real = TENSOR.snapshot
    calls = []
    monkeypatch.setattr(TENSOR, "snapshot", lambda params: calls.append(1) or real(params))
    for _ in range(3):
        trainer.step()
    assert len(calls) == 3


# -- arguments ---------------------------------------------------------------------------------


def test_optimizer_and_lr_together_is_an_error():
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match=r"either an optimizer .* or lr, not both"):
        Trainer(model, *moons(5), optimizer=SGD(model.parameters(), lr=0.1), lr=0.5)
    with pytest.raises(ValueError, match="fit: give either an optimizer"):
        fit(model, *moons(5), optimizer=SGD(model.parameters(), lr=0.1), lr=0.5, verbose=False)


def test_models_without_parameters_are_refused():
    with pytest.raises(ValueError, match="no parameters"):
        Trainer(Sequential(ReLU()), *moons(5))


def test_repr_says_where_the_run_is():
    trainer = Trainer(MLP(2, [1], seed=0), *moons(10), loss="hinge", lr=0.3, batch_size=4)
    trainer.step()
    text = repr(trainer)
    assert "0 epochs, 1 steps, 10 examples, batch 4, loss hinge, SGD(lr=0.3)" in text


# -- warnings with the cause and the fix -------------------------------------------------------


def test_dead_relus_are_reported_once():
    X, y = moons(30)
    model = mlp([2, 4, 2], seed=0)
    model[0].bias.data[:] = -100.0  # every hidden ReLU outputs 0 for every input
    with pytest.warns(TrainingWarning, match="every ReLU of hidden layer 1 outputs 0") as caught:
        fit(model, X, y, loss="cross_entropy", lr=0.1, epochs=3, verbose=False)
    assert len([w for w in caught if "every ReLU" in str(w.message)]) == 1
    assert "learning rate" in str(caught[0].message)


def test_a_growing_loss_is_reported_with_the_learning_rate():
    X, y = datasets.houses(40, seed=0)
    X = (X - X.mean(0)) / X.std(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # each step overshoots the minimum by more than it corrects: the loss doubles or so
        fit(MLP(2, [1], seed=0), X, y, loss="mse", lr=1.5, epochs=60, verbose=False)
    grown = [w for w in caught if issubclass(w.category, TrainingWarning)]
    assert len(grown) == 1
    assert "the loss has grown" in str(grown[0].message)
    assert "Lower the learning rate (it is 1.5), e.g. to 0.15" in str(grown[0].message)


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_a_step_activation_in_a_hidden_layer_is_reported_at_the_start(engine):
    X, y = moons(10)
    model = (
        MLP(2, [3, 1], activation="step", seed=0)
        if engine == "scalar"
        else mlp([2, 3, 1], activation="step", seed=0)
    )
    with pytest.warns(TrainingWarning, match="hidden layer 1 uses the step activation"):
        Trainer(model, X, y, loss="mse")


def test_a_healthy_run_gives_no_warning():
    X, y = moons(40)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingWarning)
        fit(MLP(2, [8, 1], seed=0), X, y, loss="hinge", lr=0.1, epochs=5, verbose=False)


# -- predict and evaluate work in bounded pieces -----------------------------------------------


def test_predict_in_pieces_equals_one_pass(monkeypatch):
    X = np.random.default_rng(0).normal(size=(25, 2))
    model = mlp([2, 5, 3], seed=0)
    whole = predict(model, X)
    monkeypatch.setattr(TENSOR, "eval_rows", 4)
    np.testing.assert_allclose(predict(model, X), whole, rtol=1e-6)  # float32 sums may round

    y = np.random.default_rng(1).integers(0, 3, 25)
    pieces = evaluate(model, X, y)
    monkeypatch.undo()
    one = evaluate(model, X, y)
    assert pieces["accuracy"] == one["accuracy"]
    assert math.isclose(pieces["loss"], one["loss"], rel_tol=1e-6)


@pytest.mark.parametrize("engine", list(MODELS))
def test_l1_and_l2_penalties_step_as_in_pytorch(engine):
    X, y = moons(8)
    model = MODELS[engine]()
    start = weights(model)
    Trainer(model, X, y, loss="mse", lr=0.1, l1=0.01, l2=0.001, shuffle=False).step()
    # the same step in PyTorch: mse + 0.01 Σ|p| + 0.001 Σp², SGD lr 0.1
    params = [torch.tensor(w, requires_grad=True) for w in start]
    if engine == "tensor":
        W1, b1, W2, b2 = params
    else:  # the scalar MLP's parameters come neuron by neuron: w0, w1, b per neuron
        first = [params[3 * j : 3 * j + 3] for j in range(4)]
        W1 = torch.stack([torch.stack([w0, w1]) for w0, w1, _ in first])
        b1 = torch.stack([b for _, _, b in first])
        W2 = torch.stack(params[12:16])[None, :]
        b2 = params[16][None]
    h = torch.relu(torch.tensor(X) @ W1.T + b1)
    out = (h @ W2.T + b2)[:, 0]
    loss = torch.nn.functional.mse_loss(out, torch.tensor(y, dtype=torch.float64))
    loss = loss + 0.01 * sum(p.abs().sum() for p in params)
    loss = loss + 0.001 * sum((p * p).sum() for p in params)
    loss.backward()
    for ours, p in zip(weights(model), params):
        expected = (p - 0.1 * p.grad).detach().numpy()
        np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)
