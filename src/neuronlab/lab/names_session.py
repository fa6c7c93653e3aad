"""One names-lab run: the words, their context windows, a model of the makemore ladder, its Trainer.

Everything the names page does goes through a ``NamesSession``: change a
setting (``change``), train (``step``, one random batch each, through the
same ``Trainer.step()`` that ``fit`` runs), start again (``reset``), upload a
word list (``upload``), draw samples (``resample``).  A change that cannot be
taken raises ``LabInputError`` naming the field and leaves the session
exactly as it was: a new run is built whole before it replaces the old one.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.text import Vocabulary, context_windows, split_words
from ..data.words import names, parse_words
from ..language.ladder import LADDER
from ..language.model import LanguageModel
from ..language.sampling import sample
from ..optim import OPTIMIZERS
from ..training import Trainer, TrainingDiverged, evaluate
from .names_settings import LIMITS, TUNABLE, NamesSettings
from .settings import LabInputError, changed_fields

__all__ = [
    "BATCHNORM_MOMENTUM",
    "SPLIT_SEED",
    "NamesData",
    "NamesSession",
    "build_model",
    "build_trainer",
    "prepare",
]

#: How fast BatchNorm's running statistics follow the batches (they score the dev loss).
BATCHNORM_MOMENTUM = 0.1
#: The lectures' split of the words into train, dev and test (80 %, 10 %, 10 %).
SPLIT_SEED = 42


@dataclass(frozen=True)
class NamesData:
    """The words of a run as examples: the vocabulary, train and dev windows, and fixed subsets.

    ``train_eval``/``dev_eval`` are the (at most ``LIMITS.eval_examples``)
    examples the frame's losses are measured on, the same ones every frame;
    ``look`` the examples the activation histograms look at.
    """

    source: str
    words: int
    vocabulary: Vocabulary
    block_size: int
    X: np.ndarray
    Y: np.ndarray
    train_eval: tuple[np.ndarray, np.ndarray]
    dev_eval: tuple[np.ndarray, np.ndarray]
    look: np.ndarray


def _subset(X: np.ndarray, Y: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``most`` examples, drawn once with a fixed seed (the same for every run)."""
    if len(X) <= most:
        return X, Y
    rows = np.sort(np.random.default_rng(0).choice(len(X), most, replace=False))
    return X[rows], Y[rows]


def prepare(words: list[str], source: str, block_size: int) -> NamesData:
    """The lectures' 80/10/10 split of ``words`` and its context windows of ``block_size``."""
    vocabulary = Vocabulary.from_words(words)
    train, dev, _ = split_words(words, seed=SPLIT_SEED)
    examples = sum(len(w) + 1 for w in train)
    if examples * block_size > LIMITS.context_numbers:
        raise LabInputError(
            "context",
            f"{examples:,} training examples of {block_size} characters would hold "
            f"{examples * block_size:,} indices; the lab makes at most "
            f"{LIMITS.context_numbers:,}: use a shorter context or fewer words",
        )
    X, Y = context_windows(train, block_size, vocabulary)
    dev_windows = context_windows(dev, block_size, vocabulary) if dev else (X[:0], Y[:0])
    train_eval = _subset(X, Y, LIMITS.eval_examples)
    return NamesData(
        source=source,
        words=len(words),
        vocabulary=vocabulary,
        block_size=block_size,
        X=X,
        Y=Y,
        train_eval=train_eval,
        dev_eval=_subset(*dev_windows, LIMITS.eval_examples),
        look=train_eval[0][: LIMITS.histogram_examples],
    )


def build_model(s: NamesSettings, vocabulary: Vocabulary) -> LanguageModel:
    """The settings' model of the ladder, with its lecture's start (the MLP's Kaiming one)."""
    if s.model == "bigram":
        model = LADDER["bigram"].build(vocabulary, seed=s.seed)
    else:
        extra: dict[str, Any] = {}
        if s.model == "mlp":
            extra = {"init": "kaiming"}
        elif s.model == "batchnorm":  # a live run is short: PyTorch's 0.1, not the lecture's 0.001,
            extra = {"momentum": BATCHNORM_MOMENTUM}  # so the dev loss uses settled statistics
        model = LADDER[s.model].build(
            vocabulary, s.context, s.embedding, s.hidden, seed=s.seed, **extra
        )
    if model.num_parameters() > LIMITS.parameters:
        raise LabInputError(
            "hidden",
            f"expected a model of at most {LIMITS.parameters:,} parameters, got "
            f"{model.num_parameters():,}: use fewer hidden units, a smaller embedding or context",
        )
    return model


def build_trainer(s: NamesSettings, model: LanguageModel, data: NamesData) -> Trainer:
    """The Trainer of a run: cross-entropy on random batches, update ratios recorded."""
    if s.batch_size > len(data.X):
        raise LabInputError(
            "batch_size",
            f"expected a batch of at most the {len(data.X):,} training examples, "
            f"got {s.batch_size}",
        )
    optimizer = OPTIMIZERS.build(s.optimizer, model.parameters(), lr=s.lr)
    return Trainer(
        model,
        data.X,
        data.Y,
        loss="cross_entropy",
        optimizer=optimizer,
        batch_size=s.batch_size,
        batches="random",
        seed=s.seed,
        diagnose=False,
        record_updates=LIMITS.ratio_every,
    )


def check_words(words: list[str]) -> list[str]:
    """A word list long enough to split into train, dev and test."""
    if len(words) < LIMITS.min_words:
        raise LabInputError(
            "words",
            f"your word list: expected at least {LIMITS.min_words} words (80 % train, 10 % dev, "
            f"10 % test), got {len(words)}",
        )
    return words


class NamesSession:
    """The state of the names lab: one run, trained a random batch at a time."""

    def __init__(self, settings: NamesSettings | None = None) -> None:
        self.settings = settings or NamesSettings()
        self.uploaded: list[str] | None = None  # the learner's word list, once uploaded
        self.data = self._data(self.settings, self.uploaded)
        self._start(build_model(self.settings, self.data.vocabulary))

    # -- building a run ------------------------------------------------------------------------

    def _data(self, s: NamesSettings, uploaded: list[str] | None) -> NamesData:
        """The run's examples: those of the current run again when the words and context agree."""
        current = getattr(self, "data", None)
        if (
            current is not None
            and (current.source, current.block_size) == (s.words, s.block_size)
            and (s.words == "names" or uploaded is self.uploaded)
        ):
            return current
        if s.words == "yours":
            if uploaded is None:
                raise LabInputError("words", "upload a word list first (one word a line)")
            return prepare(uploaded, "yours", s.block_size)
        return prepare(names(), "names", s.block_size)

    def _start(self, model: LanguageModel, trainer: Trainer | None = None) -> None:
        self.model = model
        self.trainer = trainer or build_trainer(self.settings, model, self.data)
        self.diverged: str | None = None
        self.sample_rng = np.random.default_rng(self.settings.seed)
        self.samples: list[str] = []
        self.sampled_at = -math.inf

    def _begin(self, s: NamesSettings, uploaded: list[str] | None) -> None:
        """Replace the run by a new one, built whole first (an error changes nothing)."""
        data = self._data(s, uploaded)
        model = build_model(s, data.vocabulary)
        trainer = build_trainer(s, model, data)
        self.settings, self.uploaded, self.data = s, uploaded, data
        self._start(model, trainer)

    @property
    def steps(self) -> int:
        """Batches trained so far in this run."""
        return self.trainer.steps_done

    # -- what the page asks for ----------------------------------------------------------------

    def change(self, changes: Mapping[str, Any]) -> None:
        """Apply settings: the lr and temperature as they are, anything else starts a new run."""
        new = self.settings.with_changes(changes)  # checked first: nothing changes on an error
        changed = changed_fields(self.settings, new)
        if not changed:
            return
        if changed <= TUNABLE:
            self.settings = new
            self.trainer.optimizer.lr = new.lr
            if "temperature" in changed:
                self.samples = []  # new samples at the new temperature
            return
        self._begin(new, self.uploaded)

    def reset(self) -> None:
        """Start the run again: the same settings and words, the starting weights again."""
        self._start(build_model(self.settings, self.data.vocabulary))

    def upload(self, content: bytes) -> None:
        """Train on the learner's own words (one a line); a LabInputError says what is wrong."""
        try:
            words = parse_words(
                content,
                "your word list",
                max_words=LIMITS.upload_words,
                max_word_length=LIMITS.word_length,
            )
        except ValueError as e:
            raise LabInputError("words", str(e)) from None
        self._begin(dataclasses.replace(self.settings, words="yours"), check_words(words))

    def step(self, count: int = 1) -> float | None:
        """Train ``count`` batches; the last batch's loss (None when the run has diverged)."""
        if self.diverged is not None:
            return None
        loss = None
        try:
            for _ in range(count):
                loss = self.trainer.step()
        except TrainingDiverged as error:
            self.diverged = str(error)
        return loss

    def losses(self) -> dict[str, float | None]:
        """The loss on the fixed train and dev examples (``LIMITS.eval_examples`` each)."""
        out: dict[str, float | None] = {}
        for name, (X, Y) in (("train", self.data.train_eval), ("dev", self.data.dev_eval)):
            out[name] = evaluate(self.model, X, Y, "cross_entropy")["loss"] if len(X) else None
        return out

    def resample(self, now: float) -> list[str]:
        """Ten new words from the model at the temperature (``sampled_at`` becomes ``now``)."""
        self.samples = sample(
            self.model,
            LIMITS.samples,
            temperature=self.settings.temperature,
            max_length=LIMITS.sample_length,
            seed=self.sample_rng,
        )
        self.sampled_at = now
        return self.samples
