"""Cost functions on both engines, values and gradients checked against PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import torch_leaf
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab import Value
from neuronlab.losses import (
    LOSSES,
    binary_cross_entropy,
    cross_entropy,
    get_loss,
    hinge,
    mse,
)
from neuronlab.tensor import Tensor

torch = pytest.importorskip("torch")
F = torch.nn.functional

RTOL, ATOL = 1e-9, 1e-12
HYP = settings(max_examples=60, deadline=None)

finite = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


def values(numbers):
    return [Value(float(x)) for x in numbers]


def grads(vs):
    return np.array([v.grad for v in vs])


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


@st.composite
def preds_and_targets(draw, target=finite):
    n = draw(st.integers(1, 8))
    p = draw(st.lists(finite, min_size=n, max_size=n))
    t = draw(st.lists(target, min_size=n, max_size=n))
    return p, t


# -- mse ----------------------------------------------------------------------------------------


@HYP
@given(preds_and_targets())
def test_mse_matches_torch(pt):
    p, t = pt
    vs = values(p)
    loss = mse(vs, t)
    loss.backward()
    tp = torch_leaf(p)
    ref = F.mse_loss(tp, torch.tensor(t, dtype=torch.float64))
    ref.backward()
    close(loss.data, ref.item())
    close(grads(vs), tp.grad.numpy())


@HYP
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_mse_with_several_outputs_matches_torch(n, k, data):
    p = np.array(data.draw(st.lists(finite, min_size=n * k, max_size=n * k))).reshape(n, k)
    t = np.array(data.draw(st.lists(finite, min_size=n * k, max_size=n * k))).reshape(n, k)
    vs = [values(row) for row in p]
    loss = mse(vs, t)
    loss.backward()
    tp = torch_leaf(p)
    ref = F.mse_loss(tp, torch.tensor(t))
    ref.backward()
    close(loss.data, ref.item())
    close(np.array([[v.grad for v in row] for row in vs]), tp.grad.numpy())


def test_mse_worked_numbers():
    a, b = Value(3.0), Value(-1.0)
    loss = mse([a, b], [1.0, 1.0])  # ((3-1)² + (-1-1)²) / 2 = 4
    loss.backward()
    assert loss.data == 4.0
    assert a.grad == 2.0
    assert b.grad == -2.0
    single = mse(Value(2.0), [5.0])  # one Value on its own is one example
    assert single.data == 9.0


# -- binary cross-entropy -----------------------------------------------------------------------


@HYP
@given(preds_and_targets(target=st.floats(0.0, 1.0)))
def test_bce_matches_torch_on_sigmoid_probabilities(zt):
    z, t = zt
    zs = values(z)
    probs = [zi.sigmoid() for zi in zs]
    loss = binary_cross_entropy(probs, t)
    loss.backward()
    tz = torch_leaf(z)
    tprob = torch.sigmoid(tz)
    tprob.retain_grad()
    ref = F.binary_cross_entropy(tprob, torch.tensor(t, dtype=torch.float64))
    ref.backward()
    close(loss.data, ref.item())
    close(grads(probs), tprob.grad.numpy())  # w.r.t. the probabilities
    close(grads(zs), tz.grad.numpy())  # and through the sigmoid to the logits


@HYP
@given(
    st.lists(st.tuples(st.floats(0.01, 0.99), st.sampled_from([0.0, 1.0])), min_size=1, max_size=8)
)
def test_bce_matches_torch_on_probability_leaves(pairs):
    p = [a for a, _ in pairs]
    t = [b for _, b in pairs]
    vs = values(p)
    loss = binary_cross_entropy(vs, t)
    loss.backward()
    tp = torch_leaf(p)
    ref = F.binary_cross_entropy(tp, torch.tensor(t, dtype=torch.float64))
    ref.backward()
    close(loss.data, ref.item())
    close(grads(vs), tp.grad.numpy())


def test_bce_with_certain_correct_predictions_is_zero_not_nan():
    p0, p1 = Value(0.0), Value(1.0)
    loss = binary_cross_entropy([p0, p1], [0, 1])
    loss.backward()
    assert loss.data == 0.0
    assert not math.isnan(loss.data)
    # PyTorch's gradient, (p - t) / max(p (1 - p), 1e-12) / n, is 0 for a certain, correct p
    tp = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy(tp, torch.tensor([0.0, 1.0], dtype=torch.float64)).backward()
    assert [p0.grad, p1.grad] == tp.grad.tolist() == [0.0, 0.0]


def test_bce_worked_numbers():
    p = Value(0.8)
    loss = binary_cross_entropy([p], [1])
    loss.backward()
    assert loss.data == pytest.approx(-math.log(0.8))
    assert p.grad == pytest.approx(-1 / 0.8)


# -- hinge --------------------------------------------------------------------------------------


@HYP
@given(preds_and_targets(target=st.sampled_from([-1.0, 1.0])))
def test_hinge_matches_torch(st_pair):
    s, y = st_pair
    vs = values(s)
    loss = hinge(vs, y)
    loss.backward()
    ts = torch_leaf(s)
    ref = torch.relu(1 - torch.tensor(y, dtype=torch.float64) * ts).mean()
    ref.backward()
    close(loss.data, ref.item())
    close(grads(vs), ts.grad.numpy())


def test_hinge_worked_numbers():
    # margins: 1 - (1)(2) = -1 -> 0;  1 - (-1)(0.5) = 1.5;  1 - (1)(0.25) = 0.75
    a, b, c = Value(2.0), Value(0.5), Value(0.25)
    loss = hinge([a, b, c], [1, -1, 1])
    loss.backward()
    assert loss.data == pytest.approx((0 + 1.5 + 0.75) / 3)
    assert (a.grad, b.grad, c.grad) == pytest.approx((0.0, 1 / 3, -1 / 3))


# -- cross-entropy ------------------------------------------------------------------------------


@HYP
@given(st.integers(1, 5), st.integers(2, 5), st.data())
def test_cross_entropy_matches_torch(n, k, data):
    z = np.array(data.draw(st.lists(st.floats(-30, 30), min_size=n * k, max_size=n * k))).reshape(
        n, k
    )
    labels = data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    vs = [values(row) for row in z]
    loss = cross_entropy(vs, labels)
    loss.backward()
    tz = torch_leaf(z)
    ref = F.cross_entropy(tz, torch.tensor(labels))
    ref.backward()
    close(loss.data, ref.item())
    close(np.array([[v.grad for v in row] for row in vs]), tz.grad.numpy())


@pytest.mark.parametrize("big", [700.0, 1000.0, 1e5, -1e5])
def test_cross_entropy_large_logits_do_not_overflow(big):
    row = [Value(big), Value(0.0), Value(-big)]
    loss = cross_entropy([row], [1])
    loss.backward()
    tz = torch_leaf([[big, 0.0, -big]])
    ref = F.cross_entropy(tz, torch.tensor([1]))
    ref.backward()
    assert math.isfinite(loss.data)
    close(loss.data, ref.item())
    close([v.grad for v in row], tz.grad.numpy()[0])


def test_cross_entropy_numpy_labels_and_uniform_scores():
    rows = [values([0.0, 0.0, 0.0, 0.0]) for _ in range(2)]
    loss = cross_entropy(rows, np.array([3, 0]))
    assert loss.data == pytest.approx(math.log(4))


# -- the loss table -----------------------------------------------------------------------------


def test_get_loss_by_name_and_callable():
    assert get_loss("mse") is mse
    assert get_loss("bce") is binary_cross_entropy
    assert get_loss("binary_cross_entropy") is binary_cross_entropy
    assert get_loss("hinge") is hinge
    assert get_loss("cross_entropy") is cross_entropy

    def custom(p, t):
        return p

    assert get_loss(custom) is custom
    assert set(LOSSES) >= {"mse", "bce", "hinge", "cross_entropy"}


@pytest.mark.parametrize("bad", ["bogus", "MSE", "", 3, None])
def test_get_loss_unknown_lists_valid_names(bad):
    with pytest.raises(ValueError if isinstance(bad, str) else TypeError) as info:
        get_loss(bad)
    msg = str(info.value)
    assert repr(bad) in msg
    for name in ("mse", "bce", "hinge", "cross_entropy") if isinstance(bad, str) else ("name",):
        assert name in msg


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [mse, binary_cross_entropy, hinge])
@pytest.mark.parametrize("targets", [[1.0], [1.0, 1.0, 1.0]])
def test_length_mismatch(fn, targets):
    with pytest.raises(ValueError, match=r"2 prediction\(s\) but \d target\(s\)"):
        fn([Value(0.5), Value(0.5)], targets)


@pytest.mark.parametrize("targets", [[0, 1], [1, 2], [-1, 0.5], [1, -2]])
def test_hinge_targets_must_be_plus_minus_one(targets):
    with pytest.raises(ValueError, match=r"-1 or \+1"):
        hinge([Value(0.3), Value(-0.3)], targets)


@pytest.mark.parametrize("label", [3, -1, 0.5, 10])
def test_cross_entropy_bad_class_index(label):
    with pytest.raises(ValueError, match="not a class index"):
        cross_entropy([values([1, 2, 3])], [label])


def test_cross_entropy_length_mismatch():
    with pytest.raises(ValueError, match="expected 2 class labels"):
        cross_entropy([values([1, 2]), values([3, 4])], [0])


@pytest.mark.parametrize(
    "bad",
    [
        [],
        [0.5, 0.2],  # plain numbers, not Values
        "ab",
        None,
    ],
)
@pytest.mark.parametrize("fn", [mse, binary_cross_entropy, hinge])
def test_predictions_must_be_values(fn, bad):
    with pytest.raises(TypeError, match=fn.__name__):
        fn(bad, [1.0, 1.0])


def test_cross_entropy_scores_must_be_lists_of_values():
    with pytest.raises(TypeError, match="cross_entropy"):
        cross_entropy([Value(1.0), Value(2.0)], [0, 1])
    with pytest.raises(TypeError, match="cross_entropy"):
        cross_entropy([[1.0, 2.0]], [0])
    with pytest.raises(TypeError, match="cross_entropy"):
        cross_entropy([], [])


@pytest.mark.parametrize("t", [2.0, -0.1])
def test_bce_targets_outside_unit_interval(t):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        binary_cross_entropy([Value(0.5)], [t])


@pytest.mark.parametrize("fn", [mse, hinge])
def test_non_finite_targets_are_rejected(fn):
    with pytest.raises(ValueError, match="finite"):
        fn([Value(1.0)], [float("nan")])


def test_targets_may_not_be_values():
    with pytest.raises(TypeError, match="plain numbers"):
        mse([Value(1.0)], Value(1.0))


# == the tensor engine: the whole batch at once ==================================================

RNG = np.random.default_rng(1234)


def leaf(a: np.ndarray, dtype: str = "float64") -> Tensor:
    return Tensor(a, dtype=dtype, requires_grad=True)


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
    xt = torch_leaf(p)
    expected = theirs(xt, torch.tensor(t))
    expected.backward()
    assert loss.shape == ()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_column_of_predictions_takes_a_flat_target_vector():
    p = RNG.normal(size=(6, 1))
    t = RNG.normal(size=6)
    assert mse(leaf(p), t).item() == pytest.approx(
        F.mse_loss(torch_leaf(p)[:, 0], torch.tensor(t)).item()
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
    xt = torch_leaf(p)
    expected = F.binary_cross_entropy(xt, torch.tensor(t))
    expected.backward()
    assert math.isfinite(loss.item())
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-12)


def test_scalar_bce_at_the_edges_clamps_like_torch():
    # p = 0 with t = 1 costs min(-ln 0, 100) = 100, not inf: PyTorch clamps each log at -100
    p = [0.0, 1e-30, 1.0, 1.0 - 1e-16, 0.5, 0.0, 1.0]
    t = [0.0, 1.0, 1.0, 0.0, 0.5, 1.0, 0.0]
    values = [Value(x) for x in p]
    loss = binary_cross_entropy(values, t)
    loss.backward()
    xt = torch_leaf(np.array(p))
    expected = F.binary_cross_entropy(xt, torch.tensor(t, dtype=torch.float64))
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert binary_cross_entropy([Value(0.0)], [1.0]).data == 100.0
    np.testing.assert_allclose([v.grad for v in values], xt.grad.numpy(), rtol=1e-12)


def test_bce_float32_is_float32():
    x = leaf(np.array([[0.2], [0.9]]), "float32")
    loss = binary_cross_entropy(x, [0, 1])
    loss.backward()
    assert loss.data.dtype == np.float32
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize(("n", "k"), [(1, 2), (5, 3), (64, 10)])
def test_tensor_cross_entropy_matches_torch(n, k):
    z = RNG.normal(size=(n, k)) * 3
    y = RNG.integers(0, k, n)
    x = leaf(z)
    loss = cross_entropy(x, y)
    loss.backward()
    xt = torch_leaf(z)
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
