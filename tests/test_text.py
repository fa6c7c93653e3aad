"""Text for character-level language models: the names, the vocabulary, context windows, the split.

The figures are the makemore lectures' own: 32,033 names, 27 characters, a
split of 25,626 / 3,203 / 3,204 names and, with a context of 3 characters,
182,625 / 22,655 / 22,866 examples.
"""

from __future__ import annotations

import hashlib
import random
import string
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab import datasets
from neuronlab.data import (
    BOUNDARY,
    MAX_BLOCK_SIZE,
    MAX_VOCABULARY,
    MAX_WORD_LENGTH,
    MAX_WORDS,
    Vocabulary,
    context_windows,
    dataset_names,
    names,
    read_words,
    split_words,
)
from neuronlab.data import words as words_module
from neuronlab.data.words import max_bytes

NAMES_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"
LETTERS = string.ascii_lowercase


@pytest.fixture(scope="module")
def all_names() -> list[str]:
    return names()


# -- the names shipped with the package -------------------------------------------------


def test_the_names_file_ships_inside_the_package_unchanged() -> None:
    data = (resources.files("neuronlab.data") / "names.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == NAMES_SHA256
    licence = (resources.files("neuronlab.data") / "names-LICENSE.txt").read_text("utf-8")
    assert "Copyright (c) 2022 Andrej Karpathy" in licence
    assert "karpathy/makemore" in licence
    assert "988aa59" in licence
    assert "32,033" in licence
    assert "Permission is hereby granted" in licence


def test_names_are_the_lectures_32033(all_names: list[str]) -> None:
    assert len(all_names) == 32_033
    assert all_names[:3] == ["emma", "olivia", "ava"]
    assert all_names[-1] == "zzyzx"
    assert all(set(name) <= set(LETTERS) for name in all_names)
    assert min(map(len, all_names)) == 2
    assert max(map(len, all_names)) == 15
    assert len(set(all_names)) == 29_494


def test_names_is_a_fresh_list_each_call() -> None:
    first = datasets.names()
    first.clear()
    assert len(datasets.names()) == 32_033
    assert datasets.names() is not datasets.names()


def test_dataset_names_lists_what_load_accepts() -> None:
    assert dataset_names() == list(datasets.DATASETS)
    assert "moons" in datasets.dataset_names()
    assert "names" not in datasets.dataset_names()


# -- the vocabulary ---------------------------------------------------------------------


def test_the_vocabulary_of_the_names_is_dot_and_a_to_z(all_names: list[str]) -> None:
    vocab = Vocabulary.from_words(all_names)
    assert vocab.characters == "." + LETTERS
    assert len(vocab) == 27
    assert vocab.stoi["."] == 0
    assert vocab.stoi["a"] == 1
    assert vocab.stoi["z"] == 26
    assert vocab.itos[0] == "."
    assert vocab.itos[1] == "a"
    assert vocab.itos[26] == "z"
    assert dict(vocab.stoi) == {s: i for i, s in enumerate(".abcdefghijklmnopqrstuvwxyz")}
    assert dict(vocab.itos) == {i: s for s, i in vocab.stoi.items()}
    assert repr(vocab) == "Vocabulary(27 characters: '.abcdefghijklmnopqrstuvwxyz')"
    assert BOUNDARY == "."
    assert "q" in vocab
    assert "Q" not in vocab
    assert 1 not in vocab


def test_vocabulary_from_its_characters_encode_and_decode() -> None:
    vocab = Vocabulary(".abc")
    assert vocab == Vocabulary([".", "a", "b", "c"]) == Vocabulary.from_words(["cab", "a"])
    assert hash(vocab) == hash(Vocabulary(".abc"))
    assert vocab != Vocabulary(".acb")
    assert vocab != ".abc"
    assert len({vocab, Vocabulary(".abc")}) == 1
    assert vocab.encode("cab") == [3, 1, 2]
    assert vocab.encode(".a.") == [0, 1, 0]
    assert vocab.encode("") == []
    assert vocab.decode([]) == ""
    assert vocab.decode([3, 1, 2]) == "cab"
    assert vocab.decode(np.array([0, 3])) == ".c"
    assert Vocabulary.from_words(["b-a"]).characters == ".-ab"  # "-" sorts before "."


def test_the_vocabulary_cannot_be_changed_from_outside() -> None:
    vocab = Vocabulary(".ab")
    with pytest.raises(TypeError):
        vocab.stoi["c"] = 3  # type: ignore[index]
    with pytest.raises(TypeError):
        vocab.itos[0] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError):
        vocab.characters = ".xy"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        vocab.extra = 1  # type: ignore[attr-defined]
    copy = dict(vocab.stoi)
    copy["c"] = 3
    assert vocab.characters == ".ab"
    assert "c" not in vocab.stoi
    assert vocab.decode([2]) == "b"


@pytest.mark.parametrize(
    ("characters", "error", "match"),
    [
        ("abc", ValueError, r"expected '\.' \(the word boundary, index 0\) first, got 'abc'"),
        (".", ValueError, r"expected at least one character besides '\.', got none"),
        ("", ValueError, r"expected '\.' .* first"),
        (".abca", ValueError, r"expected each character once, got 'a' twice"),
        ([".", "ab"], TypeError, r"expected single characters, got str 'ab' at position 1"),
        ([".", 1], TypeError, r"expected single characters, got int 1"),
        (b".ab", TypeError, r"expected a str of characters, got bytes"),
        (None, TypeError, r"expected a str of characters, got NoneType"),
    ],
)
def test_a_bad_vocabulary_is_refused(characters: object, error: type, match: str) -> None:
    with pytest.raises(error, match=r"Vocabulary\(characters\): " + match):
        Vocabulary(characters)  # type: ignore[arg-type]


def test_encode_and_decode_name_what_is_wrong() -> None:
    vocab = Vocabulary(".abc")
    with pytest.raises(
        ValueError,
        match=r"the character 'x' of the word 'axe' is not in the vocabulary '\.abc'",
    ):
        vocab.encode("axe")
    with pytest.raises(TypeError, match=r"encode\(word\): expected a str, got list"):
        vocab.encode(["a"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"expected indices in 0\.\.3, got 4"):
        vocab.decode([1, 4])
    with pytest.raises(ValueError, match=r"expected indices in 0\.\.3, got -1"):
        vocab.decode([-1])
    with pytest.raises(TypeError, match=r"expected a whole number \(int\), got float 1\.0"):
        vocab.decode([1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"decode\(indices\): expected a sequence of ints"):
        vocab.decode("ab")  # type: ignore[arg-type]


def test_from_words_refuses_a_dot_in_a_word_and_bad_lists() -> None:
    with pytest.raises(
        ValueError,
        match=r"the word 'st\.john' \(position 1\) contains '\.', which marks word boundaries",
    ):
        Vocabulary.from_words(["ann", "st.john"])
    with pytest.raises(ValueError, match=r"from_words\(words\): expected at least one word"):
        Vocabulary.from_words([])
    with pytest.raises(TypeError, match=r"expected a list of words \(str\), got str 'emma'"):
        Vocabulary.from_words("emma")
    with pytest.raises(TypeError, match=r"expected words \(str\), got int 3 at position 1"):
        Vocabulary.from_words(["a", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"at least one character, got '' at position 0"):
        Vocabulary.from_words(["", "a"])


# -- context windows --------------------------------------------------------------------


def test_context_windows_of_emma_are_the_lectures() -> None:
    vocab = Vocabulary("." + LETTERS)
    X, Y = context_windows(["emma"], 3, vocab)
    assert X.dtype == np.int64
    assert Y.dtype == np.int64
    assert X.shape == (5, 3)
    assert Y.shape == (5,)
    contexts = ["".join(vocab.itos[int(i)] for i in row) for row in X]
    targets = [vocab.itos[int(i)] for i in Y]
    assert list(zip(contexts, targets)) == [
        ("...", "e"),
        ("..e", "m"),
        (".em", "m"),
        ("emm", "a"),
        ("mma", "."),
    ]
    assert X.tolist() == [[0, 0, 0], [0, 0, 5], [0, 5, 13], [5, 13, 13], [13, 13, 1]]
    assert Y.tolist() == [5, 13, 13, 1, 0]


def test_context_windows_default_vocabulary_is_that_of_the_words() -> None:
    X, Y = context_windows(["ab", "b"], 1)
    assert X.tolist() == [[0], [1], [2], [0], [2]]
    assert Y.tolist() == [1, 2, 0, 2, 0]
    X, Y = context_windows(["ab"], MAX_BLOCK_SIZE)
    assert X.shape == (3, 64)
    assert X[:, :-2].max() == 0
    assert X[2, -2:].tolist() == [1, 2]


def test_context_windows_of_all_names(all_names: list[str]) -> None:
    X, Y = context_windows(all_names, 3)
    assert X.shape == (228_146, 3)
    assert Y.shape == (228_146,)
    assert X.flags["C_CONTIGUOUS"]
    assert int(X.max()) == 26
    assert int((Y == 0).sum()) == 32_033


def lecture_windows(
    words: list[str], block_size: int, stoi: dict[str, int]
) -> tuple[list[list[int]], list[int]]:
    """The lecture's loop, as written there: one context list per example."""
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = [*context[1:], ix]
    return X, Y


word_lists = st.lists(
    st.text(alphabet=st.characters(blacklist_characters="."), min_size=1, max_size=12),
    min_size=1,
    max_size=20,
)


@settings(max_examples=200)
@given(words=word_lists, block_size=st.integers(1, 16))
def test_context_windows_match_the_lectures_loop(words: list[str], block_size: int) -> None:
    vocab = Vocabulary.from_words(words)
    X, Y = context_windows(words, block_size)
    want_X, want_Y = lecture_windows(words, block_size, dict(vocab.stoi))
    assert X.shape == (len(want_Y), block_size)
    assert X.dtype == np.int64
    assert X.tolist() == want_X
    assert Y.tolist() == want_Y
    assert len(Y) == sum(len(w) + 1 for w in words)


@given(words=word_lists)
def test_encode_and_decode_round_trip(words: list[str]) -> None:
    vocab = Vocabulary.from_words(words)
    assert vocab.characters[0] == "."
    assert sorted(vocab.characters[1:]) == list(vocab.characters[1:])
    for word in words:
        assert vocab.decode(vocab.encode(word)) == word
    assert vocab.encode(vocab.decode(range(len(vocab)))) == list(range(len(vocab)))


@pytest.mark.parametrize(
    ("block_size", "error", "match"),
    [
        (0, ValueError, r"expected a whole number from 1 to 64, got 0 \(the context is a window"),
        (-1, ValueError, r"expected a whole number from 1 to 64, got -1"),
        (10**9, ValueError, r"got 1000000000 \(.*longer than the longest word only adds padding"),
        (65, ValueError, r"from 1 to 64, got 65"),
        (2.5, TypeError, r"expected a whole number \(int\), got float 2\.5"),
        (True, TypeError, r"expected a whole number \(int\), got bool True"),
        ("3", TypeError, r"expected a whole number \(int\), got str '3'"),
    ],
)
def test_a_bad_block_size_is_refused(block_size: object, error: type, match: str) -> None:
    with pytest.raises(error, match=r"context_windows\(block_size\): .*" + match):
        context_windows(["emma"], block_size)  # type: ignore[arg-type]


def test_a_huge_block_size_is_refused_before_the_words_are_read() -> None:
    def words():  # a generator that must never be started
        raise AssertionError("the words were read")
        yield "never"

    with pytest.raises(ValueError, match="block_size"):
        context_windows(words(), 10**9)


def test_context_windows_refuse_bad_words() -> None:
    with pytest.raises(ValueError, match=r"context_windows\(words\): expected at least one word"):
        context_windows([], 3)
    with pytest.raises(TypeError, match=r"expected a list of words \(str\), got str 'emma'"):
        context_windows("emma", 3)
    with pytest.raises(ValueError, match=r"the word 'a\.b' \(position 0\) contains '\.'"):
        context_windows(["a.b"], 3, Vocabulary(".ab"))
    with pytest.raises(
        ValueError,
        match=r"the character 'z' of the word 'oz' \(position 1\) is not in the vocabulary '\.o'",
    ):
        context_windows(["oo", "oz"], 2, Vocabulary(".o"))
    with pytest.raises(TypeError, match=r"expected a Vocabulary or None, got str '\.ab'"):
        context_windows(["ab"], 2, ".ab")  # type: ignore[arg-type]


# -- the lectures' split ----------------------------------------------------------------


def test_the_lectures_split_of_the_names(all_names: list[str]) -> None:
    before = list(all_names)
    state = random.getstate()
    train, dev, test = split_words(all_names)
    assert random.getstate() == state
    assert all_names == before
    assert (len(train), len(dev), len(test)) == (25_626, 3_203, 3_204)

    by_hand = list(all_names)
    random.seed(42)
    random.shuffle(by_hand)
    random.setstate(state)
    n1, n2 = int(0.8 * len(by_hand)), int(0.9 * len(by_hand))
    assert (train, dev, test) == (by_hand[:n1], by_hand[n1:n2], by_hand[n2:])

    vocab = Vocabulary.from_words(all_names)
    sizes = [len(context_windows(part, 3, vocab)[1]) for part in (train, dev, test)]
    assert sizes == [182_625, 22_655, 22_866]
    Xtr, Ytr = context_windows(train, 3, vocab)
    assert Xtr.shape == (182_625, 3)
    assert Ytr.shape == (182_625,)


def test_split_words_seed_and_fractions() -> None:
    words = [f"w{i}" for i in range(10)]
    assert split_words(words, seed=1) == split_words(words, seed=1)
    assert split_words(words, seed=1) != split_words(words, seed=2)
    train, dev, test = split_words(words, seed=0, fractions=(0.5, 0.5, 0.0))
    assert (len(train), len(dev), len(test)) == (5, 5, 0)
    assert sorted(train + dev + test) == sorted(words)
    assert split_words(("a", "b"), fractions=[1, 0, 0])[0] in (["a", "b"], ["b", "a"])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"fractions": (0.5, 0.5, 0.5)}, ValueError, r"add up to 1, got 1\.5"),
        ({"fractions": (0.9, 0.1)}, ValueError, r"expected three numbers .*, got 2"),
        ({"fractions": (1.2, -0.1, -0.1)}, ValueError, r"expected a number >= 0, got -0\.1"),
        ({"fractions": "abc"}, TypeError, r"expected three numbers .*, got str"),
        ({"fractions": (0.8, "x", 0.1)}, TypeError, r"expected a number, got str 'x'"),
        ({"seed": -1}, ValueError, r"split_words\(seed\): expected a whole number >= 0, got -1"),
        ({"seed": 1.5}, TypeError, r"split_words\(seed\): expected a whole number"),
    ],
)
def test_split_words_refuses_bad_arguments(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        split_words(["a", "b", "c"], **kwargs)


def test_split_words_refuses_bad_word_lists() -> None:
    with pytest.raises(ValueError, match=r"split_words\(words\): expected at least one word"):
        split_words([])
    with pytest.raises(TypeError, match=r"split_words\(words\): expected a list of words"):
        split_words("emma")


# -- word lists from files --------------------------------------------------------------


def write(tmp_path: Path, content: bytes, name: str = "words.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_read_words_reads_one_word_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfemma\r\n  olivia \n\n\t\nava\nzo\xc3\xab\n")
    assert read_words(path) == ["emma", "olivia", "ava", "zoë"]
    assert read_words(str(path)) == ["emma", "olivia", "ava", "zoë"]
    assert read_words(write(tmp_path, b"one", "one.txt")) == ["one"]


def test_read_words_of_the_shipped_file_is_names() -> None:
    path = resources.files("neuronlab.data") / "names.txt"
    with resources.as_file(path) as real:
        assert read_words(real) == names()


def test_the_limits_are_the_documented_ones() -> None:
    assert (MAX_WORDS, MAX_WORD_LENGTH, MAX_VOCABULARY) == (250_000, 64, 256)
    assert max_bytes() == 250_000 * (4 * 64 + 2) + 3
    assert max_bytes(3, 4) == 3 * (4 * 4 + 2) + 3


def refuse_to_read(f: object, n: int) -> bytearray:
    raise AssertionError(f"read {n} bytes of a file that should have been refused unread")


def test_a_file_larger_than_the_bound_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = max_bytes(3, 4)  # 57 bytes
    just_fits = write(tmp_path, b"ab\n" * (limit // 3), "fits.txt")
    with pytest.raises(ValueError, match=r"line 4: expected at most 3 words, got more"):
        read_words(just_fits, max_words=3, max_word_length=4)  # read, then too many words
    too_big = write(tmp_path, b"a" * (limit + 1), "big.txt")
    monkeypatch.setattr(words_module, "read_up_to", refuse_to_read)
    with pytest.raises(
        ValueError,
        match=r"read_words: .*big\.txt: expected at most 57 bytes .*got a file of 58 bytes",
    ):
        read_words(too_big, max_words=3, max_word_length=4)


def test_read_words_reads_no_more_than_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    read_up_to = words_module.read_up_to

    def recording(f: Any, n: int) -> bytearray:
        asked.append(n)
        return read_up_to(f, n)

    monkeypatch.setattr(words_module, "read_up_to", recording)
    assert read_words(write(tmp_path, b"ann\nbob\n"), max_words=2, max_word_length=3) == [
        "ann",
        "bob",
    ]
    assert asked == [max_bytes(2, 3) + 1]  # one bounded read: the bound, and one byte to see more


def test_a_file_that_grows_while_it_is_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, b"ann\n")  # small when its size is checked, then more comes
    monkeypatch.setattr(words_module, "read_up_to", lambda f, n: bytearray(b"a" * n))
    with pytest.raises(ValueError, match=r"at most 21 bytes .*got more while reading \(it grew\)"):
        read_words(path, max_words=1, max_word_length=4)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", r"expected one word a line, got an empty file"),
        (b"\n  \r\n\t\n", r"expected one word a line, got only blank lines"),
        (b"emma\nava\x00\n", r"line 2: expected a text file, got a NUL byte"),
        (b"emma\nava\n\xff\xfeq\n", r"line 3: expected UTF-8 text, got the byte 0xff"),
        (b"emma\nst.john\n", r"line 2: the word 'st\.john' contains '\.', which marks word"),
        (
            b"emma\n" + b"x" * 65 + b"\n",
            r"line 2: expected a word of at most 64 characters, got 65 \('xxx",
        ),
    ],
)
def test_read_words_refuses_a_bad_file(tmp_path: Path, content: bytes, match: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ValueError, match=r"read_words: .*words\.txt" + r"(, |: )" + match):
        read_words(path)


def test_read_words_limits_can_be_lowered(tmp_path: Path) -> None:
    path = write(tmp_path, b"ann\nbob\n\ncyd\ndee\n")
    assert read_words(path, max_words=4) == ["ann", "bob", "cyd", "dee"]
    with pytest.raises(ValueError, match=r"words\.txt, line 5: expected at most 3 words, got more"):
        read_words(path, max_words=3)
    with pytest.raises(ValueError, match=r"line 1: expected a word of at most 2 characters, got 3"):
        read_words(path, max_word_length=2)
    with pytest.raises(
        ValueError, match=r"read_words\(max_words\): expected a whole number >= 1, got 0"
    ):
        read_words(path, max_words=0)
    with pytest.raises(TypeError, match=r"read_words\(max_word_length\): expected a whole number"):
        read_words(path, max_word_length=2.0)  # type: ignore[arg-type]


def test_read_words_refuses_too_many_distinct_characters(tmp_path: Path) -> None:
    characters = [chr(0x100 + i) for i in range(300)]  # 300 distinct letters, none of them "."
    lines = ["".join(characters[i : i + 10]) for i in range(0, 300, 10)]
    path = write(tmp_path, "\n".join(lines).encode("utf-8"))
    with pytest.raises(
        ValueError,
        match=r"line 26: expected at most 255 distinct characters \(with '\.', a vocabulary of "
        r"at most 256\), got 260 by this line",
    ):
        read_words(path)
    fits = write(tmp_path, "\n".join(lines[:25]).encode("utf-8"), "fits.txt")
    assert len(set("".join(read_words(fits)))) == 250  # with ".", 251: within the limit


def test_read_words_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"read_words: .*: expected a regular file, got a folder"):
        read_words(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_words(tmp_path / "missing.txt")
    with pytest.raises(TypeError, match=r"read_words\(path\): expected a file path, got int 3"):
        read_words(3)  # type: ignore[arg-type]


def test_contexts_beyond_the_memory_bound_are_refused_before_anything_is_made(monkeypatch):
    from neuronlab.data import text

    monkeypatch.setattr(text, "MAX_CONTEXT_NUMBERS", 27)
    X, _ = text.context_windows(["emma", "bob"], 3)  # 5 + 4 examples of 3: 27 indices
    assert X.shape == (9, 3)
    monkeypatch.setattr(text, "MAX_CONTEXT_NUMBERS", 26)
    with pytest.raises(ValueError, match="9 examples of 3 characters would hold 27 indices"):
        text.context_windows(["emma", "bob"], 3)
