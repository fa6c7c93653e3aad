// The backward step-through: the graph of one point (lab/stepthrough.py's Walk) drawn in SVG.
// "step forward" shows each value as it is computed; "step backward" lights one edge at a time
// in the order backward() visits them, with explain()'s lines for it. A gradient appears on
// its box once its last contribution has arrived -- the numbers are all Python's.
"use strict";
window.NL = window.NL || {};

NL.walk = (function () {

  const svg = NL.dom.svg;

  const element = NL.dom.element;

  /** For each box: the backward step after which its gradient is complete. */
  function finalSteps(walk) {
    const final = {};
    walk.backward.forEach((step, i) => (final[step.input] = i));
    for (const sum of walk.sums) final[sum.node] = Math.max(final[sum.node] || 0, sum.after);
    return final;
  }

  function forwardSteps(walk) {
    const at = {};
    walk.forward.forEach((step, i) => (at[step.node] = i));
    return at;
  }

  function drawEdge(group, from, to) {
    const ax = from.x + from.w / 2;
    const bx = to.x - to.w / 2;
    const mx = (ax + bx) / 2;
    const d = `M${ax},${from.y} C${mx},${from.y} ${mx},${to.y} ${bx},${to.y}`;
    return svg("path", { d, class: "edge", "marker-end": "url(#arrow)" }, group);
  }

  const CHAR_W = 7.3; // viz/layout's measure: one character of a 12 px monospace font
  const PAD = 7; // and the room left and right of a cell's text

  /** Each cell's width, as viz/layout measured them, stretched to the box's width. */
  function cellWidths(cells, width) {
    const sizes = cells.map((c) => c.length * CHAR_W + 2 * PAD);
    const total = sizes.reduce((a, b) => a + b, 0);
    return sizes.map((s) => (s / total) * width);
  }

  function drawBox(group, node) {
    const g = svg("g", { class: "box " + node.kind, "data-node": node.id }, group);
    const left = node.x - node.w / 2;
    const top = node.y - node.h / 2;
    if (node.kind === "op") {
      svg("ellipse", { cx: node.x, cy: node.y, rx: node.w / 2, ry: node.h / 2 }, g);
      svg("text", { x: node.x, y: node.y + 4, class: "cell op" }, g, node.cells[0]);
      return { g, texts: [] };
    }
    svg("rect", { x: left, y: top, width: node.w, height: node.h, rx: 4 }, g);
    let x = left;
    const texts = cellWidths(node.cells, node.w).map((w, i) => {
      if (i > 0) svg("line", { x1: x, y1: top, x2: x, y2: top + node.h, class: "divider" }, g);
      const kind = node.cells[i].startsWith("grad") ? "grad" : node.cells[i].startsWith("data") ? "data" : "name";
      const text = svg("text", { x: x + w / 2, y: node.y + 4, class: "cell " + kind }, g, node.cells[i]);
      x += w;
      return { text, kind, full: node.cells[i] };
    });
    return { g, texts };
  }

  function defs(root) {
    const d = svg("defs", {}, root);
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" }, d);
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }, marker);
  }

  function drawGraph(view, walk) {
    const root = svg("svg", { viewBox: `0 0 ${walk.width + 10} ${walk.height + 10}`, class: "walk-graph" }, view.graphBox);
    const fit = Math.max(0.85, Math.min(1.1, (view.graphBox.clientWidth - 8) / (walk.width + 10)));
    root.setAttribute("width", (walk.width + 10) * fit);
    root.setAttribute("height", (walk.height + 10) * fit);
    defs(root);
    const byId = Object.fromEntries(walk.nodes.map((n) => [n.id, n]));
    const edges = svg("g", { class: "edges" }, root);
    view.edges = walk.edges.map(([a, b]) => ({ a, b, path: drawEdge(edges, byId[a], byId[b]) }));
    const boxes = svg("g", { class: "boxes" }, root);
    view.boxes = Object.fromEntries(walk.nodes.map((n) => [n.id, drawBox(boxes, n)]));
  }

  function controls(view) {
    const bar = element("div", "walk-bar", view.el);
    const make = (label, title, action) => {
      const b = element("button", "small", bar, label);
      b.title = title;
      b.addEventListener("click", action);
      return b;
    };
    view.buttons = {
      forward: make("step forward ▸", "compute the next value", () => stepForward(view)),
      backward: make("◂ step backward", "the next edge of backward()", () => stepBackward(view)),
      end: make("to the end", "every remaining edge of backward()", () => toTheEnd(view)),
      restart: make("start over", "back to before the forward pass", () => restart(view)),
    };
    view.position = element("span", "walk-position", bar);
    view.stale = element("button", "link walk-refresh", bar, "");
    view.stale.addEventListener("click", () => view.refresh());
  }

  /** Draw a Walk into `el`; `refresh` asks for it again (after training moved the weights). */
  function render(el, walk, step, refresh) {
    el.replaceChildren();
    const view = { el, walk, refresh, forward: -1, backward: -1, step };
    controls(view);
    const body = element("div", "walk-body", el);
    view.graphBox = element("div", "walk-graph-box", body);
    view.lines = element("div", "walk-lines", body);
    view.final = finalSteps(walk);
    view.computed = forwardSteps(walk);
    drawGraph(view, walk);
    show(view);
    el.walkView = view;
    return view;
  }

  function stepForward(view) {
    if (view.backward >= 0 || view.forward >= view.walk.forward.length - 1) return;
    view.forward += 1;
    show(view);
  }

  function stepBackward(view) {
    if (view.backward >= view.walk.backward.length - 1) return;
    view.forward = view.walk.forward.length - 1; // backward starts after the whole forward pass
    view.backward += 1;
    show(view);
  }

  function toTheEnd(view) {
    view.forward = view.walk.forward.length - 1;
    view.backward = view.walk.backward.length - 1;
    show(view);
  }

  function restart(view) {
    view.forward = -1;
    view.backward = -1;
    show(view);
  }

  /** The box of the value backward starts from (its gradient is 1 from the start). */
  function rootId(view) {
    const root = view.walk.nodes.find((n) => n.kind === "root");
    if (root) return root.id;
    return view.walk.backward.length ? view.walk.backward[0].out : null;
  }

  function cellShown(view, id, kind) {
    if (kind === "data") return !(id in view.computed) || view.computed[id] <= view.forward;
    if (kind !== "grad") return true;
    if (id === rootId(view)) return view.backward >= 0 || view.forward === view.walk.forward.length - 1;
    return id in view.final && view.final[id] <= view.backward;
  }

  function showBoxes(view) {
    for (const [id, box] of Object.entries(view.boxes)) {
      for (const t of box.texts) {
        const shown = cellShown(view, id, t.kind);
        t.text.textContent = shown ? t.full : t.kind + " ?";
        t.text.classList.toggle("hidden-value", !shown);
      }
      box.g.classList.remove("lit", "lit-out");
    }
  }

  /** The edges of step `s`: input → out, or input → its op → out. */
  function litEdges(view, s) {
    const direct = view.edges.filter((e) => e.a === s.input && e.b === s.out);
    const ops = new Set(view.edges.filter((e) => e.b === s.out).map((e) => e.a));
    const first = view.edges.filter((e) => e.a === s.input && ops.has(e.b));
    const via = new Set(first.map((e) => e.b));
    const second = view.edges.filter((e) => via.has(e.a) && e.b === s.out);
    return [...direct, ...first, ...second];
  }

  function showBackwardStep(view) {
    const s = view.walk.backward[view.backward];
    for (const e of litEdges(view, s)) e.path.classList.add("lit");
    view.boxes[s.input].g.classList.add("lit");
    view.boxes[s.out].g.classList.add("lit-out");
    reveal(view.boxes[s.input].g);
    const sums = view.walk.sums.filter((x) => x.after === view.backward).map((x) => x.line);
    const where = s.out === s.input ? `inside ${nameOf(view, s.out)}'s box` : `from ${nameOf(view, s.out)} back to ${nameOf(view, s.input)}`;
    const title = `backward, edge ${view.backward + 1} of ${view.walk.backward.length}: ${where}`;
    writeLines(view, title, [...s.lines, ...sums], s);
  }

  /** Scroll the graph (not the page) so that a box is in view. */
  function reveal(box) {
    const frame = box.closest(".walk-graph-box");
    const r = box.getBoundingClientRect();
    const f = frame.getBoundingClientRect();
    if (r.left < f.left || r.right > f.right) frame.scrollLeft += r.left - f.left - (f.width - r.width) / 2;
    if (r.top < f.top || r.bottom > f.bottom) frame.scrollTop += r.top - f.top - (f.height - r.height) / 2;
  }

  function nameOf(view, id) {
    const node = view.walk.nodes.find((n) => n.id === id);
    return node ? node.cells[0] : id;
  }

  function showForwardStep(view) {
    const f = view.walk.forward[view.forward];
    view.boxes[f.node].g.classList.add("lit");
    reveal(view.boxes[f.node].g);
    writeLines(view, `forward, value ${view.forward + 1} of ${view.walk.forward.length}: ${nameOf(view, f.node)}`, f.lines, null);
  }

  function writeLines(view, title, lines, step) {
    view.lines.replaceChildren();
    element("div", "walk-title", view.lines, title);
    element("pre", "walk-text", view.lines, lines.join("\n"));
    if (!step) return;
    const parts = element("div", "walk-product", view.lines);
    for (const [label, value] of [["local derivative", step.local], ["× upstream", step.upstream], ["= contribution", step.contribution]]) {
      const box = element("span", "", parts);
      element("span", "label", box, label + " ");
      element("span", "num", box, NL.format.number(value)).dataset.value = String(value);
    }
  }

  function show(view) {
    showBoxes(view);
    for (const e of view.edges) e.path.classList.remove("lit");
    if (view.backward >= 0) showBackwardStep(view);
    else if (view.forward >= 0) showForwardStep(view);
    else writeLines(view, "the graph of this point, before the forward pass", ["step forward: each value as it is computed", "step backward: each edge of backward(), from the root to the leaves"], null);
    const f = view.walk.forward.length;
    const b = view.walk.backward.length;
    view.position.textContent = `forward ${view.forward + 1}/${f} · backward ${view.backward + 1}/${b}`;
    view.buttons.forward.disabled = view.backward >= 0 || view.forward >= f - 1;
    view.buttons.backward.disabled = view.backward >= b - 1;
    view.buttons.end.disabled = view.backward >= b - 1;
  }

  /** Say the graph is of an earlier step (training moved on); its button fetches it again. */
  function markStale(el, step) {
    const view = el.walkView;
    if (!view) return;
    view.stale.textContent = step !== view.step ? `↻ redraw at step ${NL.format.whole(step)}` : "";
    view.stale.title = `the graph is of the weights after step ${view.step}`;
  }

  return { render, markStale };
})();
