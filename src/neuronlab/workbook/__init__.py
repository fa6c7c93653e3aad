"""Build it yourself: a workbook of twelve exercises that end in your own micrograd.

``neuronlab workbook start FOLDER`` writes the exercises; ``check`` runs
each one's check on your file in a child process (time and memory limits)
and says exactly what is wrong; ``hint`` gives the next hint.  In a notebook,
``check("05", Value)`` checks a class you wrote in a cell and ``hint("05")``
shows its next hint.

``catalog`` (the exercises), ``templates/`` (the files written for you),
``checks/`` (one module per group of exercises), ``sandbox`` and ``child``
(running your code safely), ``folder`` (the workbook and its progress),
``findings`` (what a check found).
"""

from __future__ import annotations

from typing import Any

from .catalog import EXERCISES, Exercise, exercise, hint_line, hints_done
from .findings import NOT_IMPLEMENTED, Report
from .sandbox import CheckContext, run_check

__all__ = ["check", "hint", "EXERCISES"]

#: How many hints of each exercise ``hint`` has shown in this Python session.
_HINTS_SHOWN: dict[str, int] = {}


def check(number: str, *things: Any, show: bool = True, **named: Any) -> Report:
    """Check exercise ``number`` on classes or functions you wrote in a notebook.

    ``check("05", Value)`` or ``check("08", Neuron, Layer, MLP)``: each thing
    is known by its name, the one the exercise's file gives it; under another
    name, say which it is: ``check("05", Value=MyValue)``.  The check runs in
    this process with the exercise's time limit.  Prints the report
    (``show=False``: only returns it).  Anything that is not a class or
    function, or a name the exercise does not check, is a TypeError or
    ValueError that lists the names it expects.
    """
    e = exercise(number)
    names = _named_things(e, things, named)
    missing = [name for name in e.names if name not in names]
    if missing:
        call = f"check({e.number!r}, {', '.join(e.names)})"
        problem = f"{' and '.join(missing)}: not given ({call})"
        report = Report(e.number, [], NOT_IMPLEMENTED, problem)
    else:
        report = run_check(e, names, CheckContext())
    if show:
        print(report.text())
    return report


def _named_things(e: Exercise, things: tuple[Any, ...], named: dict[str, Any]) -> dict[str, Any]:
    """The learner's things by the names exercise ``e`` checks, each one checked."""
    expected = ", ".join(e.names)
    found: dict[str, Any] = {}
    for name, thing in [(getattr(t, "__name__", None), t) for t in things] + list(named.items()):
        if not callable(thing) or not isinstance(name, str):
            raise TypeError(
                f"check({e.number!r}, ...): expected the classes or functions you wrote "
                f"({expected}), got {type(thing).__name__} {thing!r:.40}"
            )
        if name not in e.names:
            raise ValueError(
                f"check({e.number!r}, ...): exercise {e.number} checks {expected}; got "
                f"{name}: name it as the exercise does, or pass it as "
                f"check({e.number!r}, {e.names[0]}={name})"
            )
        found[name] = thing
    return found


def hint(number: str, which: int | None = None) -> str:
    """Print and return the next hint of exercise ``number`` (``which``: that one, from 1).

    The hints come one at a time, as ``neuronlab workbook hint`` gives them;
    after the last one it says so.  A ``which`` outside 1..(number of hints)
    is a ValueError.
    """
    e = exercise(number)
    count = len(e.hints)
    if which is None:
        which = _HINTS_SHOWN.get(e.number, 0) + 1
        if which > count:
            print(hints_done(e))
            return hints_done(e)
    elif type(which) is not int or not 1 <= which <= count:
        raise ValueError(
            f"hint({e.number!r}, which=...): expected a whole number from 1 to {count}, "
            f"got {which!r}"
        )
    _HINTS_SHOWN[e.number] = max(_HINTS_SHOWN.get(e.number, 0), which)
    text = hint_line(e, which)
    print(text)
    return text
