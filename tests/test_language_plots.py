"""The plots of the language models and of a deep network's insides: they draw the right numbers
(checked against NumPy and PyTorch), leave the model as it was, save PNG and SVG, and refuse bad
arguments clearly."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="plots need matplotlib (pip install neuronlab[viz])")

from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from neuronlab import Linear, ReLU, Sequential, Tanh, no_grad
from neuronlab.data import Vocabulary, context_windows, names, split_words
from neuronlab.language import (
    batchnorm_mlp,
    count_bigrams,
    fit_options,
    mlp,
    recipe_for,
    wavenet,
)
from neuronlab.training import History, LRSweep, fit
from neuronlab.training.diagnostics import SATURATED
from neuronlab.viz import plots

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# -- a few small trained models, shared -------------------------------------------------------


class Lab:
    """Everything the tests draw: the vocabulary, data, models and their histories."""

    def __init__(self) -> None:
        words = names()
        self.words = words
        self.vocab = Vocabulary.from_words(words)
        train, dev, _ = split_words(words)
        self.X, self.Y = context_windows(train[:3000], 3, self.vocab)
        self.Xdev, self.Ydev = context_windows(dev[:500], 3, self.vocab)
        rng = np.random.default_rng(0)
        rows = rng.integers(0, len(self.X), 64)
        self.Xb, self.Yb = self.X[rows], self.Y[rows]
        self.normal = mlp(self.vocab, init="normal", seed=0)
        self.history = self._train(self.normal, "mlp")
        self.batchnorm = batchnorm_mlp(self.vocab, seed=0)
        self.bn_history = self._train(self.batchnorm, "batchnorm")

    def _train(self, model: Any, kind: str) -> History:
        options = fit_options(recipe_for(kind, "lecture").with_steps(150), model)
        return fit(
            model,
            self.X,
            self.Y,
            loss="cross_entropy",
            **options,
            record_updates=10,
            eval_every=50,
            validation=(self.Xdev, self.Ydev),
            verbose=False,
        )


@pytest.fixture(scope="module")
def lab() -> Lab:
    with warnings.catch_warnings():  # the normal start's saturated tanh is warned about
        warnings.simplefilter("ignore")
        return Lab()


def legend_texts(fig: Figure) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes]
    return [t.get_text() for legend in legends if legend for t in legend.get_texts()]


def all_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def tanh_outputs(model: Any, X: np.ndarray) -> np.ndarray:
    """The MLP's tanh layer by hand in NumPy: tanh(flatten(C[X]) @ W1ᵀ + b1)."""
    C, W1, b1 = (np.asarray(p.data, np.float64) for p in model.parameters()[:3])
    return np.tanh(C[X].reshape(len(X), -1) @ W1.T + b1)


def percent(text: str, word: str) -> float:
    match = re.search(rf"{word} ([\d.]+)%", text)
    assert match, text
    return float(match.group(1))


# -- 1. activation histograms -----------------------------------------------------------------


def test_the_activation_legend_states_the_saturated_share_computed_by_hand(lab: Lab) -> None:
    fig = plots.plot_activation_histograms(lab.normal, lab.Xb)
    h = tanh_outputs(lab.normal, lab.Xb)
    share = float(np.mean(np.abs(h) > SATURATED))
    (label,) = [t for t in legend_texts(fig) if t.startswith("layer")]
    assert label.startswith("layer 3 (Tanh): mean ")
    assert f"std {h.std():.2f}" in label
    assert f"saturated {share:.1%}" in label
    assert share > 0.3  # the lecture's too-large start
    ax = fig.axes[0]
    assert ax.get_xlim() == (-1.0, 1.0)
    assert ax.get_xlabel() == "tanh output"
    assert ax.get_ylabel() == "density"
    assert "activation distribution" in fig.get_suptitle().lower()


def test_the_normal_start_saturates_more_than_the_kaiming_start(lab: Lab) -> None:
    normal = mlp(lab.vocab, init="normal", seed=1)
    kaiming = mlp(lab.vocab, init="kaiming", seed=1)
    shares = []
    for model in (normal, kaiming):
        (label,) = legend_texts(plots.plot_activation_histograms(model, lab.Xb))[1:]
        shares.append(percent(label, "saturated"))
    assert shares[0] > 50, shares
    assert shares[1] < shares[0] / 3, shares
    found = plots.layer_activations(kaiming, lab.Xb)
    assert found[0].share_beyond(SATURATED) * 100 == pytest.approx(shares[1], abs=0.05)


def test_batchnorm_is_drawn_in_the_models_current_mode(lab: Lab) -> None:
    model = lab.batchnorm
    for mode in (True, False):
        model.train(mode)
        (expected,) = [o.values for o in model.layer_outputs(lab.Xb) if o.activation == "tanh"]
        (found,) = plots.layer_activations(model, lab.Xb)
        np.testing.assert_allclose(found.values, expected, rtol=1e-6)
        title = plots.plot_activation_histograms(model, lab.Xb).axes[0].get_title()
        assert ("training mode" if mode else "evaluation mode") in title
    model.train()


def test_every_tanh_layer_of_a_wavenet_gets_a_line(lab: Lab) -> None:
    model = wavenet(lab.vocab, seed=0)
    X, _ = context_windows(lab.words[:20], 8, lab.vocab)
    fig = plots.plot_activation_histograms(model, X[:32])
    labels = [t for t in legend_texts(fig) if t.startswith("layer")]
    assert [t.split(":")[0] for t in labels] == [
        "layer 4 (Tanh)",
        "layer 8 (Tanh)",
        "layer 12 (Tanh)",
    ]
    assert len(fig.axes[0].get_lines()) == 3


def test_relu_layers_show_their_share_of_zeros() -> None:
    from neuronlab import mlp as feature_mlp

    model = feature_mlp([4, 16, 16, 3], activation="relu", seed=0)
    X = np.random.default_rng(0).normal(size=(50, 4))
    fig = plots.plot_activation_histograms(model, X, layer="relu")
    found = plots.layer_activations(model, X, layer="relu")
    labels = [t for t in legend_texts(fig) if t.startswith("layer")]
    assert len(labels) == 2
    for label, values in zip(labels, found):
        assert label.startswith(f"layer {values.index} (ReLU)")
        assert percent(label, "zero") == pytest.approx(np.mean(values.values <= 0) * 100, abs=0.05)
    assert fig.axes[0].get_xlabel() == "relu output"


# -- 2 and 3. gradients, against PyTorch ------------------------------------------------------


def torch_gradients(model: Any, X: np.ndarray, y: np.ndarray) -> tuple[list[Any], Any]:
    """Each layer's output, with its gradient, and the torch model after a backward."""
    torch = pytest.importorskip("torch")
    from neuronlab import to_torch

    net = to_torch(model)
    net.train(model.training)
    x: Any = torch.from_numpy(X)
    outputs = []
    for layer in net:
        x = layer(x)
        x.retain_grad()
        outputs.append(x)
    torch.nn.functional.cross_entropy(x, torch.from_numpy(y)).backward()
    return outputs, net


@pytest.mark.parametrize("which", ["normal", "batchnorm"])
def test_the_gradient_histogram_std_equals_pytorchs(lab: Lab, which: str) -> None:
    model = getattr(lab, which)
    outputs, _ = torch_gradients(model, lab.Xb, lab.Yb)
    fig = plots.plot_gradient_histograms(model, lab.Xb, lab.Yb)
    found = plots.layer_gradients(model, lab.Xb, lab.Yb)
    assert [v.index for v in found] == [3 if which == "normal" else 4]
    expected = outputs[found[0].index].grad.numpy().astype(np.float64)
    assert found[0].std == pytest.approx(float(expected.std()), rel=1e-5)
    np.testing.assert_allclose(found[0].values, expected, atol=1e-5 * np.abs(expected).max())
    (label,) = legend_texts(fig)
    assert label == (
        f"layer {found[0].index} (Tanh): mean {round(expected.mean(), 6) + 0.0:+.6f}, "
        f"std {expected.std():.1e}"
    )


def test_the_weight_gradients_and_ratios_equal_pytorchs(lab: Lab) -> None:
    model = lab.batchnorm
    _, net = torch_gradients(model, lab.Xb, lab.Yb)
    torch_params = dict(net.named_parameters())
    fig = plots.plot_weight_gradients(model, lab.Xb, lab.Yb)
    found = plots.weight_gradients(model, lab.Xb, lab.Yb)
    assert [w.name for w in found] == ["0.weight", "2.weight", "5.weight"]
    labels = legend_texts(fig)
    for w, label in zip(found, labels):
        grad = torch_params[w.name].grad.numpy().astype(np.float64)
        data = torch_params[w.name].detach().numpy().astype(np.float64)
        assert np.std(w.grad) == pytest.approx(grad.std(), rel=1e-5)
        assert w.ratio == pytest.approx(grad.std() / data.std(), rel=1e-5)
        shape = tuple(data.shape)
        assert label == f"{w.name} {shape}: std {grad.std():.1e}, grad:data ratio {w.ratio:.1e}"


# -- the model is left as it was --------------------------------------------------------------


def snapshot(model: Any) -> tuple[dict[str, np.ndarray], list[Any], list[bool]]:
    grads = [None if p.grad is None else np.array(p.grad) for p in model.parameters()]
    return model.state_dict(), grads, [m.training for m in model.modules()]


DRAWINGS: dict[str, Callable[[Any, Lab], Figure]] = {
    "activations": lambda m, lab: plots.plot_activation_histograms(m, lab.Xb),
    "gradients": lambda m, lab: plots.plot_gradient_histograms(m, lab.Xb, lab.Yb),
    "weights": lambda m, lab: plots.plot_weight_gradients(m, lab.Xb, lab.Yb),
    "saturation": lambda m, lab: plots.plot_saturation(m, lab.Xb),
    "embedding": lambda m, lab: plots.plot_embedding(m),
}


@pytest.mark.parametrize("mode", ["train", "eval", "mixed"])
@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_a_plot_changes_nothing_in_the_model(lab: Lab, name: str, mode: str) -> None:
    model = lab.batchnorm
    model.train(mode == "train")
    if mode == "mixed":
        model[3].train()  # only the BatchNorm in training mode
    before = snapshot(model)
    assert any(g is not None and np.any(g) for g in before[1])  # the last step's gradients
    DRAWINGS[name](model, lab)
    after = snapshot(model)
    assert before[0].keys() == after[0].keys()
    for key in before[0]:
        np.testing.assert_array_equal(before[0][key], after[0][key], err_msg=key)
    for g0, g1 in zip(before[1], after[1]):
        np.testing.assert_array_equal(g0, g1)
    assert before[2] == after[2]
    model.train()


# -- 4. update ratios -------------------------------------------------------------------------


def test_update_ratios_draw_one_line_per_weight_and_the_guide(lab: Lab) -> None:
    history = lab.history
    fig = plots.plot_update_ratios(history)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == set(history.update_ratios) | {"1e-3 guide"}
    assert list(history.update_ratios) == ["0.weight", "2.weight", "4.weight"]
    for name, ratios in history.update_ratios.items():
        np.testing.assert_array_equal(lines[name].get_xdata(), history.update_steps)
        np.testing.assert_allclose(np.asarray(lines[name].get_ydata()), ratios)
    guide = lines["1e-3 guide"]
    assert set(np.asarray(guide.get_ydata(), dtype=float)) == {-3.0}
    assert guide.get_linestyle() == "--"
    assert history.update_steps[:3] == [1, 11, 21]
    assert fig.axes[0].get_ylabel() == "log10(update std / weight std)"
    assert fig.axes[0].get_xlabel() == "step"


def test_a_history_without_recorded_updates_says_how_to_record_them() -> None:
    with pytest.raises(ValueError, match=r"record_updates=N"):
        plots.plot_update_ratios(History())


# -- 5. saturation ----------------------------------------------------------------------------


def test_the_saturation_image_and_its_dead_units(lab: Lab) -> None:
    model = mlp(lab.vocab, init="kaiming", seed=2)
    model[2].bias.data[[5, 17]] = 50.0  # two units pushed to +1 for every example
    fig = plots.plot_saturation(model, lab.Xb)
    ax = fig.axes[0]
    image = np.asarray(ax.get_images()[0].get_array())
    h = tanh_outputs(model, lab.Xb)[:32]
    np.testing.assert_array_equal(image, np.abs(h) > SATURATED)
    assert image.shape == (32, 200)
    dead = [
        p for p in ax.patches if isinstance(p, Rectangle) and to_rgba(p.get_edgecolor())[0] > 0.5
    ]
    assert sorted(round(p.get_x() + 0.5) for p in dead) == [5, 17]
    share = np.mean(np.abs(h) > SATURATED)
    assert ax.get_title(loc="left").startswith(f"layer 3 (Tanh): {share:.1%} of these outputs")
    assert "2 dead units" in ax.get_title(loc="left")
    assert "2 dead units" in fig.get_supxlabel()


def test_a_healthy_layer_has_no_dead_unit(lab: Lab) -> None:
    fig = plots.plot_saturation(mlp(lab.vocab, init="kaiming", seed=2), lab.Xb)
    assert fig.get_supxlabel().startswith("no dead unit")


# -- 6. bigram counts -------------------------------------------------------------------------


def test_the_bigram_table_writes_each_pair_and_its_count_in_its_cell(lab: Lab) -> None:
    counts = count_bigrams(lab.words)
    fig = plots.plot_bigram_counts(counts)
    ax = fig.axes[0]
    stoi = counts.vocabulary.stoi
    row, col = stoi["e"], stoi["m"]
    cell = [t for t in ax.texts if t.get_position() == (col, row)]
    assert [t.get_text() for t in cell] == [f"em\n{counts.counts[row, col]}"]
    assert len(ax.texts) == 27 * 27
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), counts.counts)
    assert ax.get_xlabel() == "next character"
    assert ax.get_ylabel() == "previous character"
    assert f"{counts.counts.sum():,} pairs from {len(lab.words):,} words" in fig.get_suptitle()


# -- 7. embedding -----------------------------------------------------------------------------


def scatter_points(fig: Figure, vocab: Vocabulary) -> np.ndarray:
    """The drawn position of each character, found by the letter written in its circle."""
    ax = fig.axes[0]
    where = {t.get_text(): t.get_position() for t in ax.texts if len(t.get_text()) == 1}
    return np.array([where[ch] for ch in vocab.characters])


def test_the_embedding_is_projected_on_its_principal_components(lab: Lab) -> None:
    table = np.asarray(lab.normal[0].weight.data, dtype=np.float64)
    fig = plots.plot_embedding(lab.normal)
    points = scatter_points(fig, lab.vocab)
    centred = table - table.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    order = np.argsort(values)[::-1]
    expected = centred @ vectors[:, order[:2]]
    for k in range(2):  # a principal direction's sign is a convention
        sign = np.sign(points[:, k] @ expected[:, k])
        np.testing.assert_allclose(points[:, k], sign * expected[:, k], rtol=1e-6, atol=1e-9)
    shares = values[order[:2]] / values.sum()
    ax = fig.axes[0]
    assert ax.get_xlabel() == f"principal component 1 ({shares[0]:.0%} of the variance)"
    assert ax.get_ylabel() == f"principal component 2 ({shares[1]:.0%} of the variance)"
    offsets = np.concatenate([c.get_offsets() for c in ax.collections])
    assert len(offsets) == 27
    assert any("vowel" in t for t in legend_texts(fig))
    assert "word boundary" in all_texts(fig)


def test_a_two_dimensional_table_is_drawn_as_it_is(lab: Lab) -> None:
    table = np.random.default_rng(3).normal(size=(27, 2))
    fig = plots.plot_embedding(table, vocabulary=lab.vocab)
    np.testing.assert_allclose(scatter_points(fig, lab.vocab), table)
    assert fig.axes[0].get_xlabel() == "dimension 1 of the embedding"


def test_vowels_have_their_own_colour(lab: Lab) -> None:
    fig = plots.plot_embedding(lab.normal)
    by_label = {c.get_label(): c for c in fig.axes[0].collections}
    vowels = by_label["vowel (a e i o u)"]
    assert len(np.asarray(vowels.get_offsets())) == 5
    colours = {tuple(np.round(np.asarray(c.get_facecolor())[0], 3)) for c in by_label.values()}
    assert len(colours) == len(by_label) == 3


# -- 8. learning-rate sweep -------------------------------------------------------------------


def test_the_lr_sweep_marks_the_suggestion_and_says_why_it_stopped() -> None:
    lrs = np.geomspace(1e-3, 1.0, 200)
    losses = 3.0 - np.sin(np.linspace(0, 3, 200)) + np.random.default_rng(0).normal(0, 0.05, 200)
    sweep = LRSweep(lrs, losses, 0.05, "the loss rose past 4 times its lowest at lr 1")
    fig = plots.plot_lr_sweep(sweep)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(
        np.asarray(lines["smoothed (moving average)"].get_ydata()), sweep.smoothed()
    )
    np.testing.assert_allclose(np.asarray(lines["loss of each step"].get_ydata()), losses)
    assert lines["loss of each step"].get_alpha() == 0.3  # faint; the smoothed line is opaque
    assert lines["smoothed (moving average)"].get_alpha() is None
    assert list(np.asarray(lines["suggested lr 0.05"].get_xdata())) == [0.05, 0.05]
    assert "lr 0.05" in all_texts(fig)
    assert "stopped early: the loss rose past 4 times its lowest at lr 1" in fig.get_suptitle()


# -- 9. the training curve --------------------------------------------------------------------


def test_the_training_curve_draws_means_checkpoints_and_the_lectures_loss(lab: Lab) -> None:
    history = lab.history
    fig = plots.plot_language_losses(history, lecture=2.17)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    window = 5  # 150 steps: the round window that gives 30 means
    means = np.asarray(history.batch_loss).reshape(-1, window).mean(axis=1)
    np.testing.assert_allclose(
        np.asarray(lines[f"mean of every {window} steps"].get_ydata()), means
    )
    np.testing.assert_allclose(
        np.asarray(lines["loss of each batch"].get_ydata()), history.batch_loss
    )
    train = lines["train loss (all training data)"]
    assert list(np.asarray(train.get_xdata())) == [50, 100, 150]
    np.testing.assert_allclose(np.asarray(train.get_ydata()), [c.loss for c in history.checkpoints])
    dev = lines["dev loss (held-out words)"]
    np.testing.assert_allclose(
        np.asarray(dev.get_ydata()), np.array([c.val_loss for c in history.checkpoints], float)
    )
    assert set(np.asarray(lines["lecture's dev loss 2.17"].get_ydata())) == {2.17}
    assert "lecture's dev loss 2.17" in legend_texts(fig)
    assert fig.axes[0].get_xlabel() == "step"


def test_a_long_run_is_averaged_over_the_lectures_thousand_steps() -> None:
    history = History(batch_loss=list(np.linspace(3.0, 2.0, 60_000)))
    fig = plots.plot_language_losses(history)
    (means,) = [
        ln for ln in fig.axes[0].get_lines() if ln.get_label() == "mean of every 1,000 steps"
    ]
    assert len(np.asarray(means.get_ydata())) == 60
    assert np.asarray(means.get_ydata())[0] == pytest.approx(np.mean(history.batch_loss[:1000]))


# -- saving, and bad arguments ----------------------------------------------------------------


def every_plot(lab: Lab) -> dict[str, Callable[[Any], Figure]]:
    sweep = LRSweep(np.geomspace(1e-3, 1, 50), np.linspace(3, 2, 50), 0.1)
    return {
        "activations": lambda p: plots.plot_activation_histograms(lab.normal, lab.Xb, path=p),
        "gradients": lambda p: plots.plot_gradient_histograms(lab.normal, lab.Xb, lab.Yb, path=p),
        "weights": lambda p: plots.plot_weight_gradients(lab.normal, lab.Xb, lab.Yb, path=p),
        "updates": lambda p: plots.plot_update_ratios(lab.history, path=p),
        "saturation": lambda p: plots.plot_saturation(lab.normal, lab.Xb, path=p),
        "bigrams": lambda p: plots.plot_bigram_counts(count_bigrams(["emma", "ava"]), path=p),
        "embedding": lambda p: plots.plot_embedding(lab.normal, path=p),
        "sweep": lambda p: plots.plot_lr_sweep(sweep, path=p),
        "losses": lambda p: plots.plot_language_losses(lab.history, lecture=2.17, path=p),
    }


def test_every_plot_saves_png_and_svg_and_refuses_other_extensions(
    lab: Lab, tmp_path: Path
) -> None:
    for name, draw in every_plot(lab).items():
        assert isinstance(draw(None), Figure)
        draw(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").read_bytes().startswith(PNG_MAGIC), name
        draw(tmp_path / f"{name}.svg")
        assert ET.parse(tmp_path / f"{name}.svg").getroot().tag.endswith("svg"), name
        with pytest.raises(ValueError, match=r"unknown extension '\.jpg'"):
            draw(tmp_path / f"{name}.jpg")
        with pytest.raises(TypeError, match="path"):
            draw(3)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".png"] * 9 + [".svg"] * 9


def test_the_plots_are_public_names() -> None:
    import neuronlab
    import neuronlab.viz

    for name in [n for n in plots.__all__ if n.startswith("plot_")]:
        assert getattr(neuronlab, name) is getattr(plots, name) is getattr(neuronlab.viz, name)


BAD: list[tuple[str, Callable[[Lab], Any], type[Exception], str]] = [
    (
        "not a model",
        lambda lab: plots.plot_activation_histograms("model", lab.Xb),  # type: ignore[arg-type]
        TypeError,
        r"plot_activation_histograms\(model\): expected a Sequential",
    ),
    (
        "unknown layer",
        lambda lab: plots.plot_activation_histograms(lab.normal, lab.Xb, layer="sigmoid"),
        ValueError,
        r"plot_activation_histograms\(layer\): expected one of tanh, relu, got 'sigmoid'",
    ),
    (
        "no tanh layer",
        lambda lab: plots.plot_activation_histograms(
            Sequential(Linear(2, 3), ReLU(), Linear(3, 1)), np.zeros((4, 2))
        ),
        ValueError,
        r"has no Tanh layer to look at \(its layers: Linear, ReLU, Linear\)",
    ),
    (
        "wrong context",
        lambda lab: plots.plot_saturation(lab.normal, np.zeros((4, 5), int)),
        ValueError,
        r"plot_saturation\(X\): expected contexts of shape \(N, 3\)",
    ),
    (
        "index too large",
        lambda lab: plots.plot_activation_histograms(lab.normal, lab.Xb + 27),
        ValueError,
        r"out of range for an embedding of 27 rows",
    ),
    (
        "text as X",
        lambda lab: plots.plot_activation_histograms(lab.normal, "emma"),
        TypeError,
        r"plot_activation_histograms\(X\): expected integer indices \(one context per row\)",
    ),
    (
        "wrong targets",
        lambda lab: plots.plot_gradient_histograms(lab.normal, lab.Xb, lab.Yb[:3]),
        ValueError,
        r"plot_gradient_histograms\(y\): expected one target per row of X \(64\)",
    ),
    (
        "unknown loss",
        lambda lab: plots.plot_weight_gradients(lab.normal, lab.Xb, lab.Yb, loss="l9"),
        ValueError,
        r"plot_weight_gradients\(loss\): unknown loss 'l9'",
    ),
    (
        "history",
        lambda lab: plots.plot_update_ratios([1, 2]),  # type: ignore[arg-type]
        TypeError,
        r"plot_update_ratios\(history\): expected a neuronlab History, got list",
    ),
    (
        "counts",
        lambda lab: plots.plot_bigram_counts(np.zeros((27, 27))),  # type: ignore[arg-type]
        TypeError,
        r"plot_bigram_counts\(counts\): expected the BigramCounts",
    ),
    (
        "table without vocabulary",
        lambda lab: plots.plot_embedding(np.zeros((27, 2))),
        TypeError,
        r"plot_embedding\(vocabulary\): an array needs the Vocabulary",
    ),
    (
        "table of the wrong size",
        lambda lab: plots.plot_embedding(np.zeros((5, 2)), vocabulary=lab.vocab),
        ValueError,
        r"expected a table of shape \(27, dimensions ≥ 2\).*got shape \(5, 2\)",
    ),
    (
        "not an embedding",
        lambda lab: plots.plot_embedding(Tanh()),  # type: ignore[arg-type]
        TypeError,
        r"plot_embedding\(model\): expected a LanguageModel or an array",
    ),
    (
        "sweep",
        lambda lab: plots.plot_lr_sweep({"lrs": [1]}),  # type: ignore[arg-type]
        TypeError,
        r"plot_lr_sweep\(sweep\): expected the LRSweep of lr_find, got dict",
    ),
    (
        "empty history",
        lambda lab: plots.plot_language_losses(History()),
        ValueError,
        r"plot_language_losses: the history has no steps to plot",
    ),
    (
        "lecture",
        lambda lab: plots.plot_language_losses(lab.history, lecture=-2.0),
        ValueError,
        r"plot_language_losses\(lecture\): expected a number > 0, got -2",
    ),
    (
        "lecture text",
        lambda lab: plots.plot_language_losses(lab.history, lecture="2.17"),  # type: ignore[arg-type]
        TypeError,
        r"plot_language_losses\(lecture\): expected a number",
    ),
]


@pytest.mark.parametrize(("what", "call", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_arguments_are_clear_errors(
    lab: Lab, what: str, call: Callable[[Lab], Any], error: Any, message: str
) -> None:
    with pytest.raises(error, match=message):
        call(lab)


def test_gradients_need_a_graph(lab: Lab) -> None:
    with no_grad(), pytest.raises(RuntimeError, match="outside a no_grad"):
        plots.plot_gradient_histograms(lab.normal, lab.Xb, lab.Yb)
    with no_grad():  # the activations need none
        plots.plot_activation_histograms(lab.normal, lab.Xb)
