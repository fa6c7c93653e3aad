"""to_torch / from_torch: the same function on both sides, round trips, and what cannot cross."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from neuronlab import MLP  # noqa: E402
from neuronlab.io.torch_bridge import from_torch, to_torch  # noqa: E402
from neuronlab.nn import Flatten, Linear, ReLU, Sequential, Sigmoid, Tanh, mlp  # noqa: E402
from neuronlab.training import predict  # noqa: E402

RNG = np.random.default_rng(3)


def torch_out(module, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return module(torch.from_numpy(X)).numpy()


MODELS = {
    "relu-mlp": (lambda: mlp([64, 32, 10], seed=0), (20, 64)),
    "tanh-sigmoid-float64": (
        lambda: mlp(
            [5, 7, 1], activation="tanh", output_activation="sigmoid", seed=1, dtype="float64"
        ),
        (20, 5),
    ),
    "flatten-nested-nobias": (
        lambda: Sequential(
            Flatten(), Sequential(Linear(12, 6, seed=2), ReLU()), Linear(6, 2, bias=False, seed=3)
        ),
        (20, 3, 4),
    ),
    "flatten-middle": (
        lambda: Sequential(Flatten(1, 2), Linear(5, 3, seed=4), Tanh()),
        (4, 2, 3, 5),
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_to_torch_computes_the_same(name):
    make, shape = MODELS[name]
    model = make()
    module = to_torch(model)
    assert isinstance(module, nn.Sequential)
    dtype = model.parameters()[0].data.dtype
    X = RNG.normal(size=shape).astype(dtype)
    expected = predict(model, X)
    got = torch_out(module, X)
    if expected.ndim == 1:
        got = got[:, 0] if got.ndim == 2 else got
    np.testing.assert_allclose(got.reshape(expected.shape), expected, rtol=1e-6, atol=1e-6)
    params = dict(module.named_parameters())
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(params[key].detach().numpy(), value)
        assert params[key].dtype == (torch.float64 if dtype == np.float64 else torch.float32)


def test_to_torch_copies_the_numbers():
    model = mlp([3, 2], seed=0)
    module = to_torch(model)
    with torch.no_grad():
        module[0].weight.add_(1.0)
    assert not np.allclose(model[0].weight.data, module[0].weight.detach().numpy())


@pytest.mark.parametrize("name", list(MODELS))
def test_round_trip(name):
    make, shape = MODELS[name]
    model = make()
    back = from_torch(to_torch(model))
    assert repr(back) == repr(model)
    for (k1, v1), (k2, v2) in zip(model.state_dict().items(), back.state_dict().items()):
        assert k1 == k2
        np.testing.assert_array_equal(v1, v2)
        assert v1.dtype == v2.dtype
    X = RNG.normal(size=shape)
    np.testing.assert_array_equal(predict(model, X), predict(back, X))


def test_scalar_mlp_to_torch_same_outputs_and_gradients():
    model = MLP(3, [5, 4, 2], activation="tanh", seed=0)
    module = to_torch(model)
    assert [type(m).__name__ for m in module] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    X = RNG.normal(size=(6, 3))
    np.testing.assert_allclose(torch_out(module, X), predict(model, X), rtol=1e-12, atol=1e-12)
    # the gradient of one output with respect to the first layer's weights
    out = model(X[0].tolist())[1]
    out.backward()
    module(torch.from_numpy(X[:1]))[0, 1].backward()
    ours = np.array([[w.grad for w in n.w] for n in model.layers[0].neurons])
    np.testing.assert_allclose(ours, module[0].weight.grad.numpy(), rtol=1e-10)


def test_from_torch_reads_a_torch_network():
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Identity(), nn.Linear(8, 3), nn.Sigmoid()
    ).float()
    model = from_torch(module)
    assert [type(m).__name__ for m in model] == ["Flatten", "Linear", "ReLU", "Linear", "Sigmoid"]
    assert model[1].weight.data.dtype == np.float32
    X = RNG.normal(size=(5, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(predict(model, X), torch_out(module, X), rtol=1e-6, atol=1e-6)


def test_from_torch_single_layer_and_float64():
    layer = nn.Linear(4, 2, dtype=torch.float64)
    model = from_torch(layer)
    assert isinstance(model, Sequential)
    assert len(model) == 1
    assert model[0].weight.data.dtype == np.float64
    X = RNG.normal(size=(3, 4))
    np.testing.assert_allclose(predict(model, X), torch_out(layer, X), rtol=1e-12)


def test_trained_model_keeps_training_in_torch():
    from neuronlab import fit

    X = RNG.normal(size=(64, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    model = mlp([2, 8, 2], seed=0)
    fit(model, X, y, loss="cross_entropy", lr=0.5, epochs=5, verbose=False)
    module = to_torch(model)
    opt = torch.optim.SGD(module.parameters(), lr=0.1)
    Xt, yt = torch.from_numpy(X.astype(np.float32)), torch.from_numpy(y)
    first = nn.functional.cross_entropy(module(Xt), yt)
    first.backward()
    opt.step()
    assert nn.functional.cross_entropy(module(Xt), yt).item() < first.item()


@pytest.mark.parametrize(
    ("module", "exc", "match"),
    [
        (nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=1)), TypeError, r"module\.1 is a Softmax"),
        (nn.Sequential(nn.Sequential(nn.Conv2d(1, 1, 3))), TypeError, r"module\.0\.0 is a Conv2d"),
        ("not a module", TypeError, "torch.nn.Module"),
    ],
)
def test_from_torch_refuses_what_it_cannot_read(module, exc, match):
    with pytest.raises(exc, match=match):
        from_torch(module)


@pytest.mark.parametrize(
    ("model", "exc", "match"),
    [
        (MLP(2, [1], output_activation="step"), ValueError, "step"),
        ("model", TypeError, "Sequential"),
        (Sigmoid(), TypeError, "Sequential"),
    ],
)
def test_to_torch_refuses_what_it_cannot_write(model, exc, match):
    with pytest.raises(exc, match=match):
        to_torch(model)


def test_missing_torch_gives_a_clear_message(monkeypatch):
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ImportError, match="pip install torch"):
        to_torch(mlp([2, 1]))
    with pytest.raises(ImportError, match="pip install torch"):
        from_torch(object())


def test_to_torch_leaves_torch_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    to_torch(mlp([50, 40, 10], seed=0))
    assert torch.equal(torch.rand(3), expected)


def test_from_torch_half_precision_becomes_float32():
    module = nn.Sequential(nn.Linear(3, 2)).to(torch.bfloat16)
    model = from_torch(module)
    assert model[0].weight.data.dtype == np.float32
    np.testing.assert_array_equal(model[0].weight.data, module[0].weight.float().detach().numpy())
