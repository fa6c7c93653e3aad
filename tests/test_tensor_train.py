"""Tensor training: losses, optimiser steps and schedules against PyTorch, fit on digits."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from neuronlab import Value, fit, predict  # noqa: E402
from neuronlab.losses import binary_cross_entropy, cross_entropy, hinge, mse  # noqa: E402
from neuronlab.optim import SGD, Adam, CosineAnnealingLR, LinearLR, StepLR  # noqa: E402
from neuronlab.tensor import Tensor  # noqa: E402
from neuronlab.training import TrainingDiverged, evaluate  # noqa: E402

RNG = np.random.default_rng(1234)


def leaf(a: np.ndarray, dtype: str = "float64") -> Tensor:
    return Tensor(a, dtype=dtype, requires_grad=True)


def twin(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


# -- losses: value and gradient against torch.nn.functional ----------------------------------


def torch_hinge(s, t):
    return torch.clamp(1 - t * s, min=0).mean()


LOSS_CASES = {
    "mse": (
        mse,
        F.mse_loss,
        lambda n, k: RNG.normal(size=(n, k)),
        lambda n, k: RNG.normal(size=(n, k)),
    ),
    "bce": (
        binary_cross_entropy,
        F.binary_cross_entropy,
        lambda n, k: RNG.uniform(0.01, 0.99, (n, k)),
        lambda n, k: RNG.uniform(0, 1, (n, k)),
    ),
    "hinge": (
        hinge,
        torch_hinge,
        lambda n, k: RNG.normal(size=(n, k)) * 2,
        lambda n, k: RNG.choice([-1.0, 1.0], (n, k)),
    ),
}


@pytest.mark.parametrize("name", list(LOSS_CASES))
@pytest.mark.parametrize("shape", [(1, 1), (7, 1), (4, 3)])
def test_elementwise_losses_match_torch(name, shape):
    ours, theirs, make_p, make_t = LOSS_CASES[name]
    p, t = make_p(*shape), make_t(*shape)
    x = leaf(p)
    loss = ours(x, t)
    loss.backward()
    xt = twin(p)
    expected = theirs(xt, torch.tensor(t))
    expected.backward()
    assert loss.shape == ()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_column_of_predictions_takes_a_flat_target_vector():
    p = RNG.normal(size=(6, 1))
    t = RNG.normal(size=6)
    assert mse(leaf(p), t).item() == pytest.approx(
        F.mse_loss(twin(p)[:, 0], torch.tensor(t)).item()
    )
    assert mse(leaf(p[:, 0]), t[:, None]).item() == pytest.approx(np.mean((p[:, 0] - t) ** 2))
    assert mse(leaf(p), list(t)).item() == pytest.approx(np.mean((p[:, 0] - t) ** 2))
    assert mse(leaf(p), Tensor(t, dtype="float64")).item() == pytest.approx(
        np.mean((p[:, 0] - t) ** 2)
    )


def test_bce_at_the_edges_clamps_like_torch():
    p = np.array([0.0, 1e-30, 1.0, 1.0 - 1e-16, 0.5, 0.0, 1.0])
    t = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 1.0, 0.0])
    x = leaf(p)
    loss = binary_cross_entropy(x, t)
    loss.backward()
    xt = twin(p)
    expected = F.binary_cross_entropy(xt, torch.tensor(t))
    expected.backward()
    assert math.isfinite(loss.item())
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-12)


def test_bce_float32_is_float32():
    x = leaf(np.array([[0.2], [0.9]]), "float32")
    loss = binary_cross_entropy(x, [0, 1])
    loss.backward()
    assert loss.data.dtype == np.float32 and x.grad.dtype == np.float32


@pytest.mark.parametrize("n,k", [(1, 2), (5, 3), (64, 10)])
def test_cross_entropy_matches_torch(n, k):
    z = RNG.normal(size=(n, k)) * 3
    y = RNG.integers(0, k, n)
    x = leaf(z)
    loss = cross_entropy(x, y)
    loss.backward()
    xt = twin(z)
    expected = F.cross_entropy(xt, torch.tensor(y))
    expected.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [-5e4, 5e4, 0.0]])
    y = np.array([0, 0])
    x = leaf(z)
    loss = cross_entropy(x, y)
    loss.backward()
    expected = F.cross_entropy(torch.tensor(z), torch.tensor(y)).item()
    assert loss.item() == pytest.approx(expected)  # (0 + 1e5) / 2
    assert np.isfinite(x.grad).all()


def test_cross_entropy_accepts_label_lists_columns_and_whole_floats():
    z = RNG.normal(size=(3, 4))
    expected = F.cross_entropy(torch.tensor(z), torch.tensor([3, 0, 1])).item()
    for labels in ([3, 0, 1], np.array([[3], [0], [1]]), np.array([3.0, 0.0, 1.0])):
        assert cross_entropy(leaf(z), labels).item() == pytest.approx(expected)


def test_fused_cross_entropy_equals_the_composed_one():
    from neuronlab.tensor import log_softmax

    z = RNG.normal(size=(6, 4))
    y = RNG.integers(0, 4, 6)
    fused = leaf(z)
    cross_entropy(fused, y).backward()
    composed = leaf(z)
    loss = -log_softmax(composed, axis=1)[np.arange(6), y].mean()
    loss.backward()
    assert loss.item() == pytest.approx(F.cross_entropy(torch.tensor(z), torch.tensor(y)).item())
    np.testing.assert_allclose(composed.grad, fused.grad, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize(
    ("fn", "p", "t", "exc", "match"),
    [
        (
            mse,
            np.zeros((4, 1)),
            np.zeros((4, 2)),
            ValueError,
            r"shape \(4, 1\) but targets have shape \(4, 2\)",
        ),
        (mse, np.zeros((4, 3)), np.zeros(3), ValueError, r"\(4, 3\).*\(3,\)"),
        (mse, np.zeros((4, 1)), np.zeros(5), ValueError, r"\(4, 1\).*\(5,\)"),
        (mse, np.zeros((2, 1)), [np.nan, 0], ValueError, "finite"),
        (mse, np.zeros((2, 1)), "ab", TypeError, "numbers"),
        (hinge, np.zeros((2, 1)), [0, 1], ValueError, "-1 or"),
        (binary_cross_entropy, np.full((2, 1), 0.5), [0, 2], ValueError, r"\[0, 1\]"),
        (binary_cross_entropy, np.array([[0.5], [1.5]]), [0, 1], ValueError, "sigmoid"),
        (binary_cross_entropy, np.array([[0.5], [-0.5]]), [0, 1], ValueError, "probabilities"),
        (cross_entropy, np.zeros((4, 3)), [0, 1, 2], ValueError, r"\(4, 3\).*shape \(3,\)"),
        (cross_entropy, np.zeros((2, 3)), np.eye(3)[[0, 1]], ValueError, "argmax"),
        (
            cross_entropy,
            np.zeros((2, 3)),
            [0, 3],
            ValueError,
            "label 3 is not a class index in 0..2",
        ),
        (cross_entropy, np.zeros((2, 3)), [0, -1], ValueError, "label -1"),
        (cross_entropy, np.zeros((2, 3)), [0, 0.5], ValueError, "0.5"),
        (cross_entropy, np.zeros(3), [0], ValueError, r"\(n, classes\)"),
        (cross_entropy, np.zeros((2, 3)), ["a", "b"], TypeError, "class labels"),
    ],
)
def test_tensor_loss_errors(fn, p, t, exc, match):
    with pytest.raises(exc, match=match):
        fn(leaf(p), t)


def test_bce_nan_prediction_gives_nan_loss_not_an_error():
    loss = binary_cross_entropy(leaf(np.array([[np.nan], [0.5]])), [0, 1])
    assert math.isnan(loss.item())


# -- optimisers: several steps against torch.optim, on Tensor and on Value parameters ---------

OPTIMISERS = {
    "sgd": (SGD, torch.optim.SGD, {"lr": 0.1}),
    "sgd-weight-decay": (SGD, torch.optim.SGD, {"lr": 0.1, "weight_decay": 0.1}),
    "momentum": (SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    "nesterov": (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    "momentum-weight-decay": (
        SGD,
        torch.optim.SGD,
        {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01, "nesterov": True},
    ),
    "adam": (Adam, torch.optim.Adam, {"lr": 0.01}),
    "adam-options": (
        Adam,
        torch.optim.Adam,
        {"lr": 0.03, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05},
    ),
}

X_OPT = RNG.normal(size=(8, 3))
Y_OPT = RNG.normal(size=(8, 2))
W0 = RNG.normal(size=(2, 3))
B0 = RNG.normal(size=2)


def _tensor_loss(w, b):
    out = (Tensor(X_OPT, dtype="float64") @ w.T + b).tanh()
    return mse(out, Y_OPT)


def _torch_loss(w, b):
    return F.mse_loss(torch.tanh(torch.tensor(X_OPT) @ w.T + b), torch.tensor(Y_OPT))


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_optimiser_steps_match_torch_on_tensors(name):
    ours_cls, theirs_cls, options = OPTIMISERS[name]
    w, b = leaf(W0), leaf(B0)
    wt, bt = twin(W0), twin(B0)
    opt = ours_cls([w, b], **options)
    opt_t = theirs_cls([wt, bt], **options)
    for _ in range(6):
        opt.zero_grad()
        _tensor_loss(w, b).backward()
        opt.step()
        opt_t.zero_grad()
        _torch_loss(wt, bt).backward()
        opt_t.step()
        np.testing.assert_allclose(w.data, wt.detach().numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(b.data, bt.detach().numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_optimiser_steps_match_torch_on_values(name):
    ours_cls, theirs_cls, options = OPTIMISERS[name]
    start = [0.7, -1.3, 0.2]
    vs = [Value(v) for v in start]
    ts = twin(np.array(start))
    opt = ours_cls(vs, **options)
    opt_t = theirs_cls([ts], **options)
    for _ in range(6):
        opt.zero_grad()
        a, b, c = vs
        ((a * b - 0.5) ** 2 + (b + c).tanh() * a + c * c * c).backward()
        opt.step()
        opt_t.zero_grad()
        a, b, c = ts[0], ts[1], ts[2]
        ((a * b - 0.5) ** 2 + torch.tanh(b + c) * a + c * c * c).backward()
        opt_t.step()
        np.testing.assert_allclose([v.data for v in vs], ts.detach().numpy(), rtol=1e-10)


def test_float32_parameters_stay_float32_in_place():
    w = leaf(W0, "float32")
    b = leaf(B0, "float32")
    before = w.data
    for opt in (SGD([w, b], lr=0.1, momentum=0.9, weight_decay=0.01), Adam([w, b], lr=0.01)):
        opt.zero_grad()
        out = (Tensor(X_OPT, dtype="float32") @ w.T + b).tanh()
        mse(out, Y_OPT).backward()
        opt.step()
        assert w.data is before and w.data.dtype == np.float32 and b.data.dtype == np.float32


# -- learning-rate schedules against torch.optim.lr_scheduler ---------------------------------

SCHEDULES = {
    "linear": (
        LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 10},
    ),
    "linear-warmup": (
        LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 4},
    ),
    "step": (StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 3, "gamma": 0.5}),
    "cosine": (
        CosineAnnealingLR,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        {"T_max": 12, "eta_min": 0.01},
    ),
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedules_match_torch(name):
    ours_cls, theirs_cls, options = SCHEDULES[name]
    p = leaf(np.zeros(2))
    pt = twin(np.zeros(2))
    opt = SGD([p], lr=0.3)
    opt_t = torch.optim.SGD([pt], lr=0.3)
    sched = ours_cls(opt, **options)
    sched_t = theirs_cls(opt_t, **options)
    steps = options.get("T_max", 15)  # torch's cosine turns back up after T_max; ours holds eta_min
    for k in range(steps + 1):
        assert opt.lr == pytest.approx(opt_t.param_groups[0]["lr"], rel=1e-12), f"step {k}"
        assert sched.lr_at(k) == pytest.approx(opt.lr, rel=1e-12)
        opt.step()
        sched.step()
        opt_t.step()
        sched_t.step()


# -- fit on tensors ------------------------------------------------------------------------------


def test_forward_and_outputs_have_the_scalar_layout():
    from neuronlab.nn import TENSOR, Linear, Sequential

    model = Sequential(Linear(3, 1))
    assert model.engine is TENSOR
    X = RNG.normal(size=(5, 3)).astype(np.float32)
    out = TENSOR.forward(model, X)
    assert isinstance(out, Tensor) and out.shape == (5, 1)
    assert TENSOR.outputs(out).shape == (5,)
    model2 = Sequential(Linear(3, 4, dtype="float64"))
    assert TENSOR.feature_dtype(model2.parameters()) == np.float64
    out2 = TENSOR.forward(model2, X.astype(np.float64))
    assert out2.data.dtype == np.float64 and TENSOR.outputs(out2).shape == (5, 4)


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
    assert seen and set(seen) == {np.dtype(np.float32)}


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
    assert set(result) == {"loss", "accuracy", "n"} and 0 <= result["accuracy"] <= 1
    with pytest.raises(ValueError, match="expected 6 targets"):
        evaluate(model, X, [0, 1])
    with pytest.raises(TypeError, match="Module"):
        evaluate("model", X, np.zeros(6))


def test_fit_takes_images_for_a_model_that_flattens(digits_split):
    from neuronlab.nn import Flatten, Linear, Sequential

    X_train, X_test, y_train, y_test = digits_split
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
