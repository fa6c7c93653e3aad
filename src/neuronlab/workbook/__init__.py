"""Build it yourself: seventeen exercises, from a weighted sum to your own micrograd and on through
the makemore language models to every gradient of a BatchNorm MLP by hand.

``neuronlab workbook start FOLDER`` writes the exercises; ``check`` runs
each one's check on your file in a child process (time and memory limits)
and says exactly what is wrong; ``hint`` gives the next hint (``hint NN
--all`` shows again those shown so far).  In a notebook, ``check("05",
Value)`` checks a class you wrote in a cell, ``hint("05")`` shows its next
hint and ``hint("05", "all")`` those shown so far.

``catalog`` (the exercises), ``templates/`` (the files written for you),
``checks/`` (one module per group of exercises), ``sandbox`` and ``child``
(running your code safely), ``folder`` (the workbook and its progress),
``findings`` (what a check found).
"""

from __future__ import annotations

from typing import Any

from ..util.checks import describe
from .catalog import EXERCISES, Exercise, exercise, hint_line, hints_done
from .findings import NOT_IMPLEMENTED, Report
from .sandbox import CheckContext, run_check

__all__ = ["EXERCISES", "check", "hint"]

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
                f"({expected}), got {describe(thing)}"
            )
        if name not in e.names:
            raise ValueError(
                f"check({e.number!r}, ...): exercise {e.number} checks {expected}; got "
                f"{name}: name it as the exercise does, or pass it as "
                f"check({e.number!r}, {e.names[0]}={name})"
            )
        found[name] = thing
    return found


def hint(number: str, which: int | str | None = None) -> str:
    """Print and return the next hint of exercise ``number`` (``which``: that one, from 1;
    ``"all"``: every hint shown so far, to read again).

    The hints come one at a time, as ``neuronlab workbook hint`` gives them;
    after the last one it says so and shows them all again.  A ``which``
    outside 1..(number of hints), other than "all", is a ValueError.
    """
    e = exercise(number)
    count = len(e.hints)
    shown = _HINTS_SHOWN.get(e.number, 0)
    if which == "all":
        lines = [hint_line(e, i) for i in range(1, shown + 1)]
        text = "\n".join(lines) or f"exercise {e.number}: no hint shown yet; hint({e.number!r}) "
        text += "" if lines else "shows the first"
        print(text)
        return text
    if which is None:
        which = shown + 1
        if which > count:
            text = "\n".join(
                [hints_done(e) + "; here they are again:"]
                + [hint_line(e, i) for i in range(1, count + 1)]
            )
            print(text)
            return text
    elif type(which) is not int or not 1 <= which <= count:
        raise ValueError(
            f"hint({e.number!r}, which=...): expected a whole number from 1 to {count}, "
            f"or 'all', got {which!r}"
        )
    _HINTS_SHOWN[e.number] = max(shown, which)
    text = hint_line(e, which)
    print(text)
    return text
