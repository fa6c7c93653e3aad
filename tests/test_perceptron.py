"""The threshold perceptron: the sweets example, bias = -threshold, the learning rule, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from neuronlab import Perceptron, PerceptronFit, datasets

TRUTH_TABLES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
}
GATE_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]


# -- the sweets example of the design -------------------------------------------------------


def test_sweets_output_equals_second_factor_in_every_row():
    X, y = datasets.sweets()
    assert X.shape == (8, 3)
    # all 8 yes/no combinations, each once
    assert sorted(map(tuple, X.tolist())) == sorted(itertools.product((0.0, 1.0), repeat=3))
    p = Perceptron([2, 6, 2], threshold=5)
    for row in X:
        assert p(row) == int(row[1]), row
    np.testing.assert_array_equal(p.predict(X), X[:, 1].astype(int))
    np.testing.assert_array_equal(y, X[:, 1].astype(int))


def test_sweets_weighted_sums_are_the_textbook_numbers():
    p = Perceptron([2, 6, 2], threshold=5)
    X, _ = datasets.sweets()
    sums = {tuple(int(v) for v in row): s for row, s in zip(X, p.weighted_sum(X) + 5)}
    assert sums[(0, 0, 0)] == 0
    assert sums[(1, 0, 1)] == 4  # weekend and sweets at home: 2 + 2 = 4 <= 5, no
    assert sums[(0, 1, 0)] == 6  # really want them: 6 > 5, yes
    assert sums[(1, 1, 1)] == 10


def test_output_is_strictly_greater_than_threshold():
    p = Perceptron([1.0], threshold=1.0)
    assert p([1.0]) == 0  # w·x == threshold is not enough
    assert p([1.0001]) == 1
    assert p([0.9999]) == 0


def test_sweets_constants_drive_the_dataset():
    assert datasets.SWEETS_WEIGHTS == (2.0, 6.0, 2.0)
    assert datasets.SWEETS_THRESHOLD == 5.0
    assert len(datasets.SWEETS_FACTORS) == 3


# -- bias = -threshold ------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [-3.0, -0.5, 0.0, 2.5, 5.0, 7.0])
def test_bias_is_minus_threshold(threshold):
    rng = np.random.default_rng(1)
    X = rng.uniform(-5, 5, (50, 3))
    a = Perceptron([2, 6, 2], threshold=threshold)
    b = Perceptron([2, 6, 2], bias=-threshold)
    assert a.bias == -threshold
    assert b.threshold == threshold
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_allclose(a.weighted_sum(X), X @ np.array([2, 6, 2]) - threshold)
    # and both equal the textbook rule "w·x > threshold"
    np.testing.assert_array_equal(a.predict(X), (X @ np.array([2, 6, 2]) > threshold).astype(int))


def test_fresh_perceptron_starts_at_zero():
    p = Perceptron(3)
    assert p.n_inputs == 3
    np.testing.assert_array_equal(p.weights, [0, 0, 0])
    assert p.bias == 0
    assert p.threshold == 0
    assert p([1, 1, 1]) == 0  # 0 > 0 is false


def test_repr_shows_weights_and_threshold():
    text = repr(Perceptron([2, 6, 2], threshold=5))
    assert "[2.0, 6.0, 2.0]" in text
    assert "threshold=5" in text


# -- the learning rule ------------------------------------------------------------------------


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
@pytest.mark.parametrize("lr", [1.0, 0.1])
def test_learning_rule_learns_linearly_separable_gates(gate, lr):
    X, y = datasets.gate(gate)
    np.testing.assert_array_equal(X, GATE_INPUTS)
    np.testing.assert_array_equal(y, TRUTH_TABLES[gate])
    p = Perceptron(2)
    result = p.fit(X, y, lr=lr, max_epochs=100)
    assert isinstance(result, PerceptronFit)
    assert result.converged is True
    assert 1 <= result.epochs <= 20
    assert len(result.errors) == result.epochs
    assert result.errors[-1] == 0
    assert all(e > 0 for e in result.errors[:-1])  # it stops at the first error-free epoch
    np.testing.assert_array_equal(p.predict(X), TRUTH_TABLES[gate])
    assert [p(x) for x in X] == TRUTH_TABLES[gate]
    assert "converged" in str(result)
    assert str(result.epochs) in str(result)
    assert "did not" not in str(result)


def test_learning_rule_is_the_textbook_update():
    # w += lr (t - o) x and b += lr (t - o), one example at a time: replay it by hand
    X, y = datasets.gate("and")
    w, b = np.zeros(2), 0.0
    for _ in range(3):
        for x, t in zip(X, y):
            err = t - int(x @ w + b > 0)
            w, b = w + err * x, b + err
    p = Perceptron(2)
    p.fit(X, y, lr=1.0, max_epochs=3)
    np.testing.assert_array_equal(p.weights, w)
    assert p.bias == b


def test_already_correct_perceptron_converges_in_one_epoch():
    p = Perceptron([1, 1], threshold=1.5)  # AND by hand
    X, y = datasets.gate("and")
    result = p.fit(X, y)
    assert result.converged
    assert result.epochs == 1
    assert result.errors == [0]
    np.testing.assert_array_equal(p.weights, [1, 1])  # nothing to correct


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_xor_stops_at_the_epoch_limit(limit):
    X, y = datasets.gate("xor")
    p = Perceptron(2)
    result = p.fit(X, y, max_epochs=limit)
    assert result.converged is False
    assert result.epochs == limit
    assert len(result.errors) == limit
    assert all(e >= 1 for e in result.errors)  # never an error-free epoch
    assert (p.predict(X) != np.array([0, 1, 1, 0])).any()
    text = str(result)
    assert "did not converge" in text
    assert str(limit) in text
    assert str(result.errors[-1]) in text


def test_no_weights_ever_solve_xor_here():
    # the rule cannot learn XOR because no line can: brute-force a grid of perceptrons
    X, y = datasets.gate("xor")
    grid = np.linspace(-3, 3, 13)
    for w1, w2, t in itertools.product(grid, grid, grid):
        assert (Perceptron([w1, w2], threshold=t).predict(X) != y).any()


def test_fit_accepts_real_valued_inputs():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    y = (X @ np.array([1.5, -2.0]) + 0.3 > 0).astype(int)
    p = Perceptron(2)
    result = p.fit(X, y, lr=0.5, max_epochs=1000)
    assert result.converged
    np.testing.assert_array_equal(p.predict(X), y)


def test_perceptron_fit_str_of_results():
    assert str(PerceptronFit(True, 3, [2, 1, 0])) == (
        "converged after 3 epoch(s): every example classified correctly"
    )
    assert "did not converge in 5 epochs" in str(PerceptronFit(False, 5, [4, 4, 3, 4, 2]))
    assert "2 example(s) still wrong" in str(PerceptronFit(False, 5, [4, 4, 3, 4, 2]))


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "kwargs", "exc", "words"),
    [
        (0, {}, ValueError, "number of inputs): expected a whole number >= 1, got 0"),
        (-2, {}, ValueError, ">= 1"),
        (True, {}, TypeError, "bool"),
        ([], {}, ValueError, "flat list"),
        ([[1, 2], [3, 4]], {}, ValueError, "flat list"),
        ([1, float("nan")], {}, ValueError, "finite"),
        ([1, float("inf")], {}, ValueError, "finite"),
        (["a", "b"], {}, TypeError, "sequence of numbers"),
        ("ab", {}, TypeError, "sequence of numbers"),
        (None, {}, (TypeError, ValueError), "None"),
        ([1, 2], {"threshold": 1, "bias": -1}, ValueError, "not both"),
        ([1, 2], {"threshold": "5"}, TypeError, "threshold"),
        ([1, 2], {"bias": None, "threshold": True}, TypeError, "threshold"),
        ([1, 2], {"threshold": float("nan")}, ValueError, "finite"),
        ([1, 2], {"bias": float("inf")}, ValueError, "finite"),
    ],
)
def test_bad_construction_is_a_clear_error(weights, kwargs, exc, words):
    with pytest.raises(exc, match="Perceptron") as info:
        Perceptron(weights, **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("x", "exc", "words"),
    [
        ([1, 0], ValueError, "expected rows of 3 inputs"),
        ([1, 0, 1, 1], ValueError, "expected rows of 3 inputs"),
        ([[[1, 0, 1]]], ValueError, "shape (1, 1, 3)"),
        (["a", "b", "c"], TypeError, "expected numbers"),
        ([1, None, 0], ValueError, "finite"),  # None -> nan
        ([1, float("nan"), 0], ValueError, "finite"),
        ([1, float("inf"), 0], ValueError, "finite"),
        ({"a": 1}, TypeError, "dict"),
    ],
)
def test_bad_inputs_are_clear_errors(x, exc, words):
    p = Perceptron([2, 6, 2], threshold=5)
    with pytest.raises(exc) as info:
        p(x)
    assert words in str(info.value)
    with pytest.raises(exc):
        p.predict(x)


def test_call_with_several_rows_points_to_predict():
    p = Perceptron([2, 6, 2], threshold=5)
    with pytest.raises(ValueError, match="predict"):
        p([[1, 1, 1], [0, 0, 0]])


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "exc", "words"),
    [
        (GATE_INPUTS, [0, 0, 0, 2], {}, ValueError, "0 or 1"),
        (GATE_INPUTS, [0, 0, 0, -1], {}, ValueError, "0 or 1"),
        (GATE_INPUTS, [0, 0, 0, 0.5], {}, ValueError, "0 or 1"),
        (GATE_INPUTS, [0, 0, 1], {}, ValueError, "expected 4 targets"),
        (GATE_INPUTS, [[0, 0], [0, 1]], {}, ValueError, "expected 4 targets"),
        (GATE_INPUTS, [0, 0, 0, 1], {"lr": 0}, ValueError, "lr"),
        (GATE_INPUTS, [0, 0, 0, 1], {"lr": -1.0}, ValueError, "lr"),
        (GATE_INPUTS, [0, 0, 0, 1], {"lr": float("nan")}, ValueError, "lr"),
        (GATE_INPUTS, [0, 0, 0, 1], {"lr": "1"}, TypeError, "lr"),
        (GATE_INPUTS, [0, 0, 0, 1], {"max_epochs": 0}, ValueError, "max_epochs"),
        (GATE_INPUTS, [0, 0, 0, 1], {"max_epochs": 2.5}, TypeError, "max_epochs"),
        (GATE_INPUTS, [0, 0, 0, 1], {"lr": math.inf}, ValueError, "lr"),
        ([[0, 0, 0], [1, 1, 1]], [0, 1], {}, ValueError, "expected rows of 2 inputs"),
        ([[0, "x"], [1, 1]], [0, 1], {}, TypeError, "expected numbers"),
        ([[0, float("nan")], [1, 1]], [0, 1], {}, ValueError, "finite"),
    ],
)
def test_bad_fit_arguments_are_clear_errors(X, y, kwargs, exc, words):
    p = Perceptron(2)
    with pytest.raises(exc) as info:
        p.fit(X, y, **kwargs)
    assert words in str(info.value)
    # nothing was learned from a rejected call
    np.testing.assert_array_equal(p.weights, [0, 0])
    assert p.bias == 0


def test_infinite_learning_rate_is_rejected():
    X, y = datasets.gate("and")
    with pytest.raises(ValueError, match="lr"):
        Perceptron(2).fit(X, y, lr=math.inf)


def test_numpy_scalars_are_accepted_as_lr_and_epochs():
    X, y = datasets.gate("or")
    result = Perceptron(2).fit(X, y, lr=np.float32(0.5), max_epochs=np.int64(50))
    assert result.converged
