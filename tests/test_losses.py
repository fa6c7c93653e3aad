"""Cost functions on the scalar engine, values and gradients checked against PyTorch (float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
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

RTOL, ATOL = 1e-9, 1e-12
HYP = settings(max_examples=60, deadline=None)

finite = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


def values(numbers):
    return [Value(float(x)) for x in numbers]


def grads(vs):
    return np.array([v.grad for v in vs])


def torch_leaf(numbers):
    return torch.tensor(np.asarray(numbers, dtype=np.float64), requires_grad=True)


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
    assert a.grad == 2.0 and b.grad == -2.0  # 2 (p - t) / n
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
    assert loss.data == 0.0 and not math.isnan(loss.data)
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
