// The loss chart: the training and test loss of every frame drawn, over the steps.
"use strict";
window.NL = window.NL || {};

NL.chart = (function () {
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 300;
  const HEIGHT = 64;
  const MOST = 400; // points kept per series; older ones are thinned out

  /** A chart in `svg`; options.fromZero false: the y axis spans the losses drawn, not 0 to the top. */
  function create(svg, options) {
    const lines = {};
    for (const name of ["train", "test"]) {
      const path = document.createElementNS(SVG, "polyline");
      path.setAttribute("class", "series " + name);
      path.setAttribute("vector-effect", "non-scaling-stroke");
      svg.appendChild(path);
      lines[name] = path;
    }
    const fromZero = !options || options.fromZero !== false;
    return { svg, lines, rows: [], last: -1, fromZero, bottom: 0, top: 0 };
  }

  function reset(chart) {
    chart.rows = [];
    chart.last = -1;
    draw(chart);
  }

  /** Add a frame's losses (a later step than the last one drawn). */
  function add(chart, step, train, test) {
    if (step <= chart.last) return;
    chart.last = step;
    chart.rows.push([step, train, test]);
    if (chart.rows.length > MOST) chart.rows = chart.rows.filter((_, i) => i % 2 === 0 || i === chart.rows.length - 1);
    draw(chart);
  }

  function finite(x) {
    return typeof x === "number" && isFinite(x);
  }

  function draw(chart) {
    const rows = chart.rows;
    let top = 0;
    let bottom = Infinity;
    for (const [, a, b] of rows) {
      top = Math.max(top, finite(a) ? a : 0, finite(b) ? b : 0);
      for (const v of [a, b]) if (finite(v)) bottom = Math.min(bottom, v);
    }
    bottom = chart.fromZero || bottom === Infinity || bottom >= top ? 0 : bottom;
    chart.top = top;
    chart.bottom = bottom;
    const first = rows.length ? rows[0][0] : 0;
    const span = rows.length > 1 ? rows[rows.length - 1][0] - first : 1;
    ["train", "test"].forEach((name, column) => {
      const points = rows
        .filter((row) => finite(row[column + 1]))
        .map((row) => {
          const x = ((row[0] - first) / (span || 1)) * WIDTH;
          const y = HEIGHT - 2 - ((row[column + 1] - bottom) / (top - bottom || 1)) * (HEIGHT - 4);
          return x.toFixed(1) + "," + y.toFixed(1);
        });
      chart.lines[name].setAttribute("points", points.join(" "));
    });
  }

  return { create, reset, add };
})();
