"""How big a run the command line accepts, and how long it will take: checked before any work.

A command line can ask for anything (``--n 10**18``, ``--layers 100000,100000``);
these bounds keep memory and time sane and say why when they refuse, before
a single array is made.  The two engines differ by orders of magnitude:

- the scalar engine keeps one Python ``Value`` per weight (~110 bytes) and,
  while it trains, one graph node per weight and example of a batch (~45
  bytes each, measured): its network and its batches must stay small;
- the tensor engine keeps each layer as one float64 array, and a batch's
  values at every layer while it trains.

The throughputs below were measured on a 2-core machine; the time estimates
they give are rough (within a factor of 2 or 3), enough to say "minutes".
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .errors import UsageError

__all__ = [
    "MAX_BATCH",
    "MAX_EPOCHS",
    "MAX_HIDDEN_LAYERS",
    "MAX_NOISE",
    "MAX_PARAMETERS",
    "MAX_POINTS",
    "MAX_SAMPLES_SHOWN",
    "MAX_STEPS",
    "MAX_STEP_NUMBERS",
    "MAX_WIDTH",
    "SLOW_SECONDS",
    "STEP_MILLISECONDS",
    "check_network",
    "duration_text",
    "estimated_seconds",
    "language_run_note",
    "parameter_count",
    "slow_run_note",
]

#: The most points ``--n`` generates (each is a row of float64 numbers made at once).
MAX_POINTS = 1_000_000
#: The largest ``--noise``: the generated points lie within a few units of 0 (houses: k€).
MAX_NOISE = 1e6
#: The most ``--epochs``.
MAX_EPOCHS = 100_000
#: The largest ``--batch-size``.
MAX_BATCH = MAX_POINTS
#: The most hidden layers ``--layers`` may list.
MAX_HIDDEN_LAYERS = 100
#: The widest layer: evaluation runs a few thousand rows through it at once.
MAX_WIDTH = 4096
#: The most parameters per engine (scalar: ~110 bytes each; tensor: 32 with gradient and Adam's).
MAX_PARAMETERS = {"scalar": 200_000, "tensor": 10_000_000}
#: The most numbers one training step may hold: scalar graph nodes (batch × parameters),
#: tensor layer values (batch × the widths of all layers).
MAX_STEP_NUMBERS = {"scalar": 10_000_000, "tensor": 20_000_000}

#: A run expected to take longer than this many seconds gets a note saying so.
SLOW_SECONDS = 20.0

#: Weight × example updates per second (forward, backward and optimiser step), as measured:
#: the scalar engine, and the tensor engine in float32 and in float64 (MNIST-sized layers).
_RATE = {"scalar": 1.0e6, "float32": 2.0e9, "float64": 4.0e8}
_STEP_SECONDS = 2e-4  # the tensor engine's cost of a step, however small


def parameter_count(sizes: Sequence[int]) -> int:
    """Weights and biases of a fully connected network with these layer widths (inputs first)."""
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def check_network(sizes: Sequence[int], engine: str, batch_size: int) -> None:
    """Refuse a network (widths, inputs first) or batch beyond what ``engine`` is allowed here."""
    params = parameter_count(sizes)
    limit = MAX_PARAMETERS[engine]
    if params > limit:
        why = (
            "it keeps one Python object per weight"
            if engine == "scalar"
            else "each one takes 32 bytes with its gradient and Adam's averages"
        )
        fits = engine == "scalar" and params <= MAX_PARAMETERS["tensor"]
        hint = "; --engine tensor takes it" if fits else ""
        raise UsageError(
            f"neuronlab train: --layers: this network has {params:,} parameters; the {engine} "
            f"engine takes at most {limit:,} ({why}){hint}"
        )
    step = batch_size * (params if engine == "scalar" else sum(sizes[1:]))
    if step > MAX_STEP_NUMBERS[engine]:
        what = "graph nodes" if engine == "scalar" else "layer values"
        raise UsageError(
            f"neuronlab train: --batch-size {batch_size:,}: one training step would hold "
            f"{step:,} {what} on the {engine} engine, at most {MAX_STEP_NUMBERS[engine]:,} "
            "are allowed; use a smaller --batch-size or narrower --layers"
        )


def estimated_seconds(
    engine: str, params: int, examples: int, epochs: int, batch: int, dtype: str = "float32"
) -> float:
    """Roughly how long training takes on ``engine`` (the tensor engine in ``dtype``)."""
    if engine == "scalar":
        return params * examples * epochs / _RATE["scalar"]
    steps = epochs * -(-examples // batch)
    return params * examples * epochs / _RATE[dtype] + steps * _STEP_SECONDS


def duration_text(seconds: float) -> str:
    """``about 40 seconds``, ``about 3 minutes``, ``about 2 hours``, ``about 5 days``."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= 1.5 * size:
            count = round(seconds / size)
            return f"about {count:,} {unit}s"
    count = max(1, round(seconds))
    return f"about {count} second{'s' if count != 1 else ''}"


def slow_run_note(
    engine: str, params: int, examples: int, epochs: int, batch: int, dtype: str = "float32"
) -> str | None:
    """What to say before a run expected to take more than ``SLOW_SECONDS`` (None: nothing).

    On the scalar engine it also says how long the tensor engine (float32) would take.
    """
    batch = min(batch, examples)
    seconds = estimated_seconds(engine, params, examples, epochs, batch, dtype)
    if seconds < SLOW_SECONDS:
        return None
    work = f"{params:,} weights × {examples:,} examples × {epochs:,} epochs"
    if engine != "scalar":
        return f"this run will take {duration_text(seconds)} ({work})"
    fast = estimated_seconds("tensor", params, examples, epochs, batch)
    return (
        f"the scalar engine will take {duration_text(seconds)} here ({work}, one Python object "
        f"per number); --engine tensor trains the same network in {duration_text(fast)}"
    )


#: The most ``--steps`` of ``neuronlab makemore``: 2 million steps of the WaveNet take hours.
MAX_STEPS = 2_000_000
#: The most names ``--samples`` and ``neuronlab sample -n`` print.
MAX_SAMPLES_SHOWN = 10_000
#: Milliseconds per training step of each language model at a batch of 32, as measured on a
#: 2-core machine (benchmarks/bench_makemore.py, Trainer.step); a step grows with the batch.
STEP_MILLISECONDS = {"bigram": 0.1, "mlp": 0.2, "batchnorm": 0.3, "wavenet": 1.0}


def language_run_note(model: str, steps: int, batch: int | None, examples: int) -> str | None:
    """What to say before a language model's run expected to take more than ``SLOW_SECONDS``."""
    rows = examples if batch is None else batch
    per_step = STEP_MILLISECONDS[model] / 1000 * max(1.0, rows / 32) ** 0.8
    seconds = steps * per_step
    if seconds < SLOW_SECONDS:
        return None
    return f"this run will take {duration_text(seconds)} ({steps:,} steps of {rows:,} examples)"
