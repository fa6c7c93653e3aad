"""The plots: each one a valid PNG and SVG, written atomically, with clear errors for bad input."""

from __future__ import annotations

import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="plots need matplotlib (pip install neuronlab[viz])")

from matplotlib.figure import Figure  # noqa: E402

from neuronlab import MLP, Perceptron, datasets, fit  # noqa: E402
from neuronlab.training import History  # noqa: E402
from neuronlab.viz import plots  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_MAGIC), f"{path} is not a PNG"


def assert_svg(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), root.tag
    return root


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".tmp")]


@pytest.fixture(scope="module")
def moons_model() -> tuple[MLP, np.ndarray, np.ndarray, History]:
    X, y = datasets.moons(30, noise=0.1, seed=3)
    model = MLP(2, [4, 1], seed=3)
    history = fit(model, X, y, loss="hinge", lr=0.3, epochs=4, validation=(X, y), verbose=False)
    return model, X, y, history


def _draw_all(
    moons_model: tuple[MLP, np.ndarray, np.ndarray, History], ext: str, folder: Path
) -> dict[str, tuple[Figure, Path]]:
    model, X, y, history = moons_model
    Xg, yg = datasets.gate("and")
    perceptron = Perceptron(2)
    perceptron.fit(Xg, yg)
    Xh, yh = datasets.houses(20, seed=1)
    calls: dict[str, Any] = {
        "activations": lambda p: plots.plot_activations(p),
        "sigmoid": lambda p: plots.plot_sigmoid(p),
        "loss": lambda p: plots.plot_loss(history, p),
        "boundary": lambda p: plots.plot_decision_boundary(model, X, y, p, resolution=12),
        "perceptron": lambda p: plots.plot_perceptron(perceptron, Xg, yg, p),
        "regression": lambda p: plots.plot_regression(
            lambda A: datasets.HOUSE_PRICE(A[:, 0], A[:, 1]), Xh, yh, p
        ),
        "nudge": lambda p: plots.plot_nudge(lambda f: 4 * f, -2.0, 1.0, p, slope=4.0),
    }
    out = {}
    for name, draw in calls.items():
        path = folder / f"{name}{ext}"
        out[name] = (draw(path), path)
    return out


def test_every_plot_writes_a_valid_png(moons_model: Any, tmp_path: Path) -> None:
    for name, (fig, path) in _draw_all(moons_model, ".png", tmp_path).items():
        assert isinstance(fig, Figure), name
        assert_png(path)
    assert no_temp_files(tmp_path)


def test_every_plot_writes_a_parseable_svg(moons_model: Any, tmp_path: Path) -> None:
    for _, (_, path) in _draw_all(moons_model, ".svg", tmp_path).items():
        assert_svg(path)
    text = (tmp_path / "sigmoid.svg").read_text()
    assert "σ(0) = 0.5" in text or "0.5" in text


def test_plots_without_a_path_write_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    fig = plots.plot_sigmoid()
    assert isinstance(fig, Figure)
    assert list(tmp_path.iterdir()) == []


def test_the_same_figure_gives_the_same_svg_bytes(tmp_path: Path) -> None:
    plots.plot_sigmoid(tmp_path / "a.svg")
    plots.plot_sigmoid(tmp_path / "b.svg")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_no_pyplot_figures_are_left_open() -> None:
    before = (
        set(sys.modules["matplotlib.pyplot"].get_fignums())
        if ("matplotlib.pyplot" in sys.modules)
        else set()
    )
    plots.plot_activations()
    if "matplotlib.pyplot" in sys.modules:
        assert set(sys.modules["matplotlib.pyplot"].get_fignums()) == before


def test_importing_the_plots_does_not_import_matplotlib() -> None:
    code = "import sys, neuronlab, neuronlab.viz.plots; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- what the pictures say ---------------------------------------------------------


def test_loss_plot_adds_an_accuracy_axis_only_for_classification(moons_model: Any) -> None:
    _, _, _, history = moons_model
    assert len(plots.plot_loss(history).axes) == 2
    regression = History(loss=[3.0, 2.0, 1.5], accuracy=[None] * 3, lr=[0.1] * 3)
    fig = plots.plot_loss(regression)
    assert len(fig.axes) == 1
    assert [line.get_label() for line in fig.axes[0].lines] == ["loss"]


def test_loss_plot_draws_validation_curves(moons_model: Any) -> None:
    _, _, _, history = moons_model
    labels = {line.get_label() for ax in plots.plot_loss(history).axes for line in ax.lines}
    assert {"loss", "val loss", "accuracy", "val accuracy"} <= labels


def test_decision_boundary_with_several_outputs_uses_argmax() -> None:
    X, y = datasets.blobs(30, centers=3, seed=0)
    model = MLP(2, [4, 3], seed=0)
    fig = plots.plot_decision_boundary(model, X, y, resolution=10)
    assert "largest output" in fig.axes[0].get_title()


def test_decision_boundary_threshold_for_probabilities_and_scores() -> None:
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    probability = lambda A: 1 / (1 + np.exp(-(A[:, 1] - 0.5) * 4))  # noqa: E731
    fig = plots.plot_decision_boundary(probability, X, y, resolution=8)
    assert "output > 0.5" in fig.axes[0].get_title()
    assert "accuracy 100%" in fig.axes[0].get_title()
    score = lambda A: A[:, 1] - 0.5  # noqa: E731
    fig = plots.plot_decision_boundary(score, X, y, resolution=8)
    assert "output > 0" in fig.axes[0].get_title()
    fig = plots.plot_decision_boundary(score, X, y, resolution=8, threshold=2.0)
    assert "output > 2" in fig.axes[0].get_title()


def test_perceptron_line_is_w_dot_x_plus_b_equal_zero() -> None:
    p = Perceptron([1.0, 2.0], bias=-2.0)
    X, y = datasets.gate("or")
    fig = plots.plot_perceptron(p, X, y)
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "w·x + b = 0")
    xs, ys = line.get_data()
    assert np.allclose(1.0 * np.asarray(xs) + 2.0 * np.asarray(ys) - 2.0, 0.0)


def test_perceptron_with_a_zero_second_weight_draws_a_vertical_line() -> None:
    X, y = datasets.gate("and")
    fig = plots.plot_perceptron(Perceptron([1.0, 0.0], threshold=0.5), X, y)
    assert any(ln.get_label() == "w·x + b = 0" for ln in fig.axes[0].lines)
    plots.plot_perceptron(Perceptron(2), X, y)  # all zero: no line, still a picture


def test_regression_accepts_a_model_and_one_feature() -> None:
    X, y = datasets.houses(20, seed=0)
    model = MLP(2, [1], seed=0)
    fig = plots.plot_regression(model, X / 100, y / 100, target_label="price")
    assert "RMSE" in fig.axes[1].get_title()
    fig = plots.plot_regression(lambda A: 3 * A[:, 0], X[:, 0], 3 * X[:, 0])
    assert "RMSE 0)" in fig.axes[1].get_title()


def test_nudge_title_states_the_rise() -> None:
    fig = plots.plot_nudge(lambda f: 4 * f, -2.0, 1.0, slope=4.0, xlabel="f", ylabel="L")
    assert fig.axes[0].get_title() == "nudge f by h = 1: L moves -8 → -4, rise / h = 4"


# -- bad input ---------------------------------------------------------------------


def test_decision_boundary_rejects_x_that_is_not_two_columns(moons_model: Any) -> None:
    model = moons_model[0]
    with pytest.raises(ValueError, match=r"shape \(n, 2\).*\(5, 3\)"):
        plots.plot_decision_boundary(model, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match=r"\(4,\)"):
        plots.plot_decision_boundary(model, np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match=r"one per row"):
        plots.plot_decision_boundary(model, np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        plots.plot_decision_boundary(model, np.full((4, 2), math.nan), np.zeros(4))


@pytest.mark.parametrize("resolution", [1, 0, 5000])
def test_decision_boundary_rejects_a_bad_resolution(moons_model: Any, resolution: int) -> None:
    model, X, y, _ = moons_model
    with pytest.raises(ValueError, match="resolution"):
        plots.plot_decision_boundary(model, X, y, resolution=resolution)


def test_decision_boundary_rejects_things_that_are_not_models(moons_model: Any) -> None:
    _, X, y, _ = moons_model
    with pytest.raises(TypeError, match="expected a neuronlab model"):
        plots.plot_decision_boundary("not a model", X, y)
    with pytest.raises(ValueError, match="output of shape"):
        plots.plot_decision_boundary(lambda A: np.zeros(3), X, y, resolution=4)


def test_unknown_extension_raises_before_drawing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown extension '\.jpg'"):
        plots.plot_sigmoid(tmp_path / "sigmoid.jpg")
    with pytest.raises(ValueError, match="unknown extension"):
        plots.plot_activations(tmp_path / "activations")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such folder"):
        plots.plot_sigmoid(tmp_path / "missing" / "s.png")


def test_perceptron_needs_two_inputs() -> None:
    X, y = datasets.sweets()
    with pytest.raises(ValueError, match="2 inputs, this one has 3"):
        plots.plot_perceptron(Perceptron([2, 6, 2], threshold=5), X, y)
    with pytest.raises(TypeError, match="Perceptron"):
        plots.plot_perceptron(object(), X[:, :2], y)


def test_loss_plot_rejects_empty_and_foreign_histories() -> None:
    with pytest.raises(ValueError, match="no epochs"):
        plots.plot_loss(History())
    with pytest.raises(TypeError, match="History"):
        plots.plot_loss({"loss": [1.0]})


def test_regression_rejects_bad_feature_and_predictions() -> None:
    X, y = datasets.houses(10, seed=0)
    with pytest.raises(ValueError, match="feature 2 is not a column"):
        plots.plot_regression(lambda A: A[:, 0], X, y, feature=2)
    with pytest.raises(ValueError, match="one prediction per row"):
        plots.plot_regression(lambda A: np.zeros((len(A), 2)), X, y)


def test_nudge_rejects_zero_h() -> None:
    with pytest.raises(ValueError, match="h must not be 0"):
        plots.plot_nudge(lambda v: v, 1.0, 0.0)


def test_a_failed_save_leaves_no_temporary_file(tmp_path: Path, monkeypatch: Any) -> None:
    fig = plots.plot_sigmoid()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(fig, "savefig", broken)
    (tmp_path / "s.png").write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk full"):
        plots.save_figure(fig, tmp_path / "s.png")
    assert (tmp_path / "s.png").read_bytes() == b"old"
    assert no_temp_files(tmp_path)


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    with pytest.raises(ImportError, match=r"pip install neuronlab\[viz\]"):
        plots.plot_sigmoid()
    X, y = datasets.gate("and")
    with pytest.raises(ImportError, match=r"pip install neuronlab\[viz\]"):
        plots.plot_decision_boundary(lambda A: A[:, 0], X, y)
