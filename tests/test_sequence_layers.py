"""The language models' layers vs ``torch.nn``: Embedding, FlattenConsecutive, BatchNorm1d,
LayerNorm and Dropout, the Kaiming and normal starts, buffers, evaluation mode and ``trace``.

Each layer is compared with its PyTorch twin holding the same numbers (float64
tightly, float32 within the tensor engine's float32 tolerance): outputs, the
gradient of the input and of every parameter, and for BatchNorm1d the running
statistics after every training step, then the evaluation-mode output.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
from helpers import TENSOR32, grad_of, torch_leaf
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab.nn import (
    BatchNorm1d,
    Dropout,
    Embedding,
    Flatten,
    FlattenConsecutive,
    LayerNorm,
    Linear,
    Sequential,
    Tanh,
    calculate_gain,
    kaiming_normal,
    kaiming_uniform,
    normal_init,
)
from neuronlab.nn.module import evaluation_mode
from neuronlab.tensor import Tensor

if TYPE_CHECKING:
    import torch
else:
    torch = pytest.importorskip("torch")
nn = torch.nn

RNG = np.random.default_rng(2024)
#: (rtol, atol) against PyTorch per dtype: float64 tight, float32 the engine's own tolerance.
TOL = {"float64": (1e-10, 1e-12), "float32": (TENSOR32.rel * 5, TENSOR32.atol * 5)}
TORCH_DTYPE = {"float64": torch.float64, "float32": torch.float32}


def leaf(x: np.ndarray, dtype: str = "float64") -> Tensor:
    return Tensor(x, dtype=dtype, requires_grad=True)


def assert_near(ours: np.ndarray, theirs: torch.Tensor, dtype: str, what: str) -> None:
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=rtol, atol=atol, err_msg=what)


# -- Embedding ------------------------------------------------------------------------------------


def test_embedding_starts_standard_normal_from_its_seed() -> None:
    table = Embedding(27, 10, seed=3)
    expected = np.random.default_rng(3).standard_normal((27, 10)).astype(np.float32)
    np.testing.assert_array_equal(table.weight.data, expected)
    assert table.weight.dtype == np.float32
    assert table.weight.requires_grad
    np.testing.assert_array_equal(Embedding(27, 10, seed=3).weight.data, table.weight.data)
    assert not np.array_equal(Embedding(27, 10, seed=4).weight.data, table.weight.data)
    big = Embedding(2000, 100, seed=0, dtype="float64").weight.data
    assert abs(big.mean()) < 0.01
    assert big.std() == pytest.approx(1.0, abs=0.01)
    assert repr(table) == repr(nn.Embedding(27, 10)) == "Embedding(27, 10)"
    assert [n for n, _ in table.named_parameters()] == ["weight"]
    assert table.takes_indices()
    assert table.num_parameters() == 270


@pytest.mark.parametrize(
    ("indices", "shape"),
    [
        (np.array([3, 0, 3]), (3, 10)),
        (np.array([[1, 2, 3], [0, 0, 26]]), (2, 3, 10)),
        ([[5], [6]], (2, 1, 10)),
        (np.array(4), (10,)),
        (np.arange(24).reshape(2, 3, 4), (2, 3, 4, 10)),
        (np.array([1, 2], dtype=np.uint8), (2, 10)),
    ],
)
def test_embedding_lookup_shapes_and_rows(indices, shape) -> None:
    table = Embedding(27, 10, seed=0)
    out = table(indices)
    assert out.shape == shape
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, table.weight.data[np.asarray(indices)])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("rows", "lookups"), [(27, (32, 3)), (300, (40, 8))])  # small and large
def test_embedding_backward_adds_up_repeated_rows_as_torch(dtype, rows, lookups) -> None:
    """Repeated indices: each lookup's gradient is added into its row (a scatter-add)."""
    torch.manual_seed(0)
    ref = nn.Embedding(rows, 5, dtype=TORCH_DTYPE[dtype])
    table = Embedding(rows, 5, dtype=dtype)
    table.load_state_dict({"weight": ref.weight.detach().numpy()})
    idx = RNG.integers(0, rows // 3, lookups)  # a third of the rows: many repeats, rows unseen
    assert len(np.unique(idx)) < idx.size
    out, ref_out = table(idx), ref(torch.tensor(idx))
    assert_near(out.data, ref_out, dtype, "forward")
    g = RNG.standard_normal(out.shape)
    out.backward(g.astype(dtype))
    ref_out.backward(torch.tensor(g, dtype=TORCH_DTYPE[dtype]))
    assert_near(grad_of(table.weight), grad_of(ref.weight), dtype, "weight gradient")
    assert not grad_of(table.weight)[rows // 3 :].any()  # rows never looked up get nothing
    by_hand = np.zeros((rows, 5))
    for i, row in zip(idx.ravel(), g.reshape(-1, 5)):
        by_hand[i] += row
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(grad_of(table.weight), by_hand, rtol=rtol, atol=atol)


def test_embedding_is_one_hot_times_the_table() -> None:
    """The lectures' bigram network: one_hot(x) @ W is row x of W, forward and backward."""
    W = RNG.standard_normal((27, 27))
    table = Embedding(27, 27, dtype="float64")
    table.load_state_dict({"weight": W})
    xs = np.array([0, 5, 13, 13, 1])
    one_hot = np.eye(27)[xs]
    W_leaf = leaf(W)
    by_matmul = Tensor(one_hot, dtype="float64") @ W_leaf
    looked_up = table(xs)
    np.testing.assert_array_equal(looked_up.data, by_matmul.data)
    g = RNG.standard_normal((5, 27))
    looked_up.backward(g)
    by_matmul.backward(g)
    np.testing.assert_allclose(grad_of(table.weight), grad_of(W_leaf), rtol=1e-15, atol=0)


@pytest.mark.parametrize("bad", [27, -1, 1000])
def test_embedding_index_out_of_range_is_an_index_error_naming_it(bad) -> None:
    table = Embedding(27, 10, seed=0)
    with pytest.raises(IndexError, match=rf"index {bad} is out of range for a table of 27 rows"):
        table(np.array([[0, 1, bad], [2, 3, 4]]))
    with pytest.raises(IndexError, match=rf"index {bad} "):
        table([bad])


@pytest.mark.parametrize(
    ("indices", "match"),
    [
        (np.array([1.0, 2.0]), "expected integer indices"),
        ([0.0, 3.0], "expected integer indices"),
        (np.array([True, False]), "expected integer indices"),
        (Tensor([1.0, 2.0]), "got a Tensor"),
        ("abc", "expected integer indices"),
    ],
)
def test_embedding_refuses_indices_that_are_not_integers(indices, match) -> None:
    with pytest.raises(TypeError, match=match):
        Embedding(27, 10, seed=0)(indices)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0, 10), ValueError, r"Embedding\(num_embeddings\): expected a whole number >= 1, got 0"),
        ((27, 0), ValueError, r"Embedding\(embedding_dim\): expected a whole number >= 1, got 0"),
        ((27.0, 10), TypeError, r"Embedding\(num_embeddings\)"),
    ],
)
def test_embedding_checks_its_sizes(args, error, match) -> None:
    with pytest.raises(error, match=match):
        Embedding(*args)


# -- FlattenConsecutive ---------------------------------------------------------------------------


def test_flatten_consecutive_is_the_lectures_view_level_by_level() -> None:
    x = RNG.standard_normal((4, 8, 24))
    xt, xr = leaf(x), torch_leaf(x)
    shapes, ours, theirs = [], xt, xr
    for _ in range(3):
        ours = FlattenConsecutive(2)(ours)
        b, t, c = theirs.shape
        theirs = theirs.view(b, t // 2, c * 2)  # the lecture's class: view, then squeeze T = 1
        if theirs.shape[1] == 1:
            theirs = theirs.squeeze(1)
        shapes.append(ours.shape)
        np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    assert shapes == [(4, 4, 48), (4, 2, 96), (4, 192)]
    g = RNG.standard_normal((4, 192))
    ours.backward(g)
    theirs.backward(torch.tensor(g))
    np.testing.assert_array_equal(xt.grad, xr.grad.numpy())
    # each merged row holds the pair's features side by side: positions (0, 1) of example 0
    merged = FlattenConsecutive(2)(Tensor(x, dtype="float64")).data
    np.testing.assert_array_equal(merged[0, 0], x[0, :2].ravel())


def test_flatten_consecutive_merging_all_positions_at_once_is_flatten() -> None:
    x = RNG.standard_normal((3, 4, 5))
    np.testing.assert_array_equal(FlattenConsecutive(4)(Tensor(x)).data, Flatten()(Tensor(x)).data)
    assert FlattenConsecutive(1)(Tensor(x)).shape == (3, 4, 5)
    assert repr(FlattenConsecutive(2)) == "FlattenConsecutive(2)"
    assert FlattenConsecutive(2).parameters() == []


def test_flatten_consecutive_errors() -> None:
    with pytest.raises(ValueError, match=r"expected input of shape \(batch, positions, features"):
        FlattenConsecutive(2)(Tensor(np.ones((4, 8))))
    with pytest.raises(ValueError, match=r"got shape \(2, 4, 8, 3\)"):
        FlattenConsecutive(2)(Tensor(np.ones((2, 4, 8, 3))))
    with pytest.raises(
        ValueError, match=r"FlattenConsecutive\(4\): 6 positions cannot be merged 4"
    ):
        FlattenConsecutive(4)(Tensor(np.ones((2, 6, 3))))
    with pytest.raises(ValueError, match="3 positions cannot be merged 2"):
        FlattenConsecutive(2)(Tensor(np.ones((2, 3, 3))))
    with pytest.raises(TypeError, match="expected a Tensor, got ndarray"):
        FlattenConsecutive(2)(np.ones((2, 4, 3)))
    with pytest.raises(
        ValueError, match=r"FlattenConsecutive\(n\): expected a whole number >= 1, got 0"
    ):
        FlattenConsecutive(0)


# -- BatchNorm1d ----------------------------------------------------------------------------------


def paired_batchnorm(
    features: int, dtype: str, momentum: float = 0.1, affine: bool = True
) -> tuple[BatchNorm1d, torch.nn.BatchNorm1d]:
    """Ours and PyTorch's, with the same (random, not 1 and 0) weight and bias."""
    ours = BatchNorm1d(features, momentum=momentum, affine=affine, dtype=dtype)
    theirs = nn.BatchNorm1d(features, momentum=momentum, affine=affine, dtype=TORCH_DTYPE[dtype])
    if affine:
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(RNG.uniform(0.5, 2.0, features)))
            theirs.bias.copy_(torch.tensor(RNG.standard_normal(features)))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def through_torch(bn: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """PyTorch's BatchNorm1d takes (N, C, L): a features-last (N, T, C) input is transposed."""
    return bn(x.transpose(1, 2)).transpose(1, 2) if x.ndim == 3 else bn(x)


def assert_batchnorm_state(ours: BatchNorm1d, theirs: torch.nn.BatchNorm1d, dtype: str) -> None:
    assert theirs.running_mean is not None
    assert theirs.running_var is not None
    assert theirs.num_batches_tracked is not None
    assert_near(ours.running_mean, theirs.running_mean, dtype, "running_mean")
    assert_near(ours.running_var, theirs.running_var, dtype, "running_var")
    assert ours.num_batches_tracked.dtype == np.int64
    assert ours.num_batches_tracked.shape == ()
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked)
    assert ours.running_mean.dtype == ours.running_var.dtype == np.dtype(dtype)


def batchnorm_step(ours, theirs, shape, dtype: str, scale: float = 3.0) -> None:
    """One forward and backward on both; compare outputs and every gradient."""
    x = RNG.standard_normal(shape) * scale + RNG.standard_normal(shape[-1]) * 2
    xt, xr = leaf(x, dtype), torch_leaf(x, dtype)
    out, ref = ours(xt), through_torch(theirs, xr)
    assert out.dtype == np.dtype(dtype)
    assert_near(out.data, ref, dtype, "output")
    g = RNG.standard_normal(out.shape)
    out.backward(g.astype(dtype))
    ref.backward(torch.tensor(g, dtype=TORCH_DTYPE[dtype]))
    assert_near(grad_of(xt), grad_of(xr), dtype, "input gradient")
    for name, p in ours.named_parameters():
        assert_near(p.grad, getattr(theirs, name).grad, dtype, f"{name} gradient")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(32, 6), (5, 7, 6)], ids=["NC", "NTC"])
def test_batchnorm_trains_and_evaluates_as_torch(dtype, shape) -> None:
    """Several training steps (running mean, unbiased running variance, count), then eval."""
    ours, theirs = paired_batchnorm(shape[-1], dtype)
    for step in range(1, 5):
        batchnorm_step(ours, theirs, shape, dtype)
        assert_batchnorm_state(ours, theirs, dtype)
        assert int(ours.num_batches_tracked) == step
        with torch.no_grad():  # a step of SGD on both, so the weights move
            for name, p in ours.named_parameters():
                p.data -= 0.1 * p.grad
                getattr(theirs, name).sub_(0.1 * getattr(theirs, name).grad)
                p.zero_grad()
                getattr(theirs, name).grad = None
    ours.eval()
    theirs.eval()
    batchnorm_step(ours, theirs, shape, dtype)  # the running statistics; they stay put
    batchnorm_step(ours, theirs, (1, *shape[1:]), dtype)  # one example is fine in eval mode
    assert_batchnorm_state(ours, theirs, dtype)
    assert int(ours.num_batches_tracked) == 4


def test_batchnorm_running_variance_is_unbiased_and_normalisation_biased() -> None:
    """Normalise with ÷ n, remember ÷ (n - 1): the numbers by hand for one batch."""
    x = RNG.standard_normal((8, 3)) * 2 + 1
    bn = BatchNorm1d(3, momentum=0.25, dtype="float64")
    out = bn(Tensor(x, dtype="float64"))
    biased, unbiased = x.var(axis=0), x.var(axis=0, ddof=1)
    np.testing.assert_allclose(out.data, (x - x.mean(0)) / np.sqrt(biased + 1e-5), rtol=1e-12)
    np.testing.assert_allclose(bn.running_mean, 0.25 * x.mean(0), rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, 0.75 * 1 + 0.25 * unbiased, rtol=1e-14)


@pytest.mark.parametrize("momentum", [0.0, 1.0])
def test_batchnorm_momentum_zero_keeps_and_one_replaces_the_running_statistics(momentum) -> None:
    ours, theirs = paired_batchnorm(4, "float64", momentum=momentum)
    x = RNG.standard_normal((10, 4)) * 3 + 2
    for _ in range(2):
        batchnorm_step(ours, theirs, (10, 4), "float64")
    ours(Tensor(x, dtype="float64"))
    theirs(torch.tensor(x))
    assert_batchnorm_state(ours, theirs, "float64")
    if momentum == 0.0:
        np.testing.assert_array_equal(ours.running_mean, np.zeros(4))
        np.testing.assert_array_equal(ours.running_var, np.ones(4))
    else:
        np.testing.assert_allclose(ours.running_mean, x.mean(0), rtol=1e-13)
        np.testing.assert_allclose(ours.running_var, x.var(0, ddof=1), rtol=1e-13)
    assert int(ours.num_batches_tracked) == 3


def test_batchnorm_without_affine_matches_torch() -> None:
    ours, theirs = paired_batchnorm(5, "float64", affine=False)
    assert ours.parameters() == []
    assert list(ours.state_dict()) == list(theirs.state_dict())
    batchnorm_step(ours, theirs, (6, 5), "float64")
    assert_batchnorm_state(ours, theirs, "float64")
    assert repr(ours) == "BatchNorm1d(5, eps=1e-05, momentum=0.1, affine=False)"


@pytest.mark.parametrize("shape", [(1, 4), (1, 1, 4)])
def test_batchnorm_refuses_a_batch_of_one_in_training_mode_and_says_why(shape) -> None:
    bn = BatchNorm1d(4, dtype="float64")
    x = Tensor(RNG.standard_normal(shape), dtype="float64")
    with pytest.raises(ValueError, match="a batch of one example") as info:
        bn(x)
    assert "model.eval()" in str(info.value)
    assert "variance is 0" in str(info.value)
    assert int(bn.num_batches_tracked) == 0
    assert not bn.running_mean.any()
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(4)(
            torch.ones(shape).transpose(1, -1) if len(shape) == 3 else torch.ones(shape)
        )
    bn.eval()
    np.testing.assert_allclose(bn(x).data, x.data / np.sqrt(1 + 1e-5), rtol=1e-12)
    bn.train()
    assert bn(Tensor(np.ones((1, 2, 4)))).shape == (1, 2, 4)  # two positions: two values each


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        ((4, 3), r"with 5 features in the last dimension, got shape \(4, 3\)"),
        ((2, 5, 3), r"got shape \(2, 5, 3\)"),
        ((5,), r"expected input of shape \(N, C\) or \(N, T, C\), got shape \(5,\)"),
        ((2, 2, 2, 5), r"got shape \(2, 2, 2, 5\)"),
    ],
)
def test_batchnorm_refuses_inputs_of_the_wrong_shape(shape, match) -> None:
    with pytest.raises(ValueError, match=match):
        BatchNorm1d(5)(Tensor(np.ones(shape)))


def test_batchnorm_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match=r"BatchNorm1d\(momentum\)"):
        BatchNorm1d(3, momentum=1.5)
    with pytest.raises(ValueError, match=r"BatchNorm1d\(eps\)"):
        BatchNorm1d(3, eps=0.0)
    with pytest.raises(ValueError, match=r"BatchNorm1d\(num_features\)"):
        BatchNorm1d(0)
    with pytest.raises(TypeError, match="expected a Tensor"):
        BatchNorm1d(3)(np.ones((4, 3)))


# -- LayerNorm ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(6, 5), (3, 4, 5)])
@pytest.mark.parametrize("affine", [True, False])
def test_layernorm_matches_torch(dtype, shape, affine) -> None:
    ours = LayerNorm(5, elementwise_affine=affine, dtype=dtype)
    theirs = nn.LayerNorm(5, elementwise_affine=affine, dtype=TORCH_DTYPE[dtype])
    if affine:
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(RNG.uniform(0.5, 2, 5)))
            theirs.bias.copy_(torch.tensor(RNG.standard_normal(5)))
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = RNG.standard_normal(shape) * 4 + 1
    xt, xr = leaf(x, dtype), torch_leaf(x, dtype)
    out, ref = ours(xt), theirs(xr)
    assert_near(out.data, ref, dtype, "output")
    g = RNG.standard_normal(shape)
    out.backward(g.astype(dtype))
    ref.backward(torch.tensor(g, dtype=TORCH_DTYPE[dtype]))
    assert_near(grad_of(xt), grad_of(xr), dtype, "input gradient")
    for name, p in ours.named_parameters():
        assert_near(p.grad, getattr(theirs, name).grad, dtype, name)
    ours.eval()  # no running statistics: evaluation computes the same
    np.testing.assert_array_equal(ours(Tensor(x, dtype=dtype)).data, out.data)


def test_layernorm_shapes_and_errors() -> None:
    assert LayerNorm((5,)).normalized_shape == (5,)
    assert repr(LayerNorm(5)) == "LayerNorm((5,), eps=1e-05)"
    with pytest.raises(ValueError, match="normalises the last dimension only"):
        LayerNorm((2, 3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"with 5 features in the last dimension, got shape"):
        LayerNorm(5)(Tensor(np.ones((2, 4))))
    with pytest.raises(ValueError, match="LayerNorm"):
        LayerNorm(5)(Tensor(1.0))


# -- Dropout --------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_zeroes_about_p_and_scales_the_rest(p) -> None:
    x = Tensor(np.ones((400, 250)), dtype="float64", requires_grad=True)
    out = Dropout(p, seed=0)(x)
    kept = out.data != 0
    assert abs(1 - kept.mean() - p) < 0.01  # 100,000 entries: within 0.01 of p
    np.testing.assert_array_equal(out.data[kept], 1 / (1 - p))
    assert out.data.mean() == pytest.approx(1.0, abs=0.03)  # the expected value is kept
    out.backward(np.full(out.shape, 2.0))
    np.testing.assert_array_equal(x.grad, 2.0 * out.data)  # the gradient is the mask


def test_dropout_masks_come_from_the_seed() -> None:
    x = Tensor(RNG.standard_normal((20, 30)))
    a, b = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    first = a(x).data
    np.testing.assert_array_equal(first, b(x).data)  # the same seed: the same mask
    second = a(x).data
    assert not np.array_equal(first, second)  # each call draws a new mask
    np.testing.assert_array_equal(second, b(x).data)  # in the same sequence
    assert not np.array_equal(first, Dropout(0.5, seed=8)(x).data)


def test_dropout_p0_p1_and_evaluation_mode() -> None:
    x = Tensor(RNG.standard_normal((5, 4)), requires_grad=True)
    assert Dropout(0.0, seed=0)(x) is x
    zero = Dropout(1.0, seed=0)(x)
    np.testing.assert_array_equal(zero.data, np.zeros((5, 4)))
    zero.sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((5, 4)))
    layer = Dropout(0.5, seed=0)
    layer.eval()
    assert layer(x) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(torch.ones(3)).numpy(), np.zeros(3))
    assert repr(Dropout(0.25)) == "Dropout(p=0.25)"
    with pytest.raises(ValueError, match=r"Dropout\(p\)"):
        Dropout(1.5)
    with pytest.raises(TypeError, match="expected a Tensor"):
        Dropout(0.5)(np.ones(3))


# -- the starts: gains, Kaiming and normal --------------------------------------------------------


@pytest.mark.parametrize("name", ["linear", "sigmoid", "tanh", "relu"])
def test_calculate_gain_is_torchs(name) -> None:
    assert calculate_gain(name) == pytest.approx(nn.init.calculate_gain(name), rel=1e-15)
    assert {"tanh": 5 / 3, "relu": math.sqrt(2)}.get(name, 1.0) == calculate_gain(name)
    with pytest.raises(ValueError, match="calculate_gain"):
        calculate_gain("gelu")


@pytest.mark.parametrize("nonlinearity", ["linear", "tanh", "relu"])
def test_kaiming_normal_and_uniform_have_std_gain_over_root_fan_in(nonlinearity) -> None:
    std = calculate_gain(nonlinearity) / math.sqrt(500)
    w = kaiming_normal((800, 500), nonlinearity=nonlinearity, seed=0, dtype="float64")
    assert w.shape == (800, 500)
    assert w.std() == pytest.approx(std, rel=0.01)
    assert abs(w.mean()) < 0.01 * std
    expected = np.random.default_rng(0).standard_normal((800, 500)) * std
    np.testing.assert_array_equal(w, expected)  # exactly randn · gain / √fan_in
    u = kaiming_uniform((800, 500), nonlinearity=nonlinearity, seed=0, dtype="float64")
    bound = calculate_gain(nonlinearity) * math.sqrt(3 / 500)
    assert np.abs(u).max() <= bound
    assert np.abs(u).max() > 0.99 * bound
    assert u.std() == pytest.approx(std, rel=0.01)
    t = torch.empty(800, 500, dtype=torch.float64)  # PyTorch's: the same spread
    nn.init.kaiming_normal_(t, a=0, mode="fan_in", nonlinearity="relu")
    if nonlinearity == "relu":
        assert t.std().item() == pytest.approx(w.std(), rel=0.02)


def test_kaiming_gain_overrides_and_errors() -> None:
    w = kaiming_normal((10, 50), gain=0.1, seed=1, dtype="float64")
    np.testing.assert_allclose(
        w, np.random.default_rng(1).standard_normal((10, 50)) * 0.1 / math.sqrt(50), rtol=1e-15
    )
    with pytest.raises(ValueError, match=r"kaiming_normal\(gain\)"):
        kaiming_normal((3, 3), gain=0.0)
    with pytest.raises(ValueError, match=r"expected a shape \(fan_out, fan_in\)"):
        kaiming_uniform((3,))  # type: ignore[arg-type]


@pytest.mark.parametrize("gain", [5 / 3, 0.1, 2.0])
def test_linear_kaiming_gain_scales_the_weights(gain) -> None:
    plain = Linear(500, 300, init="kaiming", seed=0, dtype="float64")
    scaled = Linear(500, 300, init="kaiming", gain=gain, seed=0, dtype="float64")
    np.testing.assert_allclose(scaled.weight.data, gain * plain.weight.data, rtol=1e-15)
    assert plain.weight.data.std() == pytest.approx(1 / math.sqrt(500), rel=0.01)
    assert scaled.weight.data.std() == pytest.approx(gain / math.sqrt(500), rel=0.01)
    assert scaled.bias is not None
    assert not scaled.bias.data.any()
    f32 = Linear(500, 300, init="kaiming", gain=gain, seed=0)
    assert f32.weight.dtype == np.float32
    np.testing.assert_allclose(f32.weight.data, scaled.weight.data, rtol=1e-6)
    with pytest.raises(ValueError, match=r"Linear\(gain\)"):
        Linear(3, 2, gain=0)
    with pytest.raises(ValueError, match=r"Linear\(gain\)"):
        Linear(3, 2, gain=-1.0)


def test_normal_init_and_linear_normal() -> None:
    w = normal_init((3, 4), std=0.5, seed=1, dtype="float64")
    np.testing.assert_array_equal(w, np.random.default_rng(1).standard_normal((3, 4)) * 0.5)
    assert normal_init((5,), seed=0).dtype == np.float32
    assert normal_init((2, 3, 4)).shape == (
        2,
        3,
        4,
    )
    big = Linear(400, 300, init="normal", seed=0).weight.data
    assert big.std() == pytest.approx(1.0, rel=0.01)  # N(0, 1) whatever the fan-in
    with pytest.raises(ValueError, match=r"normal_init\(std\)"):
        normal_init((2, 2), std=-1.0)
    with pytest.raises(ValueError, match="expected a shape"):
        normal_init(())


# -- buffers and state_dict -----------------------------------------------------------------------


def test_batchnorm_state_dict_has_torchs_names_order_shapes_and_dtypes() -> None:
    ours, theirs = BatchNorm1d(7), nn.BatchNorm1d(7)
    state, ref = ours.state_dict(), theirs.state_dict()
    assert (
        list(state)
        == list(ref)
        == [
            "weight",
            "bias",
            "running_mean",
            "running_var",
            "num_batches_tracked",
        ]
    )
    for name in ref:
        assert state[name].shape == tuple(ref[name].shape), name
        np.testing.assert_array_equal(state[name], ref[name].numpy())
    assert state["num_batches_tracked"].dtype == np.int64
    assert state["running_var"].dtype == np.float32
    assert [n for n, _ in ours.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in ours.named_buffers()] == ref_buffers(theirs)
    state["running_mean"][:] = 5.0  # a copy: the layer keeps its own
    assert not ours.running_mean.any()


def ref_buffers(module: torch.nn.Module) -> list[str]:
    return [n for n, _ in module.named_buffers()]


def test_sequential_state_dict_with_buffers_matches_torch() -> None:
    ours = Sequential(Embedding(27, 4), Flatten(), Linear(12, 8, bias=False), BatchNorm1d(8))
    theirs = nn.Sequential(
        nn.Embedding(27, 4), nn.Flatten(), nn.Linear(12, 8, bias=False), nn.BatchNorm1d(8)
    )
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == ref_buffers(theirs)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    embedding = theirs[0]
    assert isinstance(embedding, nn.Embedding)
    np.testing.assert_array_equal(ours[0].weight.data, embedding.weight.detach().numpy())


def test_load_state_dict_refuses_bad_buffers_and_changes_nothing() -> None:
    bn = BatchNorm1d(4, dtype="float64")
    bn(Tensor(RNG.standard_normal((6, 4)), dtype="float64"))
    before = bn.state_dict()
    good = {
        k: np.array(v, copy=True) + (1 if k != "num_batches_tracked" else 3)
        for k, v in before.items()
    }

    def refused(state, error, match) -> None:
        with pytest.raises(error, match=match):
            bn.load_state_dict(state)
        after = bn.state_dict()
        for name in before:
            np.testing.assert_array_equal(after[name], before[name], err_msg=name)

    refused({**good, "running_var": np.ones(5)}, ValueError, r"running_var expects shape \(4,\)")
    refused({**good, "running_mean": np.ones((1, 4))}, ValueError, "running_mean expects shape")
    missing = {k: v for k, v in good.items() if k != "running_var"}
    refused(missing, ValueError, r"missing: \['running_var'\]")
    refused({**good, "extra": np.ones(1)}, ValueError, r"unexpected: \['extra'\]")
    refused({**good, "num_batches_tracked": np.array(2.5)}, ValueError, "holds a count")
    refused({**good, "num_batches_tracked": np.ones(2)}, ValueError, "num_batches_tracked expects")
    refused({**good, "weight": np.ones(3)}, ValueError, "weight")
    refused({**good, "running_mean": np.array(["a"] * 4)}, TypeError, "real numbers")
    bn.load_state_dict({**good, "num_batches_tracked": np.array(4.0)})  # a whole float is a count
    assert bn.num_batches_tracked.dtype == np.int64
    assert int(bn.num_batches_tracked) == 4
    np.testing.assert_array_equal(bn.running_var, good["running_var"])
    assert bn.weight is not None
    np.testing.assert_array_equal(bn.weight.data, good["weight"])


# -- evaluation mode and trace --------------------------------------------------------------------


def mixed_mode_model() -> Sequential:
    model = Sequential(Linear(3, 4, seed=0), BatchNorm1d(4), Tanh(), Dropout(0.5, seed=0))
    model[1].eval()  # a model half in training mode
    return model


def test_evaluation_mode_restores_each_modules_own_mode() -> None:
    model = mixed_mode_model()
    before = [m.training for m in model.modules()]
    assert before == [True, True, False, True, True]
    with evaluation_mode(model) as inside:
        assert inside is model
        assert not any(m.training for m in model.modules())
    assert [m.training for m in model.modules()] == before
    with pytest.raises(RuntimeError, match="boom"), evaluation_mode(model):
        raise RuntimeError("boom")
    assert [m.training for m in model.modules()] == before


def test_evaluation_mode_uses_running_statistics_and_no_dropout() -> None:
    model = Sequential(Linear(3, 4, seed=0), BatchNorm1d(4), Dropout(0.5, seed=1))
    x = Tensor(RNG.standard_normal((8, 3)))
    model(x)  # one training step moves the running statistics
    with evaluation_mode(model):
        inside = model(x).data
    model.eval()
    np.testing.assert_array_equal(inside, model(x).data)


def test_trace_returns_every_output_and_leaves_batchnorm_alone() -> None:
    model = Sequential(
        Embedding(27, 4, seed=0),
        FlattenConsecutive(2),
        Linear(8, 6, bias=False, seed=1),
        BatchNorm1d(6),
        Tanh(),
        FlattenConsecutive(2),
        Linear(12, 27, seed=2),
    )
    idx = RNG.integers(0, 27, (5, 4))
    model(idx)  # the running statistics are no longer at their start
    before = model.state_dict()
    outputs = model.trace(idx)
    assert [o.shape for o in outputs] == [
        (5, 4, 4),
        (5, 2, 8),
        (5, 2, 6),
        (5, 2, 6),
        (5, 2, 6),
        (5, 12),
        (5, 27),
    ]
    after = model.state_dict()
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)
    assert int(model[3].num_batches_tracked) == 1
    np.testing.assert_array_equal(outputs[-1].data, model(idx).data)  # the last is model(x)
    assert int(model[3].num_batches_tracked) == 2  # a forward pass does move them
    outputs[-1].sum().backward()  # the graph is recorded: gradients reach every parameter
    assert all(p.grad is not None and p.grad.any() for p in model.parameters())
    moved = model.state_dict()
    with pytest.raises(IndexError, match="index 27"):  # a trace that fails half way
        model.trace(np.array([[0, 1, 2, 27]]))
    np.testing.assert_array_equal(model[3].running_mean, moved["3.running_mean"])


# -- Hypothesis: the BatchNorm1d layer on any batch -----------------------------------------------


@settings(max_examples=25)
@given(
    n=st.integers(2, 6),
    t=st.integers(1, 3),
    c=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    momentum=st.floats(0.0, 1.0),
)
def test_batchnorm_layer_on_any_batch_matches_torch(n, t, c, seed, momentum) -> None:
    rng = np.random.default_rng(seed)
    ours = BatchNorm1d(c, momentum=momentum, dtype="float64")
    theirs = nn.BatchNorm1d(c, momentum=momentum, dtype=torch.float64)
    x = rng.standard_normal((n, t, c) if t > 1 else (n, c)) * rng.uniform(0.5, 5, c)
    xt, xr = leaf(x), torch_leaf(x)
    out, ref = ours(xt), through_torch(theirs, xr)
    assert_near(out.data, ref, "float64", "output")
    g = rng.standard_normal(out.shape)
    out.backward(g)
    ref.backward(torch.tensor(g))
    assert_near(grad_of(xt), grad_of(xr), "float64", "input gradient")
    assert_batchnorm_state(ours, theirs, "float64")
