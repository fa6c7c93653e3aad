"""The report's page: one self-contained HTML file, every value escaped, every image inline.

The page embeds its pictures as ``data:`` URIs and its style inline, and its
Content-Security-Policy forbids every fetch: it opens from a USB stick, an
e-mail attachment or a machine without network access, and loads nothing
from anywhere.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..training import History
from ..version import __version__
from .parts import Card, Picture

__all__ = [
    "CSS",
    "PageContent",
    "cards_section",
    "config_section",
    "esc",
    "footer",
    "head",
    "header",
    "pictures_section",
    "render",
]

CSS = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dee8;
        --accent: #2f5fb3; --bg: #f4f6fa; --note: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--bg); }
header { background: var(--ink); color: #fff; padding: 20px 32px 18px; }
header h1 { margin: 0; font-size: 24px; font-weight: 650; }
header p { margin: 6px 0 0; color: #c9d1e3; font-size: 14px; }
nav { margin-top: 10px; font-size: 13px; }
nav a { color: #dfe6f5; margin-right: 14px; text-decoration: none;
        border-bottom: 1px dotted #8d9ab5; }
main { max-width: 1080px; margin: 0 auto; padding: 8px 28px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px;
          padding: 16px 22px 18px; margin: 18px 0; }
h2 { margin: 0 0 12px; font-size: 18px; color: var(--accent); }
h3 { margin: 0 0 4px; font-size: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .name { color: var(--muted); font-size: 13px; font-weight: 600; }
.card .value { font-size: 26px; font-variant-numeric: tabular-nums; margin: 2px 0; }
.card .why { color: var(--muted); font-size: 12.5px; line-height: 1.4; }
.about { margin: 14px 0 0; font-size: 14px; max-width: 90ch; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(400px, 1fr));
           gap: 26px 28px; }
figure { margin: 0; min-width: 0; }
figure.wide { grid-column: 1 / -1; }
figure img { display: block; max-width: 100%; height: auto; margin: 8px 0;
             border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.scroll { max-height: 640px; overflow: auto; border: 1px solid var(--line);
          border-radius: 6px; margin: 8px 0; }
.scroll img { max-width: none; border: none; margin: 0; }
figcaption { color: var(--ink); font-size: 14px; max-width: 80ch; }
figcaption code { color: var(--muted); }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 16px 4px 0; text-align: left;
         vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
            font-size: 13px; }
summary { cursor: pointer; }
summary h2 { display: inline; }
.notes { margin: 0; padding-left: 20px; color: var(--note); }
footer { color: var(--muted); font-size: 12.5px; margin-top: 8px; }
"""


@dataclass(frozen=True)
class PageContent:
    """What the page shows, gathered by ``write_run_report``."""

    name: str
    subtitle: str
    written: str
    cards: list[Card]
    about: str
    pictures: list[Picture]
    notes: list[str]
    config: Mapping[str, Any]
    history: History
    files: list[str]


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


def esc(value: Any) -> str:
    """``value`` as text (numbers formatted), escaped for HTML text and attributes."""
    return html.escape(value if isinstance(value, str) else _fmt(value), quote=True)


def head(name: str, extra_css: str = "") -> list[str]:
    """The page's ``<head>``: no fetch allowed, the title ``neuronlab run: <name>``, the style.

    ``extra_css`` is added after ``CSS``, for a page with parts of its own.
    """
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # Nothing may be fetched: images only from data: URIs, style only inline.
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>neuronlab run: {esc(name)}</title>",
        f"<style>{CSS}{extra_css}</style>",
        "</head>",
    ]


def header(title: str, subtitle: str, links: list[tuple[str, str]]) -> list[str]:
    """The band at the top: ``title``, the line under it, and links (section id, text)."""
    nav = "".join(f'<a href="#{k}">{esc(v)}</a>' for k, v in links)
    return [
        f"<header><h1>{esc(title)}</h1>",
        f"<p>{esc(subtitle)}</p>",
        f"<nav>{nav}</nav></header>",
    ]


def _header(c: PageContent) -> list[str]:
    links = [
        ("results", "Results"),
        ("pictures", "Pictures"),
        ("config", "Settings"),
        ("history", "Epoch by epoch"),
    ]
    written = f"{c.subtitle}written {c.written} by neuronlab {__version__}"
    return header(f"neuronlab run: {c.name}", written, links)


def cards_section(cards: list[Card], about: str) -> list[str]:
    """The results: one card per figure, then ``about`` (what the figures are), if any."""
    out = ['<section id="results"><h2>Results</h2><div class="cards">']
    for card in cards:
        out.append(
            f'<div class="card metric" id="metric-{esc(card.key)}">'
            f'<div class="name">{esc(card.label)}</div>'
            f'<div class="value">{esc(card.value)}</div>'
            + (f'<div class="why">{esc(card.note)}</div>' if card.note else "")
            + "</div>"
        )
    out.append("</div>")
    if about:
        out.append(f'<p class="about" id="about-loss">{esc(about)}</p>')
    out.append("</section>")
    return out


def _figure(pic: Picture) -> str:
    uri = f"data:{pic.mime};base64,{base64.b64encode(pic.data).decode('ascii')}"
    stem = pic.file_name.rpartition(".")[0]
    img = f'<img src="{uri}" alt="{esc(pic.title)}"'
    if pic.width_px is not None:
        img = f'<div class="scroll">{img} style="width: {int(pic.width_px)}px"></div>'
    else:
        img += ">"
    wide = ' class="wide"' if pic.wide else ""
    return (
        f'<figure id="fig-{esc(stem)}"{wide}>'
        f"<h3>{esc(pic.title)}</h3>{img}"
        f"<figcaption>{esc(pic.caption)} <code>{esc(pic.file_name)}</code></figcaption>"
        "</figure>"
    )


def pictures_section(pictures: list[Picture], notes: list[str]) -> list[str]:
    """The pictures, each with its title and caption, then the notes on those not drawn."""
    out = ['<section id="pictures"><h2>Pictures</h2><div class="figures">']
    out.extend(_figure(pic) for pic in pictures)
    out.append("</div>")
    if notes:
        out.append('<ul class="notes">')
        out.extend(f'<li class="note">{esc(note)}</li>' for note in notes)
        out.append("</ul>")
    out.append("</section>")
    return out


def config_section(config: Mapping[str, Any]) -> list[str]:
    """The settings as a table (a setting that is None does not apply and is left out)."""
    rows = [(k, v) for k, v in config.items() if v is not None]  # a None setting does not apply
    out = ['<section id="config"><h2>Settings</h2>']
    if not rows:
        return [*out, "<p>No settings were recorded.</p></section>"]
    out.append("<table>")
    for key, value in rows:
        simple = isinstance(value, (str, int, float, bool))
        text = _fmt(value) if simple else json.dumps(value, ensure_ascii=False)
        out.append(f"<tr><th>{esc(key)}</th><td><code>{esc(text)}</code></td></tr>")
    out.append("</table></section>")
    return out


def _history(history: History) -> list[str]:
    table = history.as_dict()
    columns = [k for k, v in table.items() if any(x is not None for x in v)]
    out = [
        '<section id="history"><details><summary><h2>Epoch by epoch '
        f"({history.epochs} epochs, also in <code>history.csv</code>)</h2></summary>"
        "<table><tr><th>epoch</th>",
        *(f"<th>{esc(c)}</th>" for c in columns),
        "</tr>",
    ]
    for i in range(history.epochs):
        cells = "".join(
            f'<td class="num">{esc(table[c][i] if i < len(table[c]) else None)}</td>'
            for c in columns
        )
        out.append(f'<tr><td class="num">{i + 1}</td>{cells}</tr>')
    out.append("</table></details></section>")
    return out


def footer(files: list[str]) -> str:
    """The last line of the page: the files of the run's folder."""
    names = ", ".join(f"<code>{esc(f)}</code>" for f in files)
    return f"<footer>Files in this folder: {names}</footer>"


def render(c: PageContent) -> str:
    """The whole page as text."""
    body = [
        *_header(c),
        "<main>",
        *cards_section(c.cards, c.about),
        *pictures_section(c.pictures, c.notes),
        *config_section(c.config),
        *_history(c.history),
        footer(c.files),
        "</main>",
    ]
    return "\n".join([*head(c.name), "<body>", *body, "</body>", "</html>", ""])
