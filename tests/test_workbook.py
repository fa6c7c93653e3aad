"""The workbook's frame: its catalog, folder and progress, the checker's child process
and limits, the command line and the in-notebook ``check``.

The exercises' own checks (what they say of each usual mistake) are tested in
test_workbook_basics.py, test_workbook_value.py and test_workbook_tensors.py.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from workbook.reference import solution

from neuronlab.workbook import check, hint
from neuronlab.workbook.catalog import (
    EXERCISES,
    NUMBERS,
    exercise,
    hint_line,
    hints_done,
    template_text,
)
from neuronlab.workbook.findings import NOT_IMPLEMENTED, Finding, Report, failed, passed
from neuronlab.workbook.folder import PROGRESS_FILE, Progress, find_workbook, start
from neuronlab.workbook.sandbox import CheckContext, check_file, run_check

CLI = [sys.executable, "-m", "neuronlab.cli", "workbook"]

SOLUTION_01 = """
def weighted_sum(weights, inputs, bias=0.0):
    return sum(w * x for w, x in zip(weights, inputs)) + bias


def perceptron(weights, inputs, threshold):
    return 1 if weighted_sum(weights, inputs) > threshold else 0
"""

#: The bias left out: every weighted sum with a bias is wrong.
NO_BIAS_01 = SOLUTION_01.replace(") + bias", ")")


def quick(number: str, seconds: float = 3.0):
    """Exercise ``number`` with a short time limit, for tests of the limits."""
    return dataclasses.replace(exercise(number), seconds=seconds)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV"))}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


# -- the catalog ------------------------------------------------------------------------


def test_twelve_exercises_in_order_with_hints_and_a_check() -> None:
    assert len(NUMBERS) >= 12
    assert tuple(f"{n:02d}" for n in range(1, len(NUMBERS) + 1)) == NUMBERS
    for e in EXERCISES:
        assert e.file.startswith(e.number + "_")
        assert e.file.endswith(".py")
        assert e.title
        assert e.hints
        assert all(h.strip() for h in e.hints)
        module, name = e.check.split(":")
        assert name == f"check_{e.number}"
        checks = __import__(f"neuronlab.workbook.checks.{module}", fromlist=[name])
        assert callable(getattr(checks, name))


def test_exercise_accepts_5_and_05_and_names_the_numbers_otherwise() -> None:
    assert exercise("5") is exercise("05") is exercise(" 05 ")
    with pytest.raises(ValueError, match=r"unknown exercise '99'; expected one of 01, 02"):
        exercise("99")
    with pytest.raises(ValueError, match="unknown exercise 'five'"):
        exercise("five")


@pytest.mark.parametrize("e", EXERCISES, ids=lambda e: e.number)
def test_each_template_teaches_runs_and_tells_you_what_to_run(e) -> None:
    text = template_text(e)
    tree = ast.parse(text)
    doc = ast.get_docstring(tree)
    assert doc
    assert doc.startswith(f"Exercise {e.number}")
    assert f"neuronlab workbook check {e.number}" in doc
    stubs: list[object] = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and "NotImplementedError" in ast.unparse(node)
    ]
    if e.number in ("12", "16"):  # a gradient a line, each None until written: the rest checked
        stubs = [line for line in text.splitlines() if re.match(r"    d\w+ = None  # \(", line)]
        assert len(stubs) == {"12": 12, "16": 26}[e.number]
    assert stubs, "a template leaves something for the learner to write"


@pytest.mark.usefixtures("warm_checks")  # about what the check says: a warm child
@pytest.mark.parametrize("e", EXERCISES, ids=lambda e: e.number)
def test_an_untouched_template_is_not_implemented_yet(e, tmp_path: Path) -> None:
    path = write(tmp_path, e.file, template_text(e))
    report = check_file(e, path)
    assert report.status == NOT_IMPLEMENTED, report.text()
    assert not report.passed
    assert "not written yet" in report.problem or "NotImplementedError" in report.problem
    assert "line " in report.problem, "the line of the stub is named"


# -- findings and reports -----------------------------------------------------------------


def test_a_report_passes_only_when_every_finding_held() -> None:
    assert Report("01", [passed("a"), passed("b")]).passed
    assert not Report("01", [passed("a"), failed("b")]).passed
    assert not Report("01", []).passed, "nothing checked is not a pass"
    assert not Report("01", [passed("a")], status="stopped").passed


def test_a_failed_finding_shows_its_details_likely_mistake_and_pictures() -> None:
    report = Report(
        "05",
        [
            passed("a + b works"),
            failed(
                "a * b's grad",
                "a.grad = 2, expected -3",
                likely="the sides are swapped",
                pictures=("pictures/05.svg",),
            ),
        ],
    )
    assert report.text() == (
        "exercise 05: not yet\n"
        "  ✓ a + b works\n"
        "  ✗ a * b's grad\n"
        "      a.grad = 2, expected -3\n"
        "      likely: the sides are swapped\n"
        "      picture: pictures/05.svg"
    )
    assert Report.from_dict(json.loads(json.dumps(report.as_dict()))) == report


def test_a_report_that_could_not_check_says_why() -> None:
    report = Report("06", [], "stopped", "stopped after 60 s")
    assert report.text() == "exercise 06: stopped\n  stopped after 60 s"
    assert Finding.from_dict(failed("x", "y").as_dict()) == failed("x", "y")


# -- the workbook folder ------------------------------------------------------------------


def test_start_writes_every_exercise_and_the_progress_file(tmp_path: Path) -> None:
    written = start(tmp_path / "mine")
    assert [p.name for p in written] == [e.file for e in EXERCISES]
    for e, p in zip(EXERCISES, written):
        assert p.read_text(encoding="utf-8") == template_text(e)
    assert json.loads((tmp_path / "mine" / PROGRESS_FILE).read_text())["format"] == (
        "neuronlab-workbook"
    )


def test_start_never_overwrites_and_writes_nothing_when_it_refuses(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    mine = write(folder, "05_value.py", "my work")
    with pytest.raises(ValueError, match=r"already has 05_value.py; nothing was written"):
        start(folder)
    assert mine.read_text() == "my work"
    assert sorted(p.name for p in folder.iterdir()) == ["05_value.py"]


def test_start_a_second_time_refuses(tmp_path: Path) -> None:
    start(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(ValueError, match=r"already has 01_weighted_sum.py, .* \.\.\."):
        start(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_start_refuses_a_file_and_an_empty_name(tmp_path: Path) -> None:
    afile = write(tmp_path, "notes.txt", "x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        start(afile)
    with pytest.raises(ValueError, match="expected a folder name, got an empty one"):
        start("  ")


def test_find_workbook_from_inside_and_a_clear_error_outside(tmp_path: Path) -> None:
    start(tmp_path / "wb")
    inner = tmp_path / "wb" / "pictures" / "deep"
    inner.mkdir(parents=True)
    assert find_workbook(inner) == (tmp_path / "wb").resolve()
    with pytest.raises(ValueError, match=r"no workbook here .*neuronlab workbook start FOLDER"):
        find_workbook(tmp_path)


def test_progress_round_trips_and_hints_come_one_at_a_time(tmp_path: Path) -> None:
    progress = Progress(tmp_path)
    progress.record("05", "passed")
    e = exercise("06")
    hints = [progress.next_hint(e) for _ in range(len(e.hints) + 1)]
    assert hints[:-1] == [(i + 1, h) for i, h in enumerate(e.hints)]
    assert hints[-1] is None
    progress.write()
    again = Progress.read(tmp_path)
    assert again.status == {"05": "passed"}
    assert again.hints == {"06": len(e.hints)}
    assert again.checked_at["05"] == progress.checked_at["05"]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"format": "something else"}', b"\xff\xfe", b" " * 70_000],
    ids=["broken", "a list", "another format", "not text", "too large"],
)
def test_a_damaged_progress_file_reads_as_a_fresh_start(tmp_path: Path, content: bytes) -> None:
    (tmp_path / PROGRESS_FILE).write_bytes(content)
    progress = Progress.read(tmp_path)
    assert progress.status == {}
    assert progress.hints == {}


def test_a_nonsense_hint_count_starts_the_hints_again(tmp_path: Path) -> None:
    record = {"format": "neuronlab-workbook", "hints": {"01": -4, "02": "many"}}
    (tmp_path / PROGRESS_FILE).write_text(json.dumps(record))
    progress = Progress.read(tmp_path)
    assert progress.next_hint(exercise("01")) == (1, exercise("01").hints[0])
    assert progress.next_hint(exercise("02")) == (1, exercise("02").hints[0])


# -- the checker: a child process with limits ---------------------------------------------


@pytest.mark.usefixtures("warm_checks")  # about what the check says: a warm child
def test_a_correct_file_passes_and_a_wrong_one_says_what_is_wrong(tmp_path: Path) -> None:
    e = exercise("01")
    good = check_file(e, write(tmp_path, "good.py", SOLUTION_01))
    assert good.passed, good.text()
    assert good.text().startswith("exercise 01: passed"), good.text()
    bad = check_file(e, write(tmp_path, "bad.py", NO_BIAS_01))
    assert not bad.passed
    assert bad.status == ""
    assert "bias is missing" in bad.text(), bad.text()


def test_an_infinite_loop_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    text = SOLUTION_01.replace("    return sum(", "    while True:\n        pass\n    return sum(")
    report = check_file(quick("01", 1), write(tmp_path, "loop.py", text))
    assert report.status == "stopped"
    assert report.problem.startswith("stopped after 1 s of computing: does a loop never end")
    assert "your code was in weighted_sum, at line 3: while True:" in report.problem


def test_the_limit_counts_computing_not_waiting_so_a_busy_machine_stops_nothing(
    tmp_path: Path,
) -> None:
    """1.5 s asleep (as a check waits for a core on a busy machine) under a 1 s limit: the
    limit is CPU time, so the check runs to its end and passes."""
    text = "import time\ntime.sleep(1.5)\n" + SOLUTION_01
    report = check_file(quick("01", 1), write(tmp_path, "waits.py", text))
    assert report.passed, report.text()


def test_every_exercise_of_the_first_twelve_is_stopped_within_ten_seconds() -> None:
    for number in NUMBERS[:12]:
        assert exercise(number).seconds <= 10, number


def test_a_stopped_check_names_the_line_and_keeps_what_passed_before(tmp_path: Path) -> None:
    text = SOLUTION_01.replace(
        "    return 1 if",
        "    print('deciding', threshold)\n    while threshold:\n"
        "        threshold = threshold * 1.0\n    return 1 if",
    )
    report = check_file(quick("01", 1), write(tmp_path, "loop.py", text))
    assert report.status == "stopped", report.text()
    assert not report.passed, report.text()
    first, stopped = report.findings
    assert first.ok
    assert first.message.startswith("weighted_sum gives w·x + b")
    assert not stopped.ok
    assert stopped.message.startswith("stopped after 1 s")
    assert stopped.details[0] in (
        "your code was in perceptron, at line 8: while threshold:",
        "your code was in perceptron, at line 9: threshold = threshold * 1.0",
    )
    assert report.text().splitlines()[:3] == [
        "exercise 01: stopped",
        "  ✓ " + first.message,
        "  ✗ " + stopped.message,
    ]
    assert "  what your code printed (the end of it):\n    | deciding 5" in report.text()


def test_a_loop_that_swallows_the_alarm_is_stopped_all_the_same(tmp_path: Path) -> None:
    text = SOLUTION_01.replace(
        "    return 1 if",
        "    while True:\n        try:\n            while True:\n                pass\n"
        "        except BaseException:\n            pass\n    return 1 if",
    )
    report = check_file(quick("01", 1), write(tmp_path, "deaf.py", text))
    assert report.status == "stopped", report.text()
    assert report.problem.startswith("stopped after 1 s of computing: does a loop never end")
    assert "your code was in perceptron, at line " in report.problem
    assert report.findings[0].ok, "what passed before is kept"


def test_a_loop_at_the_top_of_the_file_is_stopped_and_named(tmp_path: Path) -> None:
    top = write(tmp_path, "top.py", "x = 0\nwhile True:\n    x += 1\n")
    report = check_file(quick("01", 1), top)
    assert report.status == "stopped", report.text()
    assert report.problem.endswith(
        ("your code was at line 2: while True:", "your code was at line 3: x += 1")
    ), report.problem


def test_what_the_learner_printed_is_shown_when_a_check_fails_and_only_then(
    tmp_path: Path,
) -> None:
    chatty = "print('my own check:', weighted_sum([1, 2], [3, 4]))\n"
    bad = check_file(exercise("01"), write(tmp_path, "bad.py", NO_BIAS_01 + chatty))
    assert not bad.passed
    assert bad.printed == "my own check: 11"
    assert bad.text().endswith("  what your code printed (the end of it):\n    | my own check: 11")
    good = check_file(exercise("01"), write(tmp_path, "good.py", SOLUTION_01 + chatty))
    assert good.passed
    assert good.printed == ""
    assert "printed" not in good.text()
    crash = SOLUTION_01.replace(
        "    return 1 if",
        "    print('about to look', threshold)\n    return {}[0]\n    return 1 if",
    )
    crashed = check_file(exercise("01"), write(tmp_path, "crash.py", crash))
    assert crashed.status == "crashed"
    assert crashed.printed.startswith("about to look 5")
    loud = NO_BIAS_01 + "for i in range(5000):\n    print('line', i)\n"
    bounded = check_file(exercise("01"), write(tmp_path, "loud.py", loud))
    assert bounded.printed.startswith("...\nline ")
    assert bounded.printed.endswith("line 4999")
    assert len(bounded.printed) <= 2048 + 4


def test_a_runaway_allocation_is_stopped_at_the_memory_limit(tmp_path: Path) -> None:
    text = SOLUTION_01.replace(
        "    return sum(",
        "    hoard = []\n    while True:\n        hoard.append(bytearray(1 << 24))\n"
        "    return sum(",
    )
    report = check_file(quick("01", 20), write(tmp_path, "hog.py", text))
    assert report.status == "stopped"
    assert "more than 1024 MB of memory" in report.problem


def test_printing_without_end_is_bounded_and_reported(tmp_path: Path) -> None:
    text = "import sys\nwhile True:\n    sys.stderr.write('x' * 100_000)\n"
    report = check_file(quick("01", 20), write(tmp_path, "spew.py", text))
    assert report.status == "stopped"
    assert "wrote more than 64 MB" in report.problem
    assert "line 3" in report.problem


def test_what_the_learner_prints_does_not_disturb_the_report(tmp_path: Path) -> None:
    text = SOLUTION_01.replace(
        "    return 1 if", "    print('{\"exercise\": 1', end='')\n    return 1 if"
    )
    report = check_file(exercise("01"), write(tmp_path, "chatty.py", text))
    assert report.passed, report.text()


@pytest.mark.usefixtures("warm_checks")  # about what the check says: a warm child
def test_a_syntax_error_is_shown_with_its_line(tmp_path: Path) -> None:
    text = SOLUTION_01.replace("return 1 if", "return 1 iff")
    report = check_file(exercise("01"), write(tmp_path, "typo.py", text))
    assert report.status == "syntax error"
    assert report.problem.startswith("typo.py, line 7")
    assert "return 1 iff weighted_sum" in report.problem


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        (
            "raise NotImplementedError('01: perceptron is not written yet')",
            NOT_IMPLEMENTED,
            "01: perceptron is not written yet (line 7)",
        ),
        (
            "return perceptron(weights, inputs, threshold)",
            "crashed",
            "recursed too deeply (RecursionError)",
        ),
        ("return {}[threshold]", "crashed", "your code raised KeyError"),
        ("raise SystemExit(3)", "crashed", "your code called exit()"),
        ("raise KeyboardInterrupt", "crashed", "your code raised KeyboardInterrupt"),
    ],
    ids=["a stub", "endless recursion", "an exception", "exit()", "KeyboardInterrupt"],
)
def test_what_stops_a_check_is_named_with_the_learners_line(
    tmp_path: Path, body: str, status: str, said: str
) -> None:
    text = SOLUTION_01.replace(
        "    return 1 if weighted_sum(weights, inputs) > threshold else 0", "    " + body
    )
    report = check_file(quick("01", 20), write(tmp_path, "mine.py", text))
    assert report.status == status, report.text()
    assert said in report.problem
    assert "line 7" in report.problem


@pytest.mark.usefixtures("warm_checks")  # about what the check says: a warm child
def test_a_crash_at_import_names_the_line(tmp_path: Path) -> None:
    report = check_file(exercise("01"), write(tmp_path, "imp.py", "x = 1\ny = 1 / 0\n"))
    assert report.status == "crashed"
    assert (
        report.problem
        == "your code raised ZeroDivisionError: division by zero\n  at line 2: y = 1 / 0"
    )


def test_a_file_that_is_not_utf8_or_interrupts_at_import_is_named(tmp_path: Path) -> None:
    latin = write(tmp_path, "latin.py", "")
    latin.write_bytes("# café\n".encode("latin-1"))
    report = check_file(exercise("01"), latin)
    assert (report.status, report.problem) == (
        "crashed",
        "latin.py is not UTF-8 text (byte 0xe9 at position 5): save it as UTF-8",
    )
    stop = check_file(
        exercise("01"), write(tmp_path, "stop.py", "x = 1\nraise KeyboardInterrupt\n")
    )
    assert stop.status == "crashed"
    assert (
        stop.problem == "your code raised KeyboardInterrupt\n  at line 2: raise KeyboardInterrupt"
    )


@pytest.mark.usefixtures("warm_checks")  # about what the check says: a warm child
def test_a_byte_order_mark_or_a_coding_line_is_read_as_python_reads_it(tmp_path: Path) -> None:
    bom = write(tmp_path, "bom.py", "")
    bom.write_bytes(b"\xef\xbb\xbf" + SOLUTION_01.encode("utf-8"))
    assert check_file(exercise("01"), bom).passed
    latin = write(tmp_path, "latin1.py", "")
    latin.write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + SOLUTION_01.encode("ascii"))
    assert check_file(exercise("01"), latin).passed


@pytest.mark.usefixtures("warm_checks")  # about what the check says: a warm child
def test_a_missing_function_is_not_implemented_yet(tmp_path: Path) -> None:
    report = check_file(exercise("01"), write(tmp_path, "half.py", "x = 1\n"))
    assert report.status == NOT_IMPLEMENTED
    assert "defines no weighted_sum" in report.problem


def test_a_process_that_vanishes_is_reported_not_a_traceback(tmp_path: Path) -> None:
    report = check_file(exercise("01"), write(tmp_path, "gone.py", "import os\nos._exit(0)\n"))
    assert report.status == "crashed"
    assert report.problem == "your code ended the check early (exit status 0)"


# -- in a notebook: check() on names you have ---------------------------------------------


def _from_source(text: str) -> dict:
    names: dict = {}
    exec(compile(text, "<cell>", "exec"), names)
    return names


def test_check_in_a_notebook_prints_the_report_and_returns_it(capsys) -> None:
    names = _from_source(SOLUTION_01)
    report = check("1", names["weighted_sum"], names["perceptron"])
    assert report.passed
    assert capsys.readouterr().out.startswith("exercise 01: passed\n  ✓ weighted_sum")
    quiet = check("01", _from_source(NO_BIAS_01)["weighted_sum"], names["perceptron"], show=False)
    assert not quiet.passed
    assert capsys.readouterr().out == ""


def test_in_a_notebook_a_missing_name_and_a_stuck_loop_are_reported() -> None:
    names = _from_source(SOLUTION_01)
    only_one = check("01", names["weighted_sum"], show=False)
    assert only_one.status == NOT_IMPLEMENTED
    assert only_one.problem == "perceptron: not given (check('01', weighted_sum, perceptron))"
    stuck = _from_source(
        SOLUTION_01.replace("    return 1 if", "    while True:\n        pass\n    return 1 if")
    )
    report = run_check(quick("01", 1), stuck, CheckContext())
    assert report.status == "stopped"
    assert report.findings[0].ok, "weighted_sum passed before the loop"
    # a cell's text is not kept where Python can read it back: the line's number is named
    assert report.problem.endswith(
        ("your code was in perceptron, at line 7", "your code was in perceptron, at line 8")
    ), report.problem


def test_check_refuses_an_unknown_exercise() -> None:
    with pytest.raises(ValueError, match="unknown exercise '99'"):
        check("99")


def test_check_takes_things_by_their_name_or_by_keyword_and_refuses_the_rest() -> None:
    names = _from_source(SOLUTION_01)
    mine = names["weighted_sum"]
    assert check("01", weighted_sum=mine, perceptron=names["perceptron"], show=False).passed
    with pytest.raises(
        TypeError,
        match=r"expected the classes or functions you wrote "
        r"\(weighted_sum, perceptron\), got int 3",
    ):
        check("01", 3)
    with pytest.raises(TypeError, match="got str 'weighted_sum'"):
        check("01", weighted_sum="weighted_sum")

    def my_sum(weights, inputs, bias=0.0):
        return mine(weights, inputs, bias)

    with pytest.raises(
        ValueError,
        match=r"exercise 01 checks weighted_sum, perceptron; got "
        r"my_sum: .* check\('01', weighted_sum=my_sum\)",
    ):
        check("01", my_sum, names["perceptron"])
    assert check("01", names["perceptron"], weighted_sum=my_sum, show=False).passed


@pytest.mark.parametrize("e", EXERCISES, ids=lambda e: e.number)
def test_the_catalog_names_what_each_check_reads(e) -> None:
    report = run_check(e, {}, CheckContext())
    assert report.status == NOT_IMPLEMENTED
    assert report.problem == f"the file defines no {e.names[0]}"
    tree = ast.parse(template_text(e))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert set(e.names) <= defined, "the template defines every name the check reads"


# -- the command line ---------------------------------------------------------------------


def test_the_workflow_start_check_hint_list(tmp_path: Path) -> None:
    made = cli("start", "wb", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0] == (
        f"neuronlab workbook: {len(EXERCISES)} exercises written to wb/"
    )
    folder = tmp_path / "wb"
    first = cli("check", "01", cwd=folder)
    assert first.returncode == 1
    assert first.stderr == ""
    assert first.stdout.startswith("exercise 01: not implemented yet\n")
    write(folder, "01_weighted_sum.py", SOLUTION_01)
    second = cli("check", "1", cwd=folder)
    assert second.returncode == 0, second.stdout
    assert second.stdout.startswith("exercise 01: passed")
    hint = cli("hint", "02", cwd=folder)
    assert hint.stdout == f"exercise 02, hint 1 of 3: {exercise('02').hints[0]}\n"
    listed = cli("list", cwd=folder).stdout.splitlines()
    assert listed[1].startswith("  ✓ 01  The weighted sum")
    assert listed[1].endswith("passed")
    assert listed[2].endswith("not checked")
    assert len({line.index("not checked") for line in listed[2:]}) == 1, "one column of statuses"
    assert Progress.read(folder).hints == {"02": 1}


def test_check_all_counts_what_passes(tmp_path: Path) -> None:
    start(tmp_path)
    write(tmp_path, "01_weighted_sum.py", SOLUTION_01)
    done = cli("check", cwd=tmp_path, timeout=900)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == f"1 of {len(EXERCISES)} exercises pass"
    assert done.stdout.count("not implemented yet") == len(EXERCISES) - 1


def test_the_dir_option_and_hints_running_out(tmp_path: Path) -> None:
    start(tmp_path / "wb")
    e = exercise("03")
    for i in range(len(e.hints)):
        shown = cli("hint", "03", "--dir", "wb", cwd=tmp_path)
        assert shown.stdout.startswith(f"exercise 03, hint {i + 1} of {len(e.hints)}: ")
    last = cli("hint", "03", "--dir", "wb", cwd=tmp_path)
    assert last.returncode == 0
    assert last.stdout.startswith(f"exercise 03: all {len(e.hints)} hints")
    every = [hint_line(e, i) for i in range(1, len(e.hints) + 1)]
    assert last.stdout.splitlines()[1:] == every, "used up, the hints are shown again"


def test_hint_all_shows_again_the_hints_shown_so_far(tmp_path: Path) -> None:
    start(tmp_path)
    none = cli("hint", "05", "--all", cwd=tmp_path)
    assert none.returncode == 0
    assert none.stdout == (
        "exercise 05: no hint shown yet; 'neuronlab workbook hint 05' shows the first\n"
    )
    cli("hint", "05", cwd=tmp_path)
    cli("hint", "05", cwd=tmp_path)
    both = cli("hint", "05", "--all", cwd=tmp_path)
    assert both.stdout.splitlines() == [hint_line(exercise("05"), 1), hint_line(exercise("05"), 2)]
    assert Progress.read(tmp_path).hints == {"05": 2}, "--all shows no new hint"
    assert "--all" in cli("hint", "--help", cwd=tmp_path).stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((), "neuronlab workbook: expected an action: start, list, check or hint"),
        (("check",), "neuronlab workbook: no workbook here"),
        (("start", "wb"), "neuronlab workbook start: wb already has"),
        (("check", "99", "--dir", "wb"), "neuronlab workbook: unknown exercise '99'"),
        (("hint", "--dir", "wb"), "neuronlab workbook hint: the following arguments are required"),
        (("start", ""), "neuronlab workbook start: expected a folder name"),
    ],
    ids=[
        "no action",
        "outside a workbook",
        "start twice",
        "no such exercise",
        "hint what",
        "empty name",
    ],
)
def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path, args, said: str) -> None:
    start(tmp_path / "wb")
    done = cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(said), done.stderr


def test_a_deleted_exercise_file_is_named(tmp_path: Path) -> None:
    start(tmp_path)
    (tmp_path / "04_nudging.py").unlink()
    done = cli("check", "04", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("neuronlab workbook: ")
    assert "04_nudging.py is missing" in done.stderr


def test_an_exercise_that_is_a_folder_or_a_link_to_a_device_is_named(tmp_path: Path) -> None:
    start(tmp_path)
    (tmp_path / "04_nudging.py").unlink()
    (tmp_path / "04_nudging.py").mkdir()
    (tmp_path / "03_sigmoid.py").unlink()
    (tmp_path / "03_sigmoid.py").symlink_to("/dev/zero")
    for number, name in (("04", "04_nudging.py"), ("03", "03_sigmoid.py")):
        done = cli("check", number, cwd=tmp_path)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1
        assert f"{name} is not a file (a folder, a broken link or a device)" in done.stderr


def test_checks_of_two_workbooks_at_once_do_not_mix(tmp_path: Path) -> None:
    for name, text in (("a", SOLUTION_01), ("b", NO_BIAS_01)):
        start(tmp_path / name)
        write(tmp_path / name, "01_weighted_sum.py", text)
    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(lambda n: cli("check", "01", cwd=tmp_path / n), ["a", "b"])
    assert (a.returncode, b.returncode) == (0, 1)
    assert Progress.read(tmp_path / "a").status == {"01": "passed"}
    assert Progress.read(tmp_path / "b").status == {"01": "not yet"}


def test_a_wrong_gradients_picture_is_named_from_where_you_are(tmp_path: Path) -> None:
    from workbook.broken_value import BROKEN

    start(tmp_path / "wb")
    swapped = next(b for b in BROKEN if b.name == "swapped factors")
    write(tmp_path / "wb", "05_value.py", swapped.text())
    inside = cli("check", "05", cwd=tmp_path / "wb")
    assert inside.returncode == 1
    assert "      picture: pictures/05_graphs.html\n" in inside.stdout, inside.stdout
    outside = cli("check", "05", "--dir", "wb", cwd=tmp_path)
    assert "      picture: wb/pictures/05_graphs.html\n" in outside.stdout
    assert (tmp_path / "wb" / "pictures" / "05_graphs.html").is_file()


@pytest.mark.parametrize("action", ["start", "list", "check", "hint"])
def test_each_action_says_what_it_does_in_its_help(action: str, tmp_path: Path) -> None:
    done = cli(action, "--help", cwd=tmp_path)
    assert done.returncode == 0
    usage, description = done.stdout.split("\n\n")[:2]
    assert usage.startswith(f"usage: neuronlab workbook {action}")
    assert len(description.split()) >= 6, description


def test_a_linked_progress_file_is_never_written_through(tmp_path: Path) -> None:
    start(tmp_path / "wb")
    victim = write(tmp_path, "victim.txt", "important")
    (tmp_path / "wb" / PROGRESS_FILE).unlink()
    (tmp_path / "wb" / PROGRESS_FILE).symlink_to(victim)
    done = cli("hint", "01", cwd=tmp_path / "wb")
    assert victim.read_text() == "important"
    assert done.returncode == 2
    assert "is a link: the workbook's progress is not written" in done.stderr
    assert done.stdout.startswith("exercise 01, hint 1 of "), "the hint is shown all the same"


def test_a_damaged_progress_file_is_kept_aside_not_overwritten(tmp_path: Path) -> None:
    start(tmp_path)
    (tmp_path / PROGRESS_FILE).write_text("my notes, not a progress record")
    done = cli("hint", "02", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"neuronlab: note: workbook: the progress file could not be read; it is kept as "
        f"{PROGRESS_FILE}.damaged\n"
    )
    assert (tmp_path / f"{PROGRESS_FILE}.damaged").read_text() == "my notes, not a progress record"
    assert Progress.read(tmp_path).hints == {"02": 1}


def test_statuses_and_hints_of_the_wrong_kind_are_left_out(tmp_path: Path) -> None:
    record = {
        "format": "neuronlab-workbook",
        "status": {"01": ["x"], "02": "passed", "03": "?"},
        "hints": {"01": True, "02": 2},
    }
    (tmp_path / PROGRESS_FILE).write_text(json.dumps(record))
    progress = Progress.read(tmp_path)
    assert progress.status == {"02": "passed"}
    assert progress.hints == {"02": 2}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("check", "--dir", "nowhere"), "neuronlab workbook: no such folder: nowhere"),
        (("list", "--dir", "notes.txt"), "neuronlab workbook: notes.txt is a file, not a folder"),
        (("check", ""), "neuronlab workbook: unknown exercise ''"),
    ],
)
def test_dir_and_number_mistakes_are_named(tmp_path: Path, args, said: str) -> None:
    start(tmp_path)
    write(tmp_path, "notes.txt", "x")
    done = cli(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(said), done.stderr


def test_005_is_exercise_5_but_other_digits_are_not() -> None:
    assert exercise("005") is exercise("5")
    with pytest.raises(ValueError, match="unknown exercise"):
        exercise("٥")  # noqa: RUF001 -- an Arabic-Indic five on purpose: a digit, yet not 5


def test_a_silenced_alarm_still_stops_at_the_cpu_limit(tmp_path: Path) -> None:
    text = "import signal\nsignal.signal(signal.SIGPROF, signal.SIG_IGN)\nwhile True:\n    pass\n"
    report = check_file(quick("01", 1), write(tmp_path, "deaf.py", text))
    assert report.status == "stopped", report.text()
    assert report.problem.startswith("stopped after 11 s of CPU time: does a loop never end")


def test_hint_in_a_notebook_comes_one_at_a_time_and_refuses_a_hint_it_has_not(capsys) -> None:
    e = exercise("04")
    assert hint("04", 2) == hint_line(e, 2)
    assert hint("4") == hint_line(e, 3), "the next after the one shown"
    again = [hint_line(e, i) for i in range(1, len(e.hints) + 1)]
    assert hint("04") == "\n".join([hints_done(e) + "; here they are again:", *again])
    assert hint("04", "all") == "\n".join(again), "every hint shown, to read again"
    assert hint("03", "all") == "exercise 03: no hint shown yet; hint('03') shows the first"
    for which in (0, len(e.hints) + 1, 1.5, True, "some"):
        with pytest.raises(ValueError, match=r"which=\.\.\.\): expected a whole number from 1"):
            hint("04", which)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown exercise '99'"):
        hint("99")


# -- the tests' warm child (tests/warm_child.py) reports as the real one -------------------------

WARM_CASES = {
    "passes": ("01", SOLUTION_01),
    "wrong": ("01", NO_BIAS_01),
    "a loop": (
        "01",
        SOLUTION_01.replace("    return sum(", "    while True:\n        pass\n    return sum("),
    ),
    "memory": (
        "01",
        SOLUTION_01.replace(
            "    return sum(",
            "    hoard = []\n    while True:\n        hoard.append(bytearray(1 << 24))\n"
            "    return sum(",
        ),
    ),
    "printing": ("01", "import sys\nwhile True:\n    sys.stderr.write('x' * 100_000)\n"),
    "exit()": ("01", "exit(3)\n"),
    "syntax": ("01", SOLUTION_01.replace("return 1 if", "return 1 iff")),
    "a sibling module": ("01", "from helper_01 import *\n"),
    "PyTorch as a second opinion": ("05", solution("05")),
    "not written yet": ("05", template_text(exercise("05"))),
}


@pytest.mark.parametrize("case", WARM_CASES)
def test_a_warm_child_reports_as_the_real_one(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables of usual mistakes run their checks in warm children: the same report."""
    from warm_child import use_warm_children

    number, text = WARM_CASES[case]
    # a loop spends its whole limit twice (real, then warm): the shortest limit says the same
    limits = {"a loop": 1, "memory": 3, "printing": 3}
    e = quick(number, limits[case]) if case in limits else exercise(number)
    path = write(tmp_path, e.file, text)
    write(tmp_path, "helper_01.py", SOLUTION_01)  # python -m finds a module beside the file
    real = check_file(e, path).as_dict()
    warm = use_warm_children(monkeypatch)
    started = warm.started
    assert check_file(e, path).as_dict() == real
    assert warm.started == started + 1


def test_the_clock_allows_a_third_of_a_core_for_the_whole_cpu_limit() -> None:
    """A child that computes until its hard CPU limit is stopped by that limit, not by the
    clock, even with a third of a core (three test workers on two cores, say)."""
    from neuronlab.workbook.sandbox import CPU_MARGIN, clock_limit

    for seconds in (1, 3, 10):
        hard_limit = seconds + CPU_MARGIN
        assert clock_limit(quick("01", seconds)) >= 3 * hard_limit
    assert clock_limit(exercise("17")) == 3 * (exercise("17").seconds + CPU_MARGIN) + 15
