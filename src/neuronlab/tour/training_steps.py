"""Steps 6-9 of the tour: networks trained by gradient descent, from toy data to real digits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .. import data as datasets
from ..data.info import dataset_info
from ..metrics import confusion_matrix
from ..nn import MLP, Neuron
from ..optim import SGD, LinearLR
from ..training import History, TrainingDiverged, fit, predict
from .common import Printer, heading
from .examples import DIGITS_RECIPE, DigitsRun, train_digits

__all__ = ["digits", "houses", "moons", "pytorch"]


def moons(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 6: micrograd's demo, shortened: an MLP learns the two moons."""
    from ..viz.plots import plot_decision_boundary, plot_loss

    heading(say, 6, "A multi-layer perceptron learns the moons")
    X, y = datasets.moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    epochs = 40
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=epochs)
    say(f"MLP(2, [16, 16, 1]): {model.num_parameters()} parameters, 100 points,")
    say("hinge loss + 1e-4 L2 penalty,")
    say(f"SGD with lr 1.0 falling to 0.1 over {epochs} epochs (micrograd's demo, shortened):")

    def report(epoch: int, history: History) -> None:
        if epoch == 1 or epoch % 10 == 0:
            say(
                f"  epoch {epoch:3d}  loss {history.loss[-1]:.4f}  "
                f"accuracy {history.accuracy[-1]:.0%}"
            )

    history = fit(
        model,
        X,
        y,
        loss="hinge",
        l2=1e-4,
        optimizer=optimizer,
        scheduler=schedule,
        epochs=epochs,
        seed=0,
        verbose=False,
        callback=report,
    )
    final = history.final()
    say(f"final loss {final['loss']:.4f}, accuracy {final['accuracy']:.0%}")
    info = dataset_info("moons")
    paths = [out / "06_moons_boundary.png", out / "06_moons_loss.png"]
    plot_decision_boundary(
        model, X, y, paths[0], threshold=0.0, resolution=50, class_names=info.class_names
    )
    plot_loss(history, paths[1], title="MLP on the moons", loss_label="hinge loss")
    say(f"  pictures: {paths[0]}, {paths[1]}")
    return paths


def _learning_rates(Z: np.ndarray, y: np.ndarray, say: Printer) -> None:
    say("The learning rate decides: too small crawls, too large overshoots.")
    for lr, verdict in ((0.001, "crawls"), (0.1, "converges"), (1.1, "overshoots, and grows")):
        trial = Neuron(2, "linear", seed=0)
        try:
            h = fit(trial, Z, y, loss="mse", lr=lr, epochs=20, verbose=False)
            mse_text = f"{h.loss[0]:.4g} -> {h.loss[-1]:.4g}"
        except TrainingDiverged:
            mse_text = "inf (diverged)"
        say(f"  lr {lr:<5g}: MSE over 20 steps {mse_text}: {verdict}")


def houses(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 7: one linear neuron, mean squared error and gradient descent on house prices."""
    import warnings

    from ..viz.plots import plot_regression

    heading(say, 7, "Gradient descent on house prices with mean squared error")
    info = dataset_info("houses")
    X, y = datasets.houses(100, seed=0)
    mean, std = X.mean(axis=0), X.std(axis=0)
    Z = (X - mean) / std  # standardised: each feature has mean 0 and spread 1
    say("100 houses: price (k€) from size (m², 40-200) and location (0-1), with noise.")
    say("Model: one linear neuron, price = w1*size' + w2*location' + b, on standardised")
    say("features (size' = (size - mean) / std); cost: MSE = mean of (prediction - price)**2.")
    with warnings.catch_warnings():  # lr 1.1 overshoots on purpose: the lesson, not a problem
        warnings.simplefilter("ignore")
        _learning_rates(Z, y, say)
    model = Neuron(2, "linear", seed=0)
    history = fit(model, Z, y, loss="mse", lr=0.1, epochs=60, verbose=False)
    say(f"lr 0.1, 60 steps: MSE {history.loss[0]:.6g} -> {history.loss[-1]:.6g} k€²")
    predicted = predict(model, Z)
    rmse = float(np.sqrt(np.mean((predicted - y) ** 2)))
    say(f"root mean squared error of the trained neuron {rmse:.2f} k€ (the data's noise is 10 k€)")
    per_m2, per_location = model.w[0].data / std[0], model.w[1].data / std[1]
    say(
        f"back in original units: {per_m2:.3f} k€ per m², {per_location:.1f} k€ per unit of "
        "location (the data was made with 2.5 and 120)"
    )
    path = out / "07_houses_regression.png"
    plot_regression(
        lambda data: predict(model, (np.asarray(data) - mean) / std),
        X,
        y,
        path,
        feature_label=info.feature_label(0),
        target_label=info.target_label,
        units=info.target_units,
        title="One linear neuron trained by gradient descent on MSE",
    )
    say(f"  picture: {path}")
    return [path]


def _digits_run(made: dict[str, Any], say: Printer) -> DigitsRun:
    if "digits" not in made:
        say(f"Training {DIGITS_RECIPE} ...")
        made["digits"] = train_digits()
    run: DigitsRun = made["digits"]
    return run


def digits(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 8: real handwritten digits on the tensor engine, with its test curve and mistakes."""
    from ..viz.plots import plot_confusion_matrix, plot_loss, plot_misclassified

    heading(say, 8, "Real handwritten digits on the tensor engine")
    say("1,797 scanned digits of 8x8 pixels (64 inputs in [0, 1]): 1,347 to train, 450 to test.")
    say("The tensor engine computes a whole batch as one matrix product: the same gradients as")
    say("Value, one array per layer instead of one node per number.")
    run = _digits_run(made, say)
    h = run.history
    for epoch in (1, 10, 20, 30):
        say(
            f"  epoch {epoch:3d}  training loss {h.loss[epoch - 1]:.4f}  "
            f"test accuracy {h.val_accuracy[epoch - 1]:.1%}"
        )
    said = predict(run.model, run.X_test).argmax(axis=1)
    right = int(np.sum(said == run.y_test))
    say(
        f"{len(h.loss)} epochs in {run.seconds:.1f} s: test accuracy {right / len(said):.1%} "
        f"({right} of {len(said)} test images right)"
    )
    counts = confusion_matrix(run.y_test, said, 10)
    np.fill_diagonal(counts, 0)
    i, j = np.unravel_index(int(counts.argmax()), counts.shape)
    article = "an" if i == 8 else "a"
    say(f"The most frequent mistake: {article} {i} read as a {j} ({counts[i, j]} times).")
    info = dataset_info("digits")
    assert info.image_shape is not None
    paths = [out / f"08_digits_{name}.png" for name in ("curves", "confusion", "mistakes")]
    plot_loss(
        h,
        paths[0],
        title="mlp([64, 64, 10]) on the digits",
        loss_label="cross-entropy",
        validation_label="test",
    )
    plot_confusion_matrix(run.y_test, said, paths[1], class_names=info.class_names, what="digit")
    plot_misclassified(
        run.X_test,
        run.y_test,
        said,
        paths[2],
        image_shape=info.image_shape,
        title="Test digits read wrong",
    )
    say(f"  pictures: {', '.join(str(p) for p in paths)}")
    return paths


def pytorch(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 9: the digit classifier copied into PyTorch gives the same outputs."""
    from ..io.torch_bridge import to_torch

    heading(say, 9, "The next step: the same network in PyTorch")
    run = _digits_run(made, say)
    try:
        copy = to_torch(run.model)
    except ImportError:
        say("Skipped: PyTorch is not installed (pip install torch). With it, to_torch(model)")
        say("builds the torch.nn.Sequential with the same weights, which gives the same outputs.")
        return []
    import torch

    say("to_torch(model) builds the PyTorch network with the same layers and weights:")
    for line in str(copy).splitlines():
        say("  " + line)
    ours = predict(run.model, run.X_test)
    with torch.no_grad():
        theirs = copy(torch.from_numpy(run.X_test.astype(ours.dtype))).numpy()
    gap = float(np.abs(ours - theirs).max())
    agree = int(np.sum(ours.argmax(axis=1) == theirs.argmax(axis=1)))
    say(f"On the {len(ours)} test images ({ours.size} outputs), the largest difference between")
    say(f"neuronlab's and PyTorch's outputs is {gap:.2g} (float32 rounding); both choose the")
    say(f"same digit for {agree} of {len(ours)} images. Train on from here with torch.optim.")
    return []
