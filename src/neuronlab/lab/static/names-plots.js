// The names page's pictures of the model's insides, drawn from what Python sent in a Frame:
// the characters' embedding as a scatter, each tanh layer's activation histogram, and the
// update:data ratio of every weight matrix over the steps. Scaling to pixels is all they do.
"use strict";
window.NL = window.NL || {};

NL.namesPlots = (function () {
  const svg = NL.dom.svg;
  const element = NL.dom.element;
  const VOWELS = "aeiou";

  /** A picture's SVG, replacing what `box` held (kept when it is already there). */
  function canvas(box, width, height) {
    let root = box.querySelector("svg");
    if (!root) root = svg("svg", { class: "plot", viewBox: `0 0 ${width} ${height}` }, box);
    root.replaceChildren();
    return root;
  }

  function kindOf(ch) {
    if (ch === ".") return "boundary";
    return VOWELS.includes(ch.toLowerCase()) ? "vowel" : /\p{L}/u.test(ch) ? "consonant" : "other";
  }

  /** The bounds of the points, widened a little so the labels fit. */
  function extent(points) {
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const [x, y] of points) {
      x0 = Math.min(x0, x); x1 = Math.max(x1, x);
      y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    const pad = (a, b) => { const m = (b - a) * 0.08 || 1; return [a - m, b + m]; };
    return [...pad(x0, x1), ...pad(y0, y1)];
  }

  /** Each character at its embedding (or its first two principal components). */
  function embedding(box, data) {
    const W = 300, H = 196, L = 26, B = 22;
    const root = canvas(box, W, H);
    const [x0, x1, y0, y1] = extent(data.points);
    const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - 6);
    const sy = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - B - 6);
    svg("rect", { x: L, y: 0, width: W - L, height: H - B, class: "plot-bg" }, root);
    if (x0 < 0 && x1 > 0) svg("line", { x1: sx(0), x2: sx(0), y1: 0, y2: H - B, class: "zero" }, root);
    if (y0 < 0 && y1 > 0) svg("line", { x1: L, x2: W, y1: sy(0), y2: sy(0), class: "zero" }, root);
    const wide = data.dimensions > 2;
    const share = (i) => (wide ? ` (${Math.round(100 * data.shares[i])}% of the variance)` : "");
    svg("text", { x: (L + W) / 2, y: H - 5, class: "axis-label" }, root, (wide ? "principal component 1" : "dimension 1") + share(0));
    svg("text", { x: 11, y: (H - B) / 2, class: "axis-label", transform: `rotate(-90 11 ${(H - B) / 2})` }, root, (wide ? "component 2" : "dimension 2") + share(1));
    [...data.characters].forEach((ch, i) => {
      const [x, y] = data.points[i];
      svg("text", { x: sx(x), y: sy(y) + 4, class: "char " + kindOf(ch) }, root, ch);
    });
  }

  /** One tanh layer's outputs as a histogram over [-1, 1], with its saturated share. */
  function histogram(box, layer) {
    const W = 300, H = 50, B = 13;
    const row = element("div", "histogram", box);
    const head = element("div", "hist-head", row);
    element("span", "hist-name", head, layer.name);
    const saturated = element("span", "hist-sat num" + (layer.saturated > 0.05 ? " high" : ""), head);
    saturated.textContent = "saturated " + NL.format.percent(layer.saturated);
    saturated.title = "the share of outputs beyond ±0.97, where tanh passes almost no gradient back";
    const root = svg("svg", { class: "plot", viewBox: `0 0 ${W} ${H}` }, row);
    const top = Math.max(...layer.counts) || 1;
    const width = W / layer.counts.length;
    layer.counts.forEach((count, i) => {
      const h = (count / top) * (H - B - 2);
      const edge = i < 2 || i >= layer.counts.length - 2; // the bins beyond ±0.9
      svg("rect", { x: i * width + 0.5, y: H - B - h, width: width - 1, height: h, class: edge ? "bar edge" : "bar" }, root);
    });
    for (const [x, text] of [[0, "−1"], [W / 2, "0"], [W, "1"]]) {
      svg("text", { x, y: H - 1, class: "tick" + (x === 0 ? " start" : x === W ? " end" : "") }, root, text);
    }
  }

  function histograms(box, layers) {
    box.replaceChildren();
    if (!layers.length) element("p", "hint", box, "the bigram network has no tanh layer: nothing to saturate");
    for (const layer of layers) histogram(box, layer);
  }

  /** The update:data ratio of each weight matrix (log10) over the steps, with the 1e-3 guide. */
  function ratios(box, data) {
    const W = 300, H = 118, L = 34, B = 16, LOW = -6, HIGH = 0;
    box.replaceChildren();
    const root = svg("svg", { class: "plot", viewBox: `0 0 ${W} ${H}` }, box);
    const steps = data.steps;
    const first = steps.length ? steps[0] : 0;
    const span = steps.length > 1 ? steps[steps.length - 1] - first : 1;
    const sx = (s) => L + ((s - first) / span) * (W - L - 4);
    const sy = (v) => 4 + ((HIGH - Math.max(LOW, Math.min(HIGH, v))) / (HIGH - LOW)) * (H - B - 8);
    svg("rect", { x: L, y: 0, width: W - L, height: H - B, class: "plot-bg" }, root);
    for (let v = LOW; v <= HIGH; v += 2) svg("text", { x: L - 4, y: sy(v) + 3, class: "tick end" }, root, "1e" + v);
    svg("line", { x1: L, x2: W, y1: sy(data.guide), y2: sy(data.guide), class: "guide" }, root);
    svg("text", { x: L + 4, y: sy(data.guide) + 12, class: "tick start guide-label" }, root, "1e-3 guide");
    svg("text", { x: L, y: H - 3, class: "tick start" }, root, "step " + NL.format.whole(first));
    svg("text", { x: W, y: H - 3, class: "tick end" }, root, NL.format.whole(first + (steps.length > 1 ? span : 0)));
    const legend = element("div", "legend", box);
    data.series.forEach((series, k) => {
      const color = NL.colors.css(NL.colors.CLASSES[k % NL.colors.CLASSES.length]);
      const points = [];
      series.values.forEach((v, i) => v !== null && points.push(sx(steps[i]).toFixed(1) + "," + sy(v).toFixed(1)));
      svg("polyline", { points: points.join(" "), class: "ratio-line", stroke: color }, root);
      const chip = element("span", "chip", legend);
      element("i", "swatch-line", chip).style.background = color;
      chip.append(series.name);
    });
  }

  return { embedding, histograms, ratios };
})();
