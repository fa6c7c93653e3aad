"""fit() on scalar MLPs: the micrograd demo, PyTorch twins, history, CSV, divergence, errors."""

from __future__ import annotations

import csv
import io
import math
import os
import time

import numpy as np
import pytest
from helpers import torch_twin

from neuronlab import MLP, SGD, Adam, LinearLR, Module, Value, datasets, fit, predict
from neuronlab.losses import hinge
from neuronlab.metrics import accuracy_of
from neuronlab.tensor import Tensor
from neuronlab.training import History, TrainingDiverged, TrainingWarning, evaluate

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(1234)


def small_moons(n=40, seed=0):
    return datasets.moons(n, noise=0.1, seed=seed)


def scaled_houses(n=60, seed=0):
    X, y = datasets.houses(n, seed=seed)
    X = (X - X.mean(0)) / X.std(0)
    return X, (y - y.mean()) / y.std()


def all_params_finite(model):
    return all(math.isfinite(p.data) for p in model.parameters())


# -- the micrograd demo -------------------------------------------------------------------------


def test_micrograd_demo_reaches_95_percent():
    X, y = datasets.moons(100, noise=0.1, seed=0)
    y = 2 * y - 1
    model = MLP(2, [16, 16, 1], activation="relu", seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    sched = LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    h = fit(
        model,
        X,
        y,
        loss="hinge",
        l2=1e-4,
        optimizer=opt,
        scheduler=sched,
        epochs=100,
        batch_size=None,
        verbose=False,
    )
    assert h.epochs == 100
    assert len(h.loss) == len(h.accuracy) == len(h.lr) == 100
    assert h.accuracy[-1] >= 0.95
    assert h.loss[-1] < 0.1 < h.loss[0]
    # lr 1.0 decaying linearly by 0.009 per step (one step per epoch, full batch)
    np.testing.assert_allclose(h.lr, [1.0 - 0.9 * k / 100 for k in range(100)], rtol=1e-12)
    assert opt.lr == pytest.approx(0.1)
    # the recorded accuracy is the model's: recompute it from predictions
    acc = np.mean((predict(model, X) > 0) == (y > 0))
    assert acc >= 0.95


# -- the same training in PyTorch ---------------------------------------------------------------


def torch_forward(twin, X, hidden=torch.relu, out=lambda a: a):
    a = torch.as_tensor(X, dtype=torch.float64)
    for i, (W, b, _) in enumerate(twin):
        a = a @ W.T + b
        a = hidden(a) if i < len(twin) - 1 else out(a)
    return a


def torch_params(twin):
    return [t for W, b, _ in twin for t in (W, b)]


def assert_same_weights(model, twin):
    for layer, (W, b, _) in zip(model.layers, twin):
        ours_W = np.array([[w.data for w in n.w] for n in layer.neurons])
        ours_b = np.array([n.b.data for n in layer.neurons])
        np.testing.assert_allclose(ours_W, W.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours_b, b.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_demo_trajectory_matches_pytorch():
    """Hinge + L2 + SGD with LinearLR, full batch: every epoch's loss as in PyTorch."""
    X, y = small_moons(30)
    y = 2 * y - 1
    model = MLP(2, [8, 8, 1], seed=3)
    twin = torch_twin(model)
    opt = SGD(model.parameters(), lr=1.0)
    sched = LinearLR(opt, 1.0, 0.1, 100)
    h = fit(
        model, X, y, loss="hinge", l2=1e-4, optimizer=opt, scheduler=sched, epochs=8, verbose=False
    )

    yt = torch.tensor(y, dtype=torch.float64)
    ref = []
    for k in range(8):
        scores = torch_forward(twin, X)[:, 0]
        loss = torch.relu(1 - yt * scores).mean() + 1e-4 * sum(
            (p * p).sum() for p in torch_params(twin)
        )
        ref.append(loss.item())
        for p in torch_params(twin):
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in torch_params(twin):
                p -= (1.0 - 0.9 * k / 100) * p.grad
    np.testing.assert_allclose(h.loss, ref, rtol=1e-9)
    assert_same_weights(model, twin)


def test_minibatch_mse_matches_pytorch():
    """Mini-batches in order (shuffle=False), momentum, tanh: the same weights as PyTorch."""
    X, y = scaled_houses(24)
    model = MLP(2, [5, 1], activation="tanh", seed=1)
    twin = torch_twin(model)
    opt = SGD(model.parameters(), lr=0.05, momentum=0.9)
    h = fit(
        model,
        X,
        y,
        loss="mse",
        optimizer=opt,
        epochs=3,
        batch_size=10,
        shuffle=False,
        verbose=False,
    )

    topt = torch.optim.SGD(torch_params(twin), lr=0.05, momentum=0.9)
    yt = torch.tensor(y, dtype=torch.float64)
    per_epoch = []
    for _ in range(3):
        total = 0.0
        for start in range(0, 24, 10):  # batches of 10, 10, 4
            sl = slice(start, start + 10)
            out = torch_forward(twin, X[sl], hidden=torch.tanh)[:, 0]
            loss = torch.nn.functional.mse_loss(out, yt[sl])
            total += loss.item() * len(yt[sl])
            topt.zero_grad()
            loss.backward()
            topt.step()
        per_epoch.append(total / 24)
    np.testing.assert_allclose(h.loss, per_epoch, rtol=1e-9)
    assert_same_weights(model, twin)
    assert h.accuracy == [None, None, None]  # regression: no accuracy


def test_cross_entropy_and_adam_match_pytorch():
    X, y = datasets.blobs(30, centers=3, seed=2)
    X = X / 5
    model = MLP(2, [6, 3], seed=4)
    twin = torch_twin(model)
    opt = Adam(model.parameters(), lr=0.01)
    h = fit(model, X, y, loss="cross_entropy", optimizer=opt, epochs=4, verbose=False)
    topt = torch.optim.Adam(torch_params(twin), lr=0.01)
    ref = []
    for _ in range(4):
        loss = torch.nn.functional.cross_entropy(torch_forward(twin, X), torch.tensor(y))
        ref.append(loss.item())
        topt.zero_grad()
        loss.backward()
        topt.step()
    np.testing.assert_allclose(h.loss, ref, rtol=1e-9)
    assert_same_weights(model, twin)


# -- learning, history, reproducibility -----------------------------------------------------


def test_history_shapes_and_first_loss():
    X, y = small_moons()
    model = MLP(2, [4, 1], seed=0)
    initial = np.mean(np.maximum(0, 1 - (2 * y - 1) * predict(model, X)))
    h = fit(model, X, y, loss="hinge", lr=0.1, epochs=5, verbose=False)
    assert isinstance(h, History)
    assert h.epochs == 5
    for col in ("loss", "accuracy", "lr"):
        assert len(getattr(h, col)) == 5
    assert h.val_loss == []
    assert h.val_accuracy == []
    assert h.lr == [0.1] * 5
    assert h.loss[0] == pytest.approx(initial, rel=1e-12)  # full batch: the untrained loss
    assert all(0 <= a <= 1 for a in h.accuracy)
    final = h.final()
    assert final["loss"] == h.loss[-1]
    assert final["accuracy"] == h.accuracy[-1]
    assert "val_loss" not in final
    assert History().final() == {}
    assert History().epochs == 0


def test_hinge_accepts_0_1_and_plus_minus_1_labels_alike():
    X, y = small_moons()
    a = fit(MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=3, verbose=False)
    b = fit(MLP(2, [4, 1], seed=0), X, 2 * y - 1, loss="hinge", epochs=3, verbose=False)
    c = fit(MLP(2, [4, 1], seed=0), X, y, loss=hinge, epochs=3, verbose=False)  # the function
    assert a.loss == b.loss == c.loss
    assert a.accuracy == b.accuracy == c.accuracy


def test_same_seed_same_history_different_seed_different():
    X, y = small_moons(50)

    def run(seed):
        model = MLP(2, [6, 1], seed=7)
        h = fit(
            model, X, y, loss="hinge", lr=0.05, epochs=4, batch_size=8, seed=seed, verbose=False
        )
        return h, model.state_dict()

    (h1, s1), (h2, s2), (h3, _) = run(11), run(11), run(12)
    assert h1.loss == h2.loss
    assert h1.accuracy == h2.accuracy
    assert s1 == s2
    assert h1.loss != h3.loss  # a different shuffle


def test_minibatches_take_ceil_n_over_batch_steps():
    X, y = small_moons(23)
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.01)
    h = fit(model, X, y, loss="hinge", optimizer=opt, epochs=3, batch_size=5, verbose=False)
    assert opt.steps == 3 * 5  # 23 examples in batches of 5: 5 steps an epoch
    assert h.epochs == 3
    # one batch when batch_size >= n
    model2 = MLP(2, [3, 1], seed=0)
    opt2 = SGD(model2.parameters(), lr=0.01)
    fit(model2, X, y, loss="hinge", optimizer=opt2, epochs=2, batch_size=1000, verbose=False)
    assert opt2.steps == 2


def test_minibatch_training_learns_moons():
    X, y = datasets.moons(60, noise=0.1, seed=1)
    model = MLP(2, [8, 8, 1], seed=1)
    h = fit(model, X, y, loss="hinge", lr=0.05, epochs=25, batch_size=10, seed=0, verbose=False)
    assert h.accuracy[-1] >= 0.85
    assert h.loss[-1] < h.loss[0]


def test_bce_with_sigmoid_output_learns():
    X, y = datasets.moons(60, noise=0.1, seed=2)
    model = MLP(2, [8, 1], output_activation="sigmoid", seed=0)
    h = fit(model, X, y, loss="bce", lr=0.5, epochs=40, verbose=False)
    assert h.loss[-1] < h.loss[0]
    assert h.accuracy[-1] >= 0.8
    out = predict(model, X)
    assert ((out > 0) & (out < 1)).all()


def test_regression_reduces_the_loss_and_has_no_accuracy():
    X, y = scaled_houses(60)
    model = MLP(2, [8, 1], seed=0)
    h = fit(model, X, y, loss="mse", lr=0.1, epochs=30, verbose=False)
    assert h.loss[-1] < 0.05 < 0.5 < h.loss[0]  # noise 10 on a spread of ~135: ~0.006 is best
    assert h.accuracy == [None] * 30
    assert h.final()["accuracy"] is None


def test_validation_columns():
    X, y = small_moons(40, seed=0)
    Xv, yv = small_moons(20, seed=9)
    model = MLP(2, [6, 1], seed=0)
    h = fit(model, X, y, loss="hinge", lr=0.1, epochs=4, validation=(Xv, yv), verbose=False)
    assert len(h.val_loss) == len(h.val_accuracy) == 4
    # the last validation figures are those of the trained model on the validation set
    scores = predict(model, Xv)
    assert h.val_loss[-1] == pytest.approx(np.mean(np.maximum(0, 1 - (2 * yv - 1) * scores)))
    assert h.val_accuracy[-1] == pytest.approx(np.mean((scores > 0) == (yv > 0)))
    assert "val_loss" in h.final()


def test_callback_sees_every_epoch():
    X, y = small_moons()
    seen = []
    fit(
        MLP(2, [3, 1], seed=0),
        X,
        y,
        loss="hinge",
        epochs=3,
        verbose=False,
        callback=lambda epoch, hist: seen.append((epoch, hist.epochs)),
    )
    assert seen == [(1, 1), (2, 2), (3, 3)]


def test_silent_unless_verbose(capfd):
    X, y = small_moons()
    fit(MLP(2, [3, 1], seed=0), X, y, loss="hinge", epochs=2, verbose=False)
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
    fit(MLP(2, [3, 1], seed=0), X, y, loss="hinge", epochs=2)  # not a terminal here
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
    fit(MLP(2, [3, 1], seed=0), X, y, loss="hinge", epochs=2, verbose=True)
    out, err = capfd.readouterr()
    assert "training" in err
    assert "2/2" in err


# -- predict and accuracy_of --------------------------------------------------------------------


def test_predict_one_and_several_outputs():
    X, _ = small_moons(7)
    one = MLP(2, [4, 1], seed=0)
    out = predict(one, X)
    assert out.shape == (7,)
    np.testing.assert_array_equal(out, [one(list(x)).data for x in X])
    three = MLP(2, [4, 3], seed=0)
    out3 = predict(three, X)
    assert out3.shape == (7, 3)
    np.testing.assert_array_equal(out3, [[v.data for v in three(list(x))] for x in X])
    # one feature given as a flat list: one column
    assert predict(MLP(1, [2, 1], seed=0), [0.1, 0.2, 0.3]).shape == (3,)


def test_predict_leaves_parameters_and_grads_alone():
    X, _ = small_moons(5)
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    predict(model, X)
    assert model.state_dict() == before
    assert all(p.grad == 0 for p in model.parameters())


@pytest.mark.parametrize(
    ("bad", "exc"), [([[1, np.nan]], ValueError), ([], ValueError), ("ab", TypeError)]
)
def test_predict_bad_input(bad, exc):
    with pytest.raises(exc, match="predict"):
        predict(MLP(2, [1], seed=0), bad)


def test_accuracy_of_each_reading():
    y01 = np.array([0, 1, 1, 0])
    ypm = 2 * y01 - 1
    scores = np.array([-0.3, 0.2, -0.1, 0.5])  # signs: right, right, wrong, wrong
    assert accuracy_of(scores, ypm, "hinge") == 0.5
    assert accuracy_of(scores, y01, "hinge") == 0.5
    probs = np.array([0.1, 0.9, 0.4, 0.6])
    assert accuracy_of(probs, y01, "bce") == 0.5
    assert accuracy_of(probs, y01, "binary_cross_entropy") == 0.5
    assert accuracy_of(np.array([0.2, 0.7, 0.8, 0.1]), y01, "mse") == 1.0
    assert accuracy_of(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 2.0, 3.5, 4]), "mse") is None
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 5.0], [1.0, 0.0, 0.0]])
    assert accuracy_of(logits, np.array([0, 1, 2, 2]), "cross_entropy") == 0.75
    # a column of single outputs reads like a flat vector
    assert accuracy_of(scores[:, None], ypm, "hinge") == 0.5


def test_multiclass_fit_reports_argmax_accuracy():
    X, y = datasets.blobs(45, centers=3, std=0.3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    h = fit(model, X / 5, y, loss="cross_entropy", lr=0.5, epochs=30, verbose=False)
    assert h.accuracy[-1] >= 0.9
    assert h.accuracy[-1] == pytest.approx(np.mean(predict(model, X / 5).argmax(1) == y))


# -- CSV and atomic writes ----------------------------------------------------------------------


def filled_history():
    return History(
        loss=[0.5, 0.25],
        accuracy=[0.75, None],
        val_loss=[0.6, 0.3],
        val_accuracy=[0.5, 1.0],
        lr=[0.1, 0.05],
    )


def test_to_csv_rows(tmp_path):
    h = filled_history()
    text = h.to_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"]
    assert rows[1] == ["1", "0.5", "0.75", "0.6", "0.5", "0.1"]
    assert rows[2] == ["2", "0.25", "", "0.3", "1.0", "0.05"]  # None is an empty cell
    assert len(rows) == 3
    path = tmp_path / "history.csv"
    assert h.to_csv(path) == text
    assert path.read_text() == text
    assert sorted(os.listdir(tmp_path)) == ["history.csv"]


def test_to_csv_round_trips_floats_exactly():
    h = History(
        loss=[0.1 + 0.2], accuracy=[1 / 3], val_loss=[None], val_accuracy=[None], lr=[math.pi]
    )
    row = list(csv.reader(io.StringIO(h.to_csv())))[1]
    assert float(row[1]) == 0.1 + 0.2
    assert float(row[2]) == 1 / 3
    assert float(row[5]) == math.pi


def test_to_csv_of_a_fit_without_validation(tmp_path):
    X, y = small_moons(20)
    h = fit(MLP(2, [3, 1], seed=0), X, y, loss="hinge", epochs=2, verbose=False)
    rows = list(csv.reader(io.StringIO(h.to_csv(tmp_path / "h.csv"))))
    assert len(rows) == 3
    assert rows[1][0] == "1"
    assert float(rows[1][1]) == h.loss[0]
    assert rows[1][3] == ""
    assert rows[1][4] == ""


def test_history_to_csv_failure_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "h.csv"
    path.write_text("old")
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("no space")))
    with pytest.raises(OSError, match="no space"):
        filled_history().to_csv(path)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["h.csv"]


# -- divergence ---------------------------------------------------------------------------------


def test_huge_lr_on_unscaled_houses_diverges_cleanly():
    X, y = datasets.houses(50, seed=0)  # sizes in m², prices in k€: no scaling
    model = MLP(2, [1], seed=0)  # linear regression, the design's house-price example
    snapshots = [model.state_dict()]
    grown = pytest.warns(TrainingWarning, match="the loss has grown")
    with grown, pytest.raises(TrainingDiverged) as info:
        fit(
            model,
            X,
            y,
            loss="mse",
            lr=1.0,
            epochs=50,
            verbose=False,
            callback=lambda epoch, hist: snapshots.append(model.state_dict()),
        )
    err = info.value
    msg = str(err)
    assert f"step {err.step}" in msg
    assert "lower learning rate" in msg
    assert "(it was 1)" in msg  # the lr that diverged
    assert err.step >= 1
    assert err.epoch == err.step
    assert isinstance(err.history, History)
    assert err.history.epochs == err.epoch - 1
    assert all(math.isfinite(v) for v in err.history.loss)
    assert all_params_finite(model)
    # the model holds the parameters of the last finished step
    assert model.state_dict() == snapshots[-1]
    assert isinstance(err, RuntimeError)


@pytest.mark.parametrize("batch_size", [None, 7])
def test_divergence_with_minibatches_names_the_step(batch_size):
    X, y = datasets.houses(30, seed=1)
    model = MLP(2, [1], seed=2)
    grown = pytest.warns(TrainingWarning, match="Lower the learning rate")
    diverged = pytest.raises(TrainingDiverged, match=r"at step \d+ \(epoch \d+\).*lower learning")
    with grown, diverged:
        fit(model, X, y, loss="mse", lr=1.0, epochs=100, batch_size=batch_size, verbose=False)
    assert all_params_finite(model)


def test_nan_loss_from_a_custom_loss_stops_at_step_1():
    X, y = small_moons(10)
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()

    def nan_loss(preds, targets):
        return sum(preds, Value(0.0)) * float("nan")

    with pytest.raises(TrainingDiverged, match="step 1 ") as info:
        fit(model, X, y, loss=nan_loss, epochs=3, verbose=False)
    assert info.value.step == 1
    assert info.value.history.epochs == 0
    assert model.state_dict() == before


def test_overflowing_gradient_leaves_parameters_untouched():
    X, y = small_moons(10)
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()

    def steep(preds, targets):  # value 0, slope inf: d sqrt(u) / du at u = 0
        return sum(((p - p.data) ** 0.5 for p in preds), Value(0.0))

    with pytest.raises(TrainingDiverged, match=r"a gradient became .* at step 1 ") as info:
        fit(model, X, y, loss=steep, epochs=2, verbose=False)
    assert info.value.step == 1
    assert model.state_dict() == before


# -- bad arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "y", "exc", "words"),
    [
        (np.zeros((0, 2)), [], ValueError, "fit(X)"),
        ([[0.0, np.nan], [1.0, 1.0]], [0, 1], ValueError, "NaN"),
        ([[0.0, np.inf], [1.0, 1.0]], [0, 1], ValueError, "infinite"),
        ("not data", [0], TypeError, "fit(X)"),
        ([["a", "b"]], [0], TypeError, "fit(X)"),
        (np.zeros((4, 2)), [0, 1, 0], ValueError, "expected 4 targets"),
        (np.zeros((4, 2)), [0, 1, 0, 1, 1], ValueError, "expected 4 targets"),
        (np.zeros((4, 2)), 1, ValueError, "expected 4 targets"),
        (np.zeros((2, 2)), [0, np.nan], ValueError, "finite"),
        (np.zeros((2, 2)), ["a", "b"], TypeError, "expected targets that are numbers"),
    ],
)
def test_bad_data(X, y, exc, words):
    model = MLP(2, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(exc) as info:
        fit(model, X, y, verbose=False)
    assert words in str(info.value)
    assert model.state_dict() == before


def test_three_dimensional_X_is_rejected_at_the_boundary():
    with pytest.raises(ValueError, match=r"fit\(X\)"):
        fit(MLP(2, [1], seed=0), np.zeros((4, 2, 1)), [0, 1, 0, 1], verbose=False)


def test_wrong_feature_count_names_expected_and_received():
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        fit(MLP(2, [1], seed=0), np.zeros((4, 3)), [0, 1, 0, 1], verbose=False)


@pytest.mark.parametrize(
    ("kwargs", "exc", "words"),
    [
        ({"epochs": 0}, ValueError, "fit(epochs)"),
        ({"epochs": -1}, ValueError, "fit(epochs)"),
        ({"epochs": 2.0}, TypeError, "fit(epochs)"),
        ({"epochs": True}, TypeError, "fit(epochs)"),
        ({"batch_size": 0}, ValueError, "fit(batch_size)"),
        ({"batch_size": 1.5}, TypeError, "fit(batch_size)"),
        ({"optimizer": "sgd"}, TypeError, "fit(optimizer)"),
        (
            {"optimizer": torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)},
            TypeError,
            "expected an Optimizer",
        ),
        ({"scheduler": 0.5}, TypeError, "fit(scheduler)"),
        ({"l2": -1.0}, ValueError, "fit(l2)"),
        ({"l2": float("nan")}, ValueError, "fit(l2)"),
        ({"loss": "bogus"}, ValueError, "unknown loss 'bogus'"),
        ({"lr": -0.1}, ValueError, "lr"),
        ({"lr": 0}, ValueError, "lr"),
        ({"validation": ([[0.0, 0.0]],)}, TypeError, "fit(validation)"),
        ({"validation": ([[0.0, 0.0]], [0, 1])}, ValueError, "fit(validation y)"),
        ({"validation": ([[0.0, np.nan]], [0])}, ValueError, "fit(validation X)"),
        ({"seed": -3}, ValueError, "seed"),
        ({"seed": "x"}, TypeError, "seed"),
    ],
)
def test_bad_arguments(kwargs, exc, words):
    X, y = small_moons(10)
    model = MLP(2, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(exc) as info:
        fit(model, X, y, verbose=False, **kwargs)
    assert words in str(info.value)
    assert model.state_dict() == before


@pytest.mark.parametrize("model", [None, "mlp", [Value(1.0)], lambda x: x])
def test_model_must_be_a_module(model):
    X, y = small_moons(10)
    with pytest.raises(TypeError, match=r"fit\(model\): expected a neuronlab Module"):
        fit(model, X, y, verbose=False)


def test_model_without_parameters():
    class Empty(Module):
        def forward(self, x):
            return Value(0.0)

    X, y = small_moons(10)
    with pytest.raises(ValueError, match="no parameters"):
        fit(Empty(), X, y, verbose=False)


def test_scheduler_must_drive_the_optimizer_that_trains():
    X, y = small_moons(10)
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    sched = LinearLR(opt, 1.0, 0.1, 10)
    h = fit(model, X, y, loss="hinge", scheduler=sched, epochs=5, verbose=False)
    np.testing.assert_allclose(h.lr, [1.0 - 0.09 * k for k in range(5)])  # the schedule's optimiser
    other = SGD(model.parameters(), lr=0.5)
    with pytest.raises(ValueError, match="the scheduler steps a different optimizer"):
        fit(model, X, y, loss="hinge", optimizer=other, scheduler=sched, verbose=False)


# == fit on the tensor engine ==================================================================

# -- fit on tensors ------------------------------------------------------------------------------


def test_forward_and_outputs_have_the_scalar_layout():
    from neuronlab.nn import TENSOR, Linear, Sequential

    model = Sequential(Linear(3, 1))
    assert model.engine is TENSOR
    X = RNG.normal(size=(5, 3)).astype(np.float32)
    out = TENSOR.forward(model, X)
    assert isinstance(out, Tensor)
    assert out.shape == (5, 1)
    assert TENSOR.outputs(out).shape == (5,)
    model2 = Sequential(Linear(3, 4, dtype="float64"))
    assert TENSOR.feature_dtype(model2.parameters()) == np.float64
    out2 = TENSOR.forward(model2, X.astype(np.float64))
    assert out2.data.dtype == np.float64
    assert TENSOR.outputs(out2).shape == (5, 4)


def test_fit_converts_X_once_to_the_model_dtype(monkeypatch):
    from neuronlab.nn import TENSOR, mlp

    seen = []
    real = TENSOR.forward

    def spy(model, X):
        seen.append(X.dtype)
        return real(model, X)

    monkeypatch.setattr(TENSOR, "forward", spy)
    X = RNG.normal(size=(40, 2))  # float64 in, float32 model
    y = (X[:, 0] > 0).astype(int)
    fit(mlp([2, 4, 2], seed=0), X, y, loss="cross_entropy", epochs=2, batch_size=8, verbose=False)
    assert seen
    assert set(seen) == {np.dtype(np.float32)}


@pytest.fixture(scope="module")
def digits_split():
    from neuronlab.data import digits

    return digits(seed=0)


def test_fit_digits_reaches_95_percent_quickly(digits_split):
    from neuronlab.nn import mlp

    X_train, X_test, y_train, y_test = digits_split
    model = mlp([64, 64, 10], seed=0)
    opt = Adam(model.parameters(), lr=0.01)
    start = time.perf_counter()
    history = fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=opt,
        epochs=20,
        batch_size=32,
        seed=0,
        validation=(X_test, y_test),
        verbose=False,
    )
    seconds = time.perf_counter() - start
    result = evaluate(model, X_test, y_test)
    assert result["accuracy"] >= 0.95, result
    assert result["accuracy"] == pytest.approx(history.val_accuracy[-1])
    assert result["loss"] == pytest.approx(history.val_loss[-1], rel=1e-5)
    assert result["n"] == len(X_test)
    assert history.accuracy[-1] > 0.97
    assert seconds < 20  # typically about a second
    predicted = predict(model, X_test).argmax(axis=1)
    assert np.mean(predicted == y_test) == result["accuracy"]


def test_fit_binary_tensor_model_with_bce_and_evaluate(digits_split):
    from neuronlab.nn import Linear, Sequential, Sigmoid, Tanh

    X_train, X_test, y_train, y_test = digits_split
    is_nine = (y_train == 9).astype(float)
    model = Sequential(Linear(64, 16), Tanh(), Linear(16, 1), Sigmoid())
    fit(
        model,
        X_train,
        is_nine,
        loss="bce",
        optimizer=Adam(model.parameters(), lr=0.01),
        epochs=15,
        batch_size=64,
        verbose=False,
    )
    result = evaluate(model, X_test, (y_test == 9).astype(float), loss="bce")
    assert result["accuracy"] > 0.95
    assert predict(model, X_test).shape == (len(X_test),)


def test_fit_stops_on_nan_and_keeps_finite_tensor_parameters():
    from neuronlab.nn import mlp

    X = RNG.normal(size=(32, 2)) * 100
    y = X[:, 0] * 1e3
    model = mlp([2, 8, 1], seed=0)
    with pytest.raises(TrainingDiverged) as info:
        fit(model, X, y, loss="mse", lr=10.0, epochs=50, batch_size=8, verbose=False)
    assert info.value.step >= 1
    assert all(np.isfinite(p.data).all() for p in model.parameters())


def test_evaluate_errors_and_scalar_models():
    from neuronlab import MLP

    model = MLP(2, [3, 1], seed=0)
    X = RNG.normal(size=(6, 2))
    result = evaluate(model, X, (X[:, 0] > 0).astype(float), loss="hinge")
    assert set(result) == {"loss", "accuracy", "n"}
    assert 0 <= result["accuracy"] <= 1
    with pytest.raises(ValueError, match="expected 6 targets"):
        evaluate(model, X, [0, 1])
    with pytest.raises(TypeError, match="Module"):
        evaluate("model", X, np.zeros(6))


def test_fit_takes_images_for_a_model_that_flattens(digits_split):
    from neuronlab.nn import Flatten, Linear, Sequential

    X_train, X_test, y_train, _y_test = digits_split
    images = X_train.reshape(-1, 8, 8)  # fit must keep N-D inputs for tensor models
    model = Sequential(Flatten(), Linear(64, 10, seed=0))
    history = fit(
        model,
        images,
        y_train,
        loss="cross_entropy",
        lr=0.5,
        epochs=3,
        batch_size=64,
        verbose=False,
    )
    assert history.accuracy[-1] > 0.8
    assert predict(model, X_test.reshape(-1, 8, 8)).shape == (len(X_test), 10)
