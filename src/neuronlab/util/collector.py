"""Python's cycle collector and graphs without cycles: let it wait, or pause it.

A graph of ``Value`` nodes (or ``Tensor`` nodes) holds no reference cycles, so
reference counting frees it the moment the loss is dropped.  The cycle
collector cannot know that: every 700 new container objects it scans all the
young objects alive -- a graph being built -- and promotes them, to scan
them again later with everything else alive in the process (NumPy, PyTorch,
the library itself).  On a micrograd-sized training step that is a fifth of
the time, and it varies with what else the process holds.
``collector_waits_for`` (called by ``Value.backward``) and
``cycle_collector_paused`` (used by ``fit``) are the two ways round it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["MOST_ALLOCATIONS_BETWEEN_COLLECTIONS", "collector_waits_for", "cycle_collector_paused"]

#: The highest ``collector_waits_for`` sets the collector's first threshold (Python's is 700).
MOST_ALLOCATIONS_BETWEEN_COLLECTIONS = 100_000


def collector_waits_for(nodes: int) -> None:
    """Let Python's cycle collector run at most once per two graphs of ``nodes`` nodes.

    The collector starts a pass every 700 new container objects (its first
    threshold), and every pass scans all young objects alive -- here, the
    graph being built, which it cannot free (reference counting does that
    when the loss is dropped).  A training loop by hand builds one graph per
    step, at most three objects per node (the Value, its inputs and its
    local derivatives), and holds two at once (the new one and the last
    loss); ``backward`` calls this with its graph's size so that the first
    threshold is at least room for that, and a step costs the collector
    nothing, as if it were paused (what ``fit`` does).  The threshold is
    only ever raised, never above ``MOST_ALLOCATIONS_BETWEEN_COLLECTIONS``:
    a cycle made by other code is still collected, at most about one
    training step later.  Nothing else changes: ``gc.collect()`` and the
    older generations work as before.
    """
    if type(nodes) is not int:
        raise TypeError(
            f"collector_waits_for: expected a whole number of nodes, got {type(nodes).__name__}"
        )
    if nodes < 0:
        raise ValueError(f"collector_waits_for: expected a whole number of nodes >= 0, got {nodes}")
    wanted = min(6 * nodes, MOST_ALLOCATIONS_BETWEEN_COLLECTIONS)
    first, second, third = gc.get_threshold()
    if 0 < first < wanted:  # 0: the collector is switched off by threshold; leave it so
        gc.set_threshold(wanted, second, third)


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a block that builds and frees big graphs.

    A graph of Values holds no reference cycles, so reference counting frees
    it on its own; the cycle collector would only rescan every live node
    again and again while the graph grows (on a micrograd-sized step that is
    most of the forward pass).  ``fit`` runs each training step inside this.
    The collector is restored afterwards, and any cycles made meanwhile by
    other code are collected then as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
