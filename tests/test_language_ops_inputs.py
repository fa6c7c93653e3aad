"""The language-model operations as a caller meets them: ``multinomial`` draws what its
weights say (seeded, with and without replacement), and every op of the makemore work refuses
bad input with a clear error naming it."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab.tensor import (
    Tensor,
    batch_norm,
    batch_statistics,
    dropout,
    embedding,
    layer_norm,
    multinomial,
    std,
    var,
)

WEIGHTS = np.array([0.5, 0.0, 2.0, 1.5])  # not normalised: multinomial normalises each row


def test_the_same_generator_seed_draws_the_same_indices() -> None:
    first = multinomial(WEIGHTS, 50, replacement=True, generator=7)
    assert first.dtype == np.int64
    assert first.shape == (50,)
    assert np.array_equal(first, multinomial(WEIGHTS, 50, replacement=True, generator=7))
    assert not np.array_equal(first, multinomial(WEIGHTS, 50, replacement=True, generator=8))
    gen = np.random.default_rng(3)  # one generator feeds calls in turn
    a, b = (
        multinomial(WEIGHTS, 5, True, generator=gen),
        multinomial(WEIGHTS, 5, True, generator=gen),
    )
    gen = np.random.default_rng(3)
    assert np.array_equal(np.concatenate([a, b]), multinomial(WEIGHTS, 10, True, generator=gen))


def test_draws_with_replacement_follow_the_weights() -> None:
    drawn = multinomial(WEIGHTS, 200_000, replacement=True, generator=0)
    shares = np.bincount(drawn, minlength=4) / len(drawn)
    np.testing.assert_allclose(shares, WEIGHTS / WEIGHTS.sum(), atol=0.005)
    assert shares[1] == 0  # a category of weight 0 is never drawn


def test_rows_are_drawn_each_from_its_own_weights() -> None:
    rows = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 3.0, 0.0]])
    drawn = multinomial(Tensor(rows), 4, replacement=True, generator=1)
    assert drawn.shape == (3, 4)
    assert (drawn == np.array([[2], [0], [1]])).all()


def test_draws_without_replacement_are_different_and_favour_the_heavy() -> None:
    drawn = multinomial(WEIGHTS, 3, generator=0)  # PyTorch's default: no replacement
    assert sorted(drawn.tolist()) == [0, 2, 3]  # the three of weight above 0, once each
    firsts = [multinomial(WEIGHTS, 1, generator=seed)[0] for seed in range(4000)]
    shares = np.bincount(firsts, minlength=4) / len(firsts)
    np.testing.assert_allclose(shares, WEIGHTS / WEIGHTS.sum(), atol=0.03)


@pytest.mark.parametrize(
    ("probs", "kwargs", "error", "match"),
    [
        ([0.5, -0.1], {}, ValueError, "finite numbers >= 0"),
        ([0.5, np.inf], {}, ValueError, "no inf or nan"),
        ([0.5, np.nan], {}, ValueError, "no inf or nan"),
        ([[1.0, 2.0], [0.0, 0.0]], {}, ValueError, "row 1 of the probabilities sums to 0"),
        (np.ones((2, 2, 2)), {}, ValueError, r"got shape \(2, 2, 2\)"),
        ([], {}, ValueError, r"got shape \(0,\)"),
        ("abc", {}, TypeError, "multinomial"),
        (WEIGHTS, {"num_samples": 0}, ValueError, r"multinomial\(num_samples\)"),
        (WEIGHTS, {"num_samples": 4}, ValueError, "only 3 of weight above 0"),
        (WEIGHTS, {"replacement": 1}, TypeError, r"multinomial\(replacement\)"),
        (WEIGHTS, {"generator": -1}, ValueError, "seed"),
    ],
)
def test_multinomial_refuses_bad_input(probs, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        multinomial(probs, **kwargs)


def test_the_ops_refuse_bad_arguments_naming_them() -> None:
    x = Tensor(np.ones((4, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"var\(correction\): expected a number >= 0"):
        var(x, correction=-1)
    with pytest.raises(TypeError, match=r"std\(correction\)"):
        std(x, correction="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="std: axis 2 is out of range"):
        std(x, axis=2)
    with pytest.raises(ValueError, match=r"dropout\(p\): expected a number from 0 to 1"):
        dropout(x, 1.5)
    with pytest.raises(TypeError, match="dropout: expected a Tensor"):
        dropout(np.ones(3), 0.5)  # type: ignore[arg-type]
    mean, variance = batch_statistics(x.data)
    with pytest.raises(ValueError, match=r"batch_norm: expected input of shape \(N, C\)"):
        batch_norm(Tensor(np.ones(3)), None, None, mean, variance)
    with pytest.raises(ValueError, match=r"batch_norm\(eps\)"):
        batch_norm(x, None, None, mean, variance, eps=0.0)
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\).*got \(2,\)"):
        batch_norm(x, Tensor(np.ones(2)), None, mean, variance)
    with pytest.raises(ValueError, match="layer_norm: expected an input with a feature axis"):
        layer_norm(Tensor(1.0))
    with pytest.raises(ValueError, match=r"layer_norm\(eps\)"):
        layer_norm(x, eps=-1e-5)


def test_embedding_refuses_bad_tables_and_indices() -> None:
    table = Tensor(np.zeros((27, 4)), requires_grad=True)
    with pytest.raises(ValueError, match=r"the table must be 2-D \(rows, dim\)"):
        embedding(Tensor(np.zeros(27)), [1])
    with pytest.raises(TypeError, match="expected integer indices"):
        embedding(table, np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="a Tensor holds floats"):
        embedding(table, Tensor([1.0]))
    with pytest.raises(IndexError, match="index -1 is out of range for a table of 27 rows"):
        embedding(table, np.array([[3, -1]]))
    with pytest.raises(IndexError, match="index 27 is out of range for a table of 27 rows"):
        embedding(table, [0, 27])
