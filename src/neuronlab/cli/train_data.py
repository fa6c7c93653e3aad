"""The data of ``neuronlab train``: loaded as the options say, and its scaling for training.

Generated datasets take ``--n`` and ``--noise`` (the options their functions
have); a dataset with its own test set (the registry entry's ``train_test``:
digits, mnist) is split as it says, one read from files (``from_files``:
mnist) needs ``--data-dir``, and ``--target`` turns a dataset of images into
a yes/no question.  Inputs of generated data are standardised for training
(images are already in [0, 1]) and a regression's targets too; the scaling is
folded into the trained network afterwards (``cli.scaling``).
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import data as datasets
from ..data.info import DatasetEntry, DatasetInfo, dataset_info
from .errors import UsageError

__all__ = ["Scaling", "TrainingData", "generator_options", "load_training_data", "scaling_for"]

#: The command-line options of a generated dataset -> the names its function gives them.
_OPTION_NAMES = {"n": ("n",), "noise": ("noise", "std")}


@dataclass
class TrainingData:
    """The examples of a run as the dataset makes them (raw units), and what they mean."""

    name: str
    X: np.ndarray
    y: np.ndarray
    info: DatasetInfo
    classes: int  # 1 for a regression, 2 for a yes/no question
    test: tuple[np.ndarray, np.ndarray] | None = None
    options: dict[str, Any] = field(default_factory=dict)  # what made it: n, noise, data_dir

    @property
    def regression(self) -> bool:
        """True when the targets are numbers to predict rather than classes."""
        return self.info.task == "regression"


@dataclass(frozen=True)
class Scaling:
    """Training sees (x - mean) / std and (y - y_mean) / y_scale; identity where not scaled."""

    mean: np.ndarray
    std: np.ndarray
    y_mean: float = 0.0
    y_scale: float = 1.0
    inputs: bool = False
    targets: bool = False


def generator_options(name: str) -> dict[str, tuple[str, Any]]:
    """The options of dataset ``name``'s function: ``{"n": ("n", 100), "noise": ("std", 0.5)}``."""
    entry = datasets.DATASETS.get(name)
    if entry is None or entry.from_files:
        return {}
    params = inspect.signature(entry.builds).parameters
    found: dict[str, tuple[str, Any]] = {}
    for option, names in _OPTION_NAMES.items():
        for param in names:
            if param in params:
                found[option] = (param, params[param].default)
                break
    return found


def _names(wanted: Callable[[DatasetEntry], bool]) -> str:
    """The registry's datasets ``wanted`` picks, as a sentence lists them: "digits or mnist"."""
    return " or ".join(n for n, entry in datasets.DATASETS.items() if wanted(entry))


def _check_options(args: argparse.Namespace) -> dict[str, tuple[str, Any]]:
    name = args.dataset
    entry = datasets.DATASETS[name]
    if entry.from_files and args.data_dir is None:
        raise UsageError(
            f"neuronlab train: --dataset {name} needs --data-dir, the folder with its files"
        )
    if not entry.from_files and args.data_dir is not None:
        files = _names(lambda e: e.from_files)
        raise UsageError(f"neuronlab train: --data-dir applies to --dataset {files} only")
    if args.target is not None and dataset_info(name).image_shape is None:
        images = _names(lambda e: e.info is not None and e.info.image_shape is not None)
        raise UsageError(f"neuronlab train: --target works with --dataset {images}")
    options = generator_options(name)
    generated = ", ".join(n for n in datasets.dataset_names() if generator_options(n))
    for option in ("n", "noise"):
        if getattr(args, option) is not None and option not in options:
            raise UsageError(
                f"neuronlab train: --{option}: {name} is a fixed set of examples; "
                f"--{option} applies to {generated}"
            )
    return options


def _yes_no(info: DatasetInfo, digit: int) -> DatasetInfo:
    return dataclasses.replace(
        info, target_name=f"is it a {digit}?", class_names=(f"not a {digit}", f"a {digit}")
    )


def load_training_data(args: argparse.Namespace) -> TrainingData:
    """The training (and test) examples the ``train`` options ask for."""
    options = _check_options(args)
    info = dataset_info(args.dataset)
    entry = datasets.DATASETS[args.dataset]
    test = None
    if entry.train_test is not None:  # its own test set (read from --data-dir when from files)
        (X, y), test = entry.train_test(seed=args.seed, path=args.data_dir)
        used = {"data_dir": args.data_dir} if entry.from_files else {}
    else:
        used = {
            o: default if getattr(args, o) is None else getattr(args, o)
            for o, (_, default) in options.items()
        }
        kwargs = {param: used[o] for o, (param, _) in options.items()}
        if "seed" in inspect.signature(entry.builds).parameters:
            kwargs["seed"] = args.seed
        X, y = datasets.load(args.dataset, **kwargs)
    if args.target is not None:
        info = _yes_no(info, args.target)
        y = (y == args.target).astype(np.int64)
        if test is not None:
            test = (test[0], (test[1] == args.target).astype(np.int64))
    classes = (
        1 if info.task == "regression" else max(2, int(y.max()) + 1, len(info.class_names or ()))
    )
    return TrainingData(args.dataset, X, y, info, classes, test, used)


def scaling_for(data: TrainingData) -> Scaling:
    """How training rescales ``data``: generated inputs standardised, regression targets too."""
    width = data.X.shape[1]
    inputs = data.info.image_shape is None  # images are already in [0, 1]
    with np.errstate(all="ignore"):
        mean = data.X.mean(axis=0) if inputs else np.zeros(width)
        spread = data.X.std(axis=0) if inputs else np.ones(width)
        std = np.where(spread > 0, spread, 1.0)
        y_mean = float(data.y.mean()) if data.regression else 0.0
        y_scale = (float(data.y.std()) or 1.0) if data.regression else 1.0
    if not (
        np.isfinite(mean).all() and np.isfinite(std).all() and np.isfinite([y_mean, y_scale]).all()
    ):
        raise UsageError(
            f"neuronlab train: {data.name}: the examples are too large to standardise; "
            "use a smaller --noise"
        )
    return Scaling(mean, std, y_mean, y_scale, inputs, data.regression)
