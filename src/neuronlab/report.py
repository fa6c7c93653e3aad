"""Run reports: one folder per training run, with a page that shows it all.

``write_run_report(out_dir, config=..., history=..., model=..., X=..., y=...)``
writes::

    config.json            the run's settings
    metrics.json           the final figures (loss, accuracy, epochs, ...)
    history.csv            one row per epoch (History.to_csv)
    loss.png               the loss curve (and accuracy, when classifying)
    decision_boundary.png  2-D classification data only
    regression.png         regression data only: predicted against actual
    neuron_graph.svg       one neuron of the model on the first example, with its gradients
    index.html             a single page showing all of the above, needing nothing else

Every file is written atomically (a temporary file in the same folder, then a
rename), so an interrupted run never leaves half a file.  The page embeds its
pictures as ``data:`` URIs and its style inline: it opens from a USB stick, an
e-mail attachment or a machine without network access, and loads nothing from
anywhere.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .engine import Value, dot
from .nn import MLP, Layer, Module, Neuron
from .nn.activations import activate
from .training import History
from .util.files import write_atomic
from .version import __version__

__all__ = ["write_run_report", "default_run_dir", "first_neuron_graph", "REPORT_FILES"]

#: The files a report folder can hold, in the order the page shows them.
REPORT_FILES = (
    "config.json",
    "metrics.json",
    "history.csv",
    "loss.png",
    "decision_boundary.png",
    "regression.png",
    "neuron_graph.svg",
    "index.html",
)

_UNFUSED_UP_TO = 6  # a neuron with more inputs is drawn with one dot node instead of 2n nodes


# -- the folder -------------------------------------------------------------------


def default_run_dir(
    name: str = "run",
    root: str | os.PathLike[str] = "runs",
    *,
    now: _dt.datetime | None = None,
) -> Path:
    """Create and return a fresh folder ``<root>/<name>-<YYYYmmdd-HHMMSS>/``.

    If that folder already exists (two runs in the same second), ``-2``,
    ``-3``, ... is appended: a run never writes into another run's folder.
    Characters other than letters, digits, ``.``, ``_`` and ``-`` in ``name``
    (and ``..``) become ``-``, so the folder always lands inside ``root``.
    """
    if not isinstance(name, str):
        raise TypeError(f"default_run_dir(name): expected a str, got {type(name).__name__}")
    safe = re.sub(r"[^A-Za-z0-9._-]+|\.{2,}", "-", name)
    safe = re.sub(r"-{2,}", "-", safe).strip(".-") or "run"
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{safe}-{stamp}"
    Path(root).mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 10_000):
        folder = base if attempt == 1 else base.with_name(f"{base.name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"default_run_dir: too many runs named {base.name} in {root}")


# -- one neuron's graph -------------------------------------------------------------


def _first_neuron(model: Any) -> Neuron | None:
    if isinstance(model, Neuron):
        return model
    if isinstance(model, Layer):
        return model.neurons[0]
    if isinstance(model, MLP):
        return model.layers[0].neurons[0]
    return None


def first_neuron_graph(model: Module, x: Any) -> Value | None:
    """The first neuron of ``model`` computing its output on input ``x``, backpropagated.

    Builds the neuron's computation afresh from labelled copies of its numbers
    — inputs ``x1, x2, ...``, weights ``w1, w2, ...``, bias ``b``, weighted sum
    ``n``, output ``o`` — and calls ``o.backward()``, so every node holds
    d(o)/d(node).  The model's own parameters are only read, never changed.
    Up to 6 inputs each product ``x_i*w_i`` is its own node; beyond that the
    weighted sum is one ``dot`` node.  Returns ``None`` for a model that is not a
    scalar ``Neuron``, ``Layer`` or ``MLP`` (nothing to draw).
    """
    neuron = _first_neuron(model)
    if neuron is None:
        return None
    values = np.asarray(x, dtype=np.float64).ravel()
    if values.size != neuron.nin:
        raise ValueError(
            f"first_neuron_graph: the neuron takes {neuron.nin} inputs, got {values.size}"
        )
    xs = [Value(float(v), label=f"x{i + 1}") for i, v in enumerate(values)]
    ws = [Value(w.data, label=f"w{i + 1}") for i, w in enumerate(neuron.w)]
    b = Value(neuron.b.data, label="b")
    if neuron.nin <= _UNFUSED_UP_TO:  # micrograd's picture: x1*w1 + x2*w2 + ... + b
        terms = []
        for i, (xi, wi) in enumerate(zip(xs, ws)):
            product = xi * wi
            product.label = f"x{i + 1}*w{i + 1}"
            terms.append(product)
        n = terms[0]
        for term in terms[1:]:
            label = f"{n.label} + {term.label}"
            n = n + term
            if neuron.nin <= 3:
                n.label = label
        n = n + b
    else:
        n = dot(ws, xs, b)
    n.label = "n"
    o = activate(n, neuron.activation)
    if o is n:  # a linear neuron: its output is the weighted sum itself
        o = n * 1.0
    o.label = "o"
    o.backward()
    return o


# -- JSON ---------------------------------------------------------------------------


def _jsonable(obj: Any, _path: tuple[int, ...] = ()) -> Any:
    """Plain JSON types from config values: NumPy numbers and arrays, paths, tuples.

    Anything else becomes its ``repr``; a container that holds itself is a ValueError.
    """
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else str(obj)
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if not isinstance(obj, (Mapping, list, tuple, set, frozenset)):
        return repr(obj)
    if id(obj) in _path:
        raise ValueError("the config is not JSON: it contains itself")
    path = (*_path, id(obj))
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v, path) for k, v in obj.items()}
    items = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
    return [_jsonable(v, path) for v in items]


def _json_text(obj: Any) -> str:
    return json.dumps(_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# -- helpers ------------------------------------------------------------------------


def _is_regression(y: np.ndarray) -> bool:
    """Targets that are not a handful of whole numbers are treated as regression."""
    values = np.unique(y)
    return not (np.all(np.equal(np.mod(values, 1), 0)) and len(values) <= 20)


def _threshold_for(config: Mapping[str, Any], y: np.ndarray) -> float | None:
    loss = config.get("loss")
    if loss == "hinge":
        return 0.0
    if loss in ("bce", "binary_cross_entropy"):
        return 0.5
    if loss == "mse":
        return 0.5 if np.isin(y, (0, 1)).all() else 0.0
    return None


def _save_graph(graph: Any, path: Path) -> None:
    """``graph.save(path)`` (atomic: it writes a temporary file and renames it), checked."""
    graph.save(path)
    if not path.stat().st_size:
        raise RuntimeError("the graph drawing came out empty")


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return str(value)


def _esc(value: Any) -> str:
    return html.escape(_fmt(value) if not isinstance(value, str) else value, quote=True)


_MIME = {".png": "image/png", ".svg": "image/svg+xml"}

_CSS = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dee8;
        --accent: #2f5fb3; --bg: #f6f7fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--bg); }
header { background: var(--ink); color: #fff; padding: 18px 28px; }
header h1 { margin: 0; font-size: 22px; }
header p { margin: 4px 0 0; color: #c9d1e3; font-size: 13px; }
main { max-width: 1100px; margin: 0 auto; padding: 18px 28px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px;
          padding: 14px 20px; margin: 16px 0; }
h2 { margin: 0 0 10px; font-size: 17px; color: var(--accent); }
.metrics { display: flex; flex-wrap: wrap; gap: 12px; }
.metric { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.metric .name { color: var(--muted); font-size: 12px; }
.metric .value { font-size: 22px; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 18px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px;
             background: #fff; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 12px 3px 0; text-align: left; }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
            font-size: 13px; }
.note { color: #8a5a00; }
footer { color: var(--muted); font-size: 12px; }
"""


def _page(
    *,
    name: str,
    written: str,
    metrics: dict[str, Any],
    figures: list[tuple[str, str, bytes, str]],
    notes: list[str],
    config: dict[str, Any],
    history: History,
    files: list[str],
) -> str:
    """The self-contained HTML page: every value escaped, every image a data: URI."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # Nothing may be fetched: images only from data: URIs, style only inline.
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>neuronlab run: {_esc(name)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>neuronlab run: {_esc(name)}</h1>",
        f"<p>written {_esc(written)} by neuronlab {_esc(__version__)}</p></header>",
        "<main>",
        '<section id="metrics"><h2>Final metrics</h2><div class="metrics">',
    ]
    for key, value in metrics.items():
        shown = value
        if key.endswith("accuracy") and isinstance(value, float):
            shown = f"{value:.1%}"
        out.append(
            f'<div class="metric" id="metric-{_esc(key)}"><div class="name">{_esc(key)}</div>'
            f'<div class="value">{_esc(shown)}</div></div>'
        )
    out.append("</div></section>")

    out.append('<section id="figures"><h2>Pictures</h2>')
    for file_name, caption, data, mime in figures:
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        out.append(
            f'<figure id="fig-{_esc(Path(file_name).stem)}"><img src="{uri}" '
            f'alt="{_esc(caption)}"><figcaption>{_esc(caption)} '
            f"(<code>{_esc(file_name)}</code>)</figcaption></figure>"
        )
    for note in notes:
        out.append(f'<p class="note">{_esc(note)}</p>')
    out.append("</section>")

    out.append('<section id="config"><h2>Configuration</h2><table>')
    for key, value in config.items():
        simple = value is None or isinstance(value, (str, int, float, bool))
        text = _fmt(value) if simple else json.dumps(value, ensure_ascii=False)
        out.append(f"<tr><th>{_esc(key)}</th><td><code>{_esc(text)}</code></td></tr>")
    out.append("</table></section>")

    columns = [k for k, v in history.as_dict().items() if any(x is not None for x in v)]
    out.append(
        f'<section id="history"><details><summary><h2 style="display:inline">History '
        f"({history.epochs} epochs)</h2></summary><table><tr><th>epoch</th>"
    )
    out.extend(f"<th>{_esc(c)}</th>" for c in columns)
    out.append("</tr>")
    table = history.as_dict()
    for i in range(history.epochs):
        cells = "".join(f'<td class="num">{_esc(table[c][i])}</td>' for c in columns)
        out.append(f'<tr><td class="num">{i + 1}</td>{cells}</tr>')
    out.append("</table></details></section>")

    out.append(
        "<footer>Files in this folder: "
        + ", ".join(f"<code>{_esc(f)}</code>" for f in files)
        + "</footer>"
    )
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


# -- the report ---------------------------------------------------------------------


def write_run_report(
    out_dir: str | os.PathLike[str] | None,
    *,
    config: Mapping[str, Any],
    history: History,
    model: Module | None = None,
    X: Any = None,
    y: Any = None,
    name: str = "run",
    metrics: Mapping[str, Any] | None = None,
    threshold: float | None = None,
    resolution: int = 60,
) -> Path:
    """Write the report of one training run into ``out_dir`` and return that folder.

    ``out_dir=None`` makes a fresh ``runs/<name>-<YYYYmmdd-HHMMSS>/``
    (see ``default_run_dir``); an existing folder is written into (files of
    the same names are replaced).  ``config`` is saved as JSON and shown on
    the page; ``history`` gives the CSV, the loss curve and the final metrics;
    ``metrics`` adds figures of your own (e.g. an RMSE in original units).
    With ``model``, ``X`` and ``y`` (the data the model reads), the report also
    draws the decision boundary (2-D classification; ``threshold`` and
    ``resolution`` as in ``plot_decision_boundary``, the threshold guessed
    from ``config["loss"]`` when not given) or predicted-against-actual
    (regression), and the graph of the model's first neuron on the first example
    of X that makes it active (a ReLU at 0 would show only zero gradients).
    Open ``<folder>/index.html`` in a browser to see it all.
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"write_run_report(config): expected a dict, got {type(config).__name__}")
    if not isinstance(history, History):
        raise TypeError(
            f"write_run_report(history): expected a neuronlab History, got {type(history).__name__}"
        )
    if metrics is not None and not isinstance(metrics, Mapping):
        raise TypeError(f"write_run_report(metrics): expected a dict, got {type(metrics).__name__}")
    if model is not None and not isinstance(model, Module):
        raise TypeError(
            f"write_run_report(model): expected a neuronlab Module, got {type(model).__name__}"
        )
    if not isinstance(name, str):
        raise TypeError(f"write_run_report(name): expected a str, got {type(name).__name__}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise TypeError(f"write_run_report(resolution): expected an int, got {resolution!r}")
    if (X is None) != (y is None):
        raise ValueError("write_run_report: give both X and y, or neither")
    if X is not None:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2 or len(X) == 0:
            raise ValueError(f"write_run_report(X): expected shape (n, features), got {X.shape}")
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.shape != (len(X),):
            raise ValueError(
                f"write_run_report(y): expected {len(X)} targets (one per row of X), "
                f"got shape {y.shape}"
            )
        if not (np.isfinite(X).all() and np.isfinite(y).all()):
            raise ValueError("write_run_report: X and y must be finite numbers (no NaN or inf)")
    config_json = _json_text(config)  # fails here, before any file is written, if it cannot

    folder = default_run_dir(name) if out_dir is None else Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)

    final: dict[str, Any] = {"epochs": history.epochs}
    final.update({k: v for k, v in history.final().items() if v is not None})
    if metrics:
        final.update({str(k): v for k, v in metrics.items()})

    write_atomic(folder / "config.json", config_json)
    write_atomic(folder / "metrics.json", _json_text(final))
    history.to_csv(folder / "history.csv")
    files = ["config.json", "metrics.json", "history.csv"]
    figures: list[tuple[str, str, bytes, str]] = []
    notes: list[str] = []

    def add_figure(file_name: str, caption: str, draw: Any) -> None:
        path = folder / file_name
        try:
            draw(path)
        except ImportError as e:
            notes.append(f"{caption}: not drawn ({e})")
            return
        files.append(file_name)
        figures.append((file_name, caption, path.read_bytes(), _MIME[path.suffix]))

    from .viz import plots

    if history.epochs:
        add_figure("loss.png", "Loss per epoch", lambda p: plots.plot_loss(history, p, title=name))
    if model is not None and X is not None:
        if _is_regression(y):
            add_figure(
                "regression.png",
                "Regression: target against the first feature, and predicted against actual",
                lambda p: plots.plot_regression(model, X, y, p),
            )
        elif X.shape[1] == 2:
            cut = threshold if threshold is not None else _threshold_for(config, y)
            add_figure(
                "decision_boundary.png",
                "Decision boundary with the training points",
                lambda p: plots.plot_decision_boundary(
                    model, X, y, p, threshold=cut, resolution=resolution
                ),
            )
        else:
            notes.append(
                f"No decision boundary: the data has {X.shape[1]} features (it needs 2 to draw)."
            )
        _add_neuron_graph(folder, model, X, files, figures, notes)

    written = _dt.datetime.now().isoformat(timespec="seconds")
    files.append("index.html")
    page = _page(
        name=name,
        written=written,
        metrics=final,
        figures=figures,
        notes=notes,
        config=dict(_jsonable(config)),
        history=history,
        files=files,
    )
    write_atomic(folder / "index.html", page)
    return folder


def _add_neuron_graph(
    folder: Path,
    model: Module,
    X: np.ndarray,
    files: list[str],
    figures: list[tuple[str, str, bytes, str]],
    notes: list[str],
) -> None:
    """Draw the first neuron on one example into neuron_graph.svg, or say on the page why not."""
    neuron = _first_neuron(model)
    if neuron is None:
        notes.append(f"No neuron graph: {type(model).__name__} has no scalar neuron to draw.")
        return
    # The first example on which the neuron is active: a ReLU that outputs 0 passes back
    # gradient 0 to everything, which would make a picture of zeros.
    weighted = X @ np.array([w.data for w in neuron.w]) + neuron.b.data
    active = np.flatnonzero(weighted > 0) if neuron.activation in ("relu", "step") else []
    i = int(active[0]) if len(active) else 0
    caption = (
        f"The first neuron of the model on training example {i + 1}: "
        "each node's data and its gradient d(o)/d(node)"
    )
    o = first_neuron_graph(model, X[i])
    if o is None:
        notes.append(f"No neuron graph: {type(model).__name__} has no scalar neuron to draw.")
        return
    try:
        from .viz.graph import draw_graph

        graph = draw_graph(o, rankdir="LR")
        _save_graph(graph, folder / "neuron_graph.svg")
    except Exception as e:  # a picture must not lose the rest of the report
        notes.append(f"No neuron graph: {type(e).__name__}: {e}")
        return
    files.append("neuron_graph.svg")
    figures.append(
        ("neuron_graph.svg", caption, (folder / "neuron_graph.svg").read_bytes(), _MIME[".svg"])
    )
