// How the page writes the numbers Python sent: short, and the same way everywhere.
"use strict";
window.NL = window.NL || {};

NL.format = (function () {
  /** A number with `digits` significant digits (4 unless told): 0.7071, -1.5, 3.2e+04; "—" for none. */
  function number(x, digits) {
    if (x === null || x === undefined || !isFinite(x)) return x === null || x === undefined ? "—" : String(x);
    if (x === 0) return "0";
    const size = Math.abs(x);
    if (size >= 1e5 || size < 1e-4) return x.toExponential((digits || 4) - 1);
    return String(Number(x.toPrecision(digits || 4)));
  }

  /** A loss as the figures show it: three decimals, or significant digits when small. */
  function loss(x) {
    if (x === null || x === undefined) return "—";
    return Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(3) : number(x, 3);
  }

  function percent(x) {
    return x === null || x === undefined ? "" : (100 * x).toFixed(1) + "%";
  }

  /** Thousands with commas: 12,345. */
  function whole(x) {
    return Math.floor(x).toLocaleString("en-US");
  }

  return { number, loss, percent, whole };
})();
