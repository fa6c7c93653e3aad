"""One registry per kind of name, and every front end reads it.

Activations (``nn.activations``), initialisations (``nn.init``), losses
(``losses``), optimisers and schedules (``optim``) and datasets (``data``) are
each registered once.  These tests check that the command line, the lab (its
settings, the menus it serves, the names page, the exported scripts), the
reports and the model files offer exactly the registry's names, that an
unknown name is refused with the registry's one message, and -- by reading the
source -- that no front end types a list of those names of its own.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from neuronlab.cli import main
from neuronlab.cli.defaults import TRAIN_DEFAULTS
from neuronlab.cli.parser import build_parser
from neuronlab.data import DATASET_INFO, DATASETS, load
from neuronlab.engine import Value
from neuronlab.lab import settings as lab_settings
from neuronlab.lab.export import run_script
from neuronlab.lab.messages import menus
from neuronlab.lab.names_settings import NAMES_OPTIMIZERS
from neuronlab.lab.session import LabSession
from neuronlab.lab.settings import LabSettings
from neuronlab.losses import LOSSES, get_loss, loss_name
from neuronlab.nn import Linear
from neuronlab.nn.activations import ACTIVATIONS, activate
from neuronlab.nn.init import INITS
from neuronlab.optim import MOMENTUM, OPTIMIZERS, SCHEDULES, SGD, AdamW, optimizer_recipe
from neuronlab.report.figures import LOSS_AXIS
from neuronlab.util.registry import Entry, Registry, UnknownName

SRC = Path(__file__).resolve().parent.parent / "src" / "neuronlab"
REGISTRIES: dict[str, Registry[Any]] = {
    "activation": ACTIVATIONS,
    "initialisation": INITS,
    "loss": LOSSES,
    "optimizer": OPTIMIZERS,
    "schedule": SCHEDULES,
    "dataset": DATASETS,
}

# -- the registry itself ------------------------------------------------------------------------


def test_a_registry_lists_its_entries_in_order_and_resolves_aliases() -> None:
    colours = Registry(
        "colour", [Entry("red", 1, "stop"), Entry("green", 2, "go", "Green")], {"r": "red"}
    )
    assert colours.names == ("red", "green")
    assert colours.choices == ("red", "green", "r")
    assert colours["r"].builds == 1
    assert colours.check("r") == "red"
    assert "r" not in colours
    assert "red" in colours
    assert 3 not in colours
    assert colours.menu() == [
        {"name": "red", "title": "red", "summary": "stop"},
        {"name": "green", "title": "Green", "summary": "go"},
    ]
    assert colours.help_text() == "red: stop | green: go"
    assert colours.get("blue") is None  # a mapping's get still answers None


@pytest.mark.parametrize("bad", ["blue", "", None, 3, ["red"]])
def test_an_unknown_name_is_one_message_listing_every_name(bad: object) -> None:
    colours = Registry("colour", [Entry("red", 1, "stop"), Entry("green", 2, "go")], {"r": "red"})
    for call in (lambda: colours.check(bad, "paint(colour)"), lambda: colours[bad]):  # type: ignore[index]
        with pytest.raises(ValueError, match="unknown colour ") as info:
            call()
        assert isinstance(info.value, UnknownName)
        assert isinstance(info.value, KeyError)
        text = str(info.value)
        assert f"unknown colour {bad!r}; expected one of red, green, r" in text


def test_a_registry_refuses_a_name_twice_and_an_alias_to_nothing() -> None:
    with pytest.raises(ValueError, match="'red' is registered twice"):
        Registry("colour", [Entry("red", 1, "a"), Entry("red", 2, "b")])
    with pytest.raises(ValueError, match="alias 'b' -> 'blue' does not fit"):
        Registry("colour", [Entry("red", 1, "a")], {"b": "blue"})


@pytest.mark.parametrize("kind", list(REGISTRIES))
def test_every_entry_has_a_name_a_thing_and_one_line(kind: str) -> None:
    registry = REGISTRIES[kind]
    assert len(registry) >= 4
    for name, entry in registry.items():
        assert entry.name == name
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name)
        assert callable(entry.builds), name
        assert entry.summary
        assert "\n" not in entry.summary
        assert len(entry.summary) <= 90


@pytest.mark.parametrize(
    ("kind", "call", "message"),
    [
        ("activation", lambda: activate(1.0, "gelu"), "unknown activation 'gelu'"),
        ("initialisation", lambda: Linear(2, 2, init="gauss"), "unknown initialisation 'gauss'"),
        ("loss", lambda: get_loss("l9"), "unknown loss 'l9'"),
        ("optimizer", lambda: OPTIMIZERS.build("rmsprop", []), "unknown optimizer 'rmsprop'"),
        ("dataset", lambda: load("wine"), "unknown dataset 'wine'"),
    ],
)
def test_the_library_refuses_an_unknown_name_listing_the_registry(kind, call, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        call()
    text = str(info.value)
    assert text.endswith("expected one of " + ", ".join(REGISTRIES[kind].choices))


def test_each_entry_builds_what_it_says() -> None:
    assert activate(-2.0, "linear") == -2.0
    assert [OPTIMIZERS[n].builds for n in ("sgd", "adam", "adamw")][2] is AdamW
    kind, fixed = optimizer_recipe("momentum")
    assert kind is SGD
    assert fixed == {"momentum": MOMENTUM}
    assert MOMENTUM == 0.9
    assert OPTIMIZERS.build("momentum", [Value(1.0)], lr=0.5).momentum == 0.9
    for name in LOSSES:
        assert loss_name(get_loss(name)) == name
    assert loss_name("ce") == "cross_entropy"
    assert loss_name("binary_cross_entropy") == "bce"
    w = INITS.build("he", (3, 4), seed=0)
    assert w.shape == (3, 4)
    assert np.abs(w).max() <= np.sqrt(6 / 4)
    X, y = DATASETS.build("moons", n=10, seed=0)
    assert X.shape == (10, 2)
    assert set(y.tolist()) <= {0, 1}
    with pytest.raises(ValueError, match=r"load\('mnist'\): it is read from your files"):
        load("mnist")


# -- every front end offers exactly the registry's names -----------------------------------------


def _train_option(flag: str):
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert isinstance(commands, dict)  # each command's name -> its parser
    train = commands["train"]
    return next(a for a in train._actions if flag in a.option_strings)


@pytest.mark.parametrize(
    ("flag", "registry"),
    [
        ("--optimizer", OPTIMIZERS),
        ("--activation", ACTIVATIONS),
        ("--loss", LOSSES),
        ("--dataset", DATASETS),
    ],
)
def test_the_command_line_offers_every_name_with_its_line(flag: str, registry: Registry) -> None:
    action = _train_option(flag)
    assert tuple(action.choices) == registry.names
    for entry in registry.values():
        assert f"{entry.name}: {entry.summary}" in action.help
    for alias, name in registry.aliases.items():
        assert action.type(alias) == name


def test_the_command_line_offers_every_optimiser_the_library_has() -> None:
    assert set(_train_option("--optimizer").choices) == {"sgd", "momentum", "adam", "adamw"}


def test_an_unknown_name_on_the_command_line_is_one_line_and_exit_2(capsys) -> None:
    status = main(["train", "--optimizer", "rmsprop"])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.splitlines() == [
        "neuronlab train: argument --optimizer: unknown optimizer 'rmsprop'; "
        "expected one of sgd, momentum, adam, adamw"
    ]


@pytest.mark.parametrize("name", ["momentum", "adamw"])
def test_the_command_line_trains_with_the_optimisers_it_did_not_offer_before(
    name: str, capsys
) -> None:
    args = ["train", "--optimizer", name, "--engine", "tensor", "--n", "40", "--epochs", "2"]
    assert main([*args, "--quiet", "--no-report"]) == 0, capsys.readouterr()


def test_the_lab_offers_the_registries_names() -> None:
    assert ACTIVATIONS.names == lab_settings.ACTIVATIONS
    assert INITS.names == lab_settings.INITS
    assert OPTIMIZERS.names == lab_settings.OPTIMIZERS
    assert ("auto", *LOSSES.names) == lab_settings.LOSSES
    assert set(lab_settings.DATASETS) - {"custom"} <= set(DATASETS)
    assert OPTIMIZERS.names == NAMES_OPTIMIZERS


def test_the_lab_serves_its_menus_from_the_registries() -> None:
    served = menus()
    registries: list[tuple[str, Registry[Any]]] = [
        ("activation", ACTIVATIONS),
        ("init", INITS),
        ("optimizer", OPTIMIZERS),
        ("loss", LOSSES),
        ("dataset", DATASETS),
    ]
    for field, registry in registries:
        own = {"auto", "custom"}
        offered = [m["name"] for m in served[field] if m["name"] not in own]
        assert set(offered) <= set(registry)
        for item in served[field]:
            if item["name"] in registry:
                entry = registry[item["name"]]
                assert (item["title"], item["summary"]) == (entry.label, entry.summary)
    assert [m["name"] for m in served["optimizer"]] == list(OPTIMIZERS)
    assert [m["name"] for m in served["activation"]] == list(ACTIVATIONS)
    classes = {m["name"] for m in served["dataset"] if m["classes"]}
    assert classes == {"spiral", "blobs"}  # the sets without named classes take a number of them


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_lab_trains_and_exports_with_every_optimiser(name: str) -> None:
    session = LabSession(LabSettings(optimizer=name, points=40, hidden=(2,), activations=("tanh",)))
    session.step()
    kind, fixed = optimizer_recipe(name)
    optimizer = session.trainer.optimizer
    assert type(optimizer) is kind
    assert all(getattr(optimizer, key) == value for key, value in fixed.items())
    script = run_script(session)
    settings = "".join(f", {k}={v!r}" for k, v in fixed.items())
    assert f"optimizer = {kind.__name__}(model.parameters(), lr=0.03{settings})" in script
    assert f"with {OPTIMIZERS[name].label}," in script


def test_reports_and_model_files_read_the_registries() -> None:
    assert set(LOSS_AXIS) == set(LOSSES)
    assert set(DATASET_INFO) == set(DATASETS)


# -- tables keyed by the names: each name a registry's --------------------------------------------


def test_the_tables_keyed_by_names_hold_registry_names() -> None:
    assert set(TRAIN_DEFAULTS) == set(DATASETS)  # one row of training defaults per dataset
    for row in TRAIN_DEFAULTS.values():
        assert row.loss in LOSSES
        assert row.optimizer in OPTIMIZERS
        assert row.activation in ACTIVATIONS
    for name in lab_settings.PLACEMENT:  # where the lab draws a set: two inputs
        assert DATASETS.build(name, n=20, seed=0)[0].shape == (20, 2)
    icons = _js_object_keys((SRC / "lab" / "static" / "controls.js").read_text(), "ICONS")
    assert icons == set(lab_settings.DATASETS)


# -- no front end types a list of names of its own ----------------------------------------------

#: The front ends whose source is read: the command line, the lab (Python and its page), the
#: model files, the reports and the workbook.
FRONT_ENDS = ("cli", "lab", "io", "report", "workbook")
#: Tables keyed by registry names that say something the registry does not (each checked above
#: or in the module's own tests): (file, the table's name) -> why it may name names.
KEYED_TABLES = {
    ("cli/defaults.py", "TRAIN_DEFAULTS"): "the training defaults of each dataset, one row each",
    ("lab/settings.py", "PLACEMENT"): "where the lab draws each set on its plane",
    ("lab/static/controls.js", "ICONS"): "a small picture of each dataset, not a menu",
    ("workbook/checks/networks.py", "_VARIANTS"): "the learner's (hidden, last) mistakes",
    ("workbook/checks/networks.py", "_mlp"): "the reference of each mistake above",
}


def _named(strings: list[str]) -> dict[str, list[str]]:
    """The registries at least two of ``strings`` are names of (aliases count), with those names."""
    found = {}
    for kind, registry in REGISTRIES.items():
        hits = sorted({s for s in strings if s in registry.choices})
        if len(hits) >= 2:
            found[kind] = hits
    return found


def python_lists_of_names(source: str) -> list[tuple[str, int, dict[str, list[str]]]]:
    """(owner, line, names) for each list, tuple, set or dict literal holding two or more names
    of one registry; the owner is the assignment or function it is in."""
    tree = ast.parse(source)
    found = []
    for top in tree.body:
        owner = ""
        if isinstance(top, (ast.FunctionDef, ast.ClassDef)):
            owner = top.name
        elif isinstance(top, (ast.Assign, ast.AnnAssign)):
            target = top.targets[0] if isinstance(top, ast.Assign) else top.target
            owner = ast.unparse(target)
        for node in ast.walk(top):
            if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                items = node.elts
            elif isinstance(node, ast.Dict):
                items = [k for k in node.keys if k is not None]
            else:
                continue
            strings = [e.value for e in items if isinstance(e, ast.Constant)]
            names = _named([s for s in strings if isinstance(s, str)])
            if names:
                found.append((owner, node.lineno, names))
    return found


def _js_object_keys(source: str, name: str) -> set[str]:
    """The keys of the object literal ``const name = {...}`` (its top level only)."""
    start = source.index(f"const {name} = {{") + len(f"const {name} = ")
    depth, keys = 0, set()
    for match in re.finditer(r"[{}]|^\s*([\w$]+)\s*:", source[start:], flags=re.M):
        if match.group(0) == "{":
            depth += 1
        elif match.group(0) == "}":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1:
            keys.add(match.group(1))
    return keys


def _without_object(source: str, name: str) -> str:
    """``source`` without the object literal ``const name = {...}`` (an allowed keyed table)."""
    start = source.index(f"const {name} = {{")
    depth = 0
    for i in range(source.index("{", start), len(source)):
        depth += {"{": 1, "}": -1}.get(source[i], 0)
        if depth == 0:
            return source[:start] + source[i + 1 :]
    raise AssertionError(f"{name}: the object never closes")


def page_lists_of_names(source: str) -> list[tuple[int, dict[str, list[str]]]]:
    """(line, names) for each place of a page's script or HTML that names two or more names of
    one registry: an array literal, an object's keys, or the options of a select."""
    found = []
    quoted = r"""["'`]([\w-]+)["'`]"""
    for match in re.finditer(r"\[([^\[\]]*)\]", source):  # array literals
        names = _named(re.findall(quoted, match.group(1)))
        if names:
            found.append((source.count("\n", 0, match.start()) + 1, names))
    for match in re.finditer(r"\{([^{}]*)\}", source):  # object literals' keys
        keys = re.findall(r"(?:^|[{,\s])[\"']?([\w-]+)[\"']?\s*:(?!:)", match.group(1))
        names = _named(keys)
        if names:
            found.append((source.count("\n", 0, match.start()) + 1, names))
    for option in re.findall(r"<option[^>]*value=[\"']([\w-]+)[\"']", source):
        kinds = [kind for kind, r in REGISTRIES.items() if option in r.choices]
        if kinds:  # even one option of a menu written in the page
            found.append((0, {kind: [option] for kind in kinds}))
    return found


def _front_end_files() -> list[Path]:
    return sorted(
        p
        for folder in FRONT_ENDS
        for p in (SRC / folder).rglob("*")
        if p.suffix in (".py", ".js", ".html") and "templates" not in p.parts
    )


def test_no_front_end_lists_names_of_its_own() -> None:
    found = []
    for path in _front_end_files():
        where = path.relative_to(SRC).as_posix()
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            for owner, line, names in python_lists_of_names(source):
                if (where, owner) not in KEYED_TABLES:
                    found.append(f"{where}:{line} ({owner}) {names}")
            continue
        for file, table in KEYED_TABLES:
            if file == where:
                source = _without_object(source, table)
        found += [f"{where}:{line} {names}" for line, names in page_lists_of_names(source)]
    assert not found, "read these names from the registries instead:\n" + "\n".join(found)


def test_the_keyed_tables_allowed_are_still_there() -> None:
    for file, table in KEYED_TABLES:
        source = (SRC / file).read_text(encoding="utf-8")
        assert re.search(rf"\b{table}\b", source), (file, table)


@pytest.mark.parametrize(
    "source",
    [
        'CHOICES = ["sgd", "adam"]',
        'def f(parser):\n    parser.add_argument("--loss", choices=("mse", "ce"))',
        'NAMES = {"tanh": "Tanh", "relu": "ReLU"}',
        'def g(x):\n    return x in {"moons", "circles"}',
    ],
)
def test_the_scan_catches_a_python_list_typed_again(source: str) -> None:
    assert python_lists_of_names(source)


@pytest.mark.parametrize(
    "source",
    [
        'fillSelect($("optimizer"), ["sgd", "momentum", "adam"], (v) => NAMES[v]);',
        "const NAMES = {\n  sgd: 'SGD',\n  adam: 'Adam',\n};",
        '<select id="init"><option value="xavier">Xavier</option></select>',
        '$("classes-row").hidden = ![`spiral`, `blobs`].includes(s.dataset);',
    ],
)
def test_the_scan_catches_a_page_list_typed_again(source: str) -> None:
    assert page_lists_of_names(source)


@pytest.mark.parametrize(
    "source",
    ['x = ("auto", "mse")', 'if loss == "mse":\n    pass', 'FIELDS = ["lr", "seed"]'],
)
def test_the_scan_lets_one_name_or_other_words_be(source: str) -> None:
    assert not python_lists_of_names(source)
