"""A registry: the one list of the names of one kind of thing, each with what it builds.

Each layer that defines a kind of thing keeps its registry beside it:
activations in ``nn.activations``, initialisations in ``nn.init``, losses in
``losses``, optimisers and schedules in ``optim``, datasets in ``data``.  Every
front end (the command line's choices and help, the lab's menus, the exported
scripts, the model files) reads the names from there, so a new entry appears
everywhere at once and no list can disagree with another.

>>> colours = Registry("colour", [Entry("red", 0xF00, "the colour of stop")])
>>> colours.names, colours["red"].builds
(('red',), 3840)
>>> colours.check("blue")
Traceback (most recent call last):
...
neuronlab.util.registry.UnknownName: unknown colour 'blue'; expected one of red
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["Entry", "Registry", "UnknownName", "unknown_name"]


@dataclass(frozen=True)
class Entry:
    """One registered name: ``builds`` is what it makes (a class or a function), ``summary``
    says in one line what it is, and ``title`` is how a menu shows it (the name if empty)."""

    name: str
    builds: Any
    summary: str
    title: str = ""

    @property
    def label(self) -> str:
        """How a menu shows this entry: its title, or its name."""
        return self.title or self.name


E = TypeVar("E", bound=Entry)


class UnknownName(ValueError, KeyError):
    """A name that is not in a registry: a ValueError (and a KeyError, as a mapping's is)."""

    def __str__(self) -> str:  # KeyError would quote the message; say it plainly
        return str(self.args[0]) if self.args else ""


def unknown_name(
    kind: str, name: object, choices: Iterable[str], where: str | None = None
) -> UnknownName:
    """The one message for a name a registry does not have: what came, and every name it has.

    ``where`` names the caller's argument (``"Linear(init)"``) when there is one.
    """
    listed = ", ".join(choices)
    start = f"{where}: " if where else ""
    return UnknownName(f"{start}unknown {kind} {name!r:.60}; expected one of {listed}")


class Registry(Mapping[str, E], Generic[E]):
    """The entries of one kind of thing, in the order menus list them, read as a mapping.

    ``aliases`` are other spellings a user may type (``"ce"`` for
    ``"cross_entropy"``); they resolve to an entry but are not listed as entries.
    """

    def __init__(self, kind: str, entries: Iterable[E], aliases: Mapping[str, str] | None = None):
        self.kind = kind
        self._entries: dict[str, E] = {}
        for entry in entries:
            if entry.name in self._entries:
                raise ValueError(f"{kind} registry: {entry.name!r} is registered twice")
            self._entries[entry.name] = entry
        self.aliases: dict[str, str] = dict(aliases or {})
        for alias, name in self.aliases.items():
            if name not in self._entries or alias in self._entries:
                raise ValueError(f"{kind} registry: alias {alias!r} -> {name!r} does not fit")

    def __getitem__(self, name: str) -> E:
        return self._entries[self.check(name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._entries

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._entries)})"

    @property
    def names(self) -> tuple[str, ...]:
        """The registered names, in order."""
        return tuple(self._entries)

    @property
    def choices(self) -> tuple[str, ...]:
        """Every spelling accepted: the names, then the aliases."""
        return (*self._entries, *self.aliases)

    def check(self, name: object, where: str | None = None) -> str:
        """The registered name ``name`` stands for (an alias resolved); an UnknownName if none.

        ``where`` names the caller's argument in the message (``"Linear(init)"``).
        """
        if isinstance(name, str):
            if name in self._entries:
                return name
            if name in self.aliases:
                return self.aliases[name]
        raise unknown_name(self.kind, name, self.choices, where)

    def build(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """What the entry ``name`` builds, called with ``args`` and ``kwargs``."""
        return self[name].builds(*args, **kwargs)

    def help_text(self) -> str:
        """Each entry as ``name: summary``, joined by " | " (for a command's --help)."""
        return " | ".join(f"{e.name}: {e.summary}" for e in self._entries.values())

    def menu(self) -> list[dict[str, str]]:
        """The entries as a page's menu reads them: name, title and summary, in order."""
        return [
            {"name": e.name, "title": e.label, "summary": e.summary} for e in self._entries.values()
        ]
