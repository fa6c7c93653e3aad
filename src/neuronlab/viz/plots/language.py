"""Pictures of the character-level language models (the makemore lectures).

- ``plot_bigram_counts``: the lecture's table of how often each character
  follows each other one, every cell labelled with its pair and count;
- ``plot_embedding``: each character's learned vector as a point (the first
  two principal components of a wider table), vowels in their own colour;
- ``plot_lr_sweep``: the learning-rate finder's loss against the rate;
- ``plot_language_losses``: the training curve as the lectures draw it, the
  noisy loss of every step and its means, with the train and dev losses.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ...data.text import BOUNDARY, Vocabulary
from ...language.counts import BigramCounts
from ...language.model import LanguageModel
from ...nn.sequence import Embedding
from ...training.lr_finder import LRSweep
from ...util.checks import describe, positive_number
from .common import check_path, finish, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...training.history import History

__all__ = [
    "LOSS_WINDOW",
    "MAX_LABELLED_CHARACTERS",
    "VOWELS",
    "embedding_projection",
    "plot_bigram_counts",
    "plot_embedding",
    "plot_language_losses",
    "plot_lr_sweep",
]

#: The characters ``plot_embedding`` colours as vowels.
VOWELS = frozenset("aeiou")
#: The largest vocabulary whose bigram table gets a pair and a count in every cell.
MAX_LABELLED_CHARACTERS = 40
#: The lectures' window: the training curve is drawn as the mean of every 1,000 steps.
LOSS_WINDOW = 1000

_VOWEL, _CONSONANT, _BOUNDARY, _OTHER = "#e6550d", "#3182bd", "#444444", "#31a354"


# -- the bigram counts --------------------------------------------------------------------


def plot_bigram_counts(
    counts: BigramCounts, *, path: str | os.PathLike[str] | None = None
) -> Figure:
    """The bigram table N as the lecture draws it: one cell per (previous, next) character.

    Row i, column j: how many times character j follows character i in the
    words (``.`` marks the start and the end of a word, so row ``.`` counts
    the first letters and column ``.`` the last ones).  Each cell shows the
    pair ("em") above its count; the darker the blue, the more often.  How
    to read it: dark rows and columns are common letters; a dark cell is a
    pair the names use a lot ("an", "n."), and an empty one a pair they
    never use, which a model made from the raw counts could never write.
    """
    check_path(path)
    if not isinstance(counts, BigramCounts):
        raise TypeError(
            "plot_bigram_counts(counts): expected the BigramCounts of count_bigrams(words), "
            f"got {describe(counts)}"
        )
    table = np.asarray(counts.counts)
    chars = counts.vocabulary.characters
    size = len(chars)
    side = min(max(6.0, 0.55 * size + 1.2), 17.0)
    fig = new_figure(side, side + 0.4)
    ax = fig.subplots()
    top = max(1.0, float(table.max()))
    ax.imshow(table, cmap="Blues", vmin=0, vmax=top)
    if size <= MAX_LABELLED_CHARACTERS:
        _cell_texts(ax, table, chars, top)
    _character_axes(ax, chars)
    pairs, words = int(table.sum()), int(table[0].sum())
    fig.suptitle(
        f"Bigram counts: how often each character follows another ({pairs:,} pairs "
        f"from {words:,} words; '.' starts and ends a word)"
    )
    return finish(fig, path)


def _cell_texts(ax: Axes, table: np.ndarray, chars: str, top: float) -> None:
    from matplotlib import colormaps

    size = len(chars)
    small = 9.0 if size <= 30 else 7.0
    rgb = colormaps["Blues"](table / top)[..., :3]
    light = rgb @ np.array([0.2126, 0.7152, 0.0722]) > 0.6  # the cell's luminance
    for i in range(size):
        for j in range(size):
            grey = "0.3" if light[i, j] else "0.9"  # dark grey on light cells, light on dark
            pair, count = chars[i] + chars[j], f"{int(table[i, j])}"
            # one two-line text per cell: half the text objects, the slow part of drawing
            text = f"{pair}\n{count}"
            ax.text(j, i, text, ha="center", va="center", color=grey, fontsize=small)


def _character_axes(ax: Axes, chars: str) -> None:
    ticks = np.arange(len(chars))
    ax.set_xticks(ticks, list(chars))
    ax.set_yticks(ticks, list(chars))
    ax.tick_params(top=True, labeltop=True, bottom=True, labelbottom=True, length=0, labelsize=11)
    ax.set_xlabel("next character", fontsize=12)
    ax.set_ylabel("previous character", fontsize=12)


# -- the embedding ------------------------------------------------------------------------


def _embedding_table(model: Any, vocabulary: Any) -> tuple[np.ndarray, Vocabulary]:
    where = "plot_embedding"
    if isinstance(model, LanguageModel):
        if vocabulary is not None:
            raise ValueError(f"{where}: a LanguageModel knows its vocabulary; give no vocabulary=")
        first = model[0] if len(model) else None
        if not isinstance(first, Embedding):
            raise ValueError(
                f"{where}(model): expected a model whose first layer is an Embedding, got "
                f"{type(first).__name__}"
            )
        return np.array(first.weight.data, dtype=np.float64), model.vocabulary
    if not isinstance(model, np.ndarray):
        raise TypeError(
            f"{where}(model): expected a LanguageModel or an array (characters, dimensions) with "
            f"vocabulary=, got {describe(model)}"
        )
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(
            f"{where}(vocabulary): an array needs the Vocabulary of its rows, got "
            f"{describe(vocabulary)}"
        )
    table = np.asarray(model, dtype=np.float64)
    if table.ndim != 2 or len(table) != len(vocabulary) or table.shape[1] < 2:
        raise ValueError(
            f"{where}(model): expected a table of shape ({len(vocabulary)}, dimensions ≥ 2), one "
            f"row per character of the vocabulary, got shape {table.shape}"
        )
    if not np.isfinite(table).all():
        raise ValueError(f"{where}(model): the table contains NaN or infinite values")
    return table, vocabulary


def embedding_projection(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``table`` on its first two principal components, and each one's variance share.

    The rows are centred (their mean subtracted) and projected on the two
    directions along which they vary most (the first right singular vectors
    of the centred table); each direction's sign is chosen so that its
    largest entry is positive.  Returns (coordinates (n, 2), shares (2,)),
    the shares being the fraction of the total variance each direction
    explains.  A table of two columns is returned as it is (shares of its
    own two columns).
    """
    table = np.asarray(table, dtype=np.float64)
    centred = table - table.mean(axis=0)
    if table.shape[1] == 2:
        variances = centred.var(axis=0)
        total = variances.sum()
        return table.copy(), variances / total if total > 0 else np.full(2, 0.5)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    top = directions[:2]
    signs = np.sign(top[np.arange(2), np.abs(top).argmax(axis=1)])
    top = top * np.where(signs == 0, 1.0, signs)[:, None]
    power = singular**2
    shares = power[:2] / power.sum() if power.sum() > 0 else np.zeros(2)
    return centred @ top.T, shares


def _character_group(ch: str) -> tuple[str, str]:
    if ch == BOUNDARY:
        return "boundary", _BOUNDARY
    if ch.lower() in VOWELS:
        return "vowel", _VOWEL
    if ch.isalpha():
        return "consonant", _CONSONANT
    return "other", _OTHER


_GROUP_LABELS = {
    "vowel": "vowel (a e i o u)",
    "consonant": "consonant",
    "boundary": "'.' the word boundary (start / end)",
    "other": "other character",
}


def _draw_characters(ax: Axes, points: np.ndarray, chars: str) -> None:
    groups: dict[str, list[int]] = {}
    colours = {}
    for i, ch in enumerate(chars):
        group, colour = _character_group(ch)
        groups.setdefault(group, []).append(i)
        colours[group] = colour
    for group in ("vowel", "consonant", "other", "boundary"):
        rows = groups.get(group)
        if rows:
            ax.scatter(
                points[rows, 0],
                points[rows, 1],
                s=380,
                c=colours[group],
                zorder=3,
                edgecolors="white",
                linewidths=0.8,
                label=_GROUP_LABELS[group],
            )
    style: dict[str, Any] = {"ha": "center", "va": "center", "color": "white", "zorder": 4}
    for (x, y), ch in zip(points, chars):
        ax.text(x, y, ch, fontsize=12, fontweight="bold", **style)
        if ch == BOUNDARY:
            _boundary_label(ax, points, (x, y))


def _boundary_label(ax: Axes, points: np.ndarray, at: tuple[float, float]) -> None:
    """'word boundary' beside '.', pointing away from the other characters, on a white box."""
    spread = points.std(axis=0) + 1e-12
    away = (np.asarray(at) - points.mean(axis=0)) / spread
    norm = float(np.hypot(*away))
    dx, dy = (away / norm) if norm > 0.1 else (0.7, -0.7)
    ax.annotate(
        "word boundary",
        at,
        xytext=(45 * dx, 45 * dy),
        textcoords="offset points",
        fontsize=9,
        color=_BOUNDARY,
        ha="center",
        va="center",
        zorder=5,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.7", "alpha": 0.9},
        arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.8},
    )


def plot_embedding(
    model: LanguageModel | np.ndarray,
    *,
    vocabulary: Vocabulary | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Every character's learned vector as a point: where the embedding table puts each one.

    ``model``: a ``LanguageModel`` whose first layer is its ``Embedding``, or
    the table itself as an array (one row per character) with its
    ``vocabulary=``.  A table of two dimensions is drawn as it is (the
    lecture's 27 × 2 table); a wider one on its first two principal
    components, the two directions along which the vectors differ most
    (``embedding_projection``), each axis saying what share of the variance
    it shows.  Each character is a circle with its letter inside; vowels in
    orange, consonants in blue, "." (the start and end of a word) in grey.
    How to read it: characters the model treats alike sit close together.
    Before training the points are random; after training the vowels
    gather, and "." (and rare letters such as q) stand apart: clearest in
    the lecture's 2-D table, while a projection shows only the part of a
    wider table that its two components hold.
    """
    check_path(path)
    table, vocab = _embedding_table(model, vocabulary)
    points, shares = embedding_projection(table)
    fig = new_figure(8.0, 7.8)
    ax = fig.subplots()
    _draw_characters(ax, points, vocab.characters)
    if table.shape[1] == 2:
        ax.set_xlabel("dimension 1 of the embedding")
        ax.set_ylabel("dimension 2 of the embedding")
        shown = "its two dimensions, drawn as they are"
    else:
        ax.set_xlabel(f"principal component 1 ({shares[0]:.0%} of the variance)")
        ax.set_ylabel(f"principal component 2 ({shares[1]:.0%} of the variance)")
        shown = f"projected from {table.shape[1]} dimensions on the first two principal components"
    for axis, lim in ((0, ax.set_xlim), (1, ax.set_ylim)):
        lo, hi = float(points[:, axis].min()), float(points[:, axis].max())
        pad = 0.08 * (hi - lo) if hi > lo else 1.0
        lim(lo - pad, hi + pad)
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncols=3, fontsize=9, markerscale=0.5, frameon=False)
    fig.suptitle(f"Character embedding: the vector of each of {len(table)} characters\n{shown}")
    return finish(fig, path)


# -- the learning-rate sweep ---------------------------------------------------------------


def plot_lr_sweep(sweep: LRSweep, *, path: str | os.PathLike[str] | None = None) -> Figure:
    """The learning-rate finder's sweep: each step's loss against its learning rate (log axis).

    The faint line is every step's loss, the strong one its moving average
    (``sweep.smoothed()``); the dashed vertical line marks the suggested
    rate, half the rate where the smoothed loss was lowest.  How to read it:
    on the left the rate is too small and the loss hardly moves; it then
    falls fastest, reaches a valley and shoots up when the steps overshoot.
    A good rate lies in the falling part, before the bottom of the valley.
    """
    check_path(path)
    if not isinstance(sweep, LRSweep):
        raise TypeError(
            f"plot_lr_sweep(sweep): expected the LRSweep of lr_find, got {describe(sweep)}"
        )
    lrs, losses = np.asarray(sweep.lrs, np.float64), np.asarray(sweep.losses, np.float64)
    if not len(losses) or lrs.shape != losses.shape:
        raise ValueError(
            f"plot_lr_sweep: expected one loss per learning rate, got {len(lrs)} rates and "
            f"{len(losses)} losses"
        )
    smooth = sweep.smoothed()
    fig = new_figure(8.5, 5.0)
    ax = fig.subplots()
    ax.plot(lrs, losses, color="C0", lw=0.8, alpha=0.3, label="loss of each step")
    ax.plot(lrs, smooth, color="C0", lw=2.2, label="smoothed (moving average)")
    ax.set_xscale("log")
    best = f"{sweep.suggestion:.3g}"
    ax.axvline(sweep.suggestion, color="C3", ls="--", lw=1.5, label=f"suggested lr {best}")
    box = {"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1.5}
    ax.text(
        sweep.suggestion * 1.08,
        0.97,
        f"lr {best}",
        color="C3",
        fontsize=10,
        va="top",
        transform=ax.get_xaxis_transform(),
        bbox=box,
    )
    ax.set_ylim(*_sweep_limits(losses, smooth))
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss of the step")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="lower left", fontsize=9)
    title = f"Learning-rate sweep: {len(losses):,} steps, lr {lrs[0]:.3g} to {lrs[-1]:.3g}"
    if sweep.stopped:
        title += f"\nstopped early: {sweep.stopped}"
    fig.suptitle(title, fontsize=11)
    return finish(fig, path)


def _sweep_limits(losses: np.ndarray, smooth: np.ndarray) -> tuple[float, float]:
    finite = losses[np.isfinite(losses)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(np.nanmax(smooth)) if np.isfinite(smooth).any() else low + 1.0
    high = max(high, float(np.percentile(finite, 95)) if finite.size else high)
    pad = 0.05 * (high - low) if high > low else 0.5
    return low - pad, high + pad


# -- the training curve ---------------------------------------------------------------------


def _loss_window(steps: int) -> int:
    """The lectures' 1,000 steps, or for a short run a round number that gives 30 means or more."""
    fits = max(1, steps // 30)
    return max(w for w in (1, 2, 5, 10, 20, 50, 100, 200, 500, LOSS_WINDOW) if w <= fits)


#: Beyond this many steps, the batch losses are drawn as a band per window, not one by one.
BAND_STEPS = 5_000


def _batch_losses(ax: Axes, losses: np.ndarray, window: int) -> None:
    """Each batch's loss, faint; for a long run, the middle 80% of each window's as a band."""
    if len(losses) <= BAND_STEPS or window == 1:
        steps = np.arange(1, len(losses) + 1)
        ax.plot(steps, losses, color="C0", lw=0.6, alpha=0.22, label="loss of each batch")
        return
    whole = len(losses) // window * window
    blocks = losses[:whole].reshape(-1, window)
    low, high = np.percentile(blocks, [10, 90], axis=1)
    centres = np.arange(len(blocks)) * window + (window + 1) / 2
    ax.fill_between(
        centres, low, high, color="C0", alpha=0.18, lw=0, label="middle 80% of the batch losses"
    )


def _window_means(losses: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    whole = len(losses) // window * window
    means = losses[:whole].reshape(-1, window).mean(axis=1)
    centres = np.arange(len(means)) * window + (window + 1) / 2
    return centres, means


def _checkpoint_lines(ax: Axes, history: Any) -> list[float]:
    points = list(history.checkpoints)
    if not points:
        return []
    steps = [c.step for c in points]
    train = [c.loss for c in points]
    ax.plot(
        steps,
        train,
        "o-",
        color="C2",
        lw=1.6,
        ms=7,
        mfc="white",
        mew=1.6,
        label="train loss (all training data)",
    )
    shown = list(train)
    dev = [math.nan if c.val_loss is None else c.val_loss for c in points]
    if any(math.isfinite(v) for v in dev):
        ax.plot(steps, dev, "s--", color="C3", lw=1.6, ms=4, label="dev loss (held-out words)")
        shown += [v for v in dev if math.isfinite(v)]
    return shown


def _losses_of(history: Any, where: str) -> np.ndarray:
    if not hasattr(history, "batch_loss") or not hasattr(history, "checkpoints"):
        raise TypeError(f"{where}(history): expected a neuronlab History, got {describe(history)}")
    losses = np.asarray(history.batch_loss, dtype=np.float64)
    if not len(losses) and not history.checkpoints:
        raise ValueError(
            f"{where}: the history has no steps to plot; train with fit(..., steps=N) first"
        )
    return losses


def plot_language_losses(
    history: History,
    *,
    lecture: float | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """The training curve of a language model, as the lectures draw it.

    Every step's batch loss (``history.batch_loss``) is drawn faint: batches
    of 32 make it noisy (over ``BAND_STEPS`` steps, as a band holding the
    middle 80% of each window's batch losses, which reads better than a wall
    of lines).  Over it, the mean of every 1,000 steps (the
    lectures' window; a short run uses a smaller round one, 30 means or more,
    and the legend says which), and the checkpoints' losses on all the
    training data and on the dev words (``fit(..., eval_every=N,
    validation=...)``).  ``lecture``: a loss to compare with, drawn as a
    dashed line ("lecture's dev loss 2.17").  How to read it: the means
    should fall quickly, then slowly; a dev loss well above the train loss is
    overfitting; a sudden step down is the learning rate being lowered.
    When the first steps' losses lie far above the rest (a badly started
    network begins at 20 or more), they run off the top, and the plot says so.
    """
    check_path(path)
    where = "plot_language_losses"
    losses = _losses_of(history, where)
    target = None if lecture is None else positive_number(lecture, f"{where}(lecture)")
    fig = new_figure(9.5, 5.6)
    ax = fig.subplots()
    shown: list[float] = []
    if len(losses):
        window = _loss_window(len(losses))
        _batch_losses(ax, losses, window)
        if window > 1:  # (a window of one step is the raw curve itself)
            centres, means = _window_means(losses, window)
            ax.plot(centres, means, color="C0", lw=2.2, label=f"mean of every {window:,} steps")
            shown += list(means[1:] if len(means) > 2 else means)
        else:
            shown += list(losses)
    shown += _checkpoint_lines(ax, history)
    if target is not None:
        ax.axhline(target, color="black", ls="--", lw=1.3, label=f"lecture's dev loss {target:g}")
        shown.append(target)
    note = _loss_limits(ax, losses, shown)
    if note:
        ax.set_title(note, fontsize=9, color="0.35")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (cross-entropy, nats)")
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    fig.suptitle(_losses_title(history, len(losses)), fontsize=11)
    return finish(fig, path)


def _loss_limits(ax: Axes, losses: np.ndarray, shown: list[float]) -> str:
    """From the lowest loss up; a note when the first steps' losses run off the top."""
    finite = [v for v in shown if math.isfinite(v)]
    raw = losses[np.isfinite(losses)]
    if not finite and not raw.size:
        return ""
    low = min(finite + ([float(np.percentile(raw, 1))] if raw.size else []))
    high = max(finite) if finite else float(raw.max())
    span = high - low if high > low else 1.0
    if raw.size and raw.max() <= high + 0.75 * span:  # every batch's loss fits
        ax.set_ylim(low - 0.05 * span, float(raw.max()) + 0.05 * span)
        return ""
    ax.set_ylim(low - 0.05 * span, high + 0.25 * span)
    return f"the first steps' losses (up to {raw.max():.3g}) run off the top of the axis"


def _losses_title(history: Any, steps: int) -> str:
    title = f"Training curve: {steps:,} steps"
    last = history.checkpoints[-1] if history.checkpoints else None
    if last is not None:
        title += f"; at step {last.step:,} train {last.loss:.4f}"
        if last.val_loss is not None:
            title += f", dev {last.val_loss:.4f}"
    return title
