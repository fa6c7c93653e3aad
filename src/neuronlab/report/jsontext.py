"""Config values as plain JSON: NumPy numbers and arrays, paths, tuples and sets made plain."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["json_text", "jsonable"]


def jsonable(obj: Any, _path: tuple[int, ...] = ()) -> Any:
    """``obj`` as plain JSON types; anything else becomes its ``repr``.

    A non-finite float becomes its text (``"nan"``), a set a sorted list; a
    container that holds itself is a ValueError.
    """
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else str(obj)
    if isinstance(obj, np.generic):
        return jsonable(obj.item())
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if not isinstance(obj, (Mapping, list, tuple, set, frozenset)):
        return repr(obj)
    if id(obj) in _path:
        raise ValueError("the config is not JSON: it contains itself")
    path = (*_path, id(obj))
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v, path) for k, v in obj.items()}
    items = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
    return [jsonable(v, path) for v in items]


def json_text(obj: Any) -> str:
    """``obj`` as indented JSON text (UTF-8 characters kept), ending in a newline."""
    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
