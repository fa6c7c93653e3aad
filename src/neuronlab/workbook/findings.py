"""What a check found: a line per thing it tried, passed or failed, in words a learner reads.

A ``Finding`` is one claim about the learner's code ("d tanh/dx at x = 0.5
should be 0.786; you returned 0.462"), whether it held, and what to look at
(details, a hint at the likely mistake, pictures written beside the
exercise).  A ``Report`` is an exercise's findings; it passes when every
finding holds and at least one was checked.

Every finding made by ``passed`` or ``failed`` while a ``collecting()`` block
runs is also noted there, so that a check stopped half-way (its time ran
out) still reports what it had found.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NOT_IMPLEMENTED",
    "Finding",
    "Report",
    "collecting",
    "failed",
    "found_so_far",
    "passed",
]

#: The status of an exercise whose stubs still raise NotImplementedError.
NOT_IMPLEMENTED = "not implemented yet"


@dataclass(frozen=True)
class Finding:
    """One thing a check tried: ``ok`` or not, what it says, and what helps."""

    ok: bool
    message: str
    details: tuple[str, ...] = ()
    likely: str = ""  # the usual mistake this looks like, in one sentence
    pictures: tuple[str, ...] = ()  # files written beside the exercise

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON, to travel from the checking process to the one that prints."""
        return {
            "ok": self.ok,
            "message": self.message,
            "details": list(self.details),
            "likely": self.likely,
            "pictures": list(self.pictures),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """The finding ``as_dict`` wrote."""
        return cls(
            bool(d["ok"]),
            str(d["message"]),
            tuple(str(x) for x in d.get("details", ())),
            str(d.get("likely", "")),
            tuple(str(x) for x in d.get("pictures", ())),
        )


#: The findings made so far in each ``collecting()`` block under way (innermost last).
_JOURNALS: list[list[Finding]] = []


def _noted(finding: Finding) -> Finding:
    if _JOURNALS:
        _JOURNALS[-1].append(finding)
    return finding


@contextlib.contextmanager
def collecting() -> Iterator[list[Finding]]:
    """A list that every finding ``passed`` or ``failed`` makes inside the block joins."""
    journal: list[Finding] = []
    _JOURNALS.append(journal)
    try:
        yield journal
    finally:
        _JOURNALS.pop()


def found_so_far(journal: list[Finding]) -> list[Finding]:
    """The findings of a check stopped half-way, as a report shows them: each once, without
    a failed finding that a later one repeats inside its own message (a step's problem
    re-told under the step's title)."""
    kept: list[Finding] = []
    for i, f in enumerate(journal):
        later = journal[i + 1 :]
        if f in kept or (not f.ok and any(f.message in g.message for g in later)):
            continue
        kept.append(f)
    return kept


def passed(message: str, *details: str) -> Finding:
    """A claim that held."""
    return _noted(Finding(True, message, tuple(details)))


def failed(
    message: str, *details: str, likely: str = "", pictures: tuple[str, ...] = ()
) -> Finding:
    """A claim that did not hold, with what to look at (empty details are left out)."""
    return _noted(Finding(False, message, tuple(d for d in details if d), likely, pictures))


@dataclass
class Report:
    """An exercise's findings, or why it could not be checked (``status``)."""

    exercise: str
    findings: list[Finding] = field(default_factory=list)
    status: str = ""  # "" when checked; NOT_IMPLEMENTED, "syntax error", "stopped", "crashed"
    problem: str = ""  # what stopped the check, in one or two lines
    printed: str = ""  # the end of what the learner's code printed, when the check failed

    @property
    def passed(self) -> bool:
        """Every finding held (and the exercise could be checked at all)."""
        return not self.status and bool(self.findings) and all(f.ok for f in self.findings)

    def text(self) -> str:
        """The report as a learner reads it."""
        title = f"exercise {self.exercise}: "
        if self.status and not self.findings:
            lines = [title + f"{self.status}\n  {self.problem}".rstrip()]
        else:
            lines = [title + (self.status or ("passed" if self.passed else "not yet"))]
        for f in self.findings:
            lines.append(f"  {'✓' if f.ok else '✗'} {f.message}")
            if not f.ok:
                lines += [f"      {d}" for d in f.details]
                if f.likely:
                    lines.append(f"      likely: {f.likely}")
                lines += [f"      picture: {p}" for p in f.pictures]
        if self.printed and not self.passed:
            lines.append("  what your code printed (the end of it):")
            lines += [f"    | {line}" for line in self.printed.splitlines()]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {
            "exercise": self.exercise,
            "findings": [f.as_dict() for f in self.findings],
            "status": self.status,
            "problem": self.problem,
            "printed": self.printed,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        """The report ``as_dict`` wrote."""
        findings = [Finding.from_dict(f) for f in d.get("findings", [])]
        return cls(
            str(d["exercise"]),
            findings,
            str(d.get("status", "")),
            str(d.get("problem", "")),
            str(d.get("printed", "")),
        )
