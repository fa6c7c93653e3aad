"""Built-in generated datasets: shapes, dtypes, seeds, labels, the house-price formula, errors."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import datasets

# name -> (default n, number of features, number of classes or None for regression)
SEEDED = {
    "moons": (100, 2, 2),
    "circles": (100, 2, 2),
    "xor": (200, 2, 2),
    "spiral": (300, 2, 3),
    "blobs": (150, 2, 3),
    "houses": (100, 2, None),
}


def test_names_lists_every_dataset():
    assert set(datasets.dataset_names()) >= set(SEEDED) | {"sweets"}
    assert "houses" in datasets.REGRESSION
    assert not (set(SEEDED) - {"houses"}) & datasets.REGRESSION


@pytest.mark.parametrize("name", list(SEEDED))
def test_shapes_and_dtypes(name):
    n_default, d, classes = SEEDED[name]
    X, y = datasets.load(name)
    assert isinstance(X, np.ndarray)
    assert isinstance(y, np.ndarray)
    assert X.dtype == np.float64
    assert X.shape == (n_default, d)
    assert y.shape == (n_default,)
    assert np.isfinite(X).all()
    if classes is None:
        assert y.dtype == np.float64
        assert np.isfinite(y).all()
    else:
        assert y.dtype == np.int64
        assert set(np.unique(y).tolist()) == set(range(classes))
    # the same function by name and directly
    X2, y2 = getattr(datasets, name)()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


@pytest.mark.parametrize("name", list(SEEDED))
@pytest.mark.parametrize("n", [7, 40])
def test_n_is_respected(name, n):
    X, y = datasets.load(name, n=n)
    assert X.shape == (n, 2)
    assert y.shape == (n,)


@pytest.mark.parametrize("name", list(SEEDED))
def test_same_seed_same_numbers_different_seed_different(name):
    Xa, ya = datasets.load(name, seed=5)
    Xb, yb = datasets.load(name, seed=5)
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)
    Xc, _ = datasets.load(name, seed=6)
    assert not np.array_equal(Xa, Xc)
    # a numpy Generator seeded alike gives the same numbers as the int seed
    Xg, yg = datasets.load(name, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(Xa, Xg)
    np.testing.assert_array_equal(ya, yg)


def test_seed_reproducible_across_processes():
    # the same seed must give the same numbers on every run, not only within one process
    import subprocess
    import sys

    code = "from neuronlab import datasets; X, y = datasets.moons(10, seed=3); print(repr(X.sum()))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    X, _ = datasets.moons(10, seed=3)
    assert proc.stdout == repr(X.sum()) + "\n", proc.stderr


@pytest.mark.parametrize("name", ["moons", "circles", "xor"])
@pytest.mark.parametrize("n", [100, 101, 400])
def test_binary_sets_are_balanced(name, n):
    _, y = datasets.load(name, n=n, seed=1)
    assert set(np.unique(y).tolist()) == {0, 1}
    share = y.mean()
    if name == "xor":
        assert 0.4 <= share <= 0.6  # random corners
    else:
        assert abs(int(y.sum()) - (n - int(y.sum()))) <= 1  # exactly half (odd n: one more)


def test_moons_geometry_without_noise():
    X, y = datasets.moons(200, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_moons_are_shuffled():
    _, y = datasets.moons(100, seed=0)
    assert not (np.diff(y) >= 0).all()  # not all zeros then all ones


def test_circles_geometry_without_noise():
    X, y = datasets.circles(100, noise=0.0, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)


def test_xor_labels_follow_the_quadrants():
    X, y = datasets.xor(500, noise=0.1, seed=2)
    expected = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    assert (expected == y).mean() > 0.99  # noise 0.1 around (±1, ±1) almost never crosses


@pytest.mark.parametrize(("n", "classes"), [(300, 3), (301, 3), (100, 2), (50, 5)])
def test_spiral_class_counts(n, classes):
    X, y = datasets.spiral(n, classes=classes, seed=0)
    counts = np.bincount(y, minlength=classes)
    assert counts.sum() == n
    assert len(counts) == classes
    assert counts.max() - counts.min() <= 1
    assert (np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12).all()


@pytest.mark.parametrize(("n", "centers", "dim"), [(150, 3, 2), (100, 4, 3), (9, 2, 1)])
def test_blobs_class_counts_and_clusters(n, centers, dim):
    X, y = datasets.blobs(n, centers=centers, std=0.1, dim=dim, seed=0)
    assert X.shape == (n, dim)
    counts = np.bincount(y, minlength=centers)
    assert counts.max() - counts.min() <= 1
    assert counts.sum() == n
    for c in range(centers):
        assert X[y == c].std(axis=0).max() < 0.3  # tight clusters with std 0.1


def test_sweets_is_the_eight_rows():
    X, y = datasets.sweets()
    assert X.shape == (8, 3)
    assert X.dtype == np.float64
    assert y.shape == (8,)
    assert y.dtype == np.int64
    assert len({tuple(r) for r in X.tolist()}) == 8
    assert set(np.unique(X).tolist()) == {0.0, 1.0}
    np.testing.assert_array_equal(y, X[:, 1].astype(int))
    X2, y2 = datasets.load("sweets")
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_houses_follow_the_formula():
    X, y = datasets.houses(3000, noise=10.0, seed=4)
    size, location = X[:, 0], X[:, 1]
    assert size.min() >= 40
    assert size.max() <= 200
    assert location.min() >= 0
    assert location.max() <= 1
    residual = y - datasets.HOUSE_PRICE(size, location)
    assert abs(residual.mean()) < 1.0
    assert residual.std() == pytest.approx(10.0, rel=0.05)


def test_houses_without_noise_are_exact():
    X, y = datasets.houses(50, noise=0.0, seed=1)
    np.testing.assert_allclose(y, datasets.HOUSE_PRICE(X[:, 0], X[:, 1]), rtol=0, atol=1e-9)
    # and the formula is the documented one
    assert datasets.HOUSE_PRICE(100.0, 0.5) == pytest.approx(50 + 250 + 60)


def test_houses_noise_scales():
    X, y = datasets.houses(2000, noise=2.0, seed=0)
    residual = y - datasets.HOUSE_PRICE(X[:, 0], X[:, 1])
    assert residual.std() == pytest.approx(2.0, rel=0.05)


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor", "xor"])
def test_gates(gate):
    X, y = datasets.gate(gate)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    a, b = X[:, 0].astype(bool), X[:, 1].astype(bool)
    truth = {"and": a & b, "or": a | b, "nand": ~(a & b), "nor": ~(a | b), "xor": a ^ b}[gate]
    np.testing.assert_array_equal(y, truth.astype(int))


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["nope", "Moons", "", None, 3])
def test_load_unknown_lists_valid_names(bad):
    with pytest.raises(ValueError, match=r"^unknown dataset ") as info:
        datasets.load(bad)
    msg = str(info.value)
    assert repr(bad) in msg
    for name in datasets.dataset_names():
        assert name in msg


def test_gate_unknown_lists_valid_names():
    with pytest.raises(ValueError, match="and, or, nand, nor, xor"):
        datasets.gate("xnor")


@pytest.mark.parametrize("name", list(SEEDED))
@pytest.mark.parametrize("n", [0, -5, 10**18])
def test_bad_n_says_the_range(name, n):
    with pytest.raises(
        ValueError, match=rf"n: expected a whole number from \d to 1,000,000, got {n}"
    ):
        datasets.load(name, n=n)


@pytest.mark.parametrize("name", list(SEEDED))
@pytest.mark.parametrize("n", [2.5, "10", True, None])
def test_n_of_the_wrong_kind(name, n):
    with pytest.raises(TypeError, match="n: expected a whole number"):
        datasets.load(name, n=n)


@pytest.mark.parametrize(("name", "n"), [("moons", 1), ("circles", 1), ("xor", 3), ("spiral", 1)])
def test_too_few_points(name, n):
    with pytest.raises(
        ValueError, match=rf"n: expected a whole number from {n + 1} to 1,000,000, got {n}"
    ):
        datasets.load(name, n=n)


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral", "houses"])
@pytest.mark.parametrize(
    ("noise", "exc"),
    [
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("a", TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_bad_noise(name, noise, exc):
    with pytest.raises(exc, match="noise"):
        datasets.load(name, noise=noise)


@pytest.mark.parametrize("std", [-1.0, float("nan")])
def test_blobs_bad_std(std):
    with pytest.raises(ValueError, match=r"^std: expected a number >= 0, got "):
        datasets.blobs(std=std)


@pytest.mark.parametrize("factor", [0, 1, 1.5, -0.5, "x"])
def test_circles_bad_factor(factor):
    with pytest.raises(TypeError if factor == "x" else ValueError, match="factor"):
        datasets.circles(factor=factor)


@pytest.mark.parametrize("kwargs", [{"classes": 1}, {"classes": 0}, {"classes": 2.0}])
def test_spiral_bad_classes(kwargs):
    with pytest.raises((ValueError, TypeError), match="classes"):
        datasets.spiral(**kwargs)


@pytest.mark.parametrize("kwargs", [{"centers": 0}, {"dim": 0}])
def test_blobs_bad_sizes(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        datasets.blobs(**kwargs)


@pytest.mark.parametrize(("seed", "exc"), [(-1, ValueError), ("0", TypeError), (1.5, TypeError)])
def test_bad_seed(seed, exc):
    with pytest.raises(exc, match="seed"):
        datasets.moons(seed=seed)


def test_plane_is_the_tilted_plane_plus_noise():
    X, y = datasets.plane(500, noise=0.0, seed=3)
    assert X.shape == (500, 2)
    assert y.shape == (500,)
    assert y.dtype == np.float64
    assert np.all(np.abs(X) <= 1.0)
    np.testing.assert_allclose(y, 0.6 * X[:, 0] - 0.4 * X[:, 1])
    _, noisy = datasets.plane(500, noise=0.1, seed=3)
    assert 0.08 < np.std(noisy - y) < 0.12


def test_bumps_has_two_hills_and_a_valley():
    X, y = datasets.bumps(2000, noise=0.0, seed=0)
    hill = np.argmin(np.hypot(X[:, 0] + 0.4, X[:, 1] - 0.4))
    valley = np.argmin(np.hypot(X[:, 0], X[:, 1] + 0.5))
    assert y[hill] > 0.9
    assert y[valley] < -0.9
    assert datasets.load("bumps", n=50, seed=1)[1].shape == (50,)


def test_spiral_turn_is_how_far_each_arm_winds():
    X, y = datasets.spiral(300, classes=3, noise=0.0, seed=0, turn=0.0)
    for k in range(3):  # no turn: each arm is a straight ray from the centre
        arm = X[y == k]
        angles = np.arctan2(arm[:, 0], arm[:, 1])
        np.testing.assert_allclose(angles, angles[0], atol=1e-9)
    X9, _y9 = datasets.spiral(300, classes=2, noise=0.0, seed=0, turn=9.0)
    outer = X9[np.argmax(np.hypot(*X9.T))]
    assert np.hypot(*outer) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="turn"):
        datasets.spiral(turn=-1.0)
