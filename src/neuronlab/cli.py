"""The ``neuronlab`` command: demo, train, perceptron, graph, tour.

Every mistake on the command line gets one line on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

import numpy as np

from . import __version__
from . import data as datasets
from .nn import ACTIVATIONS, MLP
from .optim import SGD, LinearLR
from .perceptron import Perceptron
from .train import History, TrainingDiverged, fit

__all__ = ["main", "build_parser"]

EXIT_USAGE = 2


class UsageError(Exception):
    """A bad argument: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line without the usage block."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text}")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text}")
    return value


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
    train.add_argument("--dataset", default="moons", help=f"one of {', '.join(datasets.names())}")
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


def run_train(args: argparse.Namespace) -> History:
    """Train an MLP on a built-in dataset as the ``train`` options say."""
    if args.dataset not in datasets.names():
        raise UsageError(
            f"neuronlab train: unknown dataset {args.dataset!r}; "
            f"expected one of {', '.join(datasets.names())}"
        )
    if args.activation not in ACTIVATIONS:
        raise UsageError(
            f"neuronlab train: unknown activation {args.activation!r}; "
            f"expected one of {', '.join(ACTIVATIONS)}"
        )
    options: dict[str, object] = {}
    if args.dataset == "sweets" and (args.n is not None or args.noise is not None):
        raise UsageError("neuronlab train: sweets has 8 rows and no noise; drop --n and --noise")
    if args.dataset != "sweets":
        options["seed"] = args.seed
        if args.n is not None:
            options["n"] = args.n
        if args.noise is not None:
            options["noise" if args.dataset != "blobs" else "std"] = args.noise
    X, y = datasets.load(args.dataset, **options)
    regression = args.dataset in datasets.REGRESSION
    classes = 1 if regression else int(y.max()) + 1
    loss = args.loss or ("mse" if regression else "cross_entropy" if classes > 2 else "hinge")
    valid = (
        ("mse",)
        if regression
        else (("cross_entropy",) if classes > 2 else ("mse", "bce", "hinge", "cross_entropy"))
    )
    if loss not in valid:
        raise UsageError(
            f"neuronlab train: loss {loss!r} does not fit dataset {args.dataset!r}; "
            f"expected one of {', '.join(valid)}"
        )
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    y_scale = 1.0
    if regression:
        y_mean, y_scale = float(y.mean()), float(y.std()) or 1.0
        y = (y - y_mean) / y_scale
    outputs = classes if loss == "cross_entropy" else 1
    out_act = "sigmoid" if loss == "bce" else "linear"
    model = MLP(
        X.shape[1],
        [*args.layers, outputs],
        activation=args.activation,
        output_activation=out_act,
        seed=args.seed,
    )
    lr = args.lr if args.lr is not None else (0.01 if regression else 0.1)
    optimizer = SGD(model.parameters(), lr=lr, momentum=args.momentum)
    if not args.quiet:
        print(f"neuronlab train: {args.dataset} ({len(X)} examples), {model}, loss {loss}")
    verbose = not args.quiet and sys.stderr.isatty()
    callback = (
        None
        if (args.quiet or verbose)
        else _progress_printer(args.epochs, max(1, args.epochs // 10))
    )
    history = fit(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer,
        l2=args.l2,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        verbose=verbose,
        callback=callback,
    )
    _print_final(history)
    metrics = None
    if regression:
        rmse = float(np.sqrt(history.loss[-1]) * y_scale)
        print(f"root mean squared error {rmse:.3f} (original units)")
        metrics = {"rmse (original units)": rmse}
    if not args.no_report:
        skip = ("command", "quiet", "out", "no_report")
        config = {k: v for k, v in vars(args).items() if k not in skip}
        config.update(
            command="train", loss=loss, lr=lr, output_activation=out_act, standardised=True
        )
        _write_report(args.out, config, history, model, X, y, f"train-{args.dataset}", metrics)
    return history


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError(
                "neuronlab: expected a command (demo, train, perceptron, graph, tour); "
                "see neuronlab --help"
            )
        if args.command == "demo":
            run_demo(seed=args.seed, quiet=args.quiet, out=args.out, report=not args.no_report)
        elif args.command == "train":
            run_train(args)
        elif args.command == "perceptron":
            run_perceptron(args)
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
