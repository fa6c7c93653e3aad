"""``neuronlab makemore`` and ``neuronlab sample`` as a learner meets them: the losses and the
samples printed, the model saved and read back, and every bad input refused as one line (exit
status 2) before anything is trained or written."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from neuronlab import datasets, load
from neuronlab.cli import main
from neuronlab.cli.limits import language_run_note
from neuronlab.cli.makemore import MIN_WORDS
from neuronlab.data import Vocabulary, context_windows, split_words
from neuronlab.language import LanguageModel, count_bigrams
from neuronlab.training import evaluate

CLI = [sys.executable, "-m", "neuronlab.cli"]


def one_line_error(capsys, args, code=2):
    """main(args) in this process: the status, and the single line it wrote on stderr."""
    status = main(args)
    out, err = capsys.readouterr()
    assert status == code, (status, out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    return lines[0], out


def losses_of(out: str) -> dict[str, float]:
    """The train/dev/test losses from the line the command prints."""
    line = next(ln for ln in out.splitlines() if ln.startswith("train loss"))
    words = line.split()
    return {words[i]: float(words[i + 2]) for i in range(0, len(words), 3)}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A short default run of the MLP, saved: (its printed output, the model file)."""
    folder = tmp_path_factory.mktemp("makemore")
    path = folder / "names.npz"
    args = ["makemore", "--steps", "400", "--samples", "7", "--no-report", "--save", str(path)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout, path


def test_a_run_prints_its_split_losses_and_samples(trained):
    out, path = trained
    assert "25,626 / 3,203 / 3,204 words" in out
    assert "11,897 parameters" in out
    losses = losses_of(out)
    assert set(losses) == {"train", "dev", "test"}
    assert all(2.0 < v < 3.0 for v in losses.values()), losses  # far below ln 27 = 3.30
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("7 samples"))
    samples = lines[start + 1 : start + 8]
    assert len(samples) == 7
    assert all(s.isalpha() and s.islower() for s in samples if s)
    assert lines[start + 8] == f"model saved to {path}"


def test_the_saved_model_has_the_losses_printed(trained):
    out, path = trained
    model = load(path)
    assert isinstance(model, LanguageModel)
    assert model.block_size == 3
    words = datasets.names()
    vocabulary = Vocabulary.from_words(words)
    assert model.vocabulary == vocabulary
    _, dev, _ = split_words(words)
    X, Y = context_windows(dev, 3, vocabulary)
    dev_loss = evaluate(model, X, Y, loss="cross_entropy")["loss"]
    assert dev_loss == pytest.approx(losses_of(out)["dev"], abs=5e-4)


def test_sample_reads_the_model_back(trained, capsys):
    _, path = trained
    assert main(["sample", str(path), "-n", "12", "--seed", "3", "--temperature", "0.8"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert main(["sample", str(path), "-n", "12", "--seed", "3", "--temperature", "0.8"]) == 0
    assert capsys.readouterr().out.splitlines() == first  # the same seed, the same names
    assert len(first) == 12
    assert main(["sample", str(path), "-n", "5", "--start", "em", "--seed", "0"]) == 0
    started = capsys.readouterr().out.splitlines()
    assert len(started) == 5
    assert all(w.startswith("em") for w in started)
    assert main(["sample", str(path), "-n", "4", "--top-k", "1"]) == 0
    greedy = capsys.readouterr().out.splitlines()
    assert len(set(greedy)) == 1  # always the likeliest character: one name, four times


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--start", "é"], "'é' is not in the model's vocabulary"),
        (["--start", "a.b"], "'.' is not in the model's vocabulary"),
        (["--top-k", "30"], "--top-k 30: the model knows only 27 characters"),
        (
            ["-n", "0"],
            "argument -n: expected a whole number from 1 to 10,000, got 0 (words printed",
        ),
        (["--max-length", "1000"], "from 1 to 64, got 1000 (characters per word)"),
        (["--temperature", "0"], "argument --temperature"),
    ],
)
def test_sample_refuses_bad_options_in_one_line(trained, capsys, extra, match):
    _, path = trained
    line, out = one_line_error(capsys, ["sample", str(path), *extra])
    assert match in line
    assert out == ""


def test_sample_refuses_what_is_not_a_language_model(tmp_path, capsys):
    line, _ = one_line_error(capsys, ["sample", str(tmp_path / "none.npz")])
    assert "none.npz: no such file" in line
    moons = tmp_path / "moons.npz"
    assert main(["train", "--dataset", "xor", "--epochs", "2", "--no-report", "--quiet",
                 "--save", str(moons)]) == 0  # fmt: skip
    capsys.readouterr()
    line, _ = one_line_error(capsys, ["sample", str(moons)])
    assert "not a language model" in line
    assert "makemore --save" in line


def test_sample_refuses_a_model_whose_vocabulary_does_not_fit_its_layers(trained, tmp_path, capsys):
    _, path = trained
    with np.load(path, allow_pickle=False) as archive:
        arrays = dict(archive)
    record = json.loads(arrays["__neuronlab__"].tobytes())
    record["vocabulary"] += "é"  # 28 characters for an Embedding of 27 rows
    arrays["__neuronlab__"] = np.frombuffer(json.dumps(record).encode(), np.uint8)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    line, _ = one_line_error(capsys, ["sample", str(bad)])
    assert "bad.npz" in line
    assert "the vocabulary has 28 characters" in line


def test_the_counts_are_counted_not_trained(capsys):
    assert main(["makemore", "--model", "counts", "--no-report", "--samples", "3"]) == 0
    out = capsys.readouterr().out
    train, dev, _ = split_words(datasets.names())
    vocabulary = Vocabulary.from_words(datasets.names())
    expected = count_bigrams(train, vocabulary).nll(dev)
    assert losses_of(out)["dev"] == pytest.approx(expected, abs=5e-4)
    assert "recipe" not in out  # nothing was trained


def test_any_word_list_works(tmp_path, capsys):
    words = tmp_path / "words.txt"
    rng = np.random.default_rng(0)
    made = ["".join(rng.choice(list("abcdefgh"), rng.integers(3, 8))) for _ in range(300)]
    words.write_text("\n".join(made) + "\n", encoding="utf-8")
    args = ["makemore", "--input", str(words), "--steps", "50", "--no-report", "--samples", "4"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "9 characters" in out
    assert "240 / 30 / 30 words" in out
    lines = out.splitlines()
    samples = lines[lines.index(next(ln for ln in lines if "samples" in ln)) + 1 :][:4]
    assert all(set(s) <= set("abcdefgh") for s in samples)


def _write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ["--block-size", "0"],
            "argument --block-size: expected a whole number from 1 to 64, got 0",
        ),
        (
            ["--block-size", str(10**9)],
            "from 1 to 64, got 1000000000 (characters; longer than any word",
        ),
        (["--model", "wavenet", "--block-size", "6"], "expected a power of 2"),
        (["--model", "bigram", "--block-size", "3"], "the bigram network reads one character"),
        (["--model", "counts", "--steps", "10"], "the bigram counts are counted, not trained"),
        (["--model", "batchnorm", "--batch-size", "1"], "the variance of one example is 0"),
        (["--batch-size", "200000"], "--batch-size 200,000: there are only 182,625 training"),
        (["--steps", "3000000"], "from 1 to 2,000,000, got 3000000"),
        (["--model", "gpt"], "invalid choice: 'gpt'"),
        (["--save", "model.pkl"], "expected a file name ending in .npz"),
        (["--temperature", "-1"], "argument --temperature"),
    ],
)
def test_bad_options_are_refused_in_one_line_before_training(capsys, tmp_path, args, match):
    line, out = one_line_error(capsys, ["makemore", "--no-report", *args])
    assert match in line, line
    assert "samples" not in out  # nothing was trained


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "got an empty file"),
        (b"\n\n  \n", "got only blank lines"),
        (b"anna\x00bob\n", "line 1: expected a text file, got a NUL byte"),
        (b"anna\n\xff\xfe\xfa\n", "line 2: expected UTF-8 text"),
        (b"anna\nbo.b\n", "line 2: the word 'bo.b' contains '.'"),
        (b"anna\n" + b"x" * 65 + b"\n", "at most 64 characters, got 65"),
        (b"anna\nbob\n", f"at least {MIN_WORDS} are needed"),
    ],
)
def test_bad_input_files_are_refused_in_one_line(capsys, tmp_path, content, match):
    path = _write(tmp_path / "words.txt", content)
    line, out = one_line_error(capsys, ["makemore", "--input", path, "--no-report"])
    assert match in line
    assert out == ""
    assert "words.txt" in line


def test_nothing_is_written_when_a_run_is_refused(capsys, tmp_path):
    save = tmp_path / "m.npz"
    args = ["makemore", "--model", "wavenet", "--block-size", "6", "--save", str(save)]
    args += ["--out", str(tmp_path / "run")]
    one_line_error(capsys, args)
    assert sorted(os.listdir(tmp_path)) == []


def test_a_long_run_says_how_long_it_will_take():
    assert language_run_note("mlp", 1000, 32, 182_625) is None
    assert "minutes" in language_run_note("wavenet", 200_000, 32, 182_625)
    assert language_run_note("bigram", 200, None, 182_625) is not None  # a full batch per step


def test_help_lists_the_ladder(capsys):
    assert main(["makemore", "--help"]) == 0
    text = capsys.readouterr().out
    for name in ("counts", "bigram", "mlp", "batchnorm", "wavenet", "--recipe", "lecture"):
        assert name in text
