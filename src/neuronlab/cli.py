"""The ``neuronlab`` command: demo, train, predict, perceptron, graph, tour.

Every mistake on the command line gets one line on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn

import numpy as np

from . import data as datasets
from .io.serialize import load, save
from .metrics import precision_recall
from .nn import MLP, Perceptron, mlp
from .nn.activations import ACTIVATIONS
from .optim import SGD, Adam, LinearLR
from .training import History, TrainingDiverged, evaluate, fit, predict
from .version import __version__

__all__ = ["main", "build_parser"]

EXIT_USAGE = 2


class UsageError(Exception):
    """A bad argument: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line without the usage block."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _number(kind: type, low: float, strict: bool):
    """An argparse type: a finite ``kind`` (int or float) >= low (> low when strict)."""
    what = "a whole number" if kind is int else "a number"
    bound = f"{'>' if strict else '>='} {low:g}"

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not np.isfinite(value) or value < low or (strict and value == low):
            raise argparse.ArgumentTypeError(f"expected a finite number {bound}, got {text}")
        return value

    return convert


_positive_int = _number(int, 1, strict=False)
_non_negative_int = _number(int, 0, strict=False)
_positive_float = _number(float, 0, strict=True)
_non_negative_float = _number(float, 0, strict=False)


def _digit(text: str) -> int:
    if text not in tuple("0123456789"):
        raise argparse.ArgumentTypeError(f"expected a digit 0-9, got {text!r}")
    return int(text)


def _layer_sizes(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",")]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer widths like 16,16, got {text!r}"
        ) from None
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"every layer width must be >= 1, got {text!r}")
    return sizes


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="run report folder (default: runs/<name>-<timestamp>/)",
    )
    parser.add_argument("--no-report", action="store_true", help="do not write a run report")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``neuronlab`` command."""
    parser = _Parser(
        prog="neuronlab",
        description="Neural networks from first principles: run, see and check every step.",
    )
    parser.add_argument("--version", action="version", version=f"neuronlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser(
        "demo",
        help="micrograd's classic demo: an MLP learns the moons with hinge loss",
        description="Train MLP(2, [16, 16, 1]) on 100 moons points with hinge loss, "
        "1e-4 L2 and SGD (lr 1.0 decaying to 0.1 over 100 steps).",
    )
    demo.add_argument("--seed", type=_non_negative_int, default=0, help="random seed (default 0)")
    demo.add_argument("--quiet", action="store_true", help="print only the final figures")
    _add_report_options(demo)

    train = sub.add_parser("train", help="train an MLP on a built-in dataset")
    train.add_argument(
        "--dataset", default="moons", help=f"one of {', '.join(datasets.names())}, mnist"
    )
    train.add_argument("--data-dir", default=None, help="folder with MNIST's IDX files")
    train.add_argument(
        "--engine",
        choices=["auto", "scalar", "tensor"],
        default="auto",
        help="scalar Values or NumPy tensors (auto: tensor for digits and mnist)",
    )
    train.add_argument(
        "--target",
        type=_digit,
        default=None,
        help="digits/mnist as a yes/no question: is it this digit? (one sigmoid output)",
    )
    train.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd", help="optimiser")
    train.add_argument("--save", metavar="MODEL", default=None, help="save the model (.npz)")
    train.add_argument("--n", type=_positive_int, default=None, help="number of examples")
    train.add_argument("--noise", type=_non_negative_float, default=None, help="noise level")
    train.add_argument(
        "--layers", type=_layer_sizes, default=[16, 16], help="hidden widths, e.g. 16,16"
    )
    train.add_argument("--activation", default="relu", help=f"one of {', '.join(ACTIVATIONS)}")
    train.add_argument("--loss", default=None, help="mse, bce, hinge or cross_entropy")
    train.add_argument(
        "--lr", type=_positive_float, default=None, help="learning rate (0.1; 0.01 for houses)"
    )
    train.add_argument("--momentum", type=_non_negative_float, default=0.0, help="SGD momentum")
    train.add_argument("--l2", type=_non_negative_float, default=0.0, help="L2 penalty on weights")
    train.add_argument("--epochs", type=_positive_int, default=50, help="passes over the data")
    train.add_argument("--batch-size", type=_positive_int, default=None, help="examples per step")
    train.add_argument("--seed", type=_non_negative_int, default=0, help="random seed")
    train.add_argument("--quiet", action="store_true", help="print only the final figures")
    _add_report_options(train)

    graph = sub.add_parser(
        "graph",
        help="a formula's value, gradients, picture and chain rule",
        description='Evaluate a formula of named inputs, e.g. "(a*b + c) * f", backpropagate, '
        "print every input's gradient; optionally draw the graph and explain the chain rule.",
    )
    graph.add_argument("expr", help='the formula, e.g. "L = (a*b + c) * f"')
    graph.add_argument(
        "--set", nargs="+", default=[], metavar="NAME=NUMBER", help="input values: a=2 b=-3"
    )
    graph.add_argument("-o", "--output", default=None, help="save the graph (.svg, .png, .pdf)")
    graph.add_argument("--explain", action="store_true", help="print the chain-rule steps")

    tour = sub.add_parser(
        "tour", help="the guided tour: the learner's path step by step, with pictures"
    )
    tour.add_argument("--out", metavar="DIR", default="neuronlab-tour", help="folder for pictures")

    pred = sub.add_parser("predict", help="a saved model's outputs for rows of inputs")
    pred.add_argument("model", help="a model saved by neuronlab train --save (.npz)")
    pred.add_argument("input", help="rows of inputs: a .npy file or a CSV/space-separated file")

    perc = sub.add_parser("perceptron", help="the threshold perceptron: logic gates and sweets")
    group = perc.add_mutually_exclusive_group(required=True)
    group.add_argument("--gate", choices=["and", "or", "nand", "nor", "xor"], help="learn a gate")
    group.add_argument(
        "--sweets", action="store_true", help="the sweets decision, weights (2, 6, 2)"
    )
    perc.add_argument("--epochs", type=_positive_int, default=20, help="epoch limit (default 20)")
    perc.add_argument("--lr", type=_positive_float, default=1.0, help="learning rate")
    return parser


def _progress_printer(total: int, every: int):
    def report(epoch: int, history: History) -> None:
        if epoch % every == 0 or epoch == total or epoch == 1:
            acc = history.accuracy[-1]
            acc_text = f"  accuracy {acc:.0%}" if acc is not None else ""
            print(f"epoch {epoch:4d}/{total}  loss {history.loss[-1]:.4f}{acc_text}", flush=True)

    return report


def _print_final(history: History) -> None:
    final = history.final()
    line = f"final loss {final['loss']:.4f}"
    if final.get("accuracy") is not None:
        line += f", accuracy {final['accuracy']:.1%}"
    print(line)


def run_demo(
    seed: int = 0, quiet: bool = False, out: str | None = None, report: bool = True
) -> History:
    """micrograd's demo: moons, MLP(2, [16, 16, 1]), hinge + 1e-4 L2, lr 1.0 → 0.1."""
    X, y = datasets.moons(100, noise=0.1, seed=seed)
    y = 2 * y - 1  # labels ±1, as the hinge loss reads them
    model = MLP(2, [16, 16, 1], activation="relu", seed=seed)
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=100)
    if not quiet:
        print(f"neuronlab demo: {model}, {model.num_parameters()} parameters, 100 moons points")
    verbose = not quiet and sys.stderr.isatty()
    callback = None if (quiet or verbose) else _progress_printer(100, 10)
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        l2=1e-4,
        optimizer=optimizer,
        scheduler=schedule,
        epochs=100,
        batch_size=None,
        seed=seed,
        verbose=verbose,
        callback=callback,
    )
    _print_final(history)
    if report:
        config = {
            "command": "demo",
            "dataset": "moons",
            "n": 100,
            "noise": 0.1,
            "layers": [16, 16, 1],
            "activation": "relu",
            "loss": "hinge",
            "l2": 1e-4,
            "optimizer": "SGD",
            "lr": 1.0,
            "schedule": "LinearLR 1.0 -> 0.1 over 100 steps",
            "epochs": 100,
            "seed": seed,
        }
        _write_report(out, config, history, model, X, y, name="demo")
    return history


def _write_report(out, config, history, model, X, y, name, metrics=None) -> None:
    from .report import write_run_report

    folder = write_run_report(
        out, config=config, history=history, model=model, X=X, y=y, name=name, metrics=metrics
    )
    print(f"report: {folder / 'index.html'}")


IMAGE_DATASETS = ("digits", "mnist")


def _load_training_data(args: argparse.Namespace):
    """(X_train, y_train, X_test or None, y_test or None) for the ``train`` options."""
    if args.dataset == "digits":
        X_train, X_test, y_train, y_test = datasets.digits(seed=args.seed)
        return X_train, y_train, X_test, y_test
    if args.dataset == "mnist":
        if args.data_dir is None:
            raise UsageError(
                "neuronlab train: --dataset mnist needs --data-dir, the folder with the IDX files"
            )
        X_train, y_train = datasets.mnist(args.data_dir, "train")
        X_test, y_test = datasets.mnist(args.data_dir, "test")
        return X_train, y_train, X_test, y_test
    if args.dataset not in datasets.names():
        raise UsageError(
            f"neuronlab train: unknown dataset {args.dataset!r}; "
            f"expected one of {', '.join([*datasets.names(), 'mnist'])}"
        )
    if args.dataset == "sweets" and (args.n is not None or args.noise is not None):
        raise UsageError("neuronlab train: sweets has 8 rows and no noise; drop --n and --noise")
    options: dict[str, object] = {}
    if args.dataset != "sweets":
        options["seed"] = args.seed
        if args.n is not None:
            options["n"] = args.n
        if args.noise is not None:
            options["noise" if args.dataset != "blobs" else "std"] = args.noise
    X, y = datasets.load(args.dataset, **options)
    return X, y, None, None


def _fold_scaling(model, mean, std, y_mean: float, y_scale: float) -> None:
    """Fold input standardisation and output scaling into the first and last layers.

    The network was trained on (x - mean) / std and predicts (y - y_mean) / y_scale;
    afterwards it reads raw inputs and gives outputs in the data's own units:
    W' = W / std, b' = b - W' · mean (first layer); W' = W · y_scale,
    b' = b · y_scale + y_mean (last layer, which is linear whenever y is scaled).
    """
    mean, std = np.asarray(mean, float), np.asarray(std, float)
    if isinstance(model, MLP):
        for neuron in model.layers[0].neurons:
            for i, w in enumerate(neuron.w):
                w.data /= float(std[i])
            neuron.b.data -= sum(w.data * float(m) for w, m in zip(neuron.w, mean))
        for neuron in model.layers[-1].neurons:
            for w in neuron.w:
                w.data *= y_scale
            neuron.b.data = neuron.b.data * y_scale + y_mean
        return
    first, last = model[0], model[len(model) - 1]
    first.weight.data /= std.astype(first.weight.data.dtype)
    first.bias.data -= first.weight.data @ mean.astype(first.weight.data.dtype)
    last.weight.data *= y_scale
    last.bias.data *= y_scale
    last.bias.data += y_mean


def run_train(args: argparse.Namespace) -> History:
    """Train an MLP on a dataset as the ``train`` options say; test it when there is a test set."""
    X, y, X_test, y_test = _load_training_data(args)
    engine = args.engine
    if engine == "auto":
        engine = "tensor" if args.dataset in IMAGE_DATASETS else "scalar"
    activations = ACTIVATIONS if engine == "scalar" else ("relu", "tanh", "sigmoid", "linear")
    if args.activation not in activations:
        raise UsageError(
            f"neuronlab train: unknown activation {args.activation!r} for the {engine} engine; "
            f"expected one of {', '.join(activations)}"
        )
    if args.target is not None:
        if args.dataset not in IMAGE_DATASETS:
            raise UsageError("neuronlab train: --target works with --dataset digits or mnist")
        y = (y == args.target).astype(np.int64)
        y_test = (y_test == args.target).astype(np.int64)
    regression = args.dataset in datasets.REGRESSION
    classes = 1 if regression else int(max(y.max(), 1)) + 1
    if args.target is not None:
        default_loss = "bce"
    else:
        default_loss = "mse" if regression else "cross_entropy" if classes > 2 else "hinge"
    loss = args.loss or default_loss
    if regression:
        valid: tuple[str, ...] = ("mse",)
    elif classes > 2:
        valid = ("cross_entropy",)
    elif args.target is not None:
        valid = ("bce", "mse")
    else:
        valid = ("mse", "bce", "hinge", "cross_entropy")
    if loss not in valid:
        raise UsageError(
            f"neuronlab train: loss {loss!r} does not fit dataset {args.dataset!r}; "
            f"expected one of {', '.join(valid)}"
        )
    # Synthetic data is standardised for training; images are already in [0, 1].
    standardise = args.dataset not in IMAGE_DATASETS
    mean = X.mean(axis=0) if standardise else np.zeros(X.shape[1])
    std = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0) if standardise else np.ones(X.shape[1])
    X_fit = (X - mean) / std if standardise else X
    y_mean, y_scale = 0.0, 1.0
    if regression:
        y_mean, y_scale = float(y.mean()), float(y.std()) or 1.0
    y_fit = (y - y_mean) / y_scale if regression else y
    outputs = classes if loss == "cross_entropy" else 1
    out_act = "sigmoid" if (loss == "bce" or args.target is not None) else "linear"
    if engine == "scalar":
        model = MLP(
            X.shape[1],
            [*args.layers, outputs],
            activation=args.activation,
            output_activation=out_act,
            seed=args.seed,
        )
    else:
        model = mlp(
            [X.shape[1], *args.layers, outputs],
            activation=args.activation,
            output_activation=None if out_act == "linear" else out_act,
            seed=args.seed,
        )
    lr = args.lr if args.lr is not None else (0.01 if regression else 0.1)
    if args.optimizer == "adam":
        optimizer = Adam(model.parameters(), lr=lr)
    else:
        optimizer = SGD(model.parameters(), lr=lr, momentum=args.momentum)
    batch_size = args.batch_size
    if batch_size is None and engine == "tensor":
        batch_size = 32
    if not args.quiet:
        print(
            f"neuronlab train: {args.dataset} ({len(X)} training examples), {engine} engine, "
            f"{model!r}, loss {loss}"
        )
    verbose = not args.quiet and sys.stderr.isatty()
    every = max(1, args.epochs // 10)
    callback = None if (args.quiet or verbose) else _progress_printer(args.epochs, every)
    history = fit(
        model,
        X_fit,
        y_fit,
        loss=loss,
        optimizer=optimizer,
        l2=args.l2,
        epochs=args.epochs,
        batch_size=batch_size,
        seed=args.seed,
        verbose=verbose,
        callback=callback,
    )
    _print_final(history)
    metrics: dict[str, float] = {}
    if regression:
        metrics["rmse (original units)"] = float(np.sqrt(history.loss[-1]) * y_scale)
        print(f"root mean squared error {metrics['rmse (original units)']:.3f} (original units)")
    if X_test is not None:
        test = evaluate(model, X_test, y_test, loss=loss)
        metrics["test accuracy"] = test["accuracy"]
        line = f"test accuracy {test['accuracy']:.2%} on {test['n']} examples"
        if args.target is not None:
            said_yes = (predict(model, X_test).reshape(-1) > 0.5).astype(np.int64)
            precision, recall = precision_recall(y_test, said_yes)
            metrics.update({"test precision": precision, "test recall": recall})
            share = float(np.mean(y_test))
            line += (
                f"; is it a {args.target}? precision {precision:.2%}, recall {recall:.2%} "
                f"({share:.0%} of the test images are a {args.target})"
            )
        print(line)
    if standardise or regression:
        _fold_scaling(model, mean, std, y_mean, y_scale)  # the model now reads raw inputs
    if args.save is not None:
        save(model, args.save)
        print(f"model saved to {args.save}")
    if not args.no_report:
        skip = ("command", "quiet", "out", "no_report")
        config = {k: v for k, v in vars(args).items() if k not in skip}
        config.update(
            command="train",
            engine=engine,
            loss=loss,
            lr=lr,
            batch_size=batch_size,
            output_activation=out_act,
            standardised=standardise,
        )
        _write_report(
            args.out, config, history, model, X, y, f"train-{args.dataset}", metrics or None
        )
    return history


def run_predict(args: argparse.Namespace) -> None:
    """Load a saved model and print its output for every row of an input file."""
    model = load(args.model)
    X = _read_rows(args.input)
    outputs = predict(model, X)
    for i, out in enumerate(outputs):
        if np.ndim(out) == 0:
            print(f"{i}\t{float(out):.6g}")
        else:
            print(f"{i}\tclass {int(np.argmax(out))}\t" + " ".join(f"{v:.4g}" for v in out))


def _read_rows(path: str) -> np.ndarray:
    """Rows of numbers from a .npy file or a comma/space separated text file."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"input file {path!r} does not exist")
    if path.endswith(".npy"):
        X = np.load(path, allow_pickle=False)
    else:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read().replace(",", " ")
            X = np.array(
                [[float(v) for v in line.split()] for line in text.splitlines() if line.strip()]
            )
        except ValueError as e:
            raise ValueError(f"{path}: expected rows of numbers ({e})") from None
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"{path}: expected a table of numbers, one row per example")
    return X


def run_perceptron(args: argparse.Namespace) -> None:
    """The sweets decision, or the perceptron learning rule on a gate's truth table."""
    if args.sweets:
        X, _ = datasets.sweets()
        p = Perceptron(datasets.SWEETS_WEIGHTS, threshold=datasets.SWEETS_THRESHOLD)
        print(f"sweets perceptron: weights {tuple(p.weights.tolist())}, threshold {p.threshold:g}")
        print("  ".join(f"x{i + 1}" for i in range(3)) + "  w·x  output")
        for x in X:
            print("  ".join(f"{int(v):2d}" for v in x) + f"  {x @ p.weights:3g}  {p(x):6d}")
        same = all(p(x) == int(x[1]) for x in X)
        print(f"the output equals the second factor in every row: {same}")
        return
    X, y = datasets.gate(args.gate)
    p = Perceptron(2)
    result = p.fit(X, y, lr=args.lr, max_epochs=args.epochs)
    print(f"perceptron on {args.gate.upper()}: {result}")
    print(f"weights {p.weights.tolist()}, threshold {p.threshold:g}")
    print("x1 x2  target  output")
    for x, t in zip(X, y):
        print(f"{int(x[0]):2d} {int(x[1]):2d}  {int(t):6d}  {p(x):6d}")
    if not result.converged:
        print("no line separates these outputs: a single perceptron cannot learn them")


def _print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning on the command line: one line on stderr, no file name or source line."""
    text = " ".join(str(message).split())
    print(f"neuronlab: warning: {text}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    with warnings.catch_warnings():
        warnings.showwarning = _print_warning
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError(
                "neuronlab: expected a command (demo, train, predict, perceptron, graph, tour); "
                "see neuronlab --help"
            )
        if args.command == "demo":
            run_demo(seed=args.seed, quiet=args.quiet, out=args.out, report=not args.no_report)
        elif args.command == "train":
            run_train(args)
        elif args.command == "perceptron":
            run_perceptron(args)
        elif args.command == "predict":
            run_predict(args)
        elif args.command == "tour":
            from .tour import run_tour

            run_tour(args.out)
        elif args.command == "graph":
            from .formula import graph_command

            print(graph_command(args.expr, args.set, out=args.output, explain=args.explain))
    except UsageError as e:
        print(str(e), file=sys.stderr)
        return EXIT_USAGE
    except TrainingDiverged as e:
        print(f"neuronlab: {e}", file=sys.stderr)
        return 1
    except (ValueError, TypeError, ImportError, RuntimeError, OSError) as e:
        message = " ".join(str(e).split())  # always one line
        print(f"neuronlab: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("neuronlab: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
