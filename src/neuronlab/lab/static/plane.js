// The plane [-6, 6]²: the output heatmap, the data points on it, and clicks on it.
"use strict";
window.NL = window.NL || {};

NL.plane = (function () {
  const TICKS = [-6, -3, 0, 3, 6];

  const element = NL.dom.element;

  function axes(el, domain) {
    const bottom = element("div", "axis bottom", el);
    const left = element("div", "axis left", el);
    for (const t of TICKS) {
      const at = ((t + domain) / (2 * domain)) * 100;
      const x = element("span", "tick", bottom);
      x.textContent = String(t);
      x.style.left = at + "%";
      const y = element("span", "tick", left);
      y.textContent = String(t);
      y.style.top = 100 - at + "%";
    }
    element("span", "axis-name x", el).textContent = "x₁";
    element("span", "axis-name y", el).textContent = "x₂";
  }

  /** The plane inside `el`; onClick(x1, x2, event) gets the place clicked. */
  function create(el, onClick) {
    const box = element("div", "plane-box", el);
    const heat = element("canvas", "heat", box);
    const dots = element("canvas", "dots", box);
    const plane = { el, box, heat, dots, domain: 6, points: [], style: null };
    axes(el, plane.domain);
    box.addEventListener("click", (event) => {
      const [x1, x2] = place(plane, event);
      onClick(x1, x2, event);
    });
    return plane;
  }

  /** The point of the plane under the mouse, to two decimals. */
  function place(plane, event) {
    const r = plane.box.getBoundingClientRect();
    const d = plane.domain;
    const x1 = -d + (2 * d * (event.clientX - r.left)) / r.width;
    const x2 = d - (2 * d * (event.clientY - r.top)) / r.height;
    const clip = (v) => Math.max(-d, Math.min(d, Math.round(v * 100) / 100));
    return [clip(x1), clip(x2)];
  }

  function paint(plane, map, classes, discrete) {
    NL.heatmap.paintOutput(plane.heat, map, classes, discrete);
  }

  function pointColor(style, label) {
    if (style.task === "classification") return NL.colors.css(NL.colors.classColor(label, 1));
    const top = Math.max(Math.abs(style.range[0]), Math.abs(style.range[1])) || 1;
    return NL.colors.css(NL.colors.signed(label / top));
  }

  function dot(context, x, y, radius, fill, stroke, width) {
    context.beginPath();
    context.arc(x, y, radius, 0, 2 * Math.PI);
    context.fillStyle = fill;
    context.fill();
    context.lineWidth = width;
    context.strokeStyle = stroke;
    context.stroke();
  }

  /** The points [x1, x2, label, "train" | "test"]; style: task, range, showTest, selected. */
  function drawPoints(plane, points, style) {
    plane.points = points;
    plane.style = style;
    const ratio = window.devicePixelRatio || 1;
    const size = plane.box.clientWidth;
    plane.dots.width = plane.dots.height = Math.round(size * ratio);
    const context = plane.dots.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const scale = size / (2 * plane.domain);
    const radius = points.length > 2000 ? 1.8 : points.length > 600 ? 2.4 : 2.9;
    points.forEach(([x1, x2, label, part], i) => {
      if (part === "test" && !style.showTest) return;
      const x = (x1 + plane.domain) * scale;
      const y = (plane.domain - x2) * scale;
      const test = part === "test";
      const edge = test ? "rgba(29,35,48,.85)" : style.task === "classification" ? "#fff" : "rgba(29,35,48,.3)";
      dot(context, x, y, radius, pointColor(style, label), edge, 1);
      if (i === style.selected) dot(context, x, y, radius + 4, "rgba(0,0,0,0)", "#1d2330", 2);
    });
  }

  /** The index of the shown point nearest (x1, x2), within `radius`; -1 when there is none. */
  function nearest(plane, x1, x2, radius) {
    let best = -1;
    let bestDistance = radius * radius;
    plane.points.forEach(([a, b, , part], i) => {
      if (part === "test" && !plane.style.showTest) return;
      const d = (a - x1) * (a - x1) + (b - x2) * (b - x2);
      if (d <= bestDistance) {
        best = i;
        bestDistance = d;
      }
    });
    return best;
  }

  return { create, paint, drawPoints, nearest };
})();
