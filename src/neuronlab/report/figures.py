"""The run's pictures: each drawn into the folder with a caption that says how to read it.

Which pictures a run gets depends on what it is: every run has its learning
curves; a 2-D classifier its decision regions; a regression its fit; a
classifier with data its confusion matrix; image data the images it got wrong
and its first layer's weights as images; a scalar network one neuron's graph.
A picture that cannot be drawn becomes a sentence on the page saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..losses import LOSSES, decision_threshold
from ..metrics import confusion_matrix
from ..viz import plots
from .facts import Answers
from .inputs import RunInputs
from .neuron import neuron_graph_picture
from .parts import Drawer, Picture

__all__ = ["LOSS_AXIS", "draw_pictures"]

#: How a learning curve's axis names each loss (the registry's titles).
LOSS_AXIS = {name: spec.label for name, spec in LOSSES.items()}


def _names(run: RunInputs) -> tuple[Any, Any, str]:
    """Feature names, class names and what a class is called, from ``info`` when given."""
    info = run.info
    if info is None:
        return None, None, "class"
    return info.feature_names, info.class_names, info.target_name or "class"


def _loss_curves(d: Drawer, run: RunInputs) -> None:
    held = run.held_out
    axis = LOSS_AXIS.get(run.loss or "", "loss")
    if run.task == "regression" and run.config.get("target_standardised"):
        target = run.info.target_name if run.info and run.info.target_name else "target"
        axis = f"MSE of standardised {target}"
    caption = (
        "Solid: the training figures, each the mean over one epoch while the model changed. "
        + (
            f"Dashed: the {held} figures, measured after each epoch. Both falling: the model "
            f"is learning; the {held} loss rising while the training loss falls: it is "
            "memorising the training examples (overfitting)."
            if any(v is not None for v in run.history.val_loss)
            else "No held-out data was given, so there is no test curve to compare with."
        )
    )
    d.draw(
        "loss.png",
        "Learning curves",
        caption,
        lambda p: plots.plot_loss(
            run.history, p, title=run.name, loss_label=axis, validation_label=held
        ),
    )


def _plane_or_fit(d: Drawer, run: RunInputs) -> None:
    """Decision regions of a 2-D classifier, or a regression's fit."""
    model, X, y = run.model, run.X, run.y
    assert model is not None
    assert X is not None
    assert y is not None
    features, classes, _ = _names(run)
    if run.task == "regression":
        info = run.info
        feature = info.feature_label(0) if info else "x1"
        target = info.target_label if info else "y"
        d.draw(
            "regression.png",
            "The fit",
            f"Left: {target} against {feature}; blue dots are the actual values, red crosses "
            "the final model's predictions. Right: each example's prediction against its actual "
            "value; on the dashed line a prediction is exact.",
            lambda p: plots.plot_regression(
                model,
                X,
                y,
                p,
                feature_label=feature,
                target_label=target,
                units=info.target_units if info else None,
            ),
        )
    elif X.shape[1] == 2:
        cut = run.threshold
        if cut is None and run.loss is not None:
            cut = decision_threshold(run.loss, y)
        d.draw(
            "decision_boundary.png",
            "Decision regions",
            "Each point of the plane is coloured by the class the final model gives it; the "
            "black line is where its answer changes. The markers are the training examples.",
            lambda p: plots.plot_decision_boundary(
                model,
                X,
                y,
                p,
                threshold=cut,
                resolution=run.resolution,
                feature_names=features,
                class_names=classes,
            ),
            wide=False,
        )
    elif run.info is None or run.info.image_shape is None:
        d.note(
            f"No decision-region picture: the data has {X.shape[1]} features, and a picture "
            "of the plane needs exactly 2."
        )


def _where(run: RunInputs, answers: Answers) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(images, truth, answers, which set) — the test set when there is one."""
    if run.test is not None and answers.test is not None and answers.test_truth is not None:
        return run.test[0], answers.test_truth, answers.test, "test"
    assert run.X is not None
    return run.X, answers.train_truth, answers.train, "training"


def _biggest_mistake(truth: np.ndarray, said: np.ndarray, k: int, label: Callable) -> str:
    counts = confusion_matrix(truth, said, k)
    np.fill_diagonal(counts, 0)
    if not counts.any():
        return "There are no mistakes here: every count is on the diagonal."
    i, j = np.unravel_index(int(counts.argmax()), counts.shape)
    times = "once" if counts[i, j] == 1 else f"{counts[i, j]} times"
    return (
        f"The most frequent mistake: a true {label(i)} answered as {label(j)}, {times} "
        f"(row {label(i)}, column {label(j)})."
    )


def _mistakes(d: Drawer, run: RunInputs, answers: Answers) -> None:
    """The confusion matrix, and with images the images the model got wrong."""
    images, truth, said, which = _where(run, answers)
    _, classes, what = _names(run)
    k = max(int(truth.max()), int(said.max())) + 1
    if classes is not None:
        k = max(k, len(classes))
    label = run.info.class_label if run.info is not None else str
    d.draw(
        "confusion_matrix.png",
        "Confusion matrix",
        f"The final model on the {len(truth)} {which} examples: each row is a true {what}, "
        "each column the model's answer. The diagonal counts the right answers; every other "
        f"cell counts one kind of mistake. {_biggest_mistake(truth, said, k, label)}",
        lambda p: plots.plot_confusion_matrix(
            truth, said, p, class_names=classes, n_classes=k, what=what
        ),
        wide=run.X is not None and run.X.shape[1] != 2,  # beside the decision regions in 2-D
    )
    shape = run.info.image_shape if run.info is not None else None
    if shape is None:
        return
    wrong = int(np.count_nonzero(truth != said))
    d.draw(
        "misclassified.png",
        f"{which.capitalize()} images the model got wrong",
        f"{wrong} of the {len(truth)} {which} images, each with its true {what} and the "
        "model's answer. Some would puzzle a person too; others show what the model has not "
        "learned.",
        lambda p: plots.plot_misclassified(
            images, truth, said, p, image_shape=shape, class_names=classes
        ),
        wide=wrong > 4,
    )


def _weights(d: Drawer, run: RunInputs) -> None:
    shape = run.info.image_shape if run.info is not None else None
    W = plots.first_layer_weights(run.model)
    if shape is None or W is None or W.shape[1] != shape[0] * shape[1]:
        return
    d.draw(
        "first_layer_weights.png",
        "What the first layer looks for",
        f"Each hidden neuron of the first layer weighs the {W.shape[1]} pixels of an image; "
        f"here its weights are drawn as a {shape[0]}×{shape[1]} image. Ink on a red pixel "
        "raises the neuron's weighted sum, ink on a blue one lowers it; white pixels do not "
        "matter. Some neurons show strokes or blobs, the shapes they respond to; pixels that "
        "are blank in nearly every image get almost no gradient and keep their random start.",
        lambda p: plots.plot_weight_images(W, p, image_shape=shape),
    )


def draw_pictures(
    folder: Path, run: RunInputs, answers: Answers | None
) -> tuple[list[Picture], list[str]]:
    """Draw every picture that fits this run into ``folder``: (pictures, notes for the page)."""
    d = Drawer(folder)
    if run.history.epochs:
        _loss_curves(d, run)
    if run.model is not None and run.X is not None:
        _plane_or_fit(d, run)
        if answers is not None and run.task == "classification":
            _mistakes(d, run, answers)
        _weights(d, run)
        graph = neuron_graph_picture(folder, run.model, run.X)
        if isinstance(graph, Picture):
            d.pictures.append(graph)
        else:
            d.note(graph)
    return d.pictures, d.notes
