"""Word lists: the 32,033 names shipped with neuronlab, and any list read from a file.

``names()`` gives the names of Karpathy's makemore lectures (names.txt, MIT;
its provenance and licence are in ``names-LICENSE.txt`` beside it): "emma",
"olivia", "ava", ... — lowercase a–z, 2 to 15 letters each.

``read_words(path)`` reads any text file with one word per line.  The file is
not trusted: every limit below is checked while reading, and the read itself
is bounded.  A file larger than the most that ``max_words`` words of
``max_word_length`` characters can take (``max_bytes(max_words,
max_word_length)``) is refused from its size, before any of it is read; a
file that grows while it is read is cut off one byte past that bound and
refused.  So memory is bounded whatever the file holds: its bytes (at most the
bound), their text (one pass, line by line, no list of lines) and the words
kept (at most ``max_words`` of ``max_word_length`` characters).

>>> words = names()
>>> len(words), words[:3]
(32033, ['emma', 'olivia', 'ava'])
"""

from __future__ import annotations

import codecs
import functools
import os
from collections.abc import Iterator
from importlib import resources

from ..util.checks import describe, whole_number
from ..util.files import open_regular, read_up_to
from .text import BOUNDARY

__all__ = [
    "MAX_VOCABULARY",
    "MAX_WORDS",
    "MAX_WORD_LENGTH",
    "max_bytes",
    "names",
    "parse_words",
    "read_words",
]

# The limits bound the context windows made from a file: a word of L characters
# gives L + 1 examples, so a file of at most MAX_WORDS words of at most
# MAX_WORD_LENGTH characters gives at most 250,000 · 65 ≈ 16 million examples,
# whatever the file holds (the 32,033 names give 228,146; their longest has 15 letters).

#: The most words (non-blank lines) ``read_words`` takes from one file.
MAX_WORDS = 250_000
#: The most characters one word (one line, surrounding whitespace stripped) may have.
MAX_WORD_LENGTH = 64
#: The most characters a vocabulary of the words may hold, "." included: the output
#: layer scores every character of the vocabulary for every example.
MAX_VOCABULARY = 256

_PACKAGE = __name__.rpartition(".")[0]
_NAMES_FILE = "names.txt"
_UTF8_MAX = 4  # the most bytes UTF-8 takes for one character


def max_bytes(max_words: int = MAX_WORDS, max_word_length: int = MAX_WORD_LENGTH) -> int:
    """The largest file ``read_words`` reads with these limits, in bytes.

    Each word as UTF-8 (at most 4 bytes a character) and its line ending
    ("\\r\\n"), and a byte-order mark (3 bytes) at the start:
    ``max_words · (4 · max_word_length + 2) + 3``.

    >>> max_bytes()
    64500003
    """
    words = whole_number(max_words, "max_bytes(max_words)", minimum=1)
    length = whole_number(max_word_length, "max_bytes(max_word_length)", minimum=1)
    return words * (_UTF8_MAX * length + 2) + len(codecs.BOM_UTF8)


@functools.lru_cache(maxsize=1)
def _shipped_names() -> tuple[str, ...]:
    text = resources.files(_PACKAGE).joinpath(_NAMES_FILE).read_text(encoding="utf-8")
    return tuple(text.splitlines())


def names() -> list[str]:
    """The 32,033 names of the makemore lectures, in the file's order (a new list each call)."""
    return list(_shipped_names())


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number from 1, line) for each line of ``text``, one at a time (no list of them)."""
    start, number = 0, 1
    while (end := text.find("\n", start)) >= 0:
        yield number, text[start:end]
        start, number = end + 1, number + 1
    yield number, text[start:]


def _read_bounded(path: str, limit: int) -> bytearray:
    """The bytes of ``path`` (a regular file), refused unread when it is larger than ``limit``.

    Its size is checked before reading; then at most ``limit + 1`` bytes are
    read, so a file that grows meanwhile is refused too, never read whole.
    """
    with open_regular(path, "read_words") as f:
        size = os.fstat(f.fileno()).st_size
        data = read_up_to(f, limit + 1) if size <= limit else bytearray()
    if size > limit or len(data) > limit:
        got = f"a file of {size:,} bytes" if size > limit else "more while reading (it grew)"
        raise ValueError(
            f"read_words: {path}: expected at most {limit:,} bytes (the most that its word and "
            f"length limits allow), got {got}"
        )
    return data


def _decoded(data: bytearray, where: str) -> str:
    """``data`` as text: UTF-8 without NUL bytes, a leading byte-order mark dropped.

    ``where`` starts every error message ("read_words: names.txt").
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ValueError(
            f"{where}, line {line}: expected a text file, got a NUL byte (a binary file?)"
        )
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(data)[start:], "utf-8")  # a view: the bytes are not copied
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, start + exc.start) + 1
        raise ValueError(
            f"{where}, line {line}: expected UTF-8 text, got the byte "
            f"0x{data[start + exc.start]:02x} (a binary file, or another encoding?)"
        ) from None


def _checked_word(word: str, where: str, max_word_length: int) -> str:
    """One line's word, within the length limit and without the boundary character."""
    if len(word) > max_word_length:
        raise ValueError(
            f"{where}: expected a word of at most {max_word_length:,} characters, "
            f"got {len(word):,} ({word[:20]!r}...)"
        )
    if BOUNDARY in word:
        raise ValueError(
            f"{where}: the word {word!r} contains {BOUNDARY!r}, which marks word boundaries "
            "in a vocabulary; a word may not contain it"
        )
    return word


def _words_of(text: str, source: str, max_words: int, max_word_length: int) -> list[str]:
    """The non-blank lines of ``text``, stripped and checked, stopping at the first problem."""
    words: list[str] = []
    seen: set[str] = set()
    for number, line in _lines(text):
        word = line.strip()
        if not word:
            continue
        where = f"{source}, line {number}"
        if len(words) == max_words:
            raise ValueError(f"{where}: expected at most {max_words:,} words, got more")
        words.append(_checked_word(word, where, max_word_length))
        seen.update(word)
        if len(seen) >= MAX_VOCABULARY:  # with "." the vocabulary would exceed the limit
            raise ValueError(
                f"{where}: expected at most {MAX_VOCABULARY - 1:,} distinct characters (with "
                f"{BOUNDARY!r}, a vocabulary of at most {MAX_VOCABULARY:,}), got "
                f"{len(seen):,} by this line"
            )
    if not words:
        got = "only blank lines" if text else "an empty file"
        raise ValueError(f"{source}: expected one word a line, got {got}")
    return words


def read_words(
    path: str | os.PathLike[str],
    *,
    max_words: int = MAX_WORDS,
    max_word_length: int = MAX_WORD_LENGTH,
) -> list[str]:
    """The words of a text file, one a line: UTF-8, "\\n" or "\\r\\n", blank lines skipped.

    Each line is stripped of surrounding whitespace; a byte-order mark is
    skipped.  Refused with a ValueError naming the file (and the line): a
    path that is not a regular file, a file larger than ``max_bytes(max_words,
    max_word_length)`` (from its size, unread), a binary file (a NUL byte, not
    UTF-8), a word longer than ``max_word_length`` characters, more than
    ``max_words`` words, a word containing "." (the word boundary), more
    distinct characters than a vocabulary of ``MAX_VOCABULARY`` holds, and a
    file without words.  A missing file raises FileNotFoundError.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_words(path): expected a file path, got {describe(path)}")
    name = os.fspath(path)
    if not isinstance(name, str):
        raise TypeError(f"read_words(path): expected a file path (str), got {describe(name)}")
    words_limit = whole_number(max_words, "read_words(max_words)", minimum=1)
    length_limit = whole_number(max_word_length, "read_words(max_word_length)", minimum=1)
    data = _read_bounded(name, max_bytes(words_limit, length_limit))
    where = f"read_words: {name}"
    return _words_of(_decoded(data, where), where, words_limit, length_limit)


def parse_words(
    data: bytes,
    source: str = "the text",
    *,
    max_words: int = MAX_WORDS,
    max_word_length: int = MAX_WORD_LENGTH,
) -> list[str]:
    """The words of ``data``, a text's bytes with one word a line, checked as ``read_words``
    checks a file (an upload to the lab, say).

    The same rules and the same limits: more bytes than ``max_bytes(max_words,
    max_word_length)``, a NUL byte or bytes that are not UTF-8, a word too long,
    too many words, a word containing ".", too many distinct characters, or no
    word at all is a ValueError whose message starts with ``source`` (and the line).
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"parse_words(data): expected bytes, got {describe(data)}")
    if not isinstance(source, str):
        raise TypeError(f"parse_words(source): expected a str, got {describe(source)}")
    words_limit = whole_number(max_words, "parse_words(max_words)", minimum=1)
    length_limit = whole_number(max_word_length, "parse_words(max_word_length)", minimum=1)
    limit = max_bytes(words_limit, length_limit)
    if len(data) > limit:
        raise ValueError(
            f"{source}: expected at most {limit:,} bytes (the most that its word and length "
            f"limits allow), got {len(data):,}"
        )
    return _words_of(_decoded(bytearray(data), source), source, words_limit, length_limit)
