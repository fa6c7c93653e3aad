"""The names lab's play loop: the network playground's ``LabRunner``, sending names messages.

``NamesRunner`` is a ``LabRunner`` (one session, one lock, the play loop,
frames to every page) whose session is a ``NamesSession`` and whose messages
are the names page's: a ``NamesState`` after any change, a names ``Frame``
after steps, with new samples about once a second while playing (every
frame when stepping by hand; a State draws them only when the run has none).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from ..language.ladder import LADDER
from ..optim import OPTIMIZERS
from .inputs import MAX_STEPS
from .names_frames import names_frame
from .names_session import NamesSession
from .names_settings import LIMITS, MODELS, NAMES_OPTIMIZERS, WORD_LISTS
from .runner import LabRunner

__all__ = ["NamesRunner", "limits_message", "names_state"]


def limits_message() -> dict[str, Any]:
    """The bounds the page's controls show (``LIMITS`` as JSON)."""
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(LIMITS).items()
    }


def names_state(
    session: NamesSession, frame: dict[str, Any], *, playing: bool, rev: int
) -> dict[str, Any]:
    """The names page's ``State``: the settings and their URL, the choices, the words, the model."""
    data = session.data
    return {
        "type": "state",
        "rev": rev,
        "settings": dataclasses.asdict(session.settings),
        "query": session.settings.to_query(),
        "limits": limits_message(),
        "models": {name: LADDER[name].summary for name in MODELS},
        "optimizers": [m for m in OPTIMIZERS.menu() if m["name"] in NAMES_OPTIMIZERS],
        "word_lists": list(WORD_LISTS),
        "uploaded": session.uploaded is not None,
        "words": {
            "source": data.source,
            "count": data.words,
            "characters": data.vocabulary.characters,
            "examples": len(data.X),
        },
        "parameters": session.model.num_parameters(),
        "block_size": session.model.block_size,
        "playing": playing,
        "frame": frame,
    }


class NamesRunner(LabRunner):
    """A ``LabRunner`` over a ``NamesSession`` (a new default one if None)."""

    def __init__(self, session: NamesSession | None = None) -> None:
        super().__init__(session if session is not None else NamesSession())

    def frame_of(self, session: Any, **extra: Any) -> dict[str, Any]:
        """The names Frame; new samples when paused, or once ``LIMITS.sample_every`` has passed."""
        now = time.monotonic()
        due = (
            not (self.playing and session.samples)
            or now - session.sampled_at >= LIMITS.sample_every
        )
        if due:
            session.resample(now)
        return {**names_frame(session, samples=due), "rev": self.rev, **extra}

    def state_of(self, session: Any) -> dict[str, Any]:
        """The names State (with its Frame and the samples, drawn if the run has none yet)."""
        if not session.samples:
            session.resample(time.monotonic())
        frame = {**names_frame(session, samples=True), "rev": self.rev}
        return names_state(session, frame, playing=self.playing, rev=self.rev)

    def most_steps(self, session: Any) -> int:
        """A play frame takes what fits its time budget, at most ``MAX_STEPS``."""
        return MAX_STEPS
