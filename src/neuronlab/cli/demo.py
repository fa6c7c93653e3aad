"""``neuronlab demo``: micrograd's classic demo, number for number."""

from __future__ import annotations

import sys

from .. import data as datasets
from ..data.info import dataset_info
from ..nn import MLP
from ..optim import SGD, LinearLR
from ..training import History, fit
from .output import final_line, progress_printer, say
from .reporting import check_report_folder, write_report

__all__ = ["run_demo"]

#: micrograd's demo, as its notebook has it.
DEMO_POINTS, DEMO_NOISE, DEMO_EPOCHS, DEMO_L2 = 100, 0.1, 100, 1e-4


def _config(seed: int) -> dict:
    """The demo's settings, for its report."""
    return {
        "command": "demo",
        "dataset": "moons",
        "n": DEMO_POINTS,
        "noise": DEMO_NOISE,
        "engine": "scalar",
        "layers": [2, 16, 16, 1],
        "init": "micrograd: weights uniform in [-1, 1], biases 0",
        "activation": "relu",
        "loss": "hinge",
        "l2": DEMO_L2,
        "optimizer": "sgd",
        "lr": 1.0,
        "schedule": f"LinearLR 1.0 -> 0.1 over {DEMO_EPOCHS} steps",
        "epochs": DEMO_EPOCHS,
        "batch_size": DEMO_POINTS,
        "seed": seed,
    }


def run_demo(
    seed: int = 0, quiet: bool = False, out: str | None = None, report: bool = True
) -> History:
    """micrograd's demo: moons, MLP(2, [16, 16, 1]), hinge + 1e-4 L2, lr 1.0 → 0.1.

    The labels are 0 and 1; the hinge loss reads them as -1 and +1.
    """
    if report:
        check_report_folder(out)
    X, y = datasets.moons(DEMO_POINTS, noise=DEMO_NOISE, seed=seed)
    model = MLP(2, [16, 16, 1], activation="relu", seed=seed)
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=DEMO_EPOCHS)
    if not quiet:
        say(
            f"neuronlab demo: {model}, {model.num_parameters()} parameters, "
            f"{DEMO_POINTS} moons points"
        )
    verbose = not quiet and sys.stderr.isatty()
    callback = None if (quiet or verbose) else progress_printer(DEMO_EPOCHS, 10)
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        l2=DEMO_L2,
        optimizer=optimizer,
        scheduler=schedule,
        epochs=DEMO_EPOCHS,
        batch_size=None,
        seed=seed,
        verbose=verbose,
        callback=callback,
    )
    say(final_line(history))
    if report:
        config = _config(seed)
        info = dataset_info("moons")
        write_report(
            out, config=config, history=history, model=model, data=(X, y), name="demo", info=info
        )
    return history
