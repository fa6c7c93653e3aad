"""What a names-lab run is made of, checked, and written as a URL query; every bound in one place.

``NamesSettings`` holds the model (a rung of the makemore ladder), its sizes
(context length, embedding, hidden units), the training (optimiser, learning
rate, batch size, seed), the word list and the sampling temperature.
``with_changes`` checks a partial update from the page and raises
``LabInputError`` naming the field; ``to_query``/``from_query`` turn the
settings into the URL's query and back.  ``LIMITS`` is every bound a request
can meet: the sizes, the upload, and what one frame carries.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..data.words import MAX_WORD_LENGTH
from ..language.ladder import LADDER
from ..optim import OPTIMIZERS
from ..util.checks import describe, one_of, real_number, whole_number
from .settings import LabInputError, field_value

__all__ = [
    "LIMITS",
    "MODELS",
    "NAMES_OPTIMIZERS",
    "TUNABLE",
    "WORD_LISTS",
    "NamesLimits",
    "NamesSettings",
]

#: The models offered, in the lectures' order (the names of ``language.LADDER``).
MODELS = tuple(LADDER)
#: The optimisers offered (the names of ``optim.OPTIMIZERS``).
NAMES_OPTIMIZERS = tuple(OPTIMIZERS)
#: The word lists: the bundled names, or the list the learner uploaded.
WORD_LISTS = ("names", "yours")
#: Settings taken while training goes on (the rest start the run again).
TUNABLE = frozenset({"lr", "temperature"})


@dataclass(frozen=True)
class NamesLimits:
    """Every bound of the names lab: the settings' ranges, the upload, what a frame carries."""

    context: tuple[int, int] = (1, 16)
    embedding: tuple[int, int] = (2, 64)
    hidden: tuple[int, int] = (1, 512)
    batch_size: tuple[int, int] = (1, 1024)
    seed: tuple[int, int] = (0, 2**31 - 1)
    lr: tuple[float, float] = (1e-5, 10.0)
    temperature: tuple[float, float] = (0.05, 5.0)
    #: the largest model (parameters) a run may build
    parameters: int = 1_000_000
    #: the most context indices a run's training windows may hold (examples × context; 8 bytes
    #: each): the names with a context of 16 hold 2.9 million
    context_numbers: int = 8_000_000
    #: an upload: its bytes, its words (lines), the longest word, the fewest words that split
    upload_bytes: int = 512 * 1024
    upload_words: int = 100_000
    word_length: int = MAX_WORD_LENGTH
    min_words: int = 20
    #: the examples the frame's train and dev losses are measured on (each)
    eval_examples: int = 2048
    #: the examples the activation histograms look at, and their bins
    histogram_examples: int = 512
    histogram_bins: int = 40
    #: samples shown, the longest sample, and the seconds between two refreshes while playing
    samples: int = 10
    sample_length: int = 32
    sample_every: float = 1.0
    #: the update:data ratios: measured every this many steps, at most this many points sent
    ratio_every: int = 5
    ratio_points: int = 200


LIMITS = NamesLimits()

_RANGES = ("context", "embedding", "hidden", "batch_size", "seed", "lr", "temperature")
_CHOICES = {"model": MODELS, "optimizer": NAMES_OPTIMIZERS, "words": WORD_LISTS}


@dataclass(frozen=True)
class NamesSettings:
    """One names-lab run: which model, how large, how it trains, on which words."""

    model: str = "mlp"
    context: int = 3
    embedding: int = 10
    hidden: int = 200
    optimizer: str = "adamw"
    lr: float = 0.003
    batch_size: int = 32
    seed: int = 42
    words: str = "names"
    temperature: float = 1.0

    @property
    def block_size(self) -> int:
        """The characters the model reads: 1 for the bigram network, else ``context``."""
        return 1 if self.model == "bigram" else self.context

    def with_changes(self, changes: Mapping[str, Any]) -> NamesSettings:
        """New settings with ``changes`` applied, each checked; a LabInputError naming the field.

        Choosing the WaveNet with a context that is not a power of 2 rounds the
        context up to one (it merges neighbours in pairs), unless the context is
        given too.
        """
        if not isinstance(changes, Mapping):
            raise LabInputError(
                "settings", f"expected an object of fields, got {describe(changes)}"
            )
        values = dataclasses.asdict(self)
        for key, value in changes.items():
            if key not in values:
                names = ", ".join(values)
                raise LabInputError(str(key), f"unknown setting; expected one of {names}")
            values[key] = _checked(key, value)
        if values["model"] == "wavenet" and "context" not in changes:
            values["context"] = max(2, 2 ** math.ceil(math.log2(values["context"])))
        return _consistent(NamesSettings(**values))

    def to_query(self) -> dict[str, str]:
        """The settings as URL query parameters (only those that differ from the defaults)."""
        default = NamesSettings()
        return {
            f.name: _text(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> NamesSettings:
        """Settings from URL query parameters (texts); missing ones take their defaults."""
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for key, text in query.items():
            if key not in fields:
                raise LabInputError(
                    key, f"unknown setting in the URL; expected one of {', '.join(fields)}"
                )
            changes[key] = _parsed(key, str(text), fields[key])
        return cls().with_changes(changes)


def _text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _parsed(key: str, text: str, kind: Any) -> Any:
    """A URL parameter as its field's type (checking comes after, in with_changes)."""
    try:
        if kind in ("int", int):
            return int(text)
        if kind in ("float", float):
            return float(text)
    except ValueError:
        raise LabInputError(key, f"expected a number in the URL, got {text!r:.40}") from None
    return text


def _checked(key: str, value: Any) -> Any:
    """One field's value, checked against its choices or its range in LIMITS."""
    if key in _CHOICES:
        return field_value(lambda v, f: one_of(v, _CHOICES[key], f), value, key)
    low, high = getattr(LIMITS, key)
    check = whole_number if isinstance(low, int) else real_number
    return field_value(check, value, key, minimum=low, maximum=high)


def _consistent(s: NamesSettings) -> NamesSettings:
    """What one field alone cannot say: the WaveNet's context is a power of 2."""
    if s.model == "wavenet" and (s.context < 2 or s.context & (s.context - 1)):
        raise LabInputError(
            "context",
            f"the WaveNet merges neighbouring characters in pairs: expected a context of 2, 4, "
            f"8 or 16, got {s.context}",
        )
    return s


assert set(_RANGES) <= {f.name for f in dataclasses.fields(NamesLimits)}
assert set(_RANGES) | set(_CHOICES) == {f.name for f in dataclasses.fields(NamesSettings)}
