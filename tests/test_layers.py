"""Tensor layers vs ``torch.nn``: same names, same shapes, same numbers forward and backward.

Weights are copied from the PyTorch twin (float64), then outputs and every
parameter's gradient are compared; a few plain SGD steps check that the two
stay together while training.  Also: seeded, bounded initialisation, the
Sequential container, Flatten, the mlp builder and every constructor's errors.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
from helpers import grad_of

from neuronlab.losses import cross_entropy
from neuronlab.nn import (
    ACTIVATION_LAYERS,
    Flatten,
    Linear,
    Module,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    he_uniform,
    mlp,
    uniform_init,
    xavier_uniform,
)
from neuronlab.tensor import Tensor

if TYPE_CHECKING:
    import torch
else:
    torch = pytest.importorskip("torch")
nn = torch.nn

TORCH_ACT = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def copy_from_torch(ours: Module, theirs: torch.nn.Module) -> None:
    """Load the torch module's numbers into ours (names must match exactly)."""
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def assert_grads_match(ours: Module, theirs: torch.nn.Module, rtol: float = 1e-10) -> None:
    mine = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(
            grad_of(mine[name]), grad_of(p).numpy(), rtol=rtol, atol=1e-12, err_msg=name
        )


def torch_mlp(sizes: list[int], activation: str, output_activation: str | None) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        act = activation if i < len(sizes) - 2 else output_activation
        if act:
            layers.append(TORCH_ACT[act]())
    return nn.Sequential(*layers).double()


# -- Linear --------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [(), (5,), (2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_and_backward_match_torch(batch: tuple[int, ...], bias: bool) -> None:
    torch.manual_seed(0)
    twin = nn.Linear(4, 3, bias=bias).double()
    layer = Linear(4, 3, bias=bias, dtype="float64")
    copy_from_torch(layer, twin)
    x = np.random.default_rng(1).standard_normal((*batch, 4))
    xt = Tensor(x, dtype=np.float64, requires_grad=True)
    xr = torch.tensor(x, requires_grad=True)
    out, ref = layer(xt), twin(xr)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(2).standard_normal(out.shape)
    out.backward(g)
    ref.backward(torch.tensor(g))
    assert_grads_match(layer, twin)
    np.testing.assert_allclose(grad_of(xt), grad_of(xr).numpy(), rtol=1e-12)


def test_linear_layout_names_and_state_dict_match_torch() -> None:
    layer, twin = Linear(5, 2), nn.Linear(5, 2)
    assert layer.bias is not None
    assert layer.weight.shape == (2, 5)
    assert layer.bias.shape == (2,)
    assert [n for n, _ in layer.named_parameters()] == [n for n, _ in twin.named_parameters()]
    assert {k: v.shape for k, v in layer.state_dict().items()} == {
        k: tuple(v.shape) for k, v in twin.state_dict().items()
    }
    assert list(Linear(5, 2, bias=False).state_dict()) == ["weight"]
    assert repr(layer) == repr(twin)
    assert layer.num_parameters() == sum(p.numel() for p in twin.parameters())


def test_linear_accepts_arrays_in_its_own_dtype_and_checks_the_last_dimension() -> None:
    layer = Linear(3, 2, seed=0)
    out = layer(np.ones((4, 3)))  # a float64 array becomes a float32 tensor
    assert out.shape == (4, 2)
    assert out.dtype == np.float32
    assert Linear(3, 2, dtype=np.float64, seed=0)(np.ones(3)).dtype == np.float64
    with pytest.raises(ValueError, match=r"^Linear: expected input with last dimension 3") as info:
        layer(Tensor(np.ones((4, 5))))
    assert str(info.value) == (
        "Linear: expected input with last dimension 3 (in_features), got shape (4, 5)"
    )
    with pytest.raises(ValueError, match=r"got shape \(\)"):
        layer(Tensor(1.0))
    with pytest.raises(TypeError, match="expected a Tensor"):
        layer("x")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0, 2), {}, ValueError, r"Linear\(in_features\): expected a whole number >= 1, got 0"),
        ((2, -1), {}, ValueError, r"Linear\(out_features\): expected a whole number >= 1, got -1"),
        ((2.5, 2), {}, TypeError, "expected a whole number \\(int\\), got float 2.5"),
        ((True, 2), {}, TypeError, "got bool True"),
        ((2, 2, "yes"), {}, TypeError, r"Linear\(bias\): expected True or False, got str 'yes'"),
        (
            (2, 2),
            {"init": "gauss"},
            ValueError,
            r"Linear\(init\): unknown initialisation 'gauss'; expected one of xavier, he, "
            "uniform, kaiming, normal",
        ),
        ((2, 2), {"dtype": "int64"}, ValueError, "float32 or float64"),
        ((2, 2), {"seed": -1}, ValueError, "seed: expected a whole number >= 0, got -1"),
        ((2, 2), {"seed": "x"}, TypeError, "seed"),
    ],
)
def test_linear_validates_its_arguments(args, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        Linear(*args, **kwargs)


# -- initialisation ---------------------------------------------------------------------


def test_seeded_initialisation_is_reproducible() -> None:
    a, b, c = (mlp([6, 5, 3], seed=s) for s in (7, 7, 8))
    for (name, p), q, r in zip(a.named_parameters(), b.parameters(), c.parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
        if name.endswith("weight"):
            assert not np.array_equal(p.data, r.data)
    rng1, rng2 = np.random.default_rng(3), np.random.default_rng(3)
    np.testing.assert_array_equal(
        Linear(4, 4, seed=rng1).weight.data, Linear(4, 4, seed=rng2).weight.data
    )
    np.testing.assert_array_equal(he_uniform((3, 4), seed=1), he_uniform((3, 4), seed=1))


@pytest.mark.parametrize(
    ("init", "bound"),
    [("he", math.sqrt(6 / 400)), ("xavier", math.sqrt(6 / 700)), ("uniform", 1 / math.sqrt(400))],
)
def test_initialisation_ranges(init: str, bound: float) -> None:
    layer = Linear(400, 300, init=init, seed=0)
    w = layer.weight.data
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound  # it uses the whole range
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)  # uniform: a / √3
    assert abs(w.mean()) < 0.01 * bound
    assert layer.bias is not None
    b = layer.bias.data
    if init == "uniform":  # PyTorch's default: the bias too, U(±1/√in)
        assert 0 < np.abs(b).max() <= 1 / math.sqrt(400)
    else:
        assert not b.any()


def test_init_helpers_return_arrays_of_the_requested_shape_and_dtype() -> None:
    assert he_uniform((3, 5), seed=0).shape == (3, 5)
    assert xavier_uniform((3, 5), seed=0, dtype="float64").dtype == np.float64
    assert uniform_init((4,), seed=0).dtype == np.float32
    with pytest.raises(ValueError, match=r"expected a shape \(fan_out, fan_in\)"):
        he_uniform((3,))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole number >= 1"):
        xavier_uniform((0, 3))


def test_mlp_picks_he_for_relu_and_xavier_for_tanh() -> None:
    relu_net = mlp([100, 50, 10], seed=0)
    tanh_net = mlp([100, 50, 10], activation="tanh", seed=0)
    assert relu_net[0].init == "he"
    assert tanh_net[0].init == "xavier"
    assert np.abs(relu_net[0].weight.data).max() <= math.sqrt(6 / 100)
    assert np.abs(tanh_net[0].weight.data).max() <= math.sqrt(6 / 150)


# -- mlp and Sequential vs torch.nn.Sequential ---------------------------------------------


@pytest.mark.parametrize(
    ("activation", "output_activation"), [("relu", None), ("tanh", "sigmoid"), ("sigmoid", "tanh")]
)
def test_mlp_matches_torch_sequential_forward_backward_and_sgd(
    activation: str, output_activation: str | None
) -> None:
    sizes = [6, 8, 5, 3]
    torch.manual_seed(1)
    twin = torch_mlp(sizes, activation, output_activation)
    model = mlp(sizes, activation, output_activation, dtype="float64", seed=0)
    assert list(model.state_dict()) == list(twin.state_dict())
    assert [type(m).__name__ for m in model] == [type(m).__name__ for m in twin]
    copy_from_torch(model, twin)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((7, 6)), rng.integers(0, 3, 7)
    opt = torch.optim.SGD(twin.parameters(), lr=0.5)
    for _ in range(3):  # a few steps of training stay together
        model.zero_grad()
        opt.zero_grad()
        loss = cross_entropy(model(Tensor(x, dtype="float64")), y)
        ref = nn.functional.cross_entropy(twin(torch.tensor(x)), torch.tensor(y))
        assert loss.item() == pytest.approx(ref.item(), rel=1e-12)
        loss.backward()
        ref.backward()
        assert_grads_match(model, twin)
        for p in model.parameters():
            p.data -= 0.5 * p.grad
        opt.step()
    for name, p in twin.named_parameters():
        np.testing.assert_allclose(model.state_dict()[name], p.detach().numpy(), rtol=1e-10)


def test_784_128_10_state_dict_keys_and_shapes_equal_torch() -> None:
    model = mlp([784, 128, 10], seed=0)
    twin = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    assert {k: v.shape for k, v in model.state_dict().items()} == {
        k: tuple(v.shape) for k, v in twin.state_dict().items()
    }
    assert all(v.dtype == np.float32 for v in model.state_dict().values())
    assert repr(model) == repr(twin)


def test_nested_sequential_names_match_torch() -> None:
    ours = Sequential(Sequential(Linear(3, 4), Tanh()), Linear(4, 2), Sequential(Sigmoid()))
    theirs = nn.Sequential(
        nn.Sequential(nn.Linear(3, 4), nn.Tanh()), nn.Linear(4, 2), nn.Sequential(nn.Sigmoid())
    )
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert len(list(ours.modules())) == len(list(theirs.modules()))


def test_sequential_container() -> None:
    a, r, b = Linear(2, 3), ReLU(), Linear(3, 1)
    seq = Sequential(a, r, b)
    assert len(seq) == 3
    assert list(seq) == [a, r, b]
    assert seq[0] is a
    assert seq[-1] is b
    sub = seq[1:]
    assert isinstance(sub, Sequential)
    assert list(sub) == [r, b]
    assert list(sub.state_dict()) == ["1.weight", "1.bias"]
    assert seq.append(Sigmoid()) is seq
    assert len(seq) == 4
    out = seq(Tensor([[1.0, 2.0]]))
    assert out.shape == (1, 1)
    assert 0 < out.item() < 1
    assert Sequential()(Tensor([1.0])).data.tolist() == [1.0]  # empty: the identity
    with pytest.raises(IndexError, match="index 4 is out of range for 4 modules"):
        seq[4]
    with pytest.raises(TypeError, match="index must be an int or a slice"):
        seq["0"]  # type: ignore[index]
    with pytest.raises(TypeError, match=r"argument 1 must be a Module .* got int"):
        Sequential(a, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Sequential\(\*layers\)"):
        Sequential([a, b])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Module"):
        seq.append("relu")  # type: ignore[arg-type]


def test_train_and_eval_reach_every_layer() -> None:
    model = Sequential(Linear(2, 2), Sequential(ReLU(), Linear(2, 1)))
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    assert len(list(model.modules())) == 5


def test_zero_grad_and_parameters_through_sequential() -> None:
    model = mlp([3, 4, 2], seed=0)
    assert len(model.parameters()) == 4
    (model(Tensor(np.ones((2, 3)))) ** 2).sum().backward()
    assert any(p.grad.any() for p in model.parameters())
    model.zero_grad()
    assert not any(p.grad.any() for p in model.parameters())


# -- activations and Flatten --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(ACTIVATION_LAYERS) & set(TORCH_ACT)))
def test_activation_layers_match_torch(name: str) -> None:
    x = np.random.default_rng(0).uniform(-3, 3, (4, 5))
    xt = Tensor(x, dtype=np.float64, requires_grad=True)
    xr = torch.tensor(x, requires_grad=True)
    out, ref = ACTIVATION_LAYERS[name]()(xt), TORCH_ACT[name]()(xr)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(grad_of(xt), grad_of(xr).numpy(), rtol=1e-12, atol=1e-15)
    assert repr(ACTIVATION_LAYERS[name]()) == repr(TORCH_ACT[name]())


@pytest.mark.parametrize(("start", "end"), [(1, -1), (0, -1), (1, 2), (-2, -1), (2, 3), (0, 0)])
def test_flatten_matches_torch(start: int, end: int) -> None:
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    xt = Tensor(x, dtype="float64", requires_grad=True)
    out = Flatten(start, end)(xt)
    assert out.shape == tuple(nn.Flatten(start, end)(torch.tensor(x)).shape)
    np.testing.assert_array_equal(out.data, nn.Flatten(start, end)(torch.tensor(x)).numpy())
    out.sum().backward()
    assert grad_of(xt).shape == x.shape
    assert (grad_of(xt) == 1).all()
    assert repr(Flatten(start, end)) == repr(nn.Flatten(start, end))


def test_flatten_errors() -> None:
    with pytest.raises(ValueError, match=r"out of range for input of shape \(5,\)"):
        Flatten()(Tensor(np.ones(5)))
    with pytest.raises(ValueError, match="comes after end_dim"):
        Flatten(2, 1)(Tensor(np.ones((2, 3, 4))))
    with pytest.raises(TypeError, match=r"Flatten\(start_dim\): expected a whole number"):
        Flatten(1.5)  # type: ignore[arg-type]


def test_digit_images_through_flatten_and_mlp() -> None:
    images = np.random.default_rng(0).random((16, 8, 8))
    model = Sequential(Flatten(), *mlp([64, 32, 10], seed=0))
    labels = np.arange(16) % 10
    loss = cross_entropy(model(Tensor(images)), labels)
    loss.backward()
    assert loss.dtype == np.float32
    assert np.isfinite(loss.item())
    assert list(model.state_dict()) == ["1.weight", "1.bias", "3.weight", "3.bias"]


# -- the mlp builder's errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([784],), {}, ValueError, "at least two layer sizes"),
        (("784",), {}, ValueError, "at least two layer sizes"),
        (([784, 0, 10],), {}, ValueError, r"mlp\(sizes\): expected a whole number >= 1, got 0"),
        (
            ([4, 2], "gelu"),
            {},
            ValueError,
            r"mlp\(activation\): unknown activation 'gelu'; expected one of tanh, relu",
        ),
        (([4, 2], "relu", "softmax"), {}, ValueError, r"mlp\(output_activation\).*softmax"),
        (([4, 2],), {"init": "zeros"}, ValueError, "init"),
    ],
)
def test_mlp_validates_its_arguments(args, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        mlp(*args, **kwargs)


def test_mlp_structure() -> None:
    model = mlp([4, 8, 8, 2], activation="tanh", output_activation="sigmoid", seed=0)
    assert [type(m).__name__ for m in model] == [
        "Linear",
        "Tanh",
        "Linear",
        "Tanh",
        "Linear",
        "Sigmoid",
    ]
    assert [type(m).__name__ for m in mlp([4, 2], output_activation="linear")] == ["Linear"]
    assert mlp([4, 3], bias=False, seed=0)[0].bias is None


def test_a_frozen_tensor_is_not_a_parameter() -> None:
    layer = Linear(3, 2, seed=0)
    layer.weight.requires_grad = False
    assert [n for n, _ in layer.named_parameters()] == ["bias"]
    out = layer(Tensor(np.ones((1, 3)))).sum()
    out.backward()
    assert layer.weight.grad is None
    assert grad_of(layer.bias).tolist() == [1.0, 1.0]
