"""``neuronlab makemore``: train a character-level language model on names (or any word list).

The lectures' split of the words (80 / 10 / 10, shuffled with seed 42), one
model of the ladder trained by a recipe (neuronlab's by default, the
lecture's with ``--recipe lecture``), its train/dev/test losses, new words
sampled from it, the model saved with ``--save`` and a run report.
Everything that can be refused is refused before training starts.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.text import Vocabulary, context_windows, split_words
from ..data.words import names, read_words
from ..io.serialize import save
from ..language import (
    LADDER,
    BigramCounts,
    LanguageModel,
    Recipe,
    count_bigrams,
    fit_options,
    recipe_for,
    sample,
)
from ..training import History, evaluate, fit
from .errors import UsageError
from .limits import language_run_note
from .output import figure, note, say
from .paths import check_save_path
from .reporting import check_report_folder

__all__ = ["MIN_WORDS", "LanguageRun", "run_makemore"]

#: The fewest words a run takes: the split must leave some for the dev and test sets.
MIN_WORDS = 10
#: How many checkpoints (losses on all of train and dev) a run records.
CHECKPOINTS = 20
#: How many updates of each weight matrix a run records for the ratio chart.
UPDATE_RECORDS = 1000


@dataclass
class LanguageRun:
    """What one run made: its settings, data, model, history, losses and samples."""

    config: dict[str, Any]
    splits: tuple[list[str], list[str], list[str]]
    vocabulary: Vocabulary
    model: LanguageModel
    counts: BigramCounts
    history: History | None
    losses: dict[str, float]
    samples: list[str]
    lecture: float | None


def _words(args: argparse.Namespace) -> list[str]:
    """The bundled names, or the words of ``--input``."""
    if args.input is None:
        return names()
    try:
        words = read_words(args.input)
    except FileNotFoundError:
        raise UsageError(f"neuronlab makemore: --input {args.input}: no such file") from None
    except ValueError as e:
        raise UsageError(f"neuronlab makemore: --input: {e}") from None
    if len(words) < MIN_WORDS:
        raise UsageError(
            f"neuronlab makemore: --input {args.input}: {len(words)} words; at least "
            f"{MIN_WORDS} are needed, so that the dev and test sets (10% each) are not empty"
        )
    return words


def _recipe(args: argparse.Namespace) -> Recipe | None:
    """The recipe with the options that change it (None for the counts, which do not train)."""
    if args.model == "counts":
        for option in ("steps", "batch_size", "lr", "block_size"):
            if getattr(args, option) is not None:
                flag = "--" + option.replace("_", "-")
                raise UsageError(
                    f"neuronlab makemore: {flag}: the bigram counts are counted, not trained "
                    f"(and read one character); {flag} applies to the other models"
                )
        return None
    if args.batch_size == 1 and args.model in ("batchnorm", "wavenet"):
        raise UsageError(
            f"neuronlab makemore: --batch-size 1: {args.model} normalises each batch with "
            "BatchNorm, and the variance of one example is 0 (PyTorch refuses it too); use 2+"
        )
    recipe = recipe_for(args.model, args.recipe)
    if args.steps is not None:
        recipe = recipe.with_steps(args.steps)
    if args.batch_size is not None:
        recipe = dataclasses.replace(recipe, batch_size=args.batch_size)
    if args.lr is not None:
        recipe = dataclasses.replace(recipe, lr=args.lr)
    return recipe


def _build(args: argparse.Namespace, recipe: Recipe, vocabulary: Vocabulary) -> LanguageModel:
    """The model of ``--model``, with the recipe's start and ``--block-size``."""
    options = dict(recipe.options)
    if args.block_size is not None:
        if args.model == "bigram":
            raise UsageError(
                "neuronlab makemore: --block-size: the bigram network reads one character; "
                "--block-size applies to mlp, batchnorm and wavenet"
            )
        options["block_size"] = args.block_size
    try:
        return LADDER[args.model].build(vocabulary, **options, seed=args.seed)
    except ValueError as e:
        raise UsageError(f"neuronlab makemore: --block-size: {e}") from None


def _windows(
    splits: tuple[list[str], ...], vocabulary: Vocabulary, block: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    return [context_windows(part, block, vocabulary) for part in splits]


def _train(
    args: argparse.Namespace, model: LanguageModel, recipe: Recipe, data: list[Any]
) -> History:
    """Train by the recipe, with a progress bar on a terminal (lines otherwise)."""
    (X, Y), dev = data[0], data[1]
    options = fit_options(recipe, model)
    if recipe.batch_size is not None and recipe.batch_size > len(X):
        raise UsageError(
            f"neuronlab makemore: --batch-size {recipe.batch_size:,}: there are only "
            f"{len(X):,} training examples; use at most that many"
        )
    slow = language_run_note(args.model, recipe.steps, recipe.batch_size, len(X))
    if slow is not None and not args.quiet:
        note(slow)
    verbose = not args.quiet and sys.stderr.isatty()
    every = max(1, recipe.steps // CHECKPOINTS)
    printer = None if (verbose or args.quiet) else _progress_lines(recipe.steps)
    history = fit(
        model,
        X,
        Y,
        loss="cross_entropy",
        **options,
        seed=args.seed,
        validation=dev,
        eval_every=every,
        record_updates=max(1, recipe.steps // UPDATE_RECORDS),
        verbose=verbose,
        callback=printer,
    )
    if printer is not None:
        printer(-1, history)  # the last step, when it did not end an epoch
    return history


def _progress_lines(total: int) -> Any:
    """A fit callback printing the step, the mean batch loss since the last line and the last
    dev loss, about ten times a run."""
    shown = {"at": 0}

    def report(epoch: int, history: History) -> None:
        """Print a line when another tenth of the run is done (and at the last step)."""
        steps = len(history.batch_loss)
        if steps == shown["at"] or (steps < shown["at"] + total // 10 and steps < total):
            return
        loss = float(np.mean(history.batch_loss[shown["at"] : steps]))  # since the last line
        shown["at"] = steps
        dev = history.checkpoints[-1].val_loss if history.checkpoints else None
        dev_text = "" if dev is None else f"  dev loss {figure(dev)}"
        say(f"step {steps:,}/{total:,}  loss {figure(loss)}{dev_text}", flush=True)

    return report


def _losses(model: LanguageModel, data: list[Any]) -> dict[str, float]:
    """The mean cross-entropy on the train, dev and test sets (evaluation mode)."""
    return {
        part: evaluate(model, X, Y, loss="cross_entropy")["loss"]
        for part, (X, Y) in zip(("train", "dev", "test"), data)
    }


def _announce(args: argparse.Namespace, splits: Any, model: LanguageModel, recipe: Any) -> None:
    source = "names" if args.input is None else args.input
    sizes = " / ".join(f"{len(part):,}" for part in splits)
    say(
        f"neuronlab makemore: {args.model} on {source} ({sizes} words train / dev / test, "
        f"{len(model.vocabulary)} characters), {model.num_parameters():,} parameters, "
        f"context {model.block_size}"
    )
    if recipe is not None:
        drop = f", lr x0.1 after {recipe.drop_at:,}" if recipe.schedule == "drop" else ""
        shape = "cosine to lr/100" if recipe.schedule == "cosine" else "constant"
        batch = "all examples" if recipe.batch_size is None else f"batches of {recipe.batch_size}"
        say(
            f"recipe {args.recipe}: {recipe.optimizer} lr {figure(recipe.lr)} "
            f"({shape if not drop else 'step'}{drop}), {recipe.steps:,} steps, {batch}, "
            f"seed {args.seed}"
        )


def _config(args: argparse.Namespace, recipe: Recipe | None, model: LanguageModel) -> dict:
    config: dict[str, Any] = {
        "command": "makemore",
        "model": args.model,
        "input": args.input or "names (bundled)",
        "split": "the lectures': random.seed(42), 80 / 10 / 10",
        "block_size": model.block_size,
        "parameters": model.num_parameters(),
        "seed": args.seed,
    }
    if recipe is not None:
        config["recipe"] = args.recipe
        config.update(
            (k, v) for k, v in dataclasses.asdict(recipe).items() if k not in ("model", "data")
        )
    if args.save is not None:
        config["save"] = args.save
    return config


def _lecture_dev_loss(model: str, recipe: Recipe | None) -> float | None:
    """The lecture's dev loss for this model (the bigram lectures score every bigram instead)."""
    lecture = recipe_for(model, "lecture") if recipe is not None else None
    return None if lecture is None or lecture.data == "all" else lecture.lecture


def run_makemore(args: argparse.Namespace) -> LanguageRun:
    """Train (or count) one model of the ladder, print its losses and samples, save, report."""
    if args.save is not None:
        check_save_path(args.save, "makemore")
    if not args.no_report:
        check_report_folder(args.out)
    words = _words(args)
    vocabulary = Vocabulary.from_words(words)
    splits = split_words(words)
    recipe = _recipe(args)
    counts = count_bigrams(splits[0], vocabulary)
    model = counts.as_model() if recipe is None else _build(args, recipe, vocabulary)
    data = _windows(splits, vocabulary, model.block_size)
    if not args.quiet:
        _announce(args, splits, model, recipe)
    history = None if recipe is None else _train(args, model, recipe, data)
    losses = _losses(model, data)
    say("  ".join(f"{part} loss {figure(value, 4)}" for part, value in losses.items()))
    lecture = _lecture_dev_loss(args.model, recipe)
    samples = sample(model, args.samples, temperature=args.temperature, seed=args.seed)
    if not args.quiet:
        say(f"{len(samples)} samples (temperature {figure(args.temperature)}):")
    for word in samples:
        say(word)
    if args.save is not None:
        save(model, args.save)
        say(f"model saved to {args.save}")
    run = LanguageRun(
        config=_config(args, recipe, model),
        splits=splits,
        vocabulary=vocabulary,
        model=model,
        counts=counts,
        history=history,
        losses=losses,
        samples=samples,
        lecture=lecture,
    )
    if not args.no_report:
        from .reporting import write_language_report

        write_language_report(args.out, run)
    return run
