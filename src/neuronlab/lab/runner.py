"""The lab's play loop: one session behind one lock, stepped in a worker thread, frames out.

``LabRunner`` owns the ``LabSession`` a server drives.  Everything that
reads or changes the session runs in a worker thread holding the one lock
(``call``), so the event loop stays free to answer requests while a step
or a frame is being computed.  While playing, a background task trains and
sends a ``Frame`` about 30 times a second at most; when steps are fast it
trains several per frame (as many as fit in ``STEP_BUDGET`` seconds, at
most one epoch, TensorFlow Playground's pace).  A run that diverges pauses,
and the frame carries ``TrainingDiverged``'s message; an unexpected error
pauses too and is reported, and the server keeps running.

Each WebSocket has an ``Outbox``: messages wait there for the socket, and a
newer play frame replaces one not yet sent, so a slow page gets the latest
picture rather than a growing queue.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread

from ..util.threads import one_blas_thread
from .messages import dumps, frame_message, state_message
from .session import LabSession

__all__ = ["FRAME_INTERVAL", "STEP_BUDGET", "LabRunner", "Outbox", "Pace", "epoch_batches"]

#: The shortest time between two play frames (at most 30 a second).
FRAME_INTERVAL = 1 / 30
#: The training time a play frame may spend before it is drawn.
STEP_BUDGET = 0.015
#: Messages a page may leave unread before its socket is closed (it reconnects afresh).
MAX_WAITING = 64

log = logging.getLogger("neuronlab.lab")
T = TypeVar("T")


def epoch_batches(session: LabSession) -> int:
    """How many steps (batches) make one epoch of the session's training points."""
    n = len(session.problem.train)
    return max(1, math.ceil(n / max(1, min(session.settings.batch_size, n))))


class Pace:
    """How many steps a play frame takes: what fits in ``budget`` seconds, from 1 to ``most``.

    >>> pace = Pace(budget=0.01)
    >>> pace.count(most=25)  # nothing measured yet: one step
    1
    >>> pace.record(count=1, seconds=0.001)
    >>> pace.count(most=25), pace.count(most=4)
    (10, 4)
    """

    def __init__(self, budget: float = STEP_BUDGET) -> None:
        self.budget = budget
        self.seconds_per_step: float | None = None

    def count(self, most: int) -> int:
        """Steps for the next frame."""
        if self.seconds_per_step is None:
            return 1
        return max(1, min(most, int(self.budget / max(self.seconds_per_step, 1e-7))))

    def record(self, count: int, seconds: float) -> None:
        """Remember how long ``count`` steps took (a running average)."""
        per_step = seconds / max(count, 1)
        old = self.seconds_per_step
        self.seconds_per_step = per_step if old is None else 0.7 * old + 0.3 * per_step


class Outbox:
    """The messages waiting for one WebSocket; a new play frame replaces an unsent one."""

    def __init__(self) -> None:
        self.waiting: deque[tuple[str, str]] = deque()
        self.wake = asyncio.Event()
        self.overflowed = False

    def put(self, kind: str, text: str) -> None:
        """Queue a message; ``kind`` "frame" (a play frame) may be replaced by the next one."""
        if kind == "frame" and self.waiting and self.waiting[-1][0] == "frame":
            self.waiting[-1] = (kind, text)
        else:
            self.waiting.append((kind, text))
        if len(self.waiting) > MAX_WAITING:
            self.overflowed = True
        self.wake.set()

    async def next(self) -> str:
        """The next message to send (waits for one); RuntimeError once the page fell behind."""
        while not self.waiting:
            self.wake.clear()
            await self.wake.wait()
        if self.overflowed:
            raise RuntimeError("the page stopped reading its messages")
        return self.waiting.popleft()[1]


class LabRunner:
    """A session, the lock around it, the play loop, and the pages listening.

    The session is a ``LabSession`` by default; another page's session (the
    names lab's) needs only ``step(count)``, ``reset()`` and ``diverged``, and a
    subclass that says what its pages are sent (``state_of``, ``frame_of``,
    ``most_steps``).
    """

    def __init__(self, session: Any = None) -> None:
        self.session = session if session is not None else LabSession()
        self.lock = threading.Lock()
        self.playing = False
        self.rev = 0  # counts the changes: a frame of an older run is not drawn
        self.outboxes: set[Outbox] = set()
        self.pace = Pace()
        self._task: asyncio.Task[None] | None = None

    # -- the session, in a worker thread, under the lock -------------------------------------

    async def call(self, work: Callable[[Any], T]) -> T:
        """``work(session)`` in a worker thread holding the lock; its result."""
        return await anyio.to_thread.run_sync(self._locked, work)

    def _locked(self, work: Callable[[Any], T]) -> T:
        with self.lock, one_blas_thread():  # small products: one thread is the fastest
            return work(self.session)

    # -- what a page of this runner is sent (a runner of another page overrides these three) ----

    def state_of(self, session: Any) -> dict[str, Any]:
        """The session's ``State`` message."""
        return state_message(session, playing=self.playing, rev=self.rev)

    def frame_of(self, session: Any, **extra: Any) -> dict[str, Any]:
        """The session's ``Frame`` message, stamped with the run's revision and ``extra``."""
        return frame_message(session, self.rev, **extra)

    def most_steps(self, session: Any) -> int:
        """The most steps one play frame may take (the lab's: one epoch)."""
        return epoch_batches(session)

    def _state(self, session: Any) -> dict[str, Any]:
        return self.state_of(session)

    async def state(self) -> dict[str, Any]:
        """The current ``State``."""
        return await self.call(self._state)

    async def state_text(self) -> str:
        """The current ``State`` as JSON text."""
        return await self.call(lambda s: dumps(self._state(s)))

    async def change(
        self, work: Callable[[Any], object], *, restarts: bool = True
    ) -> dict[str, Any]:
        """Apply ``work`` to the session; the new State, also sent to every page.

        A change that starts the run again (``restarts``) pauses it, as in
        TensorFlow Playground; an error in ``work`` changes nothing.
        """

        def apply(session: Any) -> tuple[dict[str, Any], str, bool]:
            work(session)
            self.rev += 1
            stopped = restarts and self.playing
            if restarts:
                self.playing = False
            state = self._state(session)
            return state, dumps(state), stopped

        state, text, stopped = await self.call(apply)
        self.broadcast("state", text)
        if stopped:
            self._send_status()
        return state

    async def step(self, count: int, **extra: Any) -> dict[str, Any]:
        """Pause, train ``count`` steps, and the Frame after them (``extra``: e.g. the id)."""
        await self.pause()

        def advance(session: Any) -> tuple[dict[str, Any], str]:
            session.step(count)
            message = self.frame_of(session, **extra)
            return message, dumps(message)

        message, text = await self.call(advance)
        self.broadcast("reply", text)
        return message

    # -- playing ------------------------------------------------------------------------------

    async def play(self) -> None:
        """Start training in the background (nothing when already playing)."""
        if self.playing:
            return
        self.playing = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop())
        self._send_status()

    async def pause(self) -> None:
        """Stop training; returns once the frame in progress (if any) has been sent."""
        was = self.playing
        self.playing = False
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            await asyncio.wait({task}, timeout=2.0)
        if was:
            self._send_status()

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while self.playing:
            started = loop.time()
            try:
                result = await self.call(self._advance)
            except Exception as error:  # the loop reports and pauses; the server keeps running
                log.exception("the play loop stopped")
                self.playing = False
                self.broadcast("error", dumps({"type": "error", "error": _failure(error)}))
                self._send_status()
                return
            if result is None:
                return
            text, diverged = result
            self.broadcast("frame", text)
            if diverged:
                self._send_status()
                return
            await asyncio.sleep(max(0.0, FRAME_INTERVAL - (loop.time() - started)))

    def _advance(self, session: Any) -> tuple[str, bool] | None:
        """One play frame's steps and the frame (None once paused); in the worker thread."""
        if not self.playing:
            return None
        if session.diverged is None:
            count = self.pace.count(self.most_steps(session))
            started = time.perf_counter()
            session.step(count)
            self.pace.record(count, time.perf_counter() - started)
        diverged = session.diverged is not None
        if diverged:
            self.playing = False
        return dumps(self.frame_of(session)), diverged

    async def close(self) -> None:
        """Stop playing and let the loop end (the server is shutting down)."""
        self.playing = False
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=2.0)

    # -- the pages ----------------------------------------------------------------------------

    def broadcast(self, kind: str, text: str) -> None:
        """Queue a message for every connected page."""
        for outbox in list(self.outboxes):
            outbox.put(kind, text)

    def _send_status(self) -> None:
        self.broadcast("status", dumps({"type": "status", "playing": self.playing}))


def _failure(error: BaseException) -> str:
    return f"training stopped: {type(error).__name__}: {error}"[:300]
