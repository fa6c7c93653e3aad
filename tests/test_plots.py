"""The plots: valid PNG and SVG files written atomically, pictures that say what they show,
and clear errors for bad input."""

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

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from neuronlab import MLP, Perceptron, confusion_matrix, datasets, fit, mlp
from neuronlab.training import History
from neuronlab.viz import plots

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert len(data) > 1000, f"{path} is not a PNG"
    assert data.startswith(PNG_MAGIC), f"{path} is not a PNG"


def assert_svg(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), root.tag
    return root


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".tmp")]


def texts(fig: Figure) -> list[str]:
    """Every piece of text in a figure: titles, labels, annotations, legends, tick labels."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def pixel(fig: Figure, ax: Any, x: float, y: float) -> np.ndarray:
    """The RGB colour drawn at data point (x, y) of ``ax``."""
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # the tests draw with Agg
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    return rgba[round(rgba.shape[0] - py), round(px), :3].astype(int)


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
    perceptron = Perceptron([0.0, 0.0], threshold=0.5)
    perceptron.fit(Xg, yg)
    Xh, yh = datasets.houses(20, seed=1)
    images = np.random.default_rng(0).uniform(0, 1, (6, 64))
    calls: dict[str, Any] = {
        "activations": lambda p: plots.plot_activations(p),
        "sigmoid": lambda p: plots.plot_sigmoid(p),
        "loss": lambda p: plots.plot_loss(history, p),
        "boundary": lambda p: plots.plot_decision_boundary(model, X, y, p, resolution=12),
        "perceptron": lambda p: plots.plot_perceptron(perceptron, Xg, yg, p),
        "regression": lambda p: plots.plot_regression(
            lambda A: datasets.HOUSE_PRICE(A[:, 0], A[:, 1]), Xh, yh, p
        ),
        "nudge": lambda p: plots.plot_nudge(lambda v: v**2, 1.0, 0.5, p, slope=2.0),
        "confusion": lambda p: plots.plot_confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1], p),
        "misclassified": lambda p: plots.plot_misclassified(
            images, [1, 2, 3, 4, 5, 6], [1, 0, 3, 0, 5, 0], p, image_shape=(8, 8)
        ),
        "weights": lambda p: plots.plot_weight_images(images, p, image_shape=(8, 8)),
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
    drawn = _draw_all(moons_model, ".svg", tmp_path)
    for _, (_, path) in drawn.items():
        assert_svg(path)
    assert len(list(tmp_path.glob("*.svg"))) == len(drawn)


def test_plots_are_importable_from_the_top_level() -> None:
    import neuronlab

    for name in plots.__all__:
        if name.startswith("plot_"):
            assert getattr(neuronlab, name) is getattr(plots, name), name
            assert name in neuronlab.__all__


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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    plots.plot_activations()
    plots.plot_confusion_matrix([0, 1], [1, 1])
    assert set(plt.get_fignums()) == before


def test_importing_the_plots_does_not_import_matplotlib() -> None:
    code = "import sys, neuronlab, neuronlab.viz.plots; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- what the pictures say ---------------------------------------------------------


def test_sigmoid_marks_sigma_of_zero_at_one_half() -> None:
    fig = plots.plot_sigmoid()
    marks = {a.get_text(): a.xy for a in fig.axes[0].texts if isinstance(a, Annotation)}
    assert marks["σ(0) = 0.5"] == (0, 0.5)
    assert any(text.startswith("large positive z") for text in marks)


def test_loss_plot_adds_an_accuracy_panel_only_for_classification(moons_model: Any) -> None:
    _, _, _, history = moons_model
    fig = plots.plot_loss(history)
    assert len(fig.axes) == 2
    assert fig.axes[1].get_ylabel().startswith("accuracy")
    assert fig.axes[1].get_ylim()[1] >= 1.0
    regression = History(loss=[3.0, 2.0, 1.5], accuracy=[None] * 3, lr=[0.1] * 3)
    fig = plots.plot_loss(regression, loss_label="MSE")
    assert len(fig.axes) == 1
    assert [line.get_label() for line in fig.axes[0].lines] == ["training"]
    assert fig.axes[0].get_ylabel() == "MSE"
    assert "final: training 1.5" in fig.axes[0].get_title()


def test_loss_plot_draws_the_held_out_curves_under_their_name(moons_model: Any) -> None:
    _, _, _, history = moons_model
    fig = plots.plot_loss(history, validation_label="test")
    for ax in fig.axes:
        labels = [line.get_label() for line in ax.lines]
        assert labels == ["training", "test"]
        held = np.asarray(ax.lines[1].get_ydata())
        assert len(held) == history.epochs
    assert list(np.asarray(fig.axes[0].lines[1].get_ydata())) == history.val_loss
    assert list(np.asarray(fig.axes[1].lines[1].get_ydata())) == history.val_accuracy


def test_loss_falling_a_hundredfold_is_drawn_on_a_log_scale() -> None:
    steep = History(loss=[10.0, 1.0, 0.01], accuracy=[None] * 3, lr=[0.1] * 3)
    fig = plots.plot_loss(steep, loss_label="MSE")
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[0].get_ylabel() == "MSE, log scale"
    gentle = History(loss=[2.0, 1.0], accuracy=[None] * 2, lr=[0.1] * 2)
    assert plots.plot_loss(gentle).axes[0].get_yscale() == "linear"


def test_decision_boundary_with_several_outputs_uses_argmax() -> None:
    X, y = datasets.blobs(30, centers=3, seed=0)
    model = MLP(2, [4, 3], seed=0)
    fig = plots.plot_decision_boundary(model, X, y, resolution=10)
    assert "the largest output wins" in fig.axes[0].get_title()


def test_decision_boundary_threshold_for_probabilities_and_scores() -> None:
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    probability = lambda A: 1 / (1 + np.exp(-(A[:, 1] - 0.5) * 4))
    fig = plots.plot_decision_boundary(probability, X, y, resolution=8)
    assert "class 1 where output > 0.5" in fig.axes[0].get_title()
    assert "100% of these points" in fig.axes[0].get_title()
    score = lambda A: A[:, 1] - 0.5
    fig = plots.plot_decision_boundary(score, X, y, resolution=8)
    assert "where output > 0)" in fig.axes[0].get_title()
    fig = plots.plot_decision_boundary(score, X, y, resolution=8, threshold=2.0)
    assert "where output > 2)" in fig.axes[0].get_title()
    assert "50% of these points" in fig.axes[0].get_title()


def test_decision_regions_are_coloured_by_the_models_answer() -> None:
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    fig = plots.plot_decision_boundary(lambda A: A[:, 1] - 0.5, X, y, resolution=30)
    ax = fig.axes[0]
    above, below = pixel(fig, ax, 0.5, 0.9), pixel(fig, ax, 0.5, 0.1)
    assert above[2] > above[0], f"class 1 (blue) region drawn as {above}"
    assert below[0] > below[2], f"class 0 (red) region drawn as {below}"


def test_decision_boundary_names_axes_and_classes() -> None:
    X, y = datasets.moons(20, seed=0)
    fig = plots.plot_decision_boundary(
        lambda A: A[:, 1],
        X,
        y,
        resolution=6,
        feature_names=["a (m)", "b (s)"],
        class_names=["upper moon", "lower moon"],
    )
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a (m)", "b (s)")
    box = ax.get_legend()
    assert box is not None
    legend = [t.get_text() for t in box.get_texts()]
    assert legend == ["upper moon (y = 0)", "lower moon (y = 1)"]
    assert "lower moon where output" in ax.get_title()
    with pytest.raises(ValueError, match="2 feature names"):
        plots.plot_decision_boundary(lambda A: A[:, 1], X, y, resolution=6, feature_names=["a"])


def test_perceptron_line_is_w_dot_x_equal_to_the_threshold() -> None:
    p = Perceptron([1.0, 2.0], bias=-2.0)
    X, y = datasets.gate("or")
    fig = plots.plot_perceptron(p, X, y)
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "the line w·x = threshold")
    xs, ys = line.get_data()
    assert np.allclose(1.0 * np.asarray(xs) + 2.0 * np.asarray(ys) - 2.0, 0.0)


def test_perceptron_shades_only_where_it_outputs_one() -> None:
    X, y = datasets.gate("xor")
    p = Perceptron([-1.0, 0.0], threshold=-0.5)  # outputs 1 left of x1 = 0.5
    fig = plots.plot_perceptron(p, X, y)
    ax = fig.axes[0]
    for x1 in (-0.2, 0.2, 0.45):
        colour = pixel(fig, ax, x1, 0.5)
        assert colour[2] > colour[0] + 20, f"output-1 side at x1 = {x1} is not shaded: {colour}"
    for x1 in (0.55, 0.8, 1.2):
        assert (pixel(fig, ax, x1, 0.5) > 245).all(), f"output-0 side at x1 = {x1} is shaded"
    assert "2 of 4 points right" in ax.get_title()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "shaded: output 1 (w·x > threshold)" in legend
    assert "classified wrong" in legend


def test_perceptron_names_points_on_the_line_and_nowhere_else() -> None:
    X, y = datasets.gate("and")
    on_line = plots.plot_perceptron(Perceptron([2.0, 1.0], bias=-2.0), X, y)
    assert any("1 point(s) on the line" in t for t in texts(on_line))
    clear = Perceptron([0.0, 0.0], threshold=0.5)
    clear.fit(X, y)
    assert np.abs(clear.weighted_sum(X)).min() >= 0.5  # every point clearly on one side
    assert not any("on the line" in t for t in texts(plots.plot_perceptron(clear, X, y)))


def test_perceptron_with_a_zero_second_weight_draws_a_vertical_line() -> None:
    X, y = datasets.gate("and")
    fig = plots.plot_perceptron(Perceptron([1.0, 0.0], threshold=0.5), X, y)
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "the line w·x = threshold")
    assert list(np.asarray(line.get_xdata())) == [0.5, 0.5]
    fig = plots.plot_perceptron(Perceptron(2), X, y)  # all zero: no line, nothing shaded
    assert not [ln for ln in fig.axes[0].lines if ln.get_label() == "the line w·x = threshold"]
    assert "3 of 4 points right" in fig.axes[0].get_title()  # it says 0 to all four
    assert (pixel(fig, fig.axes[0], 0.5, 0.5) > 245).all()


def test_regression_accepts_a_model_and_one_feature() -> None:
    X, y = datasets.houses(20, seed=0)
    model = MLP(2, [1], seed=0)
    fig = plots.plot_regression(model, X / 100, y / 100, target_label="price")
    assert fig.axes[0].get_ylabel() == "price"
    fig = plots.plot_regression(lambda A: 3 * A[:, 0], X[:, 0], 3 * X[:, 0])
    assert "RMSE 0)" in fig.axes[1].get_title()


def test_regression_names_its_axes_and_gives_the_rmse_in_units() -> None:
    X, y = datasets.houses(20, seed=0)
    fig = plots.plot_regression(
        lambda A: datasets.HOUSE_PRICE(A[:, 0], A[:, 1]) + 3.0,
        X,
        y,
        feature_label="size (m²)",
        target_label="price (k€)",
        units="k€",
    )
    left, right = fig.axes
    assert (left.get_xlabel(), left.get_ylabel()) == ("size (m²)", "price (k€)")
    rmse = np.sqrt(np.mean((datasets.HOUSE_PRICE(X[:, 0], X[:, 1]) + 3.0 - y) ** 2))
    assert f"RMSE {rmse:.3g} k€" in right.get_title()


def test_nudge_draws_the_secant_and_the_tangent_with_their_slopes() -> None:
    fig = plots.plot_nudge(lambda v: v**2, 1.0, 0.5, slope=2.0, xlabel="x", ylabel="x²")
    ax = fig.axes[0]
    assert ax.get_title() == (
        "nudge x by h = 0.5: x² moves 1 → 2.25\nrise / h = 2.5; the slope at x = 1 is 2"
    )
    lines = {ln.get_label(): ln for ln in ax.lines}
    secant = lines["secant through both points, slope rise / h = 2.5"]
    tangent = lines["tangent at x = 1, slope 2 (backprop)"]
    for line, slope in ((secant, 2.5), (tangent, 2.0)):
        xs, ys = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert np.allclose(np.diff(ys) / np.diff(xs), slope)
        assert np.interp(1.0, xs, ys) == pytest.approx(1.0)  # both pass through (x, f(x))


def test_nudge_title_of_a_straight_line() -> None:
    fig = plots.plot_nudge(lambda f: 4 * f, -2.0, 1.0, xlabel="f", ylabel="L")
    assert fig.axes[0].get_title() == "nudge f by h = 1: L moves -8 → -4\nrise / h = 4"


def test_confusion_matrix_shows_every_count_of_metrics_confusion_matrix() -> None:
    truth = [0, 0, 1, 1, 1, 2, 2, 2, 2]
    said = [0, 1, 1, 1, 2, 2, 2, 2, 0]
    fig = plots.plot_confusion_matrix(truth, said, class_names=["a", "b", "c"], what="letter")
    ax = fig.axes[0]
    counts = confusion_matrix(truth, said)
    shown = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    assert shown == {(i, j): str(counts[i, j]) for i in range(3) for j in range(3)}
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted letter", "true letter")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert "6 of 9 right (66.7%)" in fig.get_suptitle()


def test_confusion_colours_right_answers_blue_and_mistakes_red() -> None:
    colours = plots.confusion.confusion_colours(np.array([[40, 1], [0, 5]]))
    right, mistake, empty = colours[0, 0], colours[0, 1], colours[1, 0]
    assert right[2] > right[0]
    assert colours[1, 1][2] > colours[1, 1][0]
    assert mistake[0] > mistake[2]
    assert (empty == 1.0).all()
    assert colours[1, 1][2] < 1.0  # 5 right answers still show, beside 40


def test_misclassified_shows_each_wrong_image_with_both_labels() -> None:
    images = np.arange(5 * 4, dtype=float).reshape(5, 4)
    fig = plots.plot_misclassified(
        images, [0, 1, 2, 3, 4], [0, 2, 2, 1, 4], image_shape=(2, 2), class_names=list("vwxyz")
    )
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == ["true w\nsaid x", "true y\nsaid w"]
    shown = [np.asarray(ax.images[0].get_array()) for ax in fig.axes if ax.images]
    assert np.array_equal(shown[0], images[1].reshape(2, 2))
    assert "2 of 5 wrong" in fig.get_suptitle()
    none_wrong = plots.plot_misclassified(images, [1] * 5, [1] * 5, image_shape=(2, 2))
    assert any("No mistakes" in t for t in texts(none_wrong))
    capped = plots.plot_misclassified(images, [0] * 5, [1] * 5, image_shape=(2, 2), max_images=3)
    assert len([ax for ax in capped.axes if ax.images]) == 3
    assert "the first 3 shown" in capped.get_suptitle()


def test_weight_images_one_per_neuron_on_a_scale_centred_at_zero() -> None:
    net = mlp([64, 5, 10], seed=0)
    weights = plots.first_layer_weights(net)
    assert weights is not None
    assert np.array_equal(weights, net[0].weight.data)
    fig = plots.plot_weight_images(net, image_shape=(8, 8))
    ax = fig.axes[0]
    image = ax.images[0]
    low, high = image.get_clim()
    assert low == -high
    assert high > 0
    assert image.get_cmap().name.startswith("RdBu_r")
    mosaic, corners = plots.images.weight_mosaic(weights, (8, 8))
    assert np.array_equal(np.asarray(image.get_array()), mosaic, equal_nan=True)
    assert len(corners) == 5
    for k, (top, left) in enumerate(corners):  # each neuron's weights, as its 8×8 image
        assert np.array_equal(mosaic[top : top + 8, left : left + 8], weights[k].reshape(8, 8))
    assert np.isnan(mosaic).sum() == mosaic.size - weights.size  # nothing else is drawn
    assert [t.get_text() for t in ax.texts] == [f"neuron {k}" for k in range(1, 6)]
    assert "one 8×8 image per hidden neuron" in fig.get_suptitle()


def test_first_layer_weights_of_a_scalar_mlp() -> None:
    net = MLP(3, [2, 1], seed=0)
    weights = plots.first_layer_weights(net)
    assert weights is not None
    expected = [[w.data for w in n.w] for n in net.layers[0].neurons]
    assert np.array_equal(weights, np.array(expected))
    assert plots.first_layer_weights("not a model") is None


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
        plots.plot_perceptron(object(), X[:, :2], y)  # type: ignore[arg-type]


def test_loss_plot_rejects_empty_and_foreign_histories() -> None:
    with pytest.raises(ValueError, match="no epochs"):
        plots.plot_loss(History())
    with pytest.raises(TypeError, match="History"):
        plots.plot_loss({"loss": [1.0]})  # type: ignore[arg-type]


def test_regression_rejects_bad_feature_and_predictions() -> None:
    X, y = datasets.houses(10, seed=0)
    with pytest.raises(ValueError, match="feature 2 is not a column"):
        plots.plot_regression(lambda A: A[:, 0], X, y, feature=2)
    with pytest.raises(ValueError, match="one prediction per row"):
        plots.plot_regression(lambda A: np.zeros((len(A), 2)), X, y)


def test_nudge_rejects_zero_h() -> None:
    with pytest.raises(ValueError, match="h must not be 0"):
        plots.plot_nudge(lambda v: v, 1.0, 0.0)


def test_image_plots_reject_a_shape_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match=r"8×8 holds 64 pixels, but each row has 10"):
        plots.plot_weight_images(np.zeros((3, 10)), image_shape=(8, 8))
    with pytest.raises(TypeError, match=r"image_shape must be \(height, width\)"):
        plots.plot_misclassified(np.zeros((2, 4)), [0, 1], [1, 1], image_shape=4)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one label of each per image"):
        plots.plot_misclassified(np.zeros((2, 4)), [0, 1, 1], [1, 1], image_shape=(2, 2))
    with pytest.raises(ValueError, match="3 classes but only 2 class names"):
        plots.plot_confusion_matrix([0, 1, 2], [0, 1, 2], class_names=["a", "b"])
    with pytest.raises(TypeError, match=r"array \(neurons, pixels\) or a network"):
        plots.plot_weight_images("weights", image_shape=(2, 2))


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
    with pytest.raises(ImportError, match=r"pip install neuronlab\[viz\]"):
        plots.plot_confusion_matrix([0, 1], [0, 1])
