"""One page that shows a learner's graph above neuronlab's, for a gradient that went wrong.

``graphs_page`` makes a self-contained HTML file (both pictures inline, no
script, nothing loaded from elsewhere): what differs, explain()'s chain-rule
lines for it, then the learner's graph and the reference drawn the same way,
the wrong values outlined in red in both.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["graphs_page"]

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px;
       padding: 0 16px; color: #202124; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; }
.what { font-size: 16px; margin: 8px 0; }
.what li { margin: 2px 0; }
pre { background: #f5f5f5; padding: 10px 12px; border-radius: 6px; overflow-x: auto; }
figure { margin: 0; border: 1px solid #dadce0; border-radius: 6px; padding: 8px;
         overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.key { color: #5f6368; }
.red { color: #d93025; font-weight: 600; }
"""


def _inline(svg: str) -> str:
    """SVG text without its XML prolog and doctype, to sit inside HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""


def graphs_page(
    number: str,
    wrong: Sequence[str],
    chain_rule: Sequence[str],
    yours_svg: str,
    reference_svg: str,
) -> str:
    """The HTML page: the wrong gradients (``wrong``, a line each), the chain rule, two graphs."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in wrong)
    rule = "\n".join(html.escape(line) for line in chain_rule)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Exercise {html.escape(number)}: your graph and the reference</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Exercise {html.escape(number)}: where your gradients part from the reference</h1>",
        f'<ul class="what">{items}</ul>',
    ]
    if rule:
        parts += ["<pre>" + rule + "</pre>"]
    parts += [
        '<p class="key">Each box is one Value: its name, <b>data</b> and <b>grad</b>. '
        '<span class="red">Red outlines</span> mark the wrong gradients nearest the output: '
        "the first place, going backward from the output, where your graph and the reference "
        "disagree; between them and the output every gradient agrees.</p>",
        "<h2>Your graph</h2>",
        f"<figure>{_inline(yours_svg)}</figure>",
        "<h2>The reference: neuronlab's Value on the same inputs</h2>",
        f"<figure>{_inline(reference_svg)}</figure>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
