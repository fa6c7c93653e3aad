"""The report of a ``neuronlab makemore`` run: a character-level language model, explained.

``write_language_report(out_dir, config=..., model=..., counts=..., history=..., splits=...,
losses=..., samples=..., lecture=...)`` writes, as far as they apply to the model::

    neuronlab-run.json    marks the folder as a run folder; lists the run's files
    config.json           the run's settings
    metrics.json          the train / dev / test losses, the lecture's figure, parameters, steps
    checkpoints.csv       trained models: the losses on all of train and dev, every few steps
    samples.txt           the words sampled from the model, one per line
    losses.png            trained models: the training curve, beside the lecture's dev loss
    counts.png            the bigram count table of the training words
    embedding.png         the character embedding (the first layer's table)
    activations.png       models with tanh layers: what they output for one batch
    gradients.png         ... and the loss's gradient with respect to those outputs
    weight_gradients.png  trained models: each weight matrix's gradient for that batch
    saturation.png        models with tanh layers: which units saturate for which example
    update_ratios.png     when the run recorded them: each step's size next to the weights
    index.html            a single page showing all of the above, needing nothing else

The folder follows the rules of every run report (``report.folder``): a fresh
``runs/makemore-<model>-<time>/``, a new or empty folder, or an earlier run's
folder, whose run files are replaced; anything else is refused before a file
is written, and every file is written atomically.

The pictures of the network's insides look at one batch of ``BATCH_SIZE``
training contexts drawn with ``BATCH_SEED``, in training mode, as the
lectures look at them (BatchNorm normalising with the batch's own
statistics).  Writing the report changes nothing of the model: its weights,
statistics and gradients stay as they were, and so does its mode.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data.text import BOUNDARY, context_windows
from ..language import LADDER, BigramCounts, LanguageModel, recipe_for
from ..nn import Embedding, Linear, Tanh
from ..nn.module import training_mode
from ..training import History
from ..training.diagnostics import SATURATED
from ..training.updates import GUIDE
from ..util.checks import describe, real_number
from ..util.files import write_atomic
from ..util.numbers import format_number
from ..util.rng import make_rng
from ..version import __version__
from ..viz import plots
from ..viz.plots.internals import SATURATION_ROWS, layer_activations, layer_gradients
from ..viz.plots.internals import weight_gradients as weight_gradient_list
from ..viz.plots.language import BAND_STEPS, VOWELS, embedding_projection
from . import page
from .folder import MARKER, check_run_folder, finish_run_folder, open_run_folder
from .jsontext import json_text, jsonable
from .parts import Card, Drawer, Picture

__all__ = ["BATCH_SEED", "BATCH_SIZE", "MODEL_TITLES", "write_language_report"]

#: How many training contexts the pictures of the network's insides look at (the lectures' 32).
BATCH_SIZE = 32
#: The seed that draws those contexts: the same run always shows the same batch.
BATCH_SEED = 0
#: How the page names each model of the ladder.
MODEL_TITLES = {
    "counts": "the bigram counts",
    "bigram": "the bigram network",
    "mlp": "the MLP",
    "batchnorm": "the MLP with BatchNorm",
    "wavenet": "the WaveNet",
}
_SPLITS = ("train", "dev", "test")
_WHERE = "write_language_report"


# -- the inputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """Everything the report is made from, checked."""

    config: Mapping[str, Any]
    model: LanguageModel
    counts: BigramCounts
    history: History | None
    splits: tuple[list[str], list[str], list[str]]
    losses: dict[str, float]
    samples: list[str]
    lecture: float | None
    seconds: float | None

    @property
    def kind(self) -> str:
        """The model's name in the ladder ("mlp", "counts", ...), from the config."""
        kind = self.config.get("model")
        return kind if isinstance(kind, str) and kind else "language model"

    @property
    def title(self) -> str:
        """``the MLP``: how the page names the model."""
        return MODEL_TITLES.get(self.kind, f"the {self.kind}")

    @property
    def noun(self) -> str:
        """What the words are: "name" for the bundled names, "word" for any other list."""
        source = self.config.get("input")
        return "name" if not isinstance(source, str) or source.startswith("names") else "word"

    @property
    def steps(self) -> int:
        """How many training steps ran (0 for the counts, which are counted)."""
        return 0 if self.history is None else len(self.history.batch_loss)

    @property
    def has_tanh(self) -> bool:
        """Whether the model has a tanh layer to look inside."""
        return any(isinstance(m, Tanh) for m in self.model)


def _check_words(value: Any, where: str) -> list[str]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise TypeError(f"{_WHERE}({where}): expected a list of words, got {describe(value)}")
    if not all(isinstance(w, str) for w in value):
        raise TypeError(f"{_WHERE}({where}): expected every entry to be a str")
    return list(value)


def _check_splits(splits: Any) -> tuple[list[str], list[str], list[str]]:
    if not isinstance(splits, Sequence) or isinstance(splits, str) or len(splits) != 3:
        raise TypeError(
            f"{_WHERE}(splits): expected the (train, dev, test) word lists, got {describe(splits)}"
        )
    train, dev, test = (_check_words(part, f"splits[{i}]") for i, part in enumerate(splits))
    if not train:
        raise ValueError(f"{_WHERE}(splits): the training words are empty")
    return train, dev, test


def _check_losses(losses: Any) -> dict[str, float]:
    if not isinstance(losses, Mapping) or set(losses) != set(_SPLITS):
        raise TypeError(
            f"{_WHERE}(losses): expected a dict with the keys train, dev and test, got "
            f"{describe(losses)}"
        )
    out = {}
    for part in _SPLITS:
        out[part] = real_number(losses[part], f"{_WHERE}(losses[{part!r}])", finite=False)
    return out


def _check_types(model: Any, counts: Any, history: Any, config: Any) -> None:
    expected = (
        (model, LanguageModel, "model", "a LanguageModel"),
        (counts, BigramCounts, "counts", "the BigramCounts of the training words"),
        (config, Mapping, "config", "a dict of settings"),
    )
    for value, kind, name, words in expected:
        if not isinstance(value, kind):
            raise TypeError(f"{_WHERE}({name}): expected {words}, got {describe(value)}")
    if history is not None and not isinstance(history, History):
        raise TypeError(
            f"{_WHERE}(history): expected a History (or None for the counts), "
            f"got {describe(history)}"
        )


def _check_number(value: Any, name: str) -> float | None:
    return None if value is None else real_number(value, f"{_WHERE}({name})", minimum=0.0)


def _check_inputs(fields: Mapping[str, Any]) -> _Run:
    """The arguments of ``write_language_report`` checked, before anything is written."""
    _check_types(fields["model"], fields["counts"], fields["history"], fields["config"])
    return _Run(
        config=fields["config"],
        model=fields["model"],
        counts=fields["counts"],
        history=fields["history"],
        splits=_check_splits(fields["splits"]),
        losses=_check_losses(fields["losses"]),
        samples=_check_words(fields["samples"], "samples"),
        lecture=_check_number(fields["lecture"], "lecture"),
        seconds=_check_number(fields["seconds"], "seconds"),
    )


# -- the figures and their words ----------------------------------------------------------


def _loss(x: float) -> str:
    """A loss as the command prints it: four significant digits."""
    return format_number(x, 4)


def _examples(words: Sequence[str]) -> int:
    """How many (context, next character) examples the words make: one per character and end."""
    return sum(len(w) + 1 for w in words)


def _lecture_recipe(run: _Run) -> Any:
    """The lecture's recipe for this model, or None (the counts, or a model not in the ladder)."""
    return recipe_for(run.kind, "lecture") if run.kind in LADDER else None


def _lecture_label(run: _Run) -> str:
    recipe = _lecture_recipe(run)
    if recipe is not None and recipe.data == "all":
        return "the lecture's loss"  # the bigram lecture scores the words it trained on
    return "the lecture's dev loss"


def _lecture_comparison(run: _Run, short: bool = False) -> str:
    """Our dev loss against the lecture's: reached, or the gap; "" without a lecture figure."""
    if run.lecture is None:
        return ""
    dev, gap = run.losses["dev"], run.losses["dev"] - run.lecture
    recipe = _lecture_recipe(run)
    verdict = (
        f"reached: ours is {format_number(-gap, 2)} lower"
        if gap <= 0
        else f"not reached: ours is {format_number(gap, 2)} higher"
    )
    if not short:
        verdict = verdict.replace("ours", f"our {_loss(dev)}")
    if recipe is None:
        return verdict
    return f"{verdict}, after {run.steps:,} steps (the lecture's: {recipe.steps:,})"


def _metrics(run: _Run) -> dict[str, Any]:
    """What metrics.json holds: the losses, the lecture's figure, the model's size, the run's."""
    out: dict[str, Any] = {"model": run.kind}
    out.update({f"{part}_loss": run.losses[part] for part in _SPLITS})
    if run.lecture is not None:
        out["lecture_dev_loss"] = run.lecture
        out["reached_lecture"] = run.losses["dev"] <= run.lecture
    out["counts_dev_loss"] = run.counts.nll(run.splits[1]) if run.splits[1] else None
    out["uniform_loss"] = math.log(len(run.model.vocabulary))
    out["parameters"] = run.model.num_parameters()
    out["steps"] = run.steps
    out.update({f"{part}_words": len(words) for part, words in zip(_SPLITS, run.splits)})
    out["samples"] = len(run.samples)
    if run.seconds is not None:
        out["seconds"] = run.seconds
    return {k: v for k, v in out.items() if v is not None}


def _loss_cards(run: _Run) -> list[Card]:
    train, dev, test = run.splits
    notes = {
        "train": f"mean −log p over the {_examples(train):,} next characters of "
        f"{len(train):,} training {run.noun}s",
        "dev": f"{len(dev):,} {run.noun}s never trained on: the figure to compare",
        "test": f"{len(test):,} {run.noun}s kept for the very end",
    }
    return [
        Card(f"{part}_loss", f"{part} loss", _loss(run.losses[part]), notes[part])
        for part in _SPLITS
    ]


def _cards(run: _Run) -> list[Card]:
    """The results: the three losses, the lecture's figure beside ours, the size, the steps."""
    cards = _loss_cards(run)
    if run.lecture is not None:
        cards.append(
            Card(
                "lecture_dev_loss",
                _lecture_label(run),
                format_number(run.lecture, 4),
                _lecture_comparison(run, short=True),
            )
        )
    size = run.model.num_parameters()
    what = (
        "the cells of the count table: counted, not trained"
        if run.history is None
        else "numbers the training adjusted"
    )
    cards.append(Card("parameters", "parameters", f"{size:,}", what))
    cards.append(Card("steps", "steps", f"{run.steps:,}", _steps_note(run)))
    if run.seconds is not None:
        cards.append(Card("seconds", "seconds", format_number(run.seconds, 3), "of training"))
    return cards


def _steps_note(run: _Run) -> str:
    if run.history is None:
        return "none: the counts are one pass over the training words"
    batch = run.config.get("batch_size")
    size = "all the examples" if batch is None else f"batches of {batch}"
    optimizer, lr = run.config.get("optimizer"), run.config.get("lr")
    how = f", {optimizer} lr {format_number(lr)}" if optimizer and isinstance(lr, float) else ""
    return f"{size}{how}"


def _about(run: _Run, counts_dev: float | None) -> str:
    """The paragraph under the cards: what the losses are, and what to compare them with."""
    size, dev = len(run.model.vocabulary), run.losses["dev"]
    uniform = math.log(size)
    sentences = [
        "Each loss is the mean of −log p(next character) in nats, over every character of "
        f"the {run.noun}s and the '.' that ends each one, measured on the final model "
        "(in evaluation mode).",
        f"Guessing uniformly among the {size} characters scores ln {size} = "
        f"{format_number(uniform, 4)}"
        + (f"; this model's {_loss(dev)} is still above that." if dev >= uniform else "."),
    ]
    if counts_dev is not None and run.kind != "counts":
        sentences.append(_counts_words(run, counts_dev))
    sentences.append(_overfitting(run))
    return " ".join(sentences)


def _counts_words(run: _Run, counts_dev: float) -> str:
    """Our dev loss beside the bigram counts', the best a one-character model can do."""
    dev = run.losses["dev"]
    start = (
        f"The bigram counts score {_loss(counts_dev)} on the dev {run.noun}s, the best a "
        "model reading one character can do"
    )
    if run.model.block_size == 1:
        return f"{start}: this model can at best come close to it (here {_loss(dev)})."
    if dev < counts_dev:
        return f"{start}; reading {run.model.block_size} characters, this model goes below it."
    return f"{start}; this model, though it reads {run.model.block_size}, is not below it yet."


def _overfitting(run: _Run) -> str:
    gap = run.losses["dev"] - run.losses["train"]
    if gap > 0.1:
        return (
            f"The dev loss is {format_number(gap, 2)} above the train loss: the model has begun "
            f"to memorise its training {run.noun}s (overfitting)."
        )
    start = f"The dev loss is within {format_number(abs(gap), 2)} of the train loss: no overfitting"
    if run.model.block_size == 1:
        return f"{start}; only a model that reads more than one character can lower both."
    return f"{start}; as the lecture says, longer training or a bigger model may lower both."


# -- the data files -----------------------------------------------------------------------


def _write_data_files(folder: Path, run: _Run, config_json: str, metrics: dict) -> list[str]:
    """config.json, metrics.json, checkpoints.csv (trained models) and samples.txt."""
    write_atomic(folder / "config.json", config_json)
    write_atomic(folder / "metrics.json", json_text(metrics))
    files = ["config.json", "metrics.json"]
    if run.history is not None:
        run.history.checkpoints_csv(folder / "checkpoints.csv")
        files.append("checkpoints.csv")
    write_atomic(folder / "samples.txt", "".join(f"{w}\n" for w in run.samples))
    return [*files, "samples.txt"]


# -- the pictures -------------------------------------------------------------------------


def _batch(run: _Run) -> tuple[np.ndarray, np.ndarray]:
    """``BATCH_SIZE`` training contexts and their next characters, drawn with ``BATCH_SEED``."""
    X, Y = context_windows(run.splits[0], run.model.block_size, run.model.vocabulary)
    count = min(BATCH_SIZE, len(X))
    rows = np.sort(make_rng(BATCH_SEED).choice(len(X), size=count, replace=False))
    return X[rows], Y[rows]


def _losses_caption(run: _Run) -> str:
    history = run.history
    assert history is not None
    if run.config.get("batch_size", 0) is None:
        text = (
            f"Blue: the loss of each of the {run.steps:,} steps, each on all the training "
            "examples (full-batch descent, as the lecture does)."
        )
    else:
        batches = (
            "the middle 80% of the batch losses in each window of steps"
            if run.steps > BAND_STEPS
            else "the loss of each batch"
        )
        text = (
            f"Faint blue: {batches} (batches of {run.config.get('batch_size')}, over "
            f"{run.steps:,} steps); strong blue: their mean over each window of steps."
        )
    text += (
        f" Green circles: the loss on all the training {run.noun}s; red squares: on the dev "
        f"{run.noun}s, measured {len(history.checkpoints)} times. The curve should fall "
        "quickly, then slowly; a dev loss pulling away above the training loss means the model "
        "is memorising."
    )
    drop = run.config.get("drop_at")
    if run.config.get("schedule") == "drop" and isinstance(drop, int):
        text += f" At step {drop:,} the learning rate drops tenfold (the lecture's step down)."
    if run.lecture is not None:
        text += (
            f" The dashed line is {_lecture_label(run)}, {format_number(run.lecture, 4)}: "
            f"{_lecture_comparison(run)}."
        )
    return text


def _describe_pair(pair: str, noun: str) -> str:
    before, after = pair[0], pair[1]
    if before == BOUNDARY:
        return f"a {noun} starting with {after}"
    if after == BOUNDARY:
        return f"a {noun} ending in {before}"
    return f"{before} followed by {after}"


def _counts_caption(run: _Run) -> str:
    table = np.asarray(run.counts.counts)
    chars = run.counts.vocabulary.characters
    i, j = np.unravel_index(int(table.argmax()), table.shape)
    pair = chars[i] + chars[j]
    never = int(np.count_nonzero(table == 0))
    smoothing = format_number(run.counts.smoothing)
    return (
        f"Row = previous character, column = next, counted over the {len(run.splits[0]):,} "
        f"training {run.noun}s ('.' marks the start and the end of a {run.noun}). The darkest "
        f"cells are the likeliest pairs: '{pair}' ({_describe_pair(pair, run.noun)}) is the "
        f"most common, {int(table[i, j]):,} times. {never} of the {table.size} pairs never "
        f"occur; the counts model adds {smoothing} to every cell, so none is impossible."
    )


def _vowel_spread(points: np.ndarray, chars: str) -> tuple[float, float] | None:
    """(mean distance between two vowels, between any two characters) on the picture."""
    vowels = [i for i, ch in enumerate(chars) if ch in VOWELS]
    if len(vowels) < 2 or len(chars) < 3:
        return None

    def mean_distance(rows: list[int]) -> float:
        p = points[rows]
        d = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(-1))
        return float(d.sum() / (len(rows) * (len(rows) - 1)))

    return mean_distance(vowels), mean_distance(list(range(len(chars))))


def _embedding_caption(run: _Run, table: np.ndarray) -> str:
    dims = table.shape[1]
    shown = "" if dims == 2 else ", projected on the two directions along which they differ most"
    if run.kind in ("counts", "bigram"):
        text = (
            "The bigram model has no separate embedding: row i of its table, the "
            f"{dims} {'log-probabilities' if run.history is None else 'scores'} of the "
            f"character after i, is drawn here as one point{shown}. Characters followed by "
            "similar letters sit close together."
        )
    else:
        text = (
            f"Each circle is one character's learned vector of {dims} numbers{shown}. "
            "Characters the model treats alike sit close together; with enough training the "
            "vowels gather."
        )
    spread = _vowel_spread(embedding_projection(table)[0], run.model.vocabulary.characters)
    if spread is not None:
        vowels, every = spread
        verdict = "gathered" if vowels < 0.8 * every else "not (yet) gathered in this view"
        text += (
            f" Here two vowels sit {vowels:.2f} apart on average, against {every:.2f} for any "
            f"two characters: {verdict}."
        )
    return text


@dataclass(frozen=True)
class _Saturation:
    """One tanh layer on the batch: its position, its saturated share, its dead units."""

    index: int
    share: float
    dead: int
    positions: bool  # outputs per example and position (the WaveNet), not per example


def _saturation(run: _Run, X: np.ndarray) -> list[_Saturation]:
    """Each tanh layer's saturated share, and its dead units among the rows drawn, on the batch."""
    found = []
    for values in layer_activations(run.model, X, layer="tanh"):
        rows = values.values.reshape(-1, values.values.shape[-1])[:SATURATION_ROWS]
        dead = int(np.count_nonzero((np.abs(rows) > SATURATED).all(axis=0)))
        share = values.share_beyond(SATURATED)
        found.append(_Saturation(values.index, share, dead, values.values.ndim > 2))
    return found


def _share_words(layers: list[_Saturation]) -> str:
    """``Here 4.1% of the outputs are saturated: few, as the lecture wants.``"""
    top = max(layer.share for layer in layers)
    if top <= 0.05:
        verdict = "few, as the lecture wants"
    elif top <= 0.10:
        verdict = "close to the lecture's rule of thumb of about 5%"
    elif top <= 0.20:
        verdict = "more than the lecture's rule of thumb of about 5%"
    else:
        verdict = "many: those units pass little gradient back (the pre-activations are too large)"
    if len(layers) == 1:
        return f"Here {layers[0].share:.1%} of the outputs are saturated: {verdict}."
    each = ", ".join(f"layer {layer.index} {layer.share:.1%}" for layer in layers)
    return f"Here the saturated shares are {each}: {verdict}."


def _insides_captions(run: _Run, X: np.ndarray, Y: np.ndarray) -> dict[str, str]:
    """The captions of the activation, gradient and saturation pictures, with the run's numbers."""
    layers = _saturation(run, X)
    grads = [v.std for v in layer_gradients(run.model, X, Y, layer="tanh")]
    batch = f"{len(X)} training contexts drawn at random (seed {BATCH_SEED})"
    spread = (
        f"Here one tanh layer, its gradients' spread (std) {grads[0]:.1e}."
        if len(grads) == 1
        else f"Here the spreads (std) run from {min(grads):.1e} to {max(grads):.1e}."
    )
    dead = sum(layer.dead for layer in layers)
    rows = "an example at one position" if layers[0].positions else "one example"
    dead_words = f"{dead} dead unit{'s' if dead != 1 else ''} (▼)" if dead else "no dead unit"
    return {
        "activations": f"What each tanh layer outputs for one batch of {batch}, in training "
        "mode as the lecture looks at it. A healthy tanh layer spreads its outputs over "
        "(−1, 1); a tall spike at ±1 means saturated units, whose slope 1 − t² is almost 0, "
        f"so little gradient gets back through them. {_share_words(layers)}",
        "gradients": "The gradient of the loss with respect to each tanh layer's output, for "
        "the same batch. In a healthy network every layer's gradients have about the same "
        "spread, so every layer learns at the same pace; spreads shrinking towards the input "
        f"(vanishing) or growing (exploding) mean badly scaled layers. {spread}",
        "saturation": f"Each row is {rows} (the first {SATURATION_ROWS} rows of the batch), "
        f"each column a unit of a tanh layer: white where |t| > {SATURATED}, black where not. "
        "Mostly black is healthy; a column white from top to bottom is a dead unit, which "
        f"learns nothing from any of these examples. Here: {dead_words}.",
    }


def _matrix_names(model: LanguageModel) -> str:
    """What each weight matrix of the pictures is: "0.weight: the embedding table, 27 × 10; ..."."""
    linears = [i for i, m in enumerate(model) if isinstance(m, Linear)]
    parts = []
    for name, p in model.named_parameters():
        index = name.partition(".")[0]
        if p.data.ndim != 2 or not index.isdigit():
            continue
        layer, (rows, cols) = model[int(index)], p.data.shape
        if isinstance(layer, Embedding) and not linears:  # the bigram network's one table
            what = f"the table W, {rows} × {cols}"
        elif isinstance(layer, Embedding):
            what = f"the embedding table, {rows} × {cols}"
        elif isinstance(layer, Linear):
            where = "the output" if linears and int(index) == linears[-1] else "a hidden"
            what = f"{where} Linear, {cols} → {rows}"
        else:
            what = f"{type(layer).__name__}, {rows} × {cols}"
        parts.append(f"{name}: {what}")
    return "; ".join(parts)


def _weights_caption(run: _Run, X: np.ndarray, Y: np.ndarray) -> str:
    found = [(w.name, w.ratio) for w in weight_gradient_list(run.model, X, Y)]
    text = (
        f"The gradient of every weight matrix ({_matrix_names(run.model)}) for the same "
        "batch; the legend gives each one's grad:data ratio, std(gradient) / std(weights). "
        "Similar ratios mean every matrix learns at a similar pace; one far above the rest "
        "learns much faster than the others."
    )
    known = [(n, r) for n, r in found if math.isfinite(r)]
    if len(known) > 1:
        (low, lo), (high, hi) = min(known, key=lambda t: t[1]), max(known, key=lambda t: t[1])
        text += f" Here they run from {lo:.1e} ({low}) to {hi:.1e} ({high})."
    elif known:
        text += f" Here one matrix, {known[0][0]}, with ratio {known[0][1]:.1e}."
    return text


def _updates_caption(run: _Run) -> str:
    history = run.history
    assert history is not None
    every = (
        history.update_steps[1] - history.update_steps[0] if len(history.update_steps) > 1 else 1
    )
    medians = []
    for values in history.update_ratios.values():
        finite = np.asarray(values, dtype=np.float64)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            medians.append(float(np.median(finite)))
    when = "at every step" if every == 1 else f"every {every:,} steps"
    text = (
        "Each line is log10 of how far a step moves a weight matrix (named as in the weight "
        "gradients above) relative to the spread of its weights, recorded "
        f"{when}; around {GUIDE:.0f} (the dashed guide) is healthy, much lower learns slowly, "
        "much higher overshoots."
    )
    if len(medians) == 1:
        text += f" Over this run the line's median is {medians[0]:.1f}."
    elif medians:
        text += (
            f" Over this run the lines' medians lie between {min(medians):.1f} and "
            f"{max(medians):.1f}."
        )
    return text + _schedule_words(run)


def _schedule_words(run: _Run) -> str:
    schedule, drop = run.config.get("schedule"), run.config.get("drop_at")
    if schedule == "cosine":
        return (
            " The cosine schedule lowers the learning rate a hundredfold by the last step, so "
            "the lines fall by about 2 towards the end."
        )
    if schedule == "drop" and isinstance(drop, int):
        return (
            f" At step {drop:,} the learning rate drops tenfold, and the lines with it, by about 1."
        )
    return ""


def _learned_pictures(d: Drawer, run: _Run) -> None:
    """What the model learned from the words: the bigram counts, the character embedding."""
    d.draw(
        "counts.png",
        "Bigram counts of the training words",
        _counts_caption(run),
        lambda p: plots.plot_bigram_counts(run.counts, path=p),
    )
    first = run.model[0] if len(run.model) else None
    if not isinstance(first, Embedding):
        d.note("No embedding picture: the model's first layer is not an embedding table.")
        return
    d.draw(
        "embedding.png",
        "Character embedding",
        _embedding_caption(run, np.asarray(first.weight.data, dtype=np.float64)),
        lambda p: plots.plot_embedding(run.model, path=p),
    )


def _inside_pictures(d: Drawer, run: _Run, X: np.ndarray, Y: np.ndarray) -> None:
    """The tanh layers for one batch: their outputs, their gradients, their saturated units."""
    if not run.has_tanh:
        d.note(
            "No activation, gradient or saturation pictures: there is no tanh layer in "
            f"{run.title} (its output is one row of a table), so nothing in it can saturate."
        )
        return
    model = run.model
    captions = _insides_captions(run, X, Y)
    draws: list[tuple[str, str, Callable[[Path], Any]]] = [
        (
            "activations",
            "Tanh activations",
            lambda p: plots.plot_activation_histograms(model, X, path=p),
        ),
        (
            "gradients",
            "Gradients at the tanh outputs",
            lambda p: plots.plot_gradient_histograms(model, X, Y, path=p),
        ),
        ("saturation", "Saturated units", lambda p: plots.plot_saturation(model, X, path=p)),
    ]
    for key, title, draw in draws:
        d.draw(f"{key}.png", title, captions[key], draw)


def _training_pictures(d: Drawer, run: _Run, X: np.ndarray, Y: np.ndarray) -> None:
    """How the training went: the weight matrices' gradients and the update:data ratios."""
    history = run.history
    assert history is not None
    d.draw(
        "weight_gradients.png",
        "Weight gradients",
        _weights_caption(run, X, Y),
        lambda p: plots.plot_weight_gradients(run.model, X, Y, path=p),
    )
    if not history.update_steps or not history.update_ratios:
        d.note("No update-ratio picture: this run recorded no updates (fit(record_updates=N)).")
        return
    d.draw(
        "update_ratios.png",
        "Update:data ratios",
        _updates_caption(run),
        lambda p: plots.plot_update_ratios(history, path=p),
    )


def _draw_pictures(folder: Path, run: _Run) -> tuple[list[Picture], list[str]]:
    """Every picture that applies to the run, drawn into ``folder``: (pictures, notes)."""
    d = Drawer(folder)
    history = run.history
    if history is not None:
        d.draw(
            "losses.png",
            "Training curve",
            _losses_caption(run),
            lambda p: plots.plot_language_losses(history, lecture=run.lecture, path=p),
        )
    else:
        d.note(
            "No training curve, weight gradients or update ratios: the bigram counts are "
            "counted from the training words, not trained."
        )
    _learned_pictures(d, run)
    X, Y = _batch(run)
    with training_mode(run.model):
        _inside_pictures(d, run, X, Y)
        if history is not None:
            _training_pictures(d, run, X, Y)
    return d.pictures, d.notes


# -- the page -----------------------------------------------------------------------------

_CSS = """
#results .cards { grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
.figures { grid-template-columns: minmax(0, 1fr); }
.samples { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px;
           grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
.samples li { display: flex; flex-wrap: wrap; justify-content: space-between;
              align-items: baseline; column-gap: 8px; padding: 6px 10px;
              border: 1px solid var(--line); border-radius: 6px; background: #f8f9fc; }
.samples .word { font: 16px/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
                 min-width: 0; overflow-wrap: anywhere; }
.samples li.known { background: #edf6ed; border-color: #a9d0a9; }
.samples .tag { font: 11px/1.3 system-ui, sans-serif; color: #3d7a3d; }
.samples em { color: var(--muted); }
.lead { margin: 0 0 12px; font-size: 14px; max-width: 90ch; }
td code { overflow-wrap: anywhere; }
@media (min-width: 900px) {
  #fig-embedding { display: grid; grid-template-columns: minmax(0, 620px) minmax(0, 1fr);
                   column-gap: 24px; align-items: center; }
  #fig-embedding h3 { grid-column: 1 / -1; }
}
@media (max-width: 600px) {
  header { padding: 16px 16px 14px; }
  header h1 { font-size: 20px; }
  main { padding: 4px 10px 30px; }
  section { padding: 14px 14px 16px; }
  .samples { grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); }
}
"""


def _source(run: _Run) -> str:
    source = run.config.get("input")
    if run.noun == "name" or not isinstance(source, str):
        return f"{sum(map(len, run.splits)):,} names"
    return f"{os.path.basename(source)} ({sum(map(len, run.splits)):,} words)"


def _subtitle(run: _Run) -> str:
    model = run.model
    rung = LADDER.get(run.kind)
    if rung is not None:
        what = f"{rung.summary} ({rung.lecture})"
    elif run.kind == "counts":
        what = f"counted with +{format_number(run.counts.smoothing)} smoothing (makemore part 1)"
    else:
        what = run.kind
    sizes = " / ".join(f"{len(part):,}" for part in run.splits)
    recipe = run.config.get("recipe")
    if isinstance(recipe, str):
        what += f" · recipe {recipe}"
    written = _dt.datetime.now().isoformat(sep=" ", timespec="seconds")
    return (
        f"{what} · {len(model.vocabulary)} characters · context {model.block_size} · "
        f"{sizes} {run.noun}s train / dev / test · written {written} by neuronlab {__version__}"
    )


def _sample_item(word: str, known: bool) -> str:
    shown = f'<span class="word">{page.esc(word)}</span>' if word else "<em>(an empty word)</em>"
    tag = '<span class="tag">in the data</span>' if known else ""
    return f'<li class="sample{" known" if known else ""}">{shown}{tag}</li>'


def _samples_section(run: _Run) -> list[str]:
    """The sampled words in a grid, those that are words of the data marked."""
    data = set(run.splits[0]) | set(run.splits[1]) | set(run.splits[2])
    known = [w in data for w in run.samples]
    n, old = len(run.samples), sum(known)
    seed = run.config.get("seed")
    lead = (
        f"{n} {run.noun}s the model wrote, one character at a time, each drawn from its "
        "probabilities for the next character until it drew '.'"
        + (f" (seed {seed})" if seed is not None else "")
        + f". {old} of them (in green) are {run.noun}s of the data; the other {n - old} are new."
    )
    out = ['<section id="samples"><h2>Samples</h2>', f'<p class="lead">{page.esc(lead)}</p>']
    if not run.samples:
        return [*out, "<p>No samples were drawn.</p></section>"]
    out.append('<ol class="samples">')
    out.extend(_sample_item(w, k) for w, k in zip(run.samples, known))
    out.append("</ol></section>")
    return out


def _checkpoints_section(history: History | None) -> list[str]:
    """The checkpoints' losses as a table that opens on a click."""
    if history is None or not history.checkpoints:
        return []
    out = [
        '<section id="checkpoints"><details><summary><h2>Checkpoints '
        f"({len(history.checkpoints)}, also in <code>checkpoints.csv</code>)</h2></summary>",
        "<table><tr><th>step</th><th>train loss</th><th>dev loss</th><th>learning rate</th></tr>",
    ]
    for c in history.checkpoints:
        cells = (c.step, c.loss, c.val_loss, c.lr)
        out.append("<tr>" + "".join(f'<td class="num">{page.esc(v)}</td>' for v in cells) + "</tr>")
    out.append("</table></details></section>")
    return out


def _render(run: _Run, drawn: tuple[list[Picture], list[str]], files: list[str]) -> str:
    """The whole page as text."""
    pictures, notes = drawn
    links = [("results", "Results"), ("samples", "Samples"), ("pictures", "Pictures")]
    links.append(("config", "Settings"))
    if run.history is not None and run.history.checkpoints:
        links.append(("checkpoints", "Checkpoints"))
    counts_dev = run.counts.nll(run.splits[1]) if run.splits[1] else None
    title = f"neuronlab makemore: {run.title} on {_source(run)}"
    body = [
        *page.header(title, _subtitle(run), links),
        "<main>",
        *page.cards_section(_cards(run), _about(run, counts_dev)),
        *_samples_section(run),
        *page.pictures_section(pictures, notes),
        *page.config_section(dict(jsonable(run.config))),
        *_checkpoints_section(run.history),
        page.footer(files),
        "</main>",
    ]
    head = page.head(f"makemore {run.kind}", _CSS)
    return "\n".join([*head, "<body>", *body, "</body>", "</html>", ""])


# -- the report ---------------------------------------------------------------------------


def write_language_report(
    out_dir: str | os.PathLike[str] | None,
    *,
    config: Mapping[str, Any],
    model: LanguageModel,
    counts: BigramCounts,
    history: History | None,
    splits: Sequence[Sequence[str]],
    losses: Mapping[str, float],
    samples: Sequence[str],
    lecture: float | None = None,
    seconds: float | None = None,
) -> Path:
    """Write the report of one language-model run into a run folder and return that folder.

    ``out_dir=None`` makes a fresh ``runs/makemore-<model>-<YYYYmmdd-HHMMSS>/``;
    a new or empty folder, or an earlier run's folder (whose run files are
    replaced), is used; anything else is refused by ``check_run_folder``
    before a file is written.  ``config`` is saved and shown (its ``model``
    names the model of the ladder: "counts", "bigram", "mlp", ...);
    ``model`` is the trained ``LanguageModel`` (for the counts, the table as
    a model), ``counts`` the ``BigramCounts`` of the training words,
    ``history`` the training ``History`` (None for the counts), ``splits`` the
    (train, dev, test) word lists, ``losses`` the final {"train", "dev",
    "test"} losses, ``samples`` the sampled words, ``lecture`` the lecture's
    dev loss for this model (or None) and ``seconds`` the training time, if
    known.  The model is read, never changed, and left in its mode.
    """
    fields = {"config": config, "model": model, "counts": counts, "history": history}
    fields.update(splits=splits, losses=losses, samples=samples, lecture=lecture, seconds=seconds)
    run = _check_inputs(fields)
    check_run_folder(out_dir)  # refuse a user's own folder before any work
    config_json = json_text(config)  # fails here, before any file is written, if it cannot
    name = f"makemore-{run.kind}"
    folder = open_run_folder(out_dir, name)
    files = [MARKER, *_write_data_files(folder, run, config_json, _metrics(run))]
    drawn = _draw_pictures(folder, run)
    files += [p.file_name for p in drawn[0]] + ["index.html"]
    write_atomic(folder / "index.html", _render(run, drawn, files))
    finish_run_folder(folder, name, files)
    return folder
