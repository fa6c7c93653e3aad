"""The argument parser of the ``neuronlab`` command: every subcommand, its options and defaults.

Each option's type checks its text at once, so a bad value is refused before
anything runs, as one line (``neuronlab train: argument --lr: expected a
number > 0, got -1.0``, worded by ``util.checks``) with no usage block.  Every ``--help`` has a
description and shows the defaults; ``train --help`` ends with the table of
defaults per dataset (``cli.defaults``).
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from typing import Any, NoReturn

from .. import data as datasets
from ..data.text import MAX_BLOCK_SIZE
from ..language import RECIPE_SETS, RUNGS
from ..language.sampling import MAX_LENGTH
from ..losses import LOSSES
from ..nn.activations import ACTIVATIONS
from ..optim import MOMENTUM, OPTIMIZERS
from ..util.checks import real_number, whole_number
from ..util.registry import Registry
from ..version import __version__
from .defaults import defaults_help
from .errors import UsageError
from .limits import (
    MAX_BATCH,
    MAX_EPOCHS,
    MAX_HIDDEN_LAYERS,
    MAX_NOISE,
    MAX_POINTS,
    MAX_SAMPLES_SHOWN,
    MAX_STEPS,
    MAX_WIDTH,
)

__all__ = ["COMMANDS", "DATASET_NAMES", "build_parser"]

#: The subcommands, in the order ``neuronlab --help`` lists them.
COMMANDS = (
    "demo",
    "train",
    "predict",
    "perceptron",
    "graph",
    "tour",
    "lab",
    "workbook",
    "makemore",
    "sample",
)
#: What ``--dataset`` accepts: the registry's datasets (MNIST from the user's files among them).
DATASET_NAMES = datasets.DATASETS.names


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (a ``UsageError``) without the usage block."""

    def error(self, message: str) -> NoReturn:
        """Raise the message as a ``UsageError`` naming the command."""
        raise UsageError(f"{self.prog}: {' '.join(message.split())}")


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Descriptions and tables as written; ``(default: ...)`` after every option that has one."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help  # no default to show (or it says itself what happens)
        return super()._get_help_string(action)


def _number(
    kind: type, low: float, *, strict: bool = False, high: float | None = None, why: str = ""
) -> Callable[[str], Any]:
    """An argparse type: the text read as ``kind`` (int or float), then checked by
    ``util.checks`` (``whole_number`` or ``real_number``) against low (> low when
    strict) and high; ``why`` follows a refusal to say what the bound is for."""

    def convert(text: str) -> Any:
        """The number ``text`` says, or an ArgumentTypeError saying what was expected."""
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r:.40}") from None
        try:  # argparse names the option itself, so no ``where``
            if kind is int:
                return whole_number(value, "", minimum=int(low), maximum=_whole(high))
            return real_number(value, "", minimum=low, maximum=high, strict=strict)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{error}{why}") from None

    return convert


def _whole(high: float | None) -> int | None:
    return None if high is None else int(high)


_seed = _number(int, 0)
_positive_float = _number(float, 0, strict=True)
_non_negative_float = _number(float, 0)
_epochs = _number(int, 1, high=MAX_EPOCHS)
_batch = _number(int, 1, high=MAX_BATCH)
_points = _number(int, 1, high=MAX_POINTS, why=" (the points are made in memory at once)")
_noise = _number(
    float, 0, high=MAX_NOISE, why=" (the points lie within a few units of 0; more only buries them)"
)


def _registered(registry: Registry[Any]) -> Callable[[str], str]:
    """An argparse type: a name of ``registry`` (an alias resolved), or the registry's message."""

    def convert(text: str) -> str:
        """The registered name ``text`` stands for, or an ArgumentTypeError listing the names."""
        try:
            return registry.check(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _name_option(group: Any, flag: str, registry: Registry[Any], help: str, **kw: Any) -> None:
    """An option taking one name of ``registry``; its help lists each name and its summary."""
    group.add_argument(
        flag,
        type=_registered(registry),
        choices=registry.names,
        metavar=f"{{{','.join(registry.choices)}}}",
        help=f"{help}: {registry.help_text()}",
        **kw,
    )


def _digit(text: str) -> int:
    if text not in tuple("0123456789"):
        raise argparse.ArgumentTypeError(f"expected a digit 0-9, got {text!r:.40}")
    return int(text)


def _layer_sizes(text: str) -> tuple[int, ...]:
    """``16,16`` -> (16, 16): hidden widths, each 1..MAX_WIDTH, at most MAX_HIDDEN_LAYERS."""
    parts = text.split(",")
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(parts):,}"
        )
    try:
        sizes = tuple(int(p.strip()) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer widths like 16,16, got {text!r:.60}"
        ) from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"every layer width must be >= 1, got {text!r:.60}")
    if max(sizes) > MAX_WIDTH:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_WIDTH:,} neurons per layer (evaluation runs thousands of examples "
            f"through a layer at once), got {max(sizes):,}"
        )
    return sizes


def _add_report_options(parser: Any) -> None:
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="run report folder: new, empty or an earlier run's (default: runs/<name>-<time>/)",
    )
    parser.add_argument("--no-report", action="store_true", help="do not write a run report")


def _subparser(sub: Any, name: str, summary: str, description: str, **kw: Any) -> Parser:
    if "\n" not in description:
        description = textwrap.fill(description, width=79)
    parser: Parser = sub.add_parser(
        name, help=summary, description=description, formatter_class=HelpFormatter, **kw
    )
    return parser


def _add_demo(sub: Any) -> None:
    demo = _subparser(
        sub,
        "demo",
        "micrograd's classic demo: an MLP learns the moons with hinge loss",
        "Train MLP(2, [16, 16, 1]) (micrograd's uniform[-1, 1] start) on 100 moons points "
        "with hinge loss, 1e-4 L2 and SGD (lr 1.0 decaying to 0.1 over 100 steps), on the "
        "scalar engine; it reaches 100% accuracy, final loss 0.0126.",
    )
    demo.add_argument("--seed", type=_seed, default=0, help="random seed")
    demo.add_argument("--quiet", action="store_true", help="print only the final figures")
    _add_report_options(demo)


_PER_DATASET = "(default: per dataset, see the table below)"


def _add_train_data(group: Any) -> None:
    _name_option(group, "--dataset", datasets.DATASETS, "the data", default="moons")
    from_files = "/".join(n for n, entry in datasets.DATASETS.items() if entry.from_files)
    images = "/".join(
        n for n, entry in datasets.DATASETS.items() if entry.info and entry.info.image_shape
    )
    group.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help=f"--dataset {from_files}: the folder of its files (the dataset is read from yours)",
    )
    group.add_argument(
        "--target",
        type=_digit,
        default=None,
        metavar="DIGIT",
        help=f"{images} as a yes/no question: is it this digit? (one sigmoid output)",
    )
    group.add_argument(
        "--n", type=_points, default=None, help="generated data: how many points (default: its own)"
    )
    group.add_argument(
        "--noise", type=_noise, default=None, help="generated data: noise level (default: its own)"
    )
    group.add_argument(
        "--seed", type=_seed, default=0, help="random seed: data, starting weights, order"
    )


def _add_train_network(group: Any) -> None:
    group.add_argument(
        "--engine",
        choices=["auto", "scalar", "tensor"],
        default="auto",
        help="scalar Values (one Python object per number) or NumPy tensors; auto: the table's",
    )
    group.add_argument(
        "--dtype",
        choices=["float32", "float64"],
        default=None,
        help="the tensor engine's numbers: float32 (the default: fast) or float64 (exactly the "
        "scalar engine's numbers)",
    )
    group.add_argument(
        "--layers",
        type=_layer_sizes,
        default=None,
        metavar="WIDTHS",
        help=f"hidden widths, e.g. 16,16 {_PER_DATASET}",
    )
    _name_option(
        group, "--activation", ACTIVATIONS, f"of the hidden layers {_PER_DATASET}", default=None
    )


def _add_train_steps(group: Any) -> None:
    _name_option(
        group,
        "--loss",
        LOSSES,
        "mse on classes trains one-hot targets with sigmoid outputs (the quadratic cost) "
        + _PER_DATASET,
        default=None,
    )
    _name_option(group, "--optimizer", OPTIMIZERS, f"how to step {_PER_DATASET}", default=None)
    group.add_argument("--lr", type=_positive_float, default=None, help=f"step size {_PER_DATASET}")
    group.add_argument(
        "--momentum",
        type=_non_negative_float,
        default=None,
        help=f"the momentum of --optimizer sgd (default: 0) or momentum (default: {MOMENTUM:g})",
    )
    group.add_argument(
        "--l2", type=_non_negative_float, default=0.0, help="L2 penalty on the weights"
    )
    group.add_argument(
        "--epochs", type=_epochs, default=None, help=f"passes over the data {_PER_DATASET}"
    )
    group.add_argument(
        "--batch-size", type=_batch, default=None, help=f"examples per step {_PER_DATASET}"
    )


def _add_train(sub: Any) -> None:
    train = _subparser(
        sub,
        "train",
        "train a network on a built-in dataset (or MNIST files) and report it",
        "Train a fully connected network on a dataset, print its progress and final figures "
        "(and test accuracy for digits and mnist), save it (--save) and write a run report. "
        "Generated data (moons, houses...) is standardised for training and the scaling is "
        "folded into the saved network, which therefore reads raw inputs.",
        epilog=defaults_help(),
    )
    _add_train_data(train.add_argument_group("data"))
    _add_train_network(train.add_argument_group("network"))
    _add_train_steps(train.add_argument_group("training"))
    output = train.add_argument_group("output")
    output.add_argument(
        "--save", metavar="MODEL", default=None, help="save the model (a file name ending in .npz)"
    )
    output.add_argument("--quiet", action="store_true", help="print only the final figures")
    _add_report_options(output)


PREDICT_HELP = """\
Print a saved model's outputs for every row of INPUT: a header line, then one
tab-separated line per row (rows numbered from 0).  What follows the row number
depends on how the model ends:

  one sigmoid output        class  p(1)            p(1): the probability of class 1
  one linear output         output                 the number itself: a regression's
                                                   value in the data's units, or a score
  several linear outputs    class  p(0) p(1) ...   softmax probabilities of the classes
  several sigmoid outputs   class  out(0) ...      each output as it is (mse, one-hot)

The class is the most likely one (one sigmoid output: class 1 when p(1) > 0.5).

INPUT holds one example per row, in the data's raw units: a CSV file (numbers
separated by commas, or by spaces; quoted numbers such as "1.5" are read, and a
comma ending every row is an empty column, not read) or an .npy file of shape
(rows, features) (np.save). digits: 64 pixels per row, 0..1 (ink/16); houses: size (m²),
location (0..1); moons and the other 2-D sets: the two coordinates."""


def _add_predict(sub: Any) -> None:
    pred = _subparser(
        sub, "predict", "a saved model's classes and probabilities for rows of inputs", PREDICT_HELP
    )
    pred.add_argument("model", help="a model saved by neuronlab train --save (.npz)")
    pred.add_argument("input", help="rows of inputs: a .csv/.txt file or an .npy file")


def _add_perceptron(sub: Any) -> None:
    perc = _subparser(
        sub,
        "perceptron",
        "the threshold perceptron: logic gates and sweets",
        "The perceptron of the learner's path: --sweets shows the sweets decision (weights "
        "2, 6, 2 and threshold 5: the output equals the second factor); --gate trains the "
        "perceptron learning rule on a logic gate's truth table (xor cannot be learned).",
    )
    group = perc.add_mutually_exclusive_group(required=True)
    group.add_argument("--gate", choices=["and", "or", "nand", "nor", "xor"], help="learn a gate")
    group.add_argument(
        "--sweets", action="store_true", help="the sweets decision, weights (2, 6, 2)"
    )
    perc.add_argument("--epochs", type=_epochs, default=20, help="epoch limit")
    perc.add_argument("--lr", type=_positive_float, default=1.0, help="learning rate")


def _add_graph(sub: Any) -> None:
    graph = _subparser(
        sub,
        "graph",
        "a formula's value, gradients, picture and chain rule",
        'Evaluate a formula of named inputs, e.g. "L = (a*b + c) * f", backpropagate and '
        "print every input's gradient; optionally draw the graph (-o) and explain the chain "
        "rule (--explain). Formulas allow + - * / **, parentheses, exp log tanh sigmoid relu.",
    )
    graph.add_argument("expr", help='the formula, e.g. "L = (a*b + c) * f"')
    graph.add_argument(
        "--set", nargs="+", default=[], metavar="NAME=NUMBER", help="input values: a=2 b=-3"
    )
    graph.add_argument("-o", "--output", default=None, help="save the graph (.svg, .png, .pdf)")
    graph.add_argument("--explain", action="store_true", help="print the chain-rule steps")


def _add_tour(sub: Any) -> None:
    tour = _subparser(
        sub,
        "tour",
        "the guided tour: the learner's path step by step, with pictures",
        "Walk the learner's path in order -- the sweets perceptron, sigmoid values, the L graph "
        "and its chain rule, the nudge by h, the tanh neuron's backprop, an MLP on the moons, "
        "gradient descent on houses -- printing each worked example and saving its picture.",
    )
    tour.add_argument(
        "--out", metavar="DIR", default="neuronlab-tour", help="folder for the pictures"
    )


_port = _number(int, 0, high=65535, why=" (0: any free port)")


def _host(text: str) -> str:
    """A host name or address to bind: letters, digits, dots, dashes and colons only."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
    if not text or len(text) > 253 or not set(text) <= allowed:
        raise argparse.ArgumentTypeError(f"expected a host name or address, got {text!r:.60}")
    return text


def _add_lab(sub: Any) -> None:
    lab = _subparser(
        sub,
        "lab",
        "the lab: a live playground in the browser (TensorFlow Playground on this engine)",
        "Serve the lab on this machine and open it in the browser: pick data, features and "
        "layers, train and watch every neuron, open a neuron's numbers on one point, step "
        "through backward edge by edge, export the model. The URL printed carries a token "
        "made at start; only 127.0.0.1 is served unless --host says otherwise. Ctrl-C stops it.",
    )
    lab.add_argument("--port", type=_port, default=0, help="port to serve on (0: a free one)")
    lab.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="address to serve on; anything but 127.0.0.1 lets other machines connect (a "
        "warning is printed)",
    )
    lab.add_argument("--no-browser", action="store_true", help="print the URL, open no browser")


def _add_workbook(sub: Any) -> None:
    book = _subparser(
        sub,
        "workbook",
        "build micrograd yourself, then backprop by hand: seventeen exercises and a checker",
        "Write the workbook's exercises into a folder (start), see where you are (list), check "
        "an exercise or all of them (check: exit 0 only when every one checked passes), and get "
        "the next hint of one (hint). Run list, check and hint inside the workbook's folder, or "
        "give --dir.",
    )
    actions = book.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    start = _subparser(
        actions,
        "start",
        "write the exercises into a new folder",
        "Write the seventeen exercise files and the progress file into FOLDER (made if missing). "
        "Nothing is written when any of those files is already there.",
    )
    start.add_argument("folder", help="the folder to write them into (never overwritten)")
    for name, summary, description in (
        ("list", "each exercise and its status", "Each exercise, and how its last check went."),
        (
            "check",
            "check one exercise (e.g. 05), or every one",
            "Check your file of one exercise, or of every one, in a child process with a time "
            "and memory limit; say what is wrong, and draw a wrong gradient's graphs into "
            "pictures/. Exit 0 only when every exercise checked passes, 1 otherwise.",
        ),
        (
            "hint",
            "the next hint of one exercise",
            "Show the next hint of one exercise; once every hint was shown, show them all "
            "again. With --all, show every hint shown so far (and no new one).",
        ),
    ):
        action = _subparser(actions, name, summary, description)
        if name == "check":
            action.add_argument("number", nargs="?", default=None, help="an exercise, e.g. 05")
        elif name == "hint":
            action.add_argument("number", help="an exercise, e.g. 05")
            action.add_argument(
                "--all", action="store_true", help="every hint shown so far, to read again"
            )
        action.add_argument("--dir", default=".", help="the workbook's folder")


_steps = _number(int, 1, high=MAX_STEPS, why=" (two million steps of the WaveNet take hours)")
_block = _number(
    int, 1, high=MAX_BLOCK_SIZE, why=" (characters; longer than any word only adds padding)"
)
_shown = _number(int, 1, high=MAX_SAMPLES_SHOWN, why=" (words printed at once)")
_length = _number(int, 1, high=MAX_LENGTH, why=" (characters per word)")

MAKEMORE_HELP = """\
Train a character-level language model on the 32,033 names of the makemore
lectures (or on --input, any text file with one word per line), split as the
lectures split them (80/10/10 after random.seed(42)), and print its train, dev
and test losses and new words sampled from it.  The models are the lectures'
ladder:

  counts     the bigram table, counted with +1 smoothing (no training)
  bigram     the bigram network: one-hot x W, a 27 x 27 table of logits
  mlp        an embedding of 3 characters, a tanh layer of 200 (11,897 parameters)
  batchnorm  the same with BatchNorm before the tanh and Kaiming init (12,097)
  wavenet    8 characters merged in pairs over 3 levels of 128 (76,579)

--recipe lecture trains as the lectures do (SGD, batches of 32, 200,000 steps,
lr 0.1 then 0.01); the default recipe uses AdamW and a cosine schedule and
reaches a lower dev loss in no more steps.  A run report (loss curves, the
count table, the embedding, the activation and gradient histograms, the
update ratios, the samples) goes into --out."""


def _add_makemore(sub: Any) -> None:
    mm = _subparser(
        sub, "makemore", "character-level language models: from bigrams to a WaveNet", MAKEMORE_HELP
    )
    mm.add_argument("--model", choices=RUNGS, default="mlp", help="which model of the ladder")
    mm.add_argument("--recipe", choices=list(RECIPE_SETS), default="default", help="how to train")
    mm.add_argument(
        "--input", metavar="FILE", default=None, help="words, one per line (default: the names)"
    )
    mm.add_argument("--steps", type=_steps, default=None, help="training steps (default: recipe)")
    mm.add_argument("--batch-size", type=_batch, default=None, help="(default: the recipe's)")
    mm.add_argument("--lr", type=_positive_float, default=None, help="(default: the recipe's)")
    mm.add_argument(
        "--block-size", type=_block, default=None, help="context length (default: the model's)"
    )
    mm.add_argument("--seed", type=_seed, default=0, help="weights, batches and samples")
    mm.add_argument("--samples", type=_shown, default=20, help="how many words to sample")
    mm.add_argument(
        "--temperature", type=_positive_float, default=1.0, help="of the samples (< 1: safer)"
    )
    mm.add_argument("--save", metavar="MODEL", default=None, help="save the model (.npz)")
    mm.add_argument("--quiet", action="store_true", help="print only the losses and samples")
    _add_report_options(mm)


def _add_sample(sub: Any) -> None:
    smp = _subparser(
        sub,
        "sample",
        "new words from a language model saved by makemore --save",
        "Read a model saved by neuronlab makemore --save and print new words, one per line, "
        "each drawn a character at a time from the model's probabilities.",
    )
    smp.add_argument("model", help="a model saved by neuronlab makemore --save (.npz)")
    smp.add_argument("-n", type=_shown, default=20, help="how many words")
    smp.add_argument(
        "--temperature", type=_positive_float, default=1.0, help="< 1: likelier, > 1: stranger"
    )
    smp.add_argument(
        "--top-k", type=_number(int, 1), default=None, help="draw only from the k likeliest"
    )
    smp.add_argument("--start", default="", help="every word begins with these characters")
    smp.add_argument("--max-length", type=_length, default=32, help="the longest word")
    smp.add_argument("--seed", type=_seed, default=0, help="random seed")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``neuronlab`` command, with every subcommand."""
    parser = Parser(
        prog="neuronlab",
        description="Neural networks from first principles: run, see and check every step.\n"
        "Each command has its own --help (neuronlab train --help).",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"neuronlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for add in (
        _add_demo,
        _add_train,
        _add_predict,
        _add_perceptron,
        _add_graph,
        _add_tour,
        _add_lab,
        _add_workbook,
        _add_makemore,
        _add_sample,
    ):
        add(sub)
    assert tuple(sub.choices) == COMMANDS
    return parser
