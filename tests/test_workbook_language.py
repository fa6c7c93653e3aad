"""Exercises 13-17 of the workbook: bigram counts, the bigram network, the MLP's forward pass,
backprop ninja and the closed forms.

Every check runs as a learner's does, through ``sandbox.check_file`` in a child
process: the reference solution passes, the template as written is "not
implemented yet", and each usual mistake of ``workbook/broken_language.py``
fails with its own message.  The numbers the templates promise are the
reference solution's, the names drawn are neuronlab's sampler's, and the
autograd the checks hold gradients against agrees with PyTorch's.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from helpers import said
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from workbook.broken_language import BROKEN, Broken
from workbook.reference import solution

from neuronlab.data.words import names
from neuronlab.language import count_bigrams, sample
from neuronlab.workbook import check
from neuronlab.workbook.catalog import exercise, template_text
from neuronlab.workbook.checks.bigrams import NAMES_SEED, draw_names
from neuronlab.workbook.checks.closed_forms import DEV_LOSS
from neuronlab.workbook.checks.handed import call_twice, call_watched
from neuronlab.workbook.checks.ninja import (
    GRADIENTS_16,
    PARAMETERS,
    autograd_atoms,
    init_parameters,
    lecture_batch,
)
from neuronlab.workbook.findings import NOT_IMPLEMENTED, Finding, Report
from neuronlab.workbook.sandbox import check_file

# each check runs in a child forked from a server that imported it once (warm_child.py)
pytestmark = pytest.mark.usefixtures("warm_checks")

NUMBERS = ("13", "14", "15", "16", "17")

Run = Callable[[str, str], Report]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Check a text as exercise NUMBER's file, as ``neuronlab workbook check`` does (each
    text once: the tests that look at the same report share it)."""
    reports: dict[tuple[str, str], Report] = {}

    def checked(number: str, text: str) -> Report:
        if (number, text) not in reports:
            e = exercise(number)
            path = tmp_path_factory.mktemp(f"exercise{number}") / e.file
            path.write_text(text, encoding="utf-8")
            reports[number, text] = check_file(e, path)
        return reports[number, text]

    return checked


def first_failure(report: Report) -> Finding:
    wrong = [f for f in report.findings if not f.ok]
    assert wrong, report.text()
    return wrong[0]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_reference_solution_passes(number: str, run: Run) -> None:
    report = run(number, solution(number))
    assert report.passed, report.text()


@pytest.mark.parametrize("number", NUMBERS)
def test_the_template_as_written_is_not_implemented_yet(number: str, run: Run) -> None:
    report = run(number, template_text(exercise(number)))
    assert report.status == NOT_IMPLEMENTED, report.text()
    assert report.problem.startswith(f"{number}: "), report.problem


@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: f"{b.exercise}: {b.mistake}")
def test_a_usual_mistake_gets_its_own_message(broken: Broken, run: Run) -> None:
    report = run(broken.exercise, broken.text(solution(broken.exercise)))
    assert report.status == "", report.text()
    assert not report.passed, report.text()
    text = said(first_failure(report))
    for words in broken.says:
        assert words in text, report.text()


def test_there_are_at_least_25_broken_solutions_and_3_for_every_exercise() -> None:
    assert len(BROKEN) >= 25
    for number in NUMBERS:
        assert sum(b.exercise == number for b in BROKEN) >= 3, number


# -- exercise 13: the names drawn are neuronlab's sampler's ---------------------------------


def test_the_names_drawn_are_those_of_neuronlabs_sampler_one_at_a_time() -> None:
    table = count_bigrams(names())
    model = table.as_model()
    for seed in range(6):
        assert draw_names(table.probabilities, table.vocabulary.characters, 1, seed) == sample(
            model, 1, seed=seed
        )


def test_the_worked_example_is_the_lectures_loss() -> None:
    table = count_bigrams(names())
    assert table.nll(names()) == pytest.approx(2.4545768, abs=1e-7)
    five = draw_names(table.probabilities, table.vocabulary.characters, 5, NAMES_SEED)
    assert five == ["dulike", "zoshan", "car", "ssloysthierana", "alah"]


# -- exercise 16's table ---------------------------------------------------------------------


def rows_of(report: Report) -> list[Finding]:
    rows = [f for f in report.findings if re.match(r"d\w+ +\(", f.message)]
    assert [r.message.split()[0] for r in rows] == [f"d{g}" for g in GRADIENTS_16]
    return rows


def test_the_table_has_26_rows_each_exact_or_approximately_equal_in_ulps(run: Run) -> None:
    report = run("16", solution("16"))
    rows = rows_of(report)
    assert len(rows) == 26
    for row in rows:
        assert re.search(
            r"\) +(exact|approximately equal \(largest difference \S+, [\d.]+ float32 ulps)",
            row.message,
        ), row.message
    assert "~0: subtracting the max changes no probability" in rows[6].message
    why = [f.message for f in report.findings if f.message.startswith("approximately equal is")]
    assert why
    assert "float32 keeps about 7 significant digits" in why[0]
    assert "second batch (n = 13" in report.findings[-1].message


def test_leaving_out_the_max_path_is_approximately_right_and_said_so(run: Run) -> None:
    text = solution("16").replace(
        '    dlogits[np.arange(n), v["logits"].argmax(1)] += dlogit_maxes[:, 0]\n', ""
    )
    report = run("16", text)
    assert report.passed, report.text()
    logits = next(r for r in rows_of(report) if r.message.startswith("dlogits "))
    assert "leaves out the path through logit_maxes, whose gradient is ~0" in logits.message


def test_after_the_first_wrong_gradient_the_rows_point_back_to_it(run: Run) -> None:
    tanh = next(b for b in BROKEN if "tanh derivative at hpreact" in b.mistake)
    report = run("16", tanh.text(solution("16")))
    rows = {r.message.split()[0]: r for r in rows_of(report)}
    assert rows["dh"].ok
    assert not rows["dhpreact"].ok
    assert "wrong:" in rows["dhpreact"].message
    assert rows["dW1"].details == ("after dhpreact, which is wrong: fix that one first",)


def test_gradients_left_as_none_are_not_written_yet(run: Run) -> None:
    text = solution("16")
    for name in ("emb", "C"):
        text, count = re.subn(rf"(?m)^    d{name} = .*$", f"    d{name} = None", text)
        assert count == 1
    text = text.replace("    np.add.at(dC, X, demb)\n", "")
    report = run("16", text)
    rows = {r.message.split()[0]: r for r in rows_of(report)}
    assert rows["dC"].message.endswith("not written yet (None)")
    assert not rows["dC"].ok
    assert rows["dW1"].ok


def torch_atoms(X: np.ndarray, Y: np.ndarray, p: dict[str, np.ndarray]) -> tuple[float, dict]:
    """PyTorch's loss and 26 gradients for exercise 16's forward pass, atom by atom."""
    torch = pytest.importorskip("torch")
    t = {k: torch.tensor(a, requires_grad=True) for k, a in p.items()}
    n = len(Y)
    emb = t["C"][torch.tensor(X)]
    atoms: dict[str, Any] = {"emb": emb, "embcat": emb.view(n, -1)}
    atoms["hprebn"] = atoms["embcat"] @ t["W1"] + t["b1"]
    atoms["bnmeani"] = 1 / n * atoms["hprebn"].sum(0, keepdim=True)
    atoms["bndiff"] = atoms["hprebn"] - atoms["bnmeani"]
    atoms["bndiff2"] = atoms["bndiff"] ** 2
    atoms["bnvar"] = 1 / (n - 1) * atoms["bndiff2"].sum(0, keepdim=True)
    atoms["bnvar_inv"] = (atoms["bnvar"] + 1e-5) ** -0.5
    atoms["bnraw"] = atoms["bndiff"] * atoms["bnvar_inv"]
    atoms["hpreact"] = t["bngain"] * atoms["bnraw"] + t["bnbias"]
    atoms["h"] = torch.tanh(atoms["hpreact"])
    atoms["logits"] = atoms["h"] @ t["W2"] + t["b2"]
    atoms["logit_maxes"] = atoms["logits"].max(1, keepdim=True).values
    atoms["norm_logits"] = atoms["logits"] - atoms["logit_maxes"]
    atoms["counts"] = atoms["norm_logits"].exp()
    atoms["counts_sum"] = atoms["counts"].sum(1, keepdims=True)
    atoms["counts_sum_inv"] = atoms["counts_sum"] ** -1
    atoms["probs"] = atoms["counts"] * atoms["counts_sum_inv"]
    atoms["logprobs"] = atoms["probs"].log()
    for a in atoms.values():
        a.retain_grad()
    loss = -atoms["logprobs"][range(n), Y].mean()
    loss.backward()
    grads = {
        name: (t[name] if name in PARAMETERS else atoms[name]).grad.numpy() for name in GRADIENTS_16
    }
    return loss.item(), grads


def assert_same_as_torch(X: np.ndarray, Y: np.ndarray, p: dict[str, np.ndarray]) -> None:
    values, grads = autograd_atoms(X, Y, p)
    loss, theirs = torch_atoms(X, Y, p)
    assert loss == pytest.approx(float(values["loss"]), rel=1e-5)
    # float32 rounding is relative to the sizes a gradient is made from, not to its own
    # (b1's and logit_maxes' are ~0: rounding only): the graph's largest gradient sets it
    scale = max(np.abs(theirs[name]).max() for name in GRADIENTS_16)
    for name in GRADIENTS_16:
        assert np.abs(grads[name] - theirs[name]).max() <= 1e-5 * scale, name


def test_neuronlabs_autograd_agrees_with_pytorchs_on_all_26_gradients() -> None:
    assert_same_as_torch(*lecture_batch(), init_parameters(2147483647))


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(3, 20),  # a batch of 2: BatchNorm makes every column ±1/√2, whatever came
    vocab=st.integers(2, 12),
    embd=st.integers(1, 5),
    block=st.integers(1, 4),
    hidden=st.integers(1, 9),
    seed=st.integers(0, 2**31),
)
def test_the_checks_autograd_agrees_with_pytorchs_for_any_sizes(
    n: int, vocab: int, embd: int, block: int, hidden: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    X, Y = rng.integers(0, vocab, size=(n, block)), rng.integers(0, vocab, size=n)
    p = init_parameters(seed, vocab, embd, block, hidden)
    # a hidden unit the same for the whole batch has variance 0: BatchNorm then divides
    # rounding by √1e-5 twice over, and two correct programs' rounding parts by percents
    hprebn = p["C"][X].reshape(n, -1) @ p["W1"] + p["b1"]
    assume(np.ptp(hprebn, axis=0).min() > 1e-2)
    assert_same_as_torch(X, Y, p)


# -- exercise 17 -----------------------------------------------------------------------------


def test_the_reference_trains_to_the_dev_loss_the_check_wants(run: Run) -> None:
    report = run("17", solution("17"))
    trained = report.findings[-1].message
    loss = float(re.search(r"the dev loss is ([\d.]+)", trained).group(1))  # type: ignore[union-attr]
    assert loss <= DEV_LOSS


def test_gradients_too_slow_to_train_in_time_are_said_so_early(run: Run) -> None:
    slow = solution("17").replace(
        '    n = len(Y)\n    emb = p["C"][X]\n',
        "    n = len(Y)\n    sum(range(1_000_000))  # CPU time, as a slow loop spends it\n"
        '    emb = p["C"][X]\n',
    )
    assert "1_000_000" in slow
    report = run("17", slow)
    last = report.findings[-1]
    assert not last.ok
    assert "training with your gradients would take about" in last.message


# -- calls watched ---------------------------------------------------------------------------


def test_an_argument_changed_in_place_is_named_and_state_between_calls_is_caught() -> None:
    def normalise(N: np.ndarray) -> np.ndarray:
        N /= N.sum()
        return N

    found = call_watched(normalise, "normalise(N)", "", {"N": np.array([1.0, 3.0])})
    assert isinstance(found, Finding)
    assert not found.ok
    assert "changed its argument N in place (entry [0] was" in found.message

    seen: list[int] = []

    def counter(x: int) -> int:
        seen.append(x)
        return len(seen)

    twice = call_twice(counter, "counter(1)", "", {"x": 1})
    assert isinstance(twice, Finding)
    assert "gave two different results" in twice.message


# -- the templates' promises -------------------------------------------------------------------

_PRINT = re.compile(r"^(\s*)print\((.*)\)  # (.*)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


def promises(number: str) -> list[tuple[Any, str]]:
    """Each commented ``print`` of the template's main block: what the reference solution
    prints there, and the comment that says what it should be."""
    template = template_text(exercise(number))
    main = textwrap.dedent(template.split('if __name__ == "__main__":\n', 1)[1])
    lines = [_PRINT.sub(r"\1_seen.append(((\2), '''\3'''))", line) for line in main.splitlines()]
    namespace: dict[str, Any] = {"_seen": []}
    exec(compile(solution(number), "solution", "exec"), namespace)
    exec("\n".join(lines), namespace)
    return list(namespace["_seen"])


def flat(value: Any) -> list[float]:
    """The numbers of a value printed: a number, an array, or tuples and lists of them."""
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in flat(v)]
    return [float(x) for x in np.asarray(value, dtype=float).ravel()]


@pytest.mark.parametrize("number", ["13", "14", "15", "16"])
def test_the_numbers_in_the_templates_are_the_reference_solutions(number: str) -> None:
    seen = promises(number)
    assert len(seen) >= 3
    for value, comment in seen:
        promised = re.split(r":| \(", comment, maxsplit=1)[0]
        if isinstance(value, str):
            assert value == promised.strip(), (comment, value)
            continue
        if value is None or not _NUMBER.findall(promised):
            continue
        numbers = [float(x) for x in _NUMBER.findall(promised)]
        got = np.array(flat(value), dtype=float)
        assert got.size == len(numbers), (comment, value)
        assert np.allclose(got, numbers, rtol=1e-5, atol=1e-7), (comment, value)


def test_a_notebook_checks_functions_written_in_cells() -> None:
    names_: dict[str, Any] = {}
    exec(compile(solution("15"), "cell", "exec"), names_)
    report = check(
        "15", names_["build_dataset"], names_["mlp_logits"], names_["cross_entropy"], show=False
    )
    assert report.passed, report.text()
